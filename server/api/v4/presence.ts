/**
 * @module api/v4/presence
 * `POST /api/v4/users/status/ids` and `GET /api/v4/users/{id}/status`: each
 * user's presence, as Mattermost lists it (`online` while they have an open
 * WebSocket on any process, `offline` otherwise, or the status they set by
 * hand; see services/presence.ts). Any signed-in user may ask, as in
 * Mattermost. `PUT /api/v4/users/{id}/status` sets it (self or system admin).
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { userStatusSchema } from "#common/wire-schemas.ts";
import type { Host } from "../../host.ts";
import { statusSetter, userStatuses } from "../../services/presence.ts";
import { badRequest, notFound } from "../../errors.ts";
import { requireSelfOrAdmin } from "../../policies/index.ts";
import { getUser } from "../../services/users.ts";
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

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/users/:userId/status",
    access: "user",
    summary: "A user's status: online, away, dnd or offline",
    params: z.object({ userId: z.string() }),
    response: userStatusSchema,
    handler: async ({ params }) => {
      const [status] = await userStatuses(host, [params.userId]);
      if (!status || !(await getUser(host, params.userId))) throw notFound("user", "user not found");
      return status;
    },
  });

  hostRoute(app, host, {
    method: "PUT",
    path: "/api/v4/users/:userId/status",
    access: "user",
    summary: "Set a status by hand (away, dnd, offline hold until online, which goes back to automatic)",
    policy: "self or system admin",
    params: z.object({ userId: z.string() }),
    body: z.object({
      user_id: z.string().optional(),
      status: z.enum(["online", "away", "dnd", "offline"], "must be online, away, dnd or offline"),
    }),
    invalidId: "api.status.update_status.invalid",
    response: userStatusSchema,
    handler: async ({ params, body, user }) => {
      requireSelfOrAdmin({ viewer: user, userId: params.userId, message: "You may set only your own status." });
      if (body.user_id !== undefined && body.user_id !== params.userId)
        throw badRequest("api.context.invalid_param.app_error", "user_id: must be the user in the URL");
      if (!(await getUser(host, params.userId))) throw notFound("user", "user not found");
      await statusSetter(host, { userId: params.userId, status: body.status });
      const [status] = await userStatuses(host, [params.userId]);
      return status;
    },
  });
}
