/**
 * @module api/v4/reactions
 * Emoji reactions (services/reactions.ts) on Mattermost's routes, as Client4's
 * `addReaction`, `getReactionsForPost` and `removeReaction` call them.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { reactionSchema } from "#common/wire-schemas.ts";
import type { Host } from "../../host.ts";
import { emojiNameSchema, newReactionSchema, reactionAdder, reactionRemover, reactionsOfPost } from "../../services/reactions.ts";
import { hostRoute } from "../route.ts";

/** Register the reaction routes. */
export function registerReactionRoutes(app: FastifyInstance, host: Host): void {
  hostRoute(app, host, {
    method: "POST",
    path: "/api/v4/reactions",
    access: "user",
    summary: "React to a post with an emoji (as yourself; adding it again changes nothing)",
    policy: "the caller is user_id, and a member of the post's channel (or system admin)",
    body: newReactionSchema,
    invalidId: "api.reaction.save.invalid",
    response: reactionSchema,
    handler: ({ body, user }) => reactionAdder(host, { user, input: body }),
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/posts/:id/reactions",
    access: "user",
    summary: "A post's reactions, oldest first",
    policy: "can read the post's channel",
    params: z.object({ id: z.string() }),
    response: z.array(reactionSchema),
    handler: ({ params, user }) => reactionsOfPost(host, { user, postId: params.id }),
  });

  hostRoute(app, host, {
    method: "DELETE",
    path: "/api/v4/users/:userId/posts/:postId/reactions/:emojiName",
    access: "user",
    summary: "Take back your reaction to a post",
    policy: "the caller is userId, and a member of the post's channel (or system admin)",
    params: z.object({ userId: z.string(), postId: z.string(), emojiName: emojiNameSchema }),
    invalidId: "api.reaction.delete.invalid",
    handler: async ({ params, user }) => {
      await reactionRemover(host, { user, userId: params.userId, postId: params.postId, emojiName: params.emojiName });
      return { status: "OK" };
    },
  });
}
