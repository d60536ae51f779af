/**
 * @module api/v4/posts
 * Posts: create, read one, list a channel's.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { pageQuerySchema } from "#common/limits.ts";
import { notFound } from "../../errors.ts";
import type { Host } from "../../host.ts";
import { parse, requireUser } from "../context.ts";
import { readableChannel } from "../../services/channels.ts";
import { getPost, postCreator, postsOfChannel } from "../../services/posts.ts";

const listSchema = pageQuerySchema().extend({
  before: z.string().optional(),
  after: z.string().optional(),
  since: z.coerce.number().int().optional(),
});

export function registerPostRoutes(app: FastifyInstance, host: Host): void {
  app.post("/api/v4/posts", async (request, reply) => {
    const user = requireUser(request);
    const post = await postCreator(host, { input: request.body, author: { user, via: "api" } });
    return reply.status(201).send(post);
  });

  app.get<{ Params: { id: string } }>("/api/v4/posts/:id", async (request) => {
    const user = requireUser(request);
    const post = await getPost(host, request.params.id);
    if (!post) throw notFound("post", "post not found, or you do not have access to it");
    await readableChannel(host, user, post.channel_id).catch(() => {
      throw notFound("post", "post not found, or you do not have access to it");
    });
    return post;
  });

  app.get<{ Params: { id: string } }>("/api/v4/channels/:id/posts", async (request) => {
    const user = requireUser(request);
    const q = parse(listSchema, request.query);
    const channel = await readableChannel(host, user, request.params.id);
    return postsOfChannel(host, {
      channelId: channel.id,
      page: q.page,
      perPage: q.per_page,
      before: q.before,
      after: q.after,
      since: q.since,
    });
  });
}
