/**
 * @module api/v4/webhooks
 * Incoming webhooks: create one for a channel, then post through it with a
 * Slack/Mattermost payload (`text`, `attachments`, `channel`, `username`, `icon_url`).
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { newId } from "#common/ids.ts";
import { LIMITS } from "#common/limits.ts";
import type { IncomingWebhooksTable } from "../../db/schema.ts";
import { badRequest, forbidden, notFound } from "../../errors.ts";
import type { Host } from "../../host.ts";
import { parse, requireUser } from "../context.ts";
import { canPostInChannel, getChannelByName, getChannelRow, readableChannel } from "../../services/channels.ts";
import { postCreator } from "../../services/posts.ts";
import { presentUser } from "../../services/users.ts";

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

function presentHook(row: IncomingWebhooksTable) {
  return { ...row, channel_locked: row.channel_locked === 1, update_at: row.create_at };
}

export function registerWebhookRoutes(app: FastifyInstance, host: Host): void {
  app.post("/api/v4/hooks/incoming", async (request, reply) => {
    const user = requireUser(request);
    const input = parse(createSchema, request.body, "api.webhook.create.invalid");
    const channel = await readableChannel(host, user, input.channel_id);
    if (!(await canPostInChannel(host, user, channel))) throw forbidden("You must be a member of the channel to create a webhook for it.");
    const row: IncomingWebhooksTable = {
      id: newId(),
      channel_id: channel.id,
      team_id: channel.team_id,
      user_id: user.id,
      display_name: input.display_name ?? "",
      description: input.description ?? "",
      username: input.username ?? "",
      icon_url: input.icon_url ?? "",
      channel_locked: input.channel_locked ? 1 : 0,
      create_at: Date.now(),
      delete_at: 0,
    };
    await host.db.insertInto("incoming_webhooks").values(row).execute();
    return reply.status(201).send(presentHook(row));
  });

  app.get("/api/v4/hooks/incoming", async (request) => {
    const user = requireUser(request);
    const rows = await host.db
      .selectFrom("incoming_webhooks")
      .selectAll()
      .where("user_id", "=", user.id)
      .where("delete_at", "=", 0)
      .execute();
    return rows.map(presentHook);
  });

  app.post<{ Params: { id: string } }>("/hooks/:id", async (request) => {
    const hook = await host.db
      .selectFrom("incoming_webhooks")
      .selectAll()
      .where("id", "=", request.params.id)
      .where("delete_at", "=", 0)
      .executeTakeFirst();
    if (!hook) throw notFound("webhook", "no incoming webhook with this id");
    const payload = parse(payloadSchema, request.body ?? {}, "web.incoming_webhook.invalid");
    if (!payload.text?.trim() && !payload.attachments?.length)
      throw badRequest("web.incoming_webhook.text.app_error", "text: no text or attachments were given");
    const owner = await host.db.selectFrom("users").selectAll().where("id", "=", hook.user_id).executeTakeFirst();
    if (!owner || owner.delete_at) throw forbidden("The owner of this webhook has been deactivated.");
    let channelId = hook.channel_id;
    if (payload.channel && !hook.channel_locked) {
      const target = await getChannelByName(host, hook.team_id, payload.channel.replace(/^[#~]/, ""));
      const ownerUser = presentUser(owner);
      if (!target || !(await canPostInChannel(host, ownerUser, target)))
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
      author: { user: presentUser(owner), via: "webhook", trusted: true },
    });
    return "ok";
  });
}
