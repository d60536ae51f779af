/**
 * @module services/reactions
 * Emoji reactions to posts, as Mattermost has them: `reactionAdder` and
 * `reactionRemover` check the caller (only for themselves), the post (one 404
 * for "missing" and "not yours") and the channel (members react), then write
 * and send `reaction_added` / `reaction_removed` to the channel's members
 * with the reaction as a JSON string. Adding twice, or removing what is not
 * there, changes nothing and sends nothing. `withReactions` gives read posts
 * `has_reactions` and `metadata.reactions` in one query per list.
 */
import { z } from "zod";
import type { Post, Reaction } from "#common/wire.ts";
import type { ReactionsTable } from "../db/schema.ts";
import { forbidden } from "../errors.ts";
import type { Host } from "../host.ts";
import { archivedChannelForbidden, canPostInChannel } from "../policies/channel.ts";
import { accessPost } from "../policies/post.ts";
import type { Actor } from "../policies/team.ts";

/** A string field: "is required" when missing, "must be a string" when something else. */
const requiredString = () => z.string({ error: (issue) => (issue.input === undefined ? "is required" : "must be a string") });

/** Mattermost's emoji names: letters, digits, `_`, `+` and `-`, 1 to 64 of them. */
export const emojiNameSchema = requiredString().regex(
  /^[a-zA-Z0-9_+-]{1,64}$/,
  "must be 1 to 64 letters, digits, '_', '+' or '-' (an emoji name such as +1 or white_check_mark)",
);

/** The body of `POST /api/v4/reactions`. */
export const newReactionSchema = z.object({
  user_id: requiredString(),
  post_id: requiredString(),
  emoji_name: emojiNameSchema,
});

/** A reaction row on the wire. */
export function presentReaction(row: ReactionsTable): Reaction {
  return { user_id: row.user_id, post_id: row.post_id, emoji_name: row.emoji_name, create_at: row.create_at, channel_id: row.channel_id };
}

/**
 * The post if the user may read its channel (else one 404) and may react in
 * it: members, and system admins; never in an archived channel (a 403 with
 * Mattermost's id for adding, `save`, or taking back, `delete`).
 */
async function reactablePost(host: Host, props: { user: Actor; postId: string; change: "save" | "delete" }): Promise<Post> {
  const { post, channel } = await accessPost(host, { user: props.user, postId: props.postId, archived: "readable" });
  if (!(await canPostInChannel(host, props.user, channel))) throw forbidden("You must be a member of this channel to react to its posts.");
  if (channel.delete_at !== 0)
    throw archivedChannelForbidden(`api.reaction.${props.change}.archived_channel.app_error`, "reactions can no longer change");
  return post;
}

/** The post's reactions, oldest first, if the user may read it (else a 404). */
export async function reactionsOfPost(host: Host, props: { user: Actor; postId: string }): Promise<Reaction[]> {
  const { post } = await accessPost(host, { ...props, archived: "readable" });
  const rows = await host.db
    .selectFrom("reactions")
    .selectAll()
    .where("post_id", "=", post.id)
    .orderBy("create_at")
    .orderBy("user_id")
    .execute();
  return rows.map(presentReaction);
}

/** React to a post as the caller; the stored reaction (the first one when it was there already). */
export async function reactionAdder(host: Host, props: { user: Actor; input: z.output<typeof newReactionSchema> }): Promise<Reaction> {
  if (props.input.user_id !== props.user.id) throw forbidden("user_id: you may only add your own reactions.");
  const post = await reactablePost(host, { user: props.user, postId: props.input.post_id, change: "save" });
  const row: ReactionsTable = {
    post_id: post.id,
    user_id: props.user.id,
    emoji_name: props.input.emoji_name,
    channel_id: post.channel_id,
    create_at: Date.now(),
  };
  const inserted = await host.db
    .insertInto("reactions")
    .values(row)
    .onConflict((oc) => oc.columns(["post_id", "user_id", "emoji_name"]).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) {
    const stored = await host.db
      .selectFrom("reactions")
      .selectAll()
      .where("post_id", "=", row.post_id)
      .where("user_id", "=", row.user_id)
      .where("emoji_name", "=", row.emoji_name)
      .executeTakeFirst();
    // Removed again between the two statements: what was asked for is what the caller gets.
    return presentReaction(stored ?? row);
  }
  const reaction = presentReaction(row);
  host.realtime.publish("reaction_added", { reaction: JSON.stringify(reaction) }, { channelId: post.channel_id });
  return reaction;
}

/** Take back the caller's reaction; `reaction_removed` when there was one to take back. */
export async function reactionRemover(
  host: Host,
  props: { user: Actor; userId: string; postId: string; emojiName: string },
): Promise<void> {
  if (props.userId !== props.user.id) throw forbidden("You may only remove your own reactions.");
  const post = await reactablePost(host, { user: props.user, postId: props.postId, change: "delete" });
  const removed = await host.db
    .deleteFrom("reactions")
    .where("post_id", "=", post.id)
    .where("user_id", "=", props.user.id)
    .where("emoji_name", "=", props.emojiName)
    .returningAll()
    .executeTakeFirst();
  if (removed)
    host.realtime.publish("reaction_removed", { reaction: JSON.stringify(presentReaction(removed)) }, { channelId: post.channel_id });
}

/**
 * The posts with `has_reactions` and `metadata.reactions` where they have reactions (one query for all of
 * them); posts without reactions are returned as they were, so their JSON is unchanged.
 */
export async function withReactions<P extends Post>(host: Pick<Host, "db">, posts: P[]): Promise<P[]> {
  if (posts.length === 0) return posts;
  const rows = await host.db
    .selectFrom("reactions")
    .selectAll()
    .where(
      "post_id",
      "in",
      posts.map((p) => p.id),
    )
    .orderBy("create_at")
    .orderBy("user_id")
    .execute();
  if (rows.length === 0) return posts;
  const byPost = new Map<string, Reaction[]>();
  for (const row of rows) byPost.set(row.post_id, [...(byPost.get(row.post_id) ?? []), presentReaction(row)]);
  return posts.map((post) => {
    const reactions = byPost.get(post.id);
    return reactions ? { ...post, has_reactions: true, metadata: { ...post.metadata, reactions } } : post;
  });
}

/** A post list (`{order, posts}`) with its posts' reactions ({@link withReactions}). */
export async function withReactionsInList<L extends { posts: Record<string, Post> }>(host: Pick<Host, "db">, list: L): Promise<L> {
  const posts = await withReactions(host, Object.values(list.posts));
  return { ...list, posts: Object.fromEntries(posts.map((p) => [p.id, p])) };
}
