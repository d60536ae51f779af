/**
 * @module api/v4/presence
 * `POST /api/v4/users/status/ids`: each user's presence, as Mattermost lists
 * it (`online` while they have an open WebSocket on any process, `offline`
 * otherwise; see services/presence.ts). Any signed-in user may ask, as in
 * Mattermost.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { userStatusSchema } from "#common/wire-schemas.ts";
import type { Host } from "../../host.ts";
import { userStatuses } from "../../services/presence.ts";
import { hostRoute } from "../route.ts";

/** `POST /api/v4/users/status/ids`. */
export function registerPresenceRoutes(app: FastifyInstance, host: Host): void {
  hostRoute(app, host, {
    method: "POST",
    path: "/api/v4/users/status/ids",
    access: "user",
    summary: "The statuses of users by id: online, offline",
    body: z
      .array(z.string().length(26, "must be a 26-character id"), "must be an array of user ids")
      .min(1, "must list at least one user id")
      .max(1000, "must list at most 1000 ids"),
    invalidId: "api.status.get_users_statuses.invalid",
    response: z.array(userStatusSchema),
    handler: ({ body }) => userStatuses(host, body),
  });
}
