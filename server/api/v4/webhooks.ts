/**
 * @module api/v4/webhooks
 * Incoming webhooks: create one for a channel, then post through it with a
 * Slack/Mattermost payload (`text`, `attachments`, `channel`, `username`, `icon_url`).
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { LIMITS } from "#common/limits.ts";
import { badRequest, forbidden, notFound } from "../../errors.ts";
import type { Host } from "../../host.ts";
import { accessChannel, canPostInChannel } from "../../policies/channel.ts";
import { getChannelByName, getChannelRow } from "../../services/channels.ts";
import { postCreator } from "../../services/posts.ts";
import { getUser } from "../../services/users.ts";
import { getIncomingWebhook, incomingWebhookCreator, incomingWebhooksOf } from "../../services/webhooks.ts";
import { hostRoute } from "../route.ts";

const createSchema = z.object({
  channel_id: z.string().length(26, "must be a 26-character id"),
  display_name: z.string().max(64).optional(),
  description: z.string().max(500).optional(),
  username: z.string().max(64).optional(),
  icon_url: z.string().max(1024).optional(),
  channel_locked: z.boolean().optional(),
});

const attachmentSchema = z
  .object({
    fallback: z.string().optional(),
    color: z.string().optional(),
    pretext: z.string().optional(),
    author_name: z.string().optional(),
    title: z.string().optional(),
    title_link: z.string().optional(),
    text: z.string().optional(),
    fields: z.array(z.object({ title: z.string().optional(), value: z.unknown().optional(), short: z.boolean().optional() })).optional(),
    footer: z.string().optional(),
  })
  .passthrough();

const payloadSchema = z.object({
  text: z.string().max(LIMITS.postMessageMax, `must be at most ${LIMITS.postMessageMax} characters`).optional(),
  attachments: z.array(attachmentSchema).max(100, "must hold at most 100 attachments").optional(),
  // Slack senders (Alertmanager's slack_configs) write "#name": the limit is on the name after the prefix.
  channel: z
    .string()
    .refine(
      (name) => name.replace(/^[#~]/, "").length <= LIMITS.nameMax,
      `must be at most ${LIMITS.nameMax} characters after an optional # or ~`,
    )
    .optional(),
  username: z.string().max(64, "must be at most 64 characters").optional(),
  icon_url: z.string().max(1024, "must be at most 1024 characters").optional(),
  props: z.record(z.string(), z.unknown()).optional(),
});

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
      const channel = await accessChannel(host, { user, channelId: body.channel_id });
      if (!(await canPostInChannel(host, user, channel)))
        throw forbidden("You must be a member of the channel to create a webhook for it.");
      return incomingWebhookCreator(host, { channel, ownerId: user.id, input: body });
    },
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/hooks/incoming",
    access: "user",
    summary: "The caller's incoming webhooks",
    handler: ({ user }) => incomingWebhooksOf(host, user.id),
  });

  hostRoute(app, host, {
    method: "POST",
    path: "/hooks/:id",
    access: "none",
    summary: "Post through an incoming webhook (Slack/Mattermost payload, JSON or a form's `payload`)",
    policy: "the hook's unguessable id; its owner can post in the target channel",
    params: z.object({ id: z.string() }),
    // No body at all (and `null`) is an empty payload, refused below for having no text.
    body: z.preprocess((value) => value ?? {}, payloadSchema),
    invalidId: "web.incoming_webhook.invalid",
    response: z.literal("ok"),
    handler: async ({ params, body: payload }) => {
      const hook = await getIncomingWebhook(host, params.id);
      if (!hook) throw notFound("webhook", "no incoming webhook with this id");
      if (!payload.text?.trim() && !payload.attachments?.length)
        throw badRequest("web.incoming_webhook.text.app_error", "text: no text or attachments were given");
      const owner = await getUser(host, hook.user_id);
      if (!owner || owner.delete_at) throw forbidden("The owner of this webhook has been deactivated.");
      let channelId = hook.channel_id;
      if (payload.channel && !hook.channel_locked) {
        const target = await getChannelByName(host, hook.team_id, payload.channel.replace(/^[#~]/, ""));
        if (!target || !(await canPostInChannel(host, owner, target)))
          throw badRequest(
            "web.incoming_webhook.channel.app_error",
            `channel: "${payload.channel}" not found, or the webhook's owner cannot post there`,
          );
        channelId = target.id;
      }
      const channel = await getChannelRow(host, channelId);
      if (!channel) throw notFound("channel", "the webhook's channel no longer exists");
      const username = payload.username || hook.username || hook.display_name;
      await postCreator(host, {
        input: {
          channel_id: channelId,
          message: payload.text ?? "",
          props: {
            ...(payload.props ?? {}),
            from_webhook: "true",
            webhook_display_name: hook.display_name,
            ...(username ? { override_username: username } : {}),
            ...(payload.icon_url || hook.icon_url ? { override_icon_url: payload.icon_url || hook.icon_url } : {}),
            ...(payload.attachments ? { attachments: payload.attachments } : {}),
          },
        },
        author: { user: owner, via: "webhook", trusted: true },
      });
      return "ok";
    },
  });
}
