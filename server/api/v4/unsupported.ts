/**
 * @module api/v4/unsupported
 * What Sitrep does not have — custom terms of service, data retention
 * policies, user groups, synced drafts, custom emoji — answered on
 * Mattermost's routes as Mattermost's own unlicensed server, or one with the
 * feature turned off, answers them: the same status and error id, so the
 * official clients take the feature as off and carry on. Server limits answer
 * "no limit". (Apps answer 404 as any plugin route of a plugin that is not
 * installed does.)
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { apiErrorBodySchema } from "#common/wire-schemas.ts";
import type { ApiErrorBody } from "#common/wire.ts";
import type { Host } from "../../host.ts";
import { hostRoute } from "../route.ts";

/** An answer Mattermost gives for a feature it has off: its status, error id and message. */
interface FeatureOff {
  status: 404 | 501;
  id: string;
  message: string;
}

const NO_TERMS: FeatureOff = { status: 404, id: "app.terms_of_service.get.no_rows.app_error", message: "There are no terms of service." };
const NO_USER_TERMS: FeatureOff = {
  status: 404,
  id: "app.user_terms_of_service.get_by_user.no_rows.app_error",
  message: "The user has accepted no terms of service.",
};
const NO_DATA_RETENTION: FeatureOff = {
  status: 501,
  id: "ent.data_retention.generic.license.error",
  message: "License does not support Data Retention.",
};
const NO_GROUPS: FeatureOff = { status: 501, id: "api.ldap_groups.license_error", message: "User groups are not supported." };
const NO_DRAFTS: FeatureOff = { status: 501, id: "api.drafts.disabled.app_error", message: "Synced drafts are disabled." };
const NO_CUSTOM_EMOJI: FeatureOff = {
  status: 501,
  id: "api.emoji.disabled.app_error",
  message: "Custom emoji have been disabled by the system admin.",
};

/** Each route of a feature Sitrep does not have, and Mattermost's answer for it. */
const FEATURES_OFF: ReadonlyArray<{ method: "GET" | "POST" | "PUT" | "DELETE"; path: string; off: FeatureOff }> = [
  { method: "GET", path: "/api/v4/terms_of_service", off: NO_TERMS },
  { method: "GET", path: "/api/v4/users/:userId/terms_of_service", off: NO_USER_TERMS },
  { method: "GET", path: "/api/v4/data_retention/policy", off: NO_DATA_RETENTION },
  { method: "GET", path: "/api/v4/data_retention/policies", off: NO_DATA_RETENTION },
  { method: "GET", path: "/api/v4/users/:userId/data_retention/team_policies", off: NO_DATA_RETENTION },
  { method: "GET", path: "/api/v4/users/:userId/data_retention/channel_policies", off: NO_DATA_RETENTION },
  { method: "GET", path: "/api/v4/groups", off: NO_GROUPS },
  { method: "GET", path: "/api/v4/users/:userId/groups", off: NO_GROUPS },
  { method: "GET", path: "/api/v4/users/:userId/teams/:teamId/drafts", off: NO_DRAFTS },
  { method: "POST", path: "/api/v4/drafts", off: NO_DRAFTS },
  { method: "DELETE", path: "/api/v4/users/:userId/channels/:channelId/drafts", off: NO_DRAFTS },
  { method: "DELETE", path: "/api/v4/users/:userId/channels/:channelId/drafts/:rootId", off: NO_DRAFTS },
  { method: "GET", path: "/api/v4/emoji", off: NO_CUSTOM_EMOJI },
  { method: "POST", path: "/api/v4/emoji", off: NO_CUSTOM_EMOJI },
  { method: "GET", path: "/api/v4/emoji/name/:name", off: NO_CUSTOM_EMOJI },
  { method: "POST", path: "/api/v4/emoji/names", off: NO_CUSTOM_EMOJI },
  { method: "POST", path: "/api/v4/emoji/search", off: NO_CUSTOM_EMOJI },
  { method: "GET", path: "/api/v4/emoji/autocomplete", off: NO_CUSTOM_EMOJI },
  { method: "GET", path: "/api/v4/emoji/:emojiId", off: NO_CUSTOM_EMOJI },
  { method: "GET", path: "/api/v4/emoji/:emojiId/image", off: NO_CUSTOM_EMOJI },
];

/** Server limits (`GET /limits/server`): Sitrep has none, which Mattermost writes as 0. */
const serverLimitsSchema = z.object({ activeUserCount: z.number(), maxUsersLimit: z.number(), maxUsersHardLimit: z.number() });

export function registerUnsupportedRoutes(app: FastifyInstance, host: Host): void {
  for (const { method, path, off } of FEATURES_OFF)
    hostRoute(app, host, {
      method,
      path,
      access: "user",
      summary: `Not in Sitrep: answered ${off.status} ${off.id}, as Mattermost does with the feature off`,
      // Any body a client sends is accepted and not read: the answer is the same.
      body: method === "GET" ? undefined : z.unknown(),
      response: apiErrorBodySchema,
      // Sent as is: a 501 is Mattermost's answer here, not a failure of Sitrep's (which the error handler makes a 500).
      handler: async ({ reply }) =>
        reply.status(off.status).send({ id: off.id, message: off.message, status_code: off.status } satisfies ApiErrorBody),
    });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/limits/server",
    access: "user",
    summary: "Server limits: none (0), with the number of active users",
    response: serverLimitsSchema,
    handler: async () => {
      const row = await host.db
        .selectFrom("users")
        .select((eb) => eb.fn.countAll().as("n"))
        .where("delete_at", "=", 0)
        .where("is_bot", "=", 0)
        .executeTakeFirst();
      return { activeUserCount: Number(row?.n ?? 0), maxUsersLimit: 0, maxUsersHardLimit: 0 };
    },
  });
}
