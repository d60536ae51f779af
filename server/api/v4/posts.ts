/**
 * @module api/v4/posts
 * Posts: create (a reply with `root_id`), read one, its thread, list a
 * channel's, edit (the author only) and delete (the author or a system admin).
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { postListSchema, postSchema, statusOkSchema } from "#common/wire-schemas.ts";
import type { Host } from "../../host.ts";
import { accessChannel } from "../../policies/channel.ts";
import { accessPost } from "../../policies/post.ts";
import { postDeleter, postPatchSchema, postPatcher } from "../../services/post-edits.ts";
import { newPostSchema, postCreator, postThread, postsOfChannel } from "../../services/posts.ts";
import { withFiles, withFilesInList } from "../../services/files.ts";
import { withReactions, withReactionsInList } from "../../services/reactions.ts";
import { LIMITS, pageQuerySchema } from "#common/limits.ts";
import { badRequest } from "../../errors.ts";
import { hostRoute } from "../route.ts";
import { BODY_LIMITS } from "../body-limit.ts";

/**
 * `GET /posts/{id}/thread`'s query, as Client4's `getPostThread` and
 * `getPaginatedPostThread` send it (its other parameters, such as
 * `collapsedThreads`, are accepted and not read).
 */
const threadQuerySchema = z
  .object({
    perPage: z.coerce
      .number({ error: "must be a number" })
      .int("must be a whole number")
      .min(0, `must be 0 (all) to ${LIMITS.perPageMax}`)
      .max(LIMITS.perPageMax, `must be 0 (all) to ${LIMITS.perPageMax}`)
      .default(0),
    fromCreateAt: z.coerce.number({ error: "must be a number" }).int("must be a whole number").min(0, "must be 0 or more").optional(),
    fromPost: z.string().max(26, "must be a post id").optional(),
    direction: z.enum(["up", "down"], "must be up or down").optional(),
    skipFetchThreads: z.enum(["true", "false"], "must be true or false").optional(),
  })
  // As Mattermost: a post to start from is one of those created at `fromCreateAt`.
  .refine((q) => !q.fromPost || (q.fromCreateAt ?? 0) > 0, { message: "is required with fromPost", path: ["fromCreateAt"] });

const listQuerySchema = pageQuerySchema().extend({
  before: z.string().optional(),
  after: z.string().optional(),
  since: z.coerce.number().int().optional(),
});

export function registerPostRoutes(app: FastifyInstance, host: Host): void {
  hostRoute(app, host, {
    method: "POST",
    path: "/api/v4/posts",
    access: "user",
    summary: "Create a post",
    policy: "channel member (or system admin)",
    body: newPostSchema,
    maxBodyBytes: BODY_LIMITS.posts,
    invalidId: "api.post.create.invalid",
    response: postSchema,
    status: 201,
    handler: async ({ body, user }) => {
      const post = await postCreator(host, { input: body, author: { user, via: "api" } });
      // Mattermost's clients replace their optimistic copy with the answer carrying its pending_post_id.
      return body.pending_post_id ? { ...post, pending_post_id: body.pending_post_id } : post;
    },
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/posts/:id",
    access: "user",
    summary: "Read a post",
    policy: "can read the post's channel",
    params: z.object({ id: z.string() }),
    response: postSchema,
    handler: async ({ params, user }) => {
      const { post } = await accessPost(host, { user, postId: params.id, archived: "readable" });
      const [withTheirFiles] = await withFiles(host, await withReactions(host, [post]));
      return withTheirFiles ?? post;
    },
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/posts/:id/thread",
    access: "user",
    summary: "A page of a post's thread: the post, then its root and replies (perPage, fromCreateAt, fromPost, direction)",
    policy: "can read the post's channel",
    params: z.object({ id: z.string() }),
    query: threadQuerySchema,
    response: postListSchema,
    handler: async ({ params, query, user }) => {
      const { post } = await accessPost(host, { user, postId: params.id, archived: "readable" });
      return withFilesInList(
        host,
        await withReactionsInList(
          host,
          await postThread(host, {
            post,
            paging: {
              perPage: query.perPage,
              direction: query.direction,
              fromCreateAt: query.fromCreateAt,
              fromPost: query.fromPost,
              skipFetchThreads: query.skipFetchThreads === "true",
            },
          }),
        ),
      );
    },
  });

  hostRoute(app, host, {
    method: "PUT",
    path: "/api/v4/posts/:id/patch",
    access: "user",
    summary: "Edit a post's message (or props)",
    policy: "the author only, never a bot's, webhook's or system post; system admins neither; not in an archived channel",
    params: z.object({ id: z.string() }),
    body: postPatchSchema,
    maxBodyBytes: BODY_LIMITS.posts,
    invalidId: "api.post.patch.invalid",
    response: postSchema,
    handler: async ({ params, body, user }) => {
      const { post, channel } = await accessPost(host, { user, postId: params.id, archived: "readable" });
      // Readable, as Mattermost keeps an archived channel's posts, but no longer changed.
      if (channel.delete_at !== 0)
        throw badRequest(
          "api.post.patch_post.can_not_update_post_in_deleted.error",
          "channel_id: the channel is archived; its posts can no longer be edited",
        );
      return postPatcher(host, { post, changer: { user }, patch: body });
    },
  });

  hostRoute(app, host, {
    method: "DELETE",
    path: "/api/v4/posts/:id",
    access: "user",
    summary: "Delete a post (and a root's replies)",
    policy: "the author, or a system admin",
    params: z.object({ id: z.string() }),
    response: statusOkSchema,
    handler: async ({ params, user }) => {
      const { post } = await accessPost(host, { user, postId: params.id });
      await postDeleter(host, { post, changer: { user } });
      return { status: "OK" };
    },
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/channels/:id/posts",
    access: "user",
    summary: "A page of a channel's posts, newest first",
    policy: "can read the channel",
    params: z.object({ id: z.string() }),
    query: listQuerySchema,
    response: postListSchema,
    handler: async ({ params, query, user }) => {
      const channel = await accessChannel(host, { user, channelId: params.id, archived: "readable" });
      const list = await postsOfChannel(host, {
        channelId: channel.id,
        page: query.page,
        perPage: query.per_page,
        before: query.before,
        after: query.after,
        since: query.since,
      });
      return withFilesInList(host, await withReactionsInList(host, list));
    },
  });
}
