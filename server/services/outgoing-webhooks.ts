/**
 * @module services/outgoing-webhooks
 * Mattermost's outgoing webhooks, the receive side of ChatOps: a post in a
 * public channel whose first word is a trigger word (exactly, or as a prefix
 * with `trigger_when: 1`), or any post in the hook's channel, is POSTed to
 * the hook's callback URLs with Mattermost's payload (a form, or JSON for
 * `content_type: application/json`) and token; each receiver's JSON answer
 * (`text`, `username`, `icon_url`, `props`, `response_type: "comment"` for a
 * reply) is posted back by the hook's creator. Calls go through the host's
 * outbound HTTP and its rule for internal addresses; posts from webhooks
 * never fire hooks (no loops).
 */
import { z } from "zod";
import { newId } from "#common/ids.ts";
import { isSystemAdmin, type Post, type User } from "#common/wire.ts";
import type { OutgoingWebhooksTable } from "../db/schema.ts";
import { badRequest, conflict, notFound } from "../errors.ts";
import type { Host } from "../host.ts";
import { isTeamAdmin } from "../policies/team.ts";
import { getChannelRow } from "./channels.ts";
import { managedHooksPage } from "./hook-lists.ts";
import { integrationResponsePoster, readIntegrationResponse } from "./integration-response.ts";
import { getTeam } from "./teams.ts";
import { getUser } from "./users.ts";

/** An outgoing webhook on the wire, as Mattermost's `OutgoingWebhook`. */
export interface OutgoingWebhook extends Omit<OutgoingWebhooksTable, "trigger_words" | "callback_urls"> {
  trigger_words: string[];
  callback_urls: string[];
}

const callbackUrlSchema = z
  .string()
  .max(1024, "must be at most 1024 characters")
  .refine((url) => /^https?:\/\/\S+$/i.test(url), "must be an http or https URL");

/** The fields of an outgoing webhook its creator sets. */
export const outgoingWebhookFieldsSchema = z.object({
  channel_id: z.string().default(""),
  trigger_words: z.array(z.string().trim().min(1, "must not be empty").max(64, "must be at most 64 characters")).max(20).default([]),
  trigger_when: z
    .union([z.literal(0), z.literal(1)], { error: "must be 0 (the first word is a trigger word) or 1 (it starts with one)" })
    .default(0),
  callback_urls: z.array(callbackUrlSchema).min(1, "must list at least one URL").max(10, "must list at most 10 URLs"),
  display_name: z.string().max(64).default(""),
  description: z.string().max(500).default(""),
  content_type: z
    .enum(["application/x-www-form-urlencoded", "application/json"], {
      error: "must be application/x-www-form-urlencoded or application/json",
    })
    .default("application/x-www-form-urlencoded"),
  username: z.string().max(64).default(""),
  icon_url: z.string().max(1024).default(""),
});

/** What {@link outgoingWebhookCreator} takes. */
export type OutgoingWebhookFields = z.output<typeof outgoingWebhookFieldsSchema>;

/** The wire shape of a stored hook. */
export function presentOutgoingWebhook(row: OutgoingWebhooksTable): OutgoingWebhook {
  return { ...row, trigger_words: jsonList(row.trigger_words), callback_urls: jsonList(row.callback_urls) };
}

function jsonList(text: string): string[] {
  const parsed = z.array(z.string()).safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : [];
}

/**
 * Refuse a hook that fires on nothing, aims at a channel that is not a
 * public one of its team, or shares a trigger word with another hook of the
 * same channel scope (Mattermost's `intersect` refusal, a 409 here).
 */
async function checkOutgoingWebhook(host: Host, props: { teamId: string; input: OutgoingWebhookFields; exceptId?: string }): Promise<void> {
  const { input } = props;
  if (!input.channel_id && input.trigger_words.length === 0)
    throw badRequest("api.webhook.create_outgoing.triggers.app_error", "trigger_words: give trigger words, a channel_id, or both");
  if (input.channel_id) {
    const channel = await getChannelRow(host, input.channel_id);
    if (!channel || channel.team_id !== props.teamId || channel.delete_at)
      throw notFound("channel", "channel_id: channel not found, or not a channel of this team");
    if (channel.type !== "O")
      throw badRequest("api.webhook.create_outgoing.not_open.app_error", "channel_id: outgoing webhooks listen in public channels only");
  }
  const others = await host.db
    .selectFrom("outgoing_webhooks")
    .selectAll()
    .where("team_id", "=", props.teamId)
    .where("delete_at", "=", 0)
    .where("channel_id", "=", input.channel_id)
    .execute();
  const words = new Set(input.trigger_words.map((w) => w.toLowerCase()));
  for (const other of others) {
    if (other.id === props.exceptId) continue;
    const taken = jsonList(other.trigger_words).find((w) => words.has(w.toLowerCase()));
    if (taken !== undefined || (words.size === 0 && jsonList(other.trigger_words).length === 0))
      throw conflict(
        "api.webhook.create_outgoing.intersect.app_error",
        `trigger_words: "${taken ?? ""}" is already a trigger word of another outgoing webhook here`,
      );
  }
}

/** Create a team's outgoing webhook (the caller a member of the team: checked by the caller). */
export async function outgoingWebhookCreator(
  host: Host,
  props: { creator: User; teamId: string; input: OutgoingWebhookFields },
): Promise<OutgoingWebhook> {
  await checkOutgoingWebhook(host, { teamId: props.teamId, input: props.input });
  const now = Date.now();
  const row: OutgoingWebhooksTable = {
    id: newId(),
    token: newId(),
    creator_id: props.creator.id,
    team_id: props.teamId,
    ...props.input,
    trigger_words: JSON.stringify(props.input.trigger_words),
    callback_urls: JSON.stringify(props.input.callback_urls),
    create_at: now,
    update_at: now,
    delete_at: 0,
  };
  await host.db.insertInto("outgoing_webhooks").values(row).execute();
  return presentOutgoingWebhook(row);
}

/** The hook if the user may manage it (its creator, the team's admins, system admins), or one 404. */
export async function accessOutgoingWebhook(host: Host, props: { user: User; hookId: string }): Promise<OutgoingWebhooksTable> {
  const row = await host.db
    .selectFrom("outgoing_webhooks")
    .selectAll()
    .where("id", "=", props.hookId)
    .where("delete_at", "=", 0)
    .executeTakeFirst();
  const allowed =
    row && (row.creator_id === props.user.id || isSystemAdmin(props.user) || (await isTeamAdmin(host, props.user, row.team_id)));
  if (!row || !allowed) throw notFound("webhook", "outgoing webhook not found");
  return row;
}

/** One page of the outgoing webhooks a user may manage, of one team or channel ({@link managedHooksPage} says which). */
export async function outgoingWebhookLister(
  host: Host,
  props: { user: User; teamId?: string; channelId?: string; page: number; perPage: number },
): Promise<OutgoingWebhook[]> {
  return (await managedHooksPage(host, { table: "outgoing_webhooks", ...props })).map(presentOutgoingWebhook);
}

/** Change a hook's fields (checked like a new hook's). */
export async function outgoingWebhookUpdater(
  host: Host,
  props: { row: OutgoingWebhooksTable; input: OutgoingWebhookFields },
): Promise<OutgoingWebhook> {
  await checkOutgoingWebhook(host, { teamId: props.row.team_id, input: props.input, exceptId: props.row.id });
  const changes = {
    ...props.input,
    trigger_words: JSON.stringify(props.input.trigger_words),
    callback_urls: JSON.stringify(props.input.callback_urls),
    update_at: Math.max(Date.now(), props.row.update_at + 1),
  };
  await host.db.updateTable("outgoing_webhooks").set(changes).where("id", "=", props.row.id).execute();
  return presentOutgoingWebhook({ ...props.row, ...changes });
}

/** Delete a hook: it stops firing at once. */
export async function outgoingWebhookDeleter(host: Host, row: Pick<OutgoingWebhooksTable, "id">): Promise<void> {
  const now = Date.now();
  await host.db.updateTable("outgoing_webhooks").set({ delete_at: now, update_at: now }).where("id", "=", row.id).execute();
}

/** A new token for a hook (receivers checking the old one refuse at once). */
export async function outgoingWebhookTokenRegenerator(host: Host, row: OutgoingWebhooksTable): Promise<OutgoingWebhook> {
  const changes = { token: newId(), update_at: Math.max(Date.now(), row.update_at + 1) };
  await host.db.updateTable("outgoing_webhooks").set(changes).where("id", "=", row.id).execute();
  return presentOutgoingWebhook({ ...row, ...changes });
}

/** The trigger word a post's first word fires a hook with ("" for a channel hook without words), or null. */
export function matchedTriggerWord(hook: Pick<OutgoingWebhook, "trigger_words" | "trigger_when">, message: string): string | null {
  if (hook.trigger_words.length === 0) return "";
  const first = message.trim().split(/\s+/)[0] ?? "";
  if (!first) return null;
  const found =
    hook.trigger_when === 1 ? hook.trigger_words.find((word) => first.startsWith(word)) : hook.trigger_words.find((word) => first === word);
  return found ?? null;
}

/** Mattermost's outgoing-webhook payload. */
function outgoingPayload(props: {
  hook: OutgoingWebhook;
  post: Post;
  channelName: string;
  teamName: string;
  userName: string;
  triggerWord: string;
}) {
  return {
    token: props.hook.token,
    team_id: props.hook.team_id,
    team_domain: props.teamName,
    channel_id: props.post.channel_id,
    channel_name: props.channelName,
    timestamp: String(props.post.create_at),
    user_id: props.post.user_id,
    user_name: props.userName,
    post_id: props.post.id,
    text: props.post.message,
    trigger_word: props.triggerWord,
    file_ids: (props.post.file_ids ?? []).join(","),
  };
}

/**
 * Fire the outgoing webhooks a new post matches (called after it is
 * committed): each callback URL gets the payload, and each answer is posted
 * back. A receiver that fails or is refused is logged; it never affects the
 * post or the other receivers.
 */
export async function outgoingWebhookFirer(host: Host, post: Post): Promise<void> {
  if (post.props.from_webhook === "true" || post.type.startsWith("system_")) return;
  const channel = await getChannelRow(host, post.channel_id);
  // Mattermost fires outgoing webhooks in public channels only.
  if (!channel || channel.type !== "O") return;
  const rows = await host.db
    .selectFrom("outgoing_webhooks")
    .selectAll()
    .where("team_id", "=", channel.team_id)
    .where("delete_at", "=", 0)
    .where((eb) => eb.or([eb("channel_id", "=", ""), eb("channel_id", "=", channel.id)]))
    .execute();
  const matches = rows
    .map(presentOutgoingWebhook)
    .map((hook) => ({ hook, triggerWord: matchedTriggerWord(hook, post.message) }))
    .filter((m): m is { hook: OutgoingWebhook; triggerWord: string } => m.triggerWord !== null);
  if (matches.length === 0) return;
  const [team, sender] = await Promise.all([getTeam(host, channel.team_id), getUser(host, post.user_id)]);
  await Promise.all(
    matches.map(({ hook, triggerWord }) =>
      deliverOutgoing(host, {
        hook,
        post,
        payload: outgoingPayload({
          hook,
          post,
          channelName: channel.name,
          teamName: team?.name ?? "",
          userName: sender?.username ?? "",
          triggerWord,
        }),
      }),
    ),
  );
}

async function deliverOutgoing(host: Host, props: { hook: OutgoingWebhook; post: Post; payload: Record<string, string> }): Promise<void> {
  const { hook } = props;
  const creator = await getUser(host, hook.creator_id);
  if (!creator || creator.delete_at) return;
  const json = hook.content_type === "application/json";
  const body = json ? JSON.stringify(props.payload) : new URLSearchParams(props.payload).toString();
  await Promise.all(
    hook.callback_urls.map(async (url) => {
      try {
        const answer = await host.outbound.fetch(url, {
          method: "POST",
          headers: { "content-type": hook.content_type, accept: "application/json" },
          body,
        });
        const response = readIntegrationResponse(answer);
        if (!response) return;
        await integrationResponsePoster(host, {
          author: creator,
          channelId: props.post.channel_id,
          response,
          ephemeral: false,
          trusted: true,
          rootId: response.response_type === "comment" ? props.post.root_id || props.post.id : undefined,
          defaults: { username: hook.username, iconUrl: hook.icon_url },
        });
      } catch (error) {
        host.log.warn("outgoing webhook failed", { hook_id: hook.id, url, error: String(error) });
      }
    }),
  );
}
