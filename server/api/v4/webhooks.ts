/**
 * @module api/v4/webhooks
 * Incoming webhooks as Mattermost serves them: create one for a channel, list
 * (paged, by team), read, change and delete it, and post through it with a
 * Slack/Mattermost payload in any of the encodings Mattermost reads
 * (`services/incoming-webhook-payload.ts`). Outgoing webhooks are in
 * `outgoing-webhooks.ts`.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { pageQuerySchema } from "#common/limits.ts";
import { badRequest, forbidden } from "../../errors.ts";
import type { Host } from "../../host.ts";
import { accessChannel, canPostInChannel } from "../../policies/channel.ts";
import { accessBrowsableTeam } from "../../policies/team.ts";
import { decodeIncomingWebhookBody, incomingWebhookBodySchema } from "../../services/incoming-webhook-payload.ts";
import {
  accessIncomingWebhook,
  incomingWebhookCreator,
  incomingWebhookDeleter,
  incomingWebhookLister,
  incomingWebhookPoster,
  incomingWebhookUpdater,
} from "../../services/webhooks.ts";
import { hostRoute } from "../route.ts";

const idSchema = z.string().length(26, "must be a 26-character id");

const hookFieldsSchema = z.object({
  display_name: z.string().max(64).optional(),
  description: z.string().max(500).optional(),
  username: z.string().max(64).optional(),
  icon_url: z.string().max(1024).optional(),
  channel_locked: z.boolean().optional(),
});

const createSchema = hookFieldsSchema.extend({ channel_id: idSchema });

/** Mattermost's `PUT /hooks/incoming/{id}` sends the whole hook; `id`, when sent, must be the path's. */
const updateSchema = hookFieldsSchema.extend({ id: z.string().optional(), channel_id: idSchema.optional() });

const listQuerySchema = pageQuerySchema({ perPageDefault: 60 }).extend({ team_id: z.string().optional() });

/** The caller's right to aim a webhook at a channel: a member who may post there (404 for a private channel they cannot read). */
async function webhookChannel(host: Host, props: { user: Parameters<typeof accessChannel>[1]["user"]; channelId: string }) {
  const channel = await accessChannel(host, props);
  if (!(await canPostInChannel(host, props.user, channel)))
    throw forbidden("You must be a member of the channel to create a webhook for it.");
  return channel;
}

export function registerWebhookRoutes(app: FastifyInstance, host: Host): void {
  hostRoute(app, host, {
    method: "POST",
    path: "/api/v4/hooks/incoming",
    access: "user",
    summary: "Create an incoming webhook for a channel",
    policy: "can post in the channel",
    body: createSchema,
    invalidId: "api.webhook.create.invalid",
    status: 201,
    handler: async ({ body, user }) => {
      const channel = await webhookChannel(host, { user, channelId: body.channel_id });
      return incomingWebhookCreator(host, { channel, ownerId: user.id, input: body });
    },
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/hooks/incoming",
    access: "user",
    summary: "Incoming webhooks the caller manages, paged (`team_id`: one team's; its admins see all of them)",
    policy: "own hooks; a team's all to its admins; every hook to system admins",
    query: listQuerySchema,
    handler: async ({ query, user }) => {
      if (query.team_id) await accessBrowsableTeam(host, { user, teamId: query.team_id });
      return incomingWebhookLister(host, { user, teamId: query.team_id, page: query.page, perPage: query.per_page });
    },
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/hooks/incoming/:id",
    access: "user",
    summary: "Read an incoming webhook",
    policy: "its owner, the team's admins, system admins (404 otherwise)",
    params: z.object({ id: z.string() }),
    handler: ({ params, user }) => accessIncomingWebhook(host, { user, hookId: params.id }),
  });

  hostRoute(app, host, {
    method: "PUT",
    path: "/api/v4/hooks/incoming/:id",
    access: "user",
    summary: "Change an incoming webhook (its channel: one of the same team the caller can post in)",
    policy: "its owner, the team's admins, system admins (404 otherwise); can post in the new channel",
    params: z.object({ id: z.string() }),
    body: updateSchema,
    invalidId: "api.webhook.update.invalid",
    handler: async ({ params, body, user }) => {
      if (body.id !== undefined && body.id !== params.id) throw badRequest("api.webhook.update.invalid", "id: must be the id in the path");
      const hook = await accessIncomingWebhook(host, { user, hookId: params.id });
      const channel =
        body.channel_id && body.channel_id !== hook.channel_id
          ? await webhookChannel(host, { user, channelId: body.channel_id })
          : undefined;
      if (channel && channel.team_id !== hook.team_id)
        throw badRequest("api.webhook.team_mismatch.app_error", "channel_id: must be a channel of the webhook's team");
      return incomingWebhookUpdater(host, { hook, channel, input: body });
    },
  });

  hostRoute(app, host, {
    method: "DELETE",
    path: "/api/v4/hooks/incoming/:id",
    access: "user",
    summary: "Delete an incoming webhook",
    policy: "its owner, the team's admins, system admins (404 otherwise)",
    params: z.object({ id: z.string() }),
    handler: async ({ params, user }) => {
      await incomingWebhookDeleter(host, await accessIncomingWebhook(host, { user, hookId: params.id }));
      return { status: "OK" };
    },
  });

  // Posting through a hook reads every body as Mattermost does (JSON whatever the type, forms, multipart), so its
  // own context replaces the app's content-type parsers with one that keeps the bytes for the payload decoder.
  void app.register(async (hooks) => {
    hooks.removeAllContentTypeParsers();
    hooks.addContentTypeParser("*", { parseAs: "buffer" }, (request, body, done) => {
      const contentType = request.headers["content-type"] ?? "";
      decodeIncomingWebhookBody({ contentType, body: Buffer.isBuffer(body) ? body : Buffer.from(body) }).then(
        (payload) => done(null, payload),
        (error: Error) => done(error, undefined),
      );
    });
    hostRoute(hooks, host, {
      method: "POST",
      path: "/hooks/:id",
      access: "none",
      summary:
        "Post through an incoming webhook (Slack/Mattermost payload: JSON of any content type, a form's `payload`, multipart fields)",
      policy: "the hook's unguessable id; its owner can post in the target channel",
      params: z.object({ id: z.string() }),
      body: incomingWebhookBodySchema,
      invalidId: "web.incoming_webhook.invalid",
      response: z.literal("ok"),
      handler: async ({ params, body, reply }) => {
        await incomingWebhookPoster(host, { hookId: params.id, payload: body });
        return reply.type("text/plain").send("ok");
      },
    });
  });
}
