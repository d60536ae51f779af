/**
 * @module api/v4/outgoing-webhooks
 * Mattermost's outgoing webhooks (`/api/v4/hooks/outgoing`): create one for a
 * team's trigger words or a public channel, list them (paged, by team or
 * channel), read, change and delete them, and give one a new token. Firing
 * them is `services/outgoing-webhooks.ts`'s.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { pageQuerySchema } from "#common/limits.ts";
import { badRequest } from "../../errors.ts";
import type { Host } from "../../host.ts";
import { accessBrowsableTeam } from "../../policies/team.ts";
import {
  accessOutgoingWebhook,
  outgoingWebhookCreator,
  outgoingWebhookDeleter,
  outgoingWebhookFieldsSchema,
  outgoingWebhookLister,
  outgoingWebhookTokenRegenerator,
  outgoingWebhookUpdater,
  presentOutgoingWebhook,
} from "../../services/outgoing-webhooks.ts";
import { hostRoute } from "../route.ts";

const createSchema = outgoingWebhookFieldsSchema.extend({ team_id: z.string().length(26, "must be a 26-character id") });
/** Mattermost's `PUT /hooks/outgoing/{id}` sends the whole hook; `id` and `team_id`, when sent, must be the stored ones. */
const updateSchema = outgoingWebhookFieldsSchema.extend({ id: z.string().optional(), team_id: z.string().optional() });
const listQuerySchema = pageQuerySchema({ perPageDefault: 60 }).extend({
  team_id: z.string().optional(),
  channel_id: z.string().optional(),
});
const params = z.object({ id: z.string() });

export function registerOutgoingWebhookRoutes(app: FastifyInstance, host: Host): void {
  hostRoute(app, host, {
    method: "POST",
    path: "/api/v4/hooks/outgoing",
    access: "user",
    summary: "Create an outgoing webhook: trigger words and/or a public channel, callback URLs",
    policy: "team member (or system admin)",
    body: createSchema,
    invalidId: "api.webhook.create_outgoing.invalid",
    status: 201,
    handler: async ({ body, user }) => {
      const { team_id: teamId, ...input } = body;
      await accessBrowsableTeam(host, { user, teamId });
      return outgoingWebhookCreator(host, { creator: user, teamId, input });
    },
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/hooks/outgoing",
    access: "user",
    summary: "Outgoing webhooks the caller manages, paged (`team_id`, `channel_id` filter; a team's admins see all of them)",
    policy: "own hooks; a team's all to its admins; every hook to system admins",
    query: listQuerySchema,
    handler: async ({ query, user }) => {
      if (query.team_id) await accessBrowsableTeam(host, { user, teamId: query.team_id });
      return outgoingWebhookLister(host, {
        user,
        teamId: query.team_id,
        channelId: query.channel_id,
        page: query.page,
        perPage: query.per_page,
      });
    },
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/hooks/outgoing/:id",
    access: "user",
    summary: "Read an outgoing webhook",
    policy: "its creator, the team's admins, system admins (404 otherwise)",
    params,
    handler: async ({ params: p, user }) => presentOutgoingWebhook(await accessOutgoingWebhook(host, { user, hookId: p.id })),
  });

  hostRoute(app, host, {
    method: "PUT",
    path: "/api/v4/hooks/outgoing/:id",
    access: "user",
    summary: "Change an outgoing webhook",
    policy: "its creator, the team's admins, system admins (404 otherwise)",
    params,
    body: updateSchema,
    invalidId: "api.webhook.update_outgoing.invalid",
    handler: async ({ params: p, body, user }) => {
      const { id, team_id: teamId, ...input } = body;
      const row = await accessOutgoingWebhook(host, { user, hookId: p.id });
      if (id !== undefined && id !== row.id) throw badRequest("api.webhook.update_outgoing.invalid", "id: must be the id in the path");
      if (teamId !== undefined && teamId !== row.team_id)
        throw badRequest("api.webhook.team_mismatch.app_error", "team_id: a webhook cannot move to another team");
      return outgoingWebhookUpdater(host, { row, input });
    },
  });

  hostRoute(app, host, {
    method: "DELETE",
    path: "/api/v4/hooks/outgoing/:id",
    access: "user",
    summary: "Delete an outgoing webhook",
    policy: "its creator, the team's admins, system admins (404 otherwise)",
    params,
    handler: async ({ params: p, user }) => {
      await outgoingWebhookDeleter(host, await accessOutgoingWebhook(host, { user, hookId: p.id }));
      return { status: "OK" };
    },
  });

  hostRoute(app, host, {
    method: "POST",
    path: "/api/v4/hooks/outgoing/:id/regen_token",
    access: "user",
    summary: "Give an outgoing webhook a new token",
    policy: "its creator, the team's admins, system admins (404 otherwise)",
    params,
    handler: async ({ params: p, user }) =>
      outgoingWebhookTokenRegenerator(host, await accessOutgoingWebhook(host, { user, hookId: p.id })),
  });
}
