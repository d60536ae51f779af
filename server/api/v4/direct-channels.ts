/**
 * @module api/v4/direct-channels
 * Direct and group messages, Mattermost's `POST /api/v4/channels/direct` and
 * `POST /api/v4/channels/group`: both answer 201 with the channel, whether
 * it was made now or already existed (Mattermost's `GetOrCreate`).
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { channelSchema } from "#common/wire-schemas.ts";
import type { Host } from "../../host.ts";
import { directChannelOpener, GROUP_MEMBERS, groupChannelOpener } from "../../services/direct-channels.ts";
import { hostRoute } from "../route.ts";

const userId = z.string().length(26, "must be a 26-character id");

/** `POST /api/v4/channels/direct` and `POST /api/v4/channels/group`. */
export function registerDirectChannelRoutes(app: FastifyInstance, host: Host): void {
  hostRoute(app, host, {
    method: "POST",
    path: "/api/v4/channels/direct",
    access: "user",
    summary: "Open the direct message channel of two users (idempotent)",
    policy: "the caller is one of the two",
    body: z
      .array(userId, "must be an array of two user ids")
      .length(2, "must list exactly two user ids")
      .pipe(z.tuple([userId, userId])),
    invalidId: "api.channel.create_direct_channel.invalid",
    response: channelSchema,
    status: 201,
    handler: ({ body, user }) => directChannelOpener(host, { creator: user, userIds: body }),
  });

  hostRoute(app, host, {
    method: "POST",
    path: "/api/v4/channels/group",
    access: "user",
    summary: "Open the group message channel of 3–8 users, the caller included (idempotent)",
    policy: "any user; the caller becomes a member",
    body: z
      .array(userId, "must be an array of user ids")
      .min(GROUP_MEMBERS.min - 1, `must list at least ${GROUP_MEMBERS.min - 1} other users`)
      .max(GROUP_MEMBERS.max, `must list at most ${GROUP_MEMBERS.max} users`),
    invalidId: "api.channel.create_group.invalid",
    response: channelSchema,
    status: 201,
    handler: ({ body, user }) => groupChannelOpener(host, { creator: user, userIds: body }),
  });
}
