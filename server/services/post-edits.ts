/**
 * @module services/post-edits
 * Changing a post after it was made: edit (`PUT /posts/{id}/patch`, a plugin's
 * `ctx.posts.update`) and delete (`DELETE /posts/{id}`, `ctx.posts.delete`).
 * Each authorizes with `policies/post.ts`, writes, then after the commit
 * announces the change to the channel (`post_edited`, `post_deleted`) and runs
 * the plugins' `onMessageUpdated` / `onMessageDeleted` hooks without waiting —
 * the same order as the post path in `posts.ts`.
 *
 * A delete is Mattermost's: the post and its thread's replies get `delete_at`
 * and from then on answer 404 on every route (every read filters on it).
 */
import { sql } from "kysely";
import { z } from "zod";
import type { Post } from "#common/wire.ts";
import { badRequest, forbidden, fromZodError } from "../errors.ts";
import type { Host } from "../host.ts";
import { canDeletePost, POST_EDIT_REFUSALS, postEditRefusal, postNotFound } from "../policies/post.ts";
import type { Actor } from "../policies/team.ts";
import {
  checkNotEmpty,
  getPost,
  postMessageSchema,
  postPropsSchema,
  presentPosts,
  withDerivedFields,
  withoutWebhookProps,
} from "./posts.ts";

/** The body of `PUT /api/v4/posts/{id}/patch`: Mattermost's `PostPatch` fields that Sitrep stores. */
export const postPatchSchema = z.object({
  message: postMessageSchema.optional(),
  props: postPropsSchema.optional(),
});

/** Who changes a post: a person (through the API) or a plugin (for its own bot). */
export type PostChanger = { user: Actor } | { pluginId: string };

/** The id an event names as who made the change (`delete_by`): the person, or the post's own author for a plugin. */
function changerId(changer: PostChanger, post: Post): string {
  return "user" in changer ? changer.user.id : post.user_id;
}

/**
 * Edit a post: its message and props (the only `PostPatch` fields stored).
 * The limits of a new post apply; `edit_at` and `update_at` become now.
 * Refuses with a 404 when the post is gone, a 403 when `changer` may not edit
 * it ({@link postEditRefusal}). Callers that serve people check first that
 * they may read the channel (`accessPost`).
 *
 * @example await postPatcher(host, { post, changer: { user }, patch: { message: "fixed" } });
 */
export async function postPatcher(host: Host, props: { post: Post; changer: PostChanger; patch: unknown }): Promise<Post> {
  const parsed = postPatchSchema.safeParse(props.patch);
  if (!parsed.success) throw fromZodError(parsed.error, "api.post.patch.invalid");
  const refusal = await postEditRefusal(host, { editor: props.changer, post: props.post });
  if (refusal) throw forbidden(POST_EDIT_REFUSALS[refusal]);
  const patch = parsed.data;
  const message = patch.message ?? props.post.message;
  // What a person sends cannot claim a webhook sent it, as on create; a plugin's own props are its own.
  const postProps = patch.props === undefined ? props.post.props : "user" in props.changer ? withoutWebhookProps(patch.props) : patch.props;
  checkNotEmpty({ message, props: postProps });
  const now = Math.max(Date.now(), props.post.update_at + 1);
  const result = await host.db
    .updateTable("posts")
    .set({ message, props: JSON.stringify(postProps), edit_at: now, update_at: now })
    .where("id", "=", props.post.id)
    .where("delete_at", "=", 0)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) throw postNotFound();
  const post: Post = withDerivedFields({ ...props.post, message, props: postProps, edit_at: now, update_at: now });
  host.realtime.publish("post_edited", { post: JSON.stringify(post) }, { channelId: post.channel_id });
  host.hooks.fireUpdated(post);
  return post;
}

/**
 * Delete a post and, for a root, its thread's replies (as Mattermost does).
 * Refuses with a 403 when `changer` may not ({@link canDeletePost}), a 404
 * when it is already gone. One `post_deleted` event for the post (clients drop
 * its replies with it); `onMessageDeleted` for each deleted post, so what
 * copied a reply follows it too.
 */
export async function postDeleter(host: Host, props: { post: Post; changer: PostChanger }): Promise<void> {
  if (!(await canDeletePost(host, { deleter: props.changer, post: props.post })))
    throw forbidden("Only the author or a system admin may delete a post.");
  const now = Date.now();
  const deleted = await host.db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom("posts")
      .selectAll()
      .where((eb) =>
        props.post.root_id
          ? eb("id", "=", props.post.id)
          : eb.or([eb("id", "=", props.post.id), eb.and([eb("root_id", "=", props.post.id), eb("root_id", "<>", "")])]),
      )
      .where("delete_at", "=", 0)
      .execute();
    if (!rows.some((row) => row.id === props.post.id)) throw postNotFound();
    await trx
      .updateTable("posts")
      .set({ delete_at: now, update_at: now })
      .where(
        "id",
        "in",
        rows.map((row) => row.id),
      )
      .execute();
    return rows.map((row) => ({ ...row, delete_at: now, update_at: now }));
  });
  const posts = await presentPosts(host, deleted);
  const post = posts.find((p) => p.id === props.post.id) ?? { ...props.post, delete_at: now, update_at: now };
  host.realtime.publish(
    "post_deleted",
    { post: JSON.stringify(post), delete_by: changerId(props.changer, post) },
    { channelId: post.channel_id },
  );
  for (const each of posts) host.hooks.fireDeleted(each);
}

/** A props key a plugin may look up by: a plain name, so it can be a JSON path of either dialect. */
const propKeySchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be a plain name (letters, digits, _)");

/**
 * The live posts of one bot of one type whose props hold these string values
 * (e.g. the Incident bot's forwarded copies of one post, by `source_post_id`).
 * Served by the partial index `posts_user_type`.
 */
export async function botPostsFinder(host: Host, props: { botId: string; type: string; props: Record<string, string> }): Promise<Post[]> {
  if (!props.type) throw badRequest("api.post.find.type", "type: must not be empty");
  let query = host.db
    .selectFrom("posts")
    .selectAll()
    .where("user_id", "=", props.botId)
    .where("type", "=", props.type)
    .where("type", "<>", "")
    .where("delete_at", "=", 0);
  for (const [key, value] of Object.entries(props.props)) {
    const parsedKey = propKeySchema.safeParse(key);
    if (!parsedKey.success)
      throw badRequest("api.post.find.props", `props: "${key}" ${parsedKey.error.issues[0]?.message ?? "is not a name"}`);
    const field = host.dialect === "postgres" ? sql<string>`(props::jsonb ->> ${key})` : sql<string>`json_extract(props, ${`$.${key}`})`;
    query = query.where(field, "=", value);
  }
  return presentPosts(host, await query.orderBy("create_at").execute());
}

/** A live post by id, for a plugin's update or delete: a 404 when it is gone. */
export async function livePost(host: Host, postId: string): Promise<Post> {
  const post = await getPost(host, postId);
  if (!post) throw postNotFound();
  return post;
}
