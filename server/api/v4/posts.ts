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
import { pageQuerySchema } from "#common/limits.ts";
import { hostRoute } from "../route.ts";
import { BODY_LIMITS } from "../body-limit.ts";

/** Client4's `getPostThread` query; paging options it sends (`perPage`, `fromPost`, …) are accepted and the whole thread answered. */
const threadQuerySchema = z.object({
  direction: z.enum(["up", "down"]).optional(),
  skipFetchThreads: z.enum(["true", "false"]).optional(),
});

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
    handler: ({ body, user }) => postCreator(host, { input: body, author: { user, via: "api" } }),
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
    summary: "A post's thread: its root and every reply",
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
          await postThread(host, { post, direction: query.direction, skipFetchThreads: query.skipFetchThreads === "true" }),
        ),
      );
    },
  });

  hostRoute(app, host, {
    method: "PUT",
    path: "/api/v4/posts/:id/patch",
    access: "user",
    summary: "Edit a post's message (or props)",
    policy: "the author only, never a bot's, webhook's or system post; system admins neither",
    params: z.object({ id: z.string() }),
    body: postPatchSchema,
    maxBodyBytes: BODY_LIMITS.posts,
    invalidId: "api.post.patch.invalid",
    response: postSchema,
    handler: async ({ params, body, user }) => {
      const { post } = await accessPost(host, { user, postId: params.id });
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
