/**
 * @module api/v4/posts
 * Posts: create, read one, list a channel's.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { postListSchema, postSchema } from "#common/wire-schemas.ts";
import { notFound } from "../../errors.ts";
import type { Host } from "../../host.ts";
import { accessChannel, canReadChannel } from "../../policies/channel.ts";
import { getChannel } from "../../services/channels.ts";
import { getPost, newPostSchema, postCreator, postsOfChannel } from "../../services/posts.ts";
import { withReactions, withReactionsInList } from "../../services/reactions.ts";
import { pageQuerySchema } from "#common/limits.ts";
import { hostRoute } from "../route.ts";

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
      const post = await getPost(host, params.id);
      const channel = post ? await getChannel(host, post.channel_id) : null;
      if (!post || !channel || !(await canReadChannel(host, user, channel)))
        throw notFound("post", "post not found, or you do not have access to it");
      const [withTheirReactions] = await withReactions(host, [post]);
      return withTheirReactions ?? post;
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
      const channel = await accessChannel(host, { user, channelId: params.id });
      const list = await postsOfChannel(host, {
        channelId: channel.id,
        page: query.page,
        perPage: query.per_page,
        before: query.before,
        after: query.after,
        since: query.since,
      });
      return withReactionsInList(host, list);
    },
  });
}
