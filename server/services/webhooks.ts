/**
 * @module services/webhooks
 * Incoming webhooks: stored per channel and owner, read, changed and deleted
 * by their owner (and team or system admins), and posted through as
 * Mattermost's `HandleIncomingWebhook` does — Slack markup converted, the
 * target channel (`#name`, `name`, or `@username` for a direct message from
 * the owner) resolved with one 404 for "missing" and "the owner cannot post
 * there", long text split into several posts.
 */
import { newId } from "#common/ids.ts";
import { LIMITS } from "#common/limits.ts";
import { isSystemAdmin, type Channel, type User } from "#common/wire.ts";
import type { IncomingWebhooksTable } from "../db/schema.ts";
import { AppError, badRequest, notFound } from "../errors.ts";
import type { Host } from "../host.ts";
import { canPostInChannel, canReadChannel } from "../policies/channel.ts";
import { isTeamAdmin } from "../policies/team.ts";
import { getChannelByName, getChannelRow } from "./channels.ts";
import { directChannelOpener } from "./direct-channels.ts";
import { managedHooksPage } from "./hook-lists.ts";
import type { IncomingWebhookPayload, SlackAttachment } from "./incoming-webhook-payload.ts";
import { postCreator } from "./posts.ts";
import { SlackTextConverter } from "./slack-markup.ts";
import { getUser, getUserByUsername } from "./users.ts";

/** An incoming webhook on the wire, as Mattermost answers it. */
export interface IncomingWebhook extends Omit<IncomingWebhooksTable, "channel_locked"> {
  channel_locked: boolean;
}

/** Mattermost's `DefaultWebhookUsername`: the name shown when neither the payload nor the hook sets one. */
export const DEFAULT_WEBHOOK_USERNAME = "webhook";

/** The fields of an incoming webhook its owner sets (on create and on update). */
export interface IncomingWebhookFields {
  display_name?: string;
  description?: string;
  username?: string;
  icon_url?: string;
  channel_locked?: boolean;
}

/** The wire shape of a stored incoming webhook. */
export function presentIncomingWebhook(row: IncomingWebhooksTable): IncomingWebhook {
  return { ...row, channel_locked: row.channel_locked === 1 };
}

/** Create an incoming webhook posting to `channel` as `ownerId` (who may post there: checked by the caller). */
export async function incomingWebhookCreator(
  host: Host,
  props: { channel: Pick<Channel, "id" | "team_id">; ownerId: string; input: IncomingWebhookFields },
): Promise<IncomingWebhook> {
  const now = Date.now();
  const row: IncomingWebhooksTable = {
    id: newId(),
    channel_id: props.channel.id,
    team_id: props.channel.team_id,
    user_id: props.ownerId,
    display_name: props.input.display_name ?? "",
    description: props.input.description ?? "",
    username: props.input.username ?? "",
    icon_url: props.input.icon_url ?? "",
    channel_locked: props.input.channel_locked ? 1 : 0,
    create_at: now,
    update_at: now,
    delete_at: 0,
  };
  await host.db.insertInto("incoming_webhooks").values(row).execute();
  return presentIncomingWebhook(row);
}

/** One page of the incoming webhooks a user may manage, of one team or all ({@link managedHooksPage} says which). */
export async function incomingWebhookLister(
  host: Host,
  props: { user: User; teamId?: string; page: number; perPage: number },
): Promise<IncomingWebhook[]> {
  return (await managedHooksPage(host, { table: "incoming_webhooks", ...props })).map(presentIncomingWebhook);
}

/** A live incoming webhook by id, or null. */
export async function getIncomingWebhook(host: Host, id: string): Promise<IncomingWebhook | null> {
  const row = await host.db.selectFrom("incoming_webhooks").selectAll().where("id", "=", id).where("delete_at", "=", 0).executeTakeFirst();
  return row ? presentIncomingWebhook(row) : null;
}

/** Who may read, change and delete a webhook: its owner, the team's admins, system admins. */
export async function canManageWebhook(host: Host, user: User, hook: { user_id: string; team_id: string }): Promise<boolean> {
  return hook.user_id === user.id || isSystemAdmin(user) || (await isTeamAdmin(host, user, hook.team_id));
}

/** The incoming webhook if the user may manage it, or one 404 for "missing" and "not yours". */
export async function accessIncomingWebhook(host: Host, props: { user: User; hookId: string }): Promise<IncomingWebhook> {
  const hook = await getIncomingWebhook(host, props.hookId);
  if (!hook || !(await canManageWebhook(host, props.user, hook))) throw notFound("webhook", "incoming webhook not found");
  return hook;
}

/** Change a webhook's fields and, when given, its channel (in the same team; the caller's right to post there checked by the caller). */
export async function incomingWebhookUpdater(
  host: Host,
  props: { hook: IncomingWebhook; channel?: Pick<Channel, "id" | "team_id">; input: IncomingWebhookFields },
): Promise<IncomingWebhook> {
  const { input, hook } = props;
  const changes = {
    channel_id: props.channel?.id ?? hook.channel_id,
    display_name: input.display_name ?? hook.display_name,
    description: input.description ?? hook.description,
    username: input.username ?? hook.username,
    icon_url: input.icon_url ?? hook.icon_url,
    channel_locked: (input.channel_locked ?? hook.channel_locked) ? 1 : 0,
    update_at: Math.max(Date.now(), hook.update_at + 1),
  };
  await host.db.updateTable("incoming_webhooks").set(changes).where("id", "=", hook.id).execute();
  return { ...hook, ...changes, channel_locked: changes.channel_locked === 1 };
}

/** Delete a webhook: it stops posting at once, and its id answers as unknown. */
export async function incomingWebhookDeleter(host: Host, hook: Pick<IncomingWebhook, "id">): Promise<void> {
  const now = Date.now();
  await host.db.updateTable("incoming_webhooks").set({ delete_at: now, update_at: now }).where("id", "=", hook.id).execute();
}

/** The 404 of a webhook's target that does not exist or that its owner cannot post in: the same answer, so nothing leaks. */
const targetNotFound = (channel: string) =>
  new AppError({
    status: 404,
    id: "web.incoming_webhook.channel.app_error",
    message: `channel: "${channel}" not found, or the webhook's owner cannot post there`,
  });

/**
 * Whether a webhook's owner may post in a channel, as Mattermost decides it:
 * in a public channel of the team anyone who reads it, elsewhere its members.
 */
async function ownerMayPost(host: Host, owner: User, channel: Pick<Channel, "id" | "team_id" | "type">): Promise<boolean> {
  return channel.type === "O" ? canReadChannel(host, owner, channel) : canPostInChannel(host, owner, channel);
}

/** The channel a payload's `channel` names (`#name`, `~name`, `name`, `@username`), as the hook's owner may post in it. */
async function namedTarget(host: Host, props: { hook: IncomingWebhook; owner: User; name: string }): Promise<Channel> {
  if (props.name.startsWith("@")) {
    const other = await getUserByUsername(host, props.name);
    if (!other || other.delete_at)
      throw badRequest("web.incoming_webhook.user.app_error", `channel: no active user ${props.name} to send a direct message to`);
    return directChannelOpener(host, { creator: props.owner, userIds: [props.owner.id, other.id] });
  }
  const target = await getChannelByName(host, props.hook.team_id, props.name.replace(/^[#~]/, ""));
  if (!target || !(await ownerMayPost(host, props.owner, target))) throw targetNotFound(props.name);
  return target;
}

/** The channel a payload posts to: the one it names, or the hook's own. A locked hook posts only to its own: 403. */
async function webhookTarget(host: Host, props: { hook: IncomingWebhook; owner: User; channel?: string }): Promise<Pick<Channel, "id">> {
  const { hook, owner } = props;
  if (props.channel) {
    const target = await namedTarget(host, { hook, owner, name: props.channel });
    if (hook.channel_locked && target.id !== hook.channel_id)
      throw new AppError({
        status: 403,
        id: "web.incoming_webhook.channel_locked.app_error",
        message: "channel: this webhook is locked to its own channel",
      });
    return target;
  }
  const own = await getChannelRow(host, hook.channel_id);
  if (!own) throw notFound("channel", "the webhook's channel no longer exists");
  if (!(await ownerMayPost(host, owner, own)))
    throw new AppError({
      status: 403,
      id: "web.incoming_webhook.permissions.app_error",
      message: "The owner of this webhook can no longer post in its channel.",
    });
  return own;
}

/**
 * `text` in pieces of at most the post limit (Mattermost's `SplitWebhookPost`),
 * never between the two halves of a surrogate pair; at least one piece.
 */
export function splitWebhookText(text: string, max: number = LIMITS.postMessageMax): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const high = rest.charCodeAt(max - 1);
    const cut = high >= 0xd800 && high <= 0xdbff ? max - 1 : max;
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  pieces.push(rest);
  return pieces;
}

/** The attachments with Slack markup converted where Mattermost converts it: pretext, text, title and field values. */
function convertedAttachments(converter: SlackTextConverter, attachments: readonly SlackAttachment[]): SlackAttachment[] {
  const convert = (text: string | undefined) => (text === undefined ? undefined : converter.convert(text));
  return attachments.map((attachment) => ({
    ...attachment,
    ...(attachment.pretext !== undefined ? { pretext: convert(attachment.pretext) } : {}),
    ...(attachment.text !== undefined ? { text: convert(attachment.text) } : {}),
    ...(attachment.title !== undefined ? { title: convert(attachment.title) } : {}),
    ...(attachment.fields
      ? {
          fields: attachment.fields.map((field) =>
            field.value === undefined ? field : { ...field, value: converter.convert(field.value) },
          ),
        }
      : {}),
  }));
}

/** Every string Slack markup is converted in, for one user lookup. */
function markupTexts(payload: IncomingWebhookPayload): string[] {
  const texts = [payload.text ?? ""];
  for (const a of payload.attachments ?? [])
    texts.push(a.pretext ?? "", a.text ?? "", a.title ?? "", ...(a.fields ?? []).map((f) => f.value ?? ""));
  return texts;
}

/**
 * Post a payload through an incoming webhook, as its owner: 400
 * `web.incoming_webhook.invalid.app_error` for an unknown id, 400 without
 * text or attachments, 403 when the owner is deactivated or a locked hook is
 * aimed elsewhere, one 404 for a missing channel and one the owner cannot
 * post in. Text over the post limit becomes several posts, the attachments on
 * the last.
 */
export async function incomingWebhookPoster(host: Host, props: { hookId: string; payload: IncomingWebhookPayload }): Promise<void> {
  const { payload } = props;
  const hook = await getIncomingWebhook(host, props.hookId);
  if (!hook) throw badRequest("web.incoming_webhook.invalid.app_error", "id: no incoming webhook with this id");
  if (!payload.text?.trim() && !payload.attachments?.length)
    throw badRequest("web.incoming_webhook.text.app_error", "text: no text or attachments were given");
  const owner = await getUser(host, hook.user_id);
  if (!owner || owner.delete_at)
    throw new AppError({
      status: 403,
      id: "web.incoming_webhook.user.app_error",
      message: "The owner of this webhook has been deactivated.",
    });
  const target = await webhookTarget(host, { hook, owner, channel: payload.channel });
  const converter = await SlackTextConverter.forTexts(host, markupTexts(payload));
  const attachments = payload.attachments ? convertedAttachments(converter, payload.attachments) : undefined;
  const iconUrl = payload.icon_url || hook.icon_url;
  const postProps: Record<string, unknown> = {
    ...(payload.props ?? {}),
    from_webhook: "true",
    webhook_display_name: hook.display_name,
    override_username: payload.username || hook.username || DEFAULT_WEBHOOK_USERNAME,
    ...(iconUrl ? { override_icon_url: iconUrl } : {}),
    ...(payload.icon_emoji ? { override_icon_emoji: payload.icon_emoji } : {}),
    ...(payload.priority ? { priority: payload.priority } : {}),
  };
  delete postProps.attachments;
  const type = attachments ? "slack_attachment" : (payload.type ?? "");
  const pieces = splitWebhookText(converter.convert(payload.text ?? ""));
  for (const [index, message] of pieces.entries()) {
    const last = index === pieces.length - 1;
    await postCreator(host, {
      input: { channel_id: target.id, message, type, props: last && attachments ? { ...postProps, attachments } : postProps },
      author: { user: owner, via: "webhook", trusted: true },
    });
  }
}
