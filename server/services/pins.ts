/**
 * @module services/pins
 * Pinned posts, as Mattermost keeps them: a flag on the post (`is_pinned`),
 * set and cleared by its channel's members, each change sent as a
 * `post_edited` event with the post (so every client's copy shows the pin),
 * and the channel's pinned posts listed newest first.
 */
import type { Post, PostList } from "#common/wire.ts";
import { postNotFound } from "../policies/post.ts";
import type { Host } from "../host.ts";
import { withFiles, withFilesInList } from "./files.ts";
import { presentPosts } from "./posts.ts";
import { withReactions, withReactionsInList } from "./reactions.ts";

/** Pin a post to its channel, or unpin it; its `update_at` moves, its `edit_at` does not (the message is unchanged). */
export async function postPinSetter(host: Host, props: { post: Post; pinned: boolean }): Promise<Post> {
  const now = Math.max(Date.now(), props.post.update_at + 1);
  const result = await host.db
    .updateTable("posts")
    .set({ is_pinned: props.pinned ? 1 : 0, update_at: now })
    .where("id", "=", props.post.id)
    .where("delete_at", "=", 0)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) throw postNotFound();
  const [post] = await withFiles(host, await withReactions(host, [{ ...props.post, is_pinned: props.pinned, update_at: now }]));
  const changed = post ?? { ...props.post, is_pinned: props.pinned, update_at: now };
  host.realtime.publish("post_edited", { post: JSON.stringify(changed) }, { channelId: changed.channel_id });
  return changed;
}

/** A channel's live pinned posts, newest first, with their reactions and files (`GET /channels/{id}/pinned`). */
export async function pinnedPostsOf(host: Host, channelId: string): Promise<PostList> {
  const rows = await host.db
    .selectFrom("posts")
    .selectAll()
    .where("channel_id", "=", channelId)
    .where("is_pinned", "=", 1)
    .where("delete_at", "=", 0)
    .orderBy("create_at", "desc")
    .orderBy("id", "desc")
    .execute();
  const posts = await presentPosts(host, rows);
  const list = {
    order: posts.map((p) => p.id),
    posts: Object.fromEntries(posts.map((p) => [p.id, p])),
    next_post_id: "",
    prev_post_id: "",
    has_next: false,
  };
  return withFilesInList(host, await withReactionsInList(host, list));
}

/** How many live posts are pinned in a channel (Mattermost's `pinnedpost_count` in the channel's stats). */
export async function pinnedPostCount(host: Pick<Host, "db">, channelId: string): Promise<number> {
  const row = await host.db
    .selectFrom("posts")
    .select((eb) => eb.fn.countAll().as("n"))
    .where("channel_id", "=", channelId)
    .where("is_pinned", "=", 1)
    .where("delete_at", "=", 0)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
