/**
 * @module services/webhooks
 * Incoming webhooks: stored per channel and owner; posting through one is
 * the webhook route's (`api/v4/webhooks.ts`), through the post path.
 */
import { newId } from "#common/ids.ts";
import type { Channel } from "#common/wire.ts";
import type { IncomingWebhooksTable } from "../db/schema.ts";
import type { Host } from "../host.ts";

/** An incoming webhook on the wire, as Mattermost answers it. */
export interface IncomingWebhook extends Omit<IncomingWebhooksTable, "channel_locked"> {
  channel_locked: boolean;
  update_at: number;
}

/** The wire shape of a stored incoming webhook. */
export function presentIncomingWebhook(row: IncomingWebhooksTable): IncomingWebhook {
  return { ...row, channel_locked: row.channel_locked === 1, update_at: row.create_at };
}

/** Create an incoming webhook posting to `channel` as `ownerId` (who may post there: checked by the caller). */
export async function incomingWebhookCreator(
  host: Host,
  props: {
    channel: Pick<Channel, "id" | "team_id">;
    ownerId: string;
    input: { display_name?: string; description?: string; username?: string; icon_url?: string; channel_locked?: boolean };
  },
): Promise<IncomingWebhook> {
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
    create_at: Date.now(),
    delete_at: 0,
  };
  await host.db.insertInto("incoming_webhooks").values(row).execute();
  return presentIncomingWebhook(row);
}

/** The live incoming webhooks a user owns. */
export async function incomingWebhooksOf(host: Host, userId: string): Promise<IncomingWebhook[]> {
  const rows = await host.db.selectFrom("incoming_webhooks").selectAll().where("user_id", "=", userId).where("delete_at", "=", 0).execute();
  return rows.map(presentIncomingWebhook);
}

/** A live incoming webhook by id, or null. */
export async function getIncomingWebhook(host: Host, id: string): Promise<IncomingWebhook | null> {
  const row = await host.db.selectFrom("incoming_webhooks").selectAll().where("id", "=", id).where("delete_at", "=", 0).executeTakeFirst();
  return row ? presentIncomingWebhook(row) : null;
}
