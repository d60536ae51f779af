/**
 * @module api/v4/bots
 * Mattermost's bot accounts (`POST /api/v4/bots`, `GET /api/v4/bots`,
 * `GET /api/v4/bots/{id}`): a bot is a user without a password, owned by
 * the system admin who made it (or by the plugin whose bot it is), signing
 * in with a personal access token an admin creates for it
 * (`POST /users/{bot_user_id}/tokens`). Sitrep leaves bot management to
 * system admins, as Mattermost's default permissions do.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { pageQuerySchema } from "#common/limits.ts";
import { notFound } from "../../errors.ts";
import type { Host } from "../../host.ts";
import { auditRecorder } from "../../services/audits.ts";
import { botCreator, botLister, getBot, newBotSchema } from "../../services/users.ts";
import { hostRoute } from "../route.ts";

const botSchema = z.object({
  user_id: z.string(),
  username: z.string(),
  display_name: z.string(),
  description: z.string(),
  owner_id: z.string(),
  create_at: z.number(),
  update_at: z.number(),
  delete_at: z.number(),
});

/** `/api/v4/bots`. */
export function registerBotRoutes(app: FastifyInstance, host: Host): void {
  hostRoute(app, host, {
    method: "POST",
    path: "/api/v4/bots",
    access: "system_admin",
    summary: "Create a bot account owned by the caller",
    body: newBotSchema,
    invalidId: "api.bot.create.invalid",
    response: botSchema,
    status: 201,
    handler: async ({ body, user, request }) => {
      const bot = await botCreator(host, { ownerId: user.id, input: body });
      await auditRecorder(host, { request, extraInfo: `bot=${bot.user_id} username=${bot.username}` });
      return bot;
    },
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/bots",
    access: "system_admin",
    summary: "A page of bots by username (include_deleted=true: deactivated ones too)",
    query: pageQuerySchema().extend({ include_deleted: z.string().optional() }),
    response: z.array(botSchema),
    handler: async ({ query }) =>
      botLister(host, { page: query.page, perPage: query.per_page, includeDeleted: query.include_deleted === "true" }),
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/bots/:botUserId",
    access: "system_admin",
    summary: "A bot by its user id",
    params: z.object({ botUserId: z.string() }),
    response: botSchema,
    handler: async ({ params }) => {
      const bot = await getBot(host, params.botUserId);
      if (!bot) throw notFound("bot", "bot not found");
      return bot;
    },
  });
}
