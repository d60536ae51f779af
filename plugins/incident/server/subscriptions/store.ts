/**
 * @module incident/server/subscriptions/store
 * The tables of event subscriptions (migration `0007_subscriptions`): the
 * subscriptions, one row per event sent to one of them (a delivery, carrying
 * the body it is sent with, so every retry sends the same bytes), and one row
 * per attempt. An attempt is taken by raising the delivery's `attempts` from
 * the number the taker read (a compare-and-set), so two processes never make
 * the same attempt.
 */
import { sql, type Kysely } from "kysely";
import { z } from "zod";
import type { PluginMigration, StorageApi } from "#plugin-api";
import type { DeliveryAttempt, DeliveryStatus, Webhook } from "../../common/webhook-types.ts";

export interface WebhooksTable {
  id: string;
  team_id: string;
  url: string;
  /** JSON `string[]`: event types, or `["*"]`. */
  events: string;
  include_private: number;
  active: number;
  /** The signing secret, `whsec_<base64>`. */
  secret: string;
  creator_user_id: string;
  create_at: number;
  update_at: number;
}

export interface WebhookDeliveriesTable {
  id: string;
  webhook_id: string;
  team_id: string;
  event_type: string;
  incident_id: string;
  entry_id: string;
  /** The JSON body, as signed and sent on every attempt. */
  payload: string;
  status: DeliveryStatus;
  attempts: number;
  response_status: number;
  next_attempt_at: number;
  last_attempt_at: number;
  last_error: string;
  create_at: number;
  delivered_at: number;
}

export interface WebhookAttemptsTable {
  delivery_id: string;
  number: number;
  at: number;
  /** 0 while the attempt is under way (or when its process stopped during it). */
  finished_at: number;
  response_status: number;
  error: string;
}

export interface WebhookTables {
  incident_webhooks: WebhooksTable;
  incident_webhook_deliveries: WebhookDeliveriesTable;
  incident_webhook_attempts: WebhookAttemptsTable;
}

/** Subscriptions, their deliveries and attempts (DESIGN.md section 11). */
export const subscriptionsMigration: PluginMigration = {
  async up(db, dialect) {
    const id = sql.raw(dialect === "postgres" ? "varchar(26)" : "text");
    const time = sql.raw(dialect === "postgres" ? "bigint" : "integer");
    await db.schema
      .createTable("incident_webhooks")
      .addColumn("id", id, (c) => c.primaryKey())
      .addColumn("team_id", id, (c) => c.notNull())
      .addColumn("url", "text", (c) => c.notNull())
      .addColumn("events", "text", (c) => c.notNull())
      .addColumn("include_private", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("active", "integer", (c) => c.notNull().defaultTo(1))
      .addColumn("secret", "text", (c) => c.notNull())
      .addColumn("creator_user_id", "text", (c) => c.notNull())
      .addColumn("create_at", time, (c) => c.notNull())
      .addColumn("update_at", time, (c) => c.notNull())
      .execute();
    await db.schema.createIndex("incident_webhooks_team").on("incident_webhooks").columns(["team_id", "create_at"]).execute();
    await db.schema
      .createTable("incident_webhook_deliveries")
      .addColumn("id", id, (c) => c.primaryKey())
      .addColumn("webhook_id", id, (c) => c.notNull())
      .addColumn("team_id", id, (c) => c.notNull())
      .addColumn("event_type", "text", (c) => c.notNull())
      .addColumn("incident_id", id, (c) => c.notNull())
      .addColumn("entry_id", id, (c) => c.notNull())
      .addColumn("payload", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("response_status", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("next_attempt_at", time, (c) => c.notNull().defaultTo(0))
      .addColumn("last_attempt_at", time, (c) => c.notNull().defaultTo(0))
      .addColumn("last_error", "text", (c) => c.notNull().defaultTo(""))
      .addColumn("create_at", time, (c) => c.notNull())
      .addColumn("delivered_at", time, (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createIndex("incident_webhook_deliveries_webhook")
      .on("incident_webhook_deliveries")
      .columns(["webhook_id", "create_at"])
      .execute();
    // The sweep for pending deliveries left without a job (delivery.ts, rescheduleOrphans).
    await db.schema
      .createIndex("incident_webhook_deliveries_due")
      .on("incident_webhook_deliveries")
      .columns(["status", "next_attempt_at"])
      .execute();
    await db.schema
      .createTable("incident_webhook_attempts")
      .addColumn("delivery_id", id, (c) => c.notNull())
      .addColumn("number", "integer", (c) => c.notNull())
      .addColumn("at", time, (c) => c.notNull())
      .addColumn("finished_at", time, (c) => c.notNull().defaultTo(0))
      .addColumn("response_status", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("error", "text", (c) => c.notNull().defaultTo(""))
      .addPrimaryKeyConstraint("incident_webhook_attempts_pk", ["delivery_id", "number"])
      .execute();
  },
};

const eventsJson = z.array(z.string());

/** A subscription's row as the server uses it: the wire shape and its secret. */
export type WebhookRecord = Webhook & { secret: string };

/** A delivery's row as the server uses it (without its attempts). */
export type DeliveryRecord = WebhookDeliveriesTable;

function readWebhook(row: WebhooksTable): WebhookRecord {
  return {
    ...row,
    events: eventsJson.parse(JSON.parse(row.events)),
    include_private: Number(row.include_private) === 1,
    active: Number(row.active) === 1,
    create_at: Number(row.create_at),
    update_at: Number(row.update_at),
  };
}

function readDelivery(row: WebhookDeliveriesTable): DeliveryRecord {
  return {
    ...row,
    attempts: Number(row.attempts),
    response_status: Number(row.response_status),
    next_attempt_at: Number(row.next_attempt_at),
    last_attempt_at: Number(row.last_attempt_at),
    create_at: Number(row.create_at),
    delivered_at: Number(row.delivered_at),
  };
}

/** The `webhook-id` of a delivery: stable across its attempts. */
export function messageIdOf(deliveryId: string): string {
  return `msg_${deliveryId}`;
}

/** Queries on the subscription tables. */
export class WebhookStore {
  constructor(private readonly storage: StorageApi) {}

  private get db(): Kysely<WebhookTables> {
    return this.storage.db<WebhookTables>();
  }

  async insertWebhook(webhook: WebhookRecord): Promise<void> {
    await this.db
      .insertInto("incident_webhooks")
      .values({
        ...webhook,
        events: JSON.stringify(webhook.events),
        include_private: webhook.include_private ? 1 : 0,
        active: webhook.active ? 1 : 0,
      })
      .execute();
  }

  async getWebhook(id: string): Promise<WebhookRecord | null> {
    const row = await this.db.selectFrom("incident_webhooks").selectAll().where("id", "=", id).executeTakeFirst();
    return row ? readWebhook(row) : null;
  }

  /** A team's subscriptions (every team's without `teamId`), oldest first. */
  async listWebhooks(props: { teamId?: string }): Promise<WebhookRecord[]> {
    const rows = await this.db
      .selectFrom("incident_webhooks")
      .selectAll()
      .$if(props.teamId !== undefined, (q) => q.where("team_id", "=", props.teamId ?? ""))
      .orderBy("create_at")
      .orderBy("id")
      .execute();
    return rows.map(readWebhook);
  }

  async countWebhooks(teamId: string): Promise<number> {
    const row = await this.db
      .selectFrom("incident_webhooks")
      .select((eb) => eb.fn.countAll<number | string>().as("n"))
      .where("team_id", "=", teamId)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** The active subscriptions of a team that may hear of an incident: include_private ones only for a private one. */
  async subscribersOf(props: { teamId: string; isPrivate: boolean }): Promise<WebhookRecord[]> {
    const rows = await this.db
      .selectFrom("incident_webhooks")
      .selectAll()
      .where("team_id", "=", props.teamId)
      .where("active", "=", 1)
      .$if(props.isPrivate, (q) => q.where("include_private", "=", 1))
      .execute();
    return rows.map(readWebhook);
  }

  async updateWebhook(id: string, patch: Partial<Pick<WebhookRecord, "url" | "events" | "include_private" | "active" | "update_at">>) {
    await this.db
      .updateTable("incident_webhooks")
      .set({
        ...(patch.url !== undefined ? { url: patch.url } : {}),
        ...(patch.events !== undefined ? { events: JSON.stringify(patch.events) } : {}),
        ...(patch.include_private !== undefined ? { include_private: patch.include_private ? 1 : 0 } : {}),
        ...(patch.active !== undefined ? { active: patch.active ? 1 : 0 } : {}),
        ...(patch.update_at !== undefined ? { update_at: patch.update_at } : {}),
      })
      .where("id", "=", id)
      .execute();
  }

  /** Remove a subscription with its deliveries and their attempts; answers the ids of its pending deliveries. */
  async deleteWebhook(id: string): Promise<string[]> {
    return this.db.transaction().execute(async (trx) => {
      const pending = await trx
        .selectFrom("incident_webhook_deliveries")
        .select("id")
        .where("webhook_id", "=", id)
        .where("status", "=", "pending")
        .execute();
      await trx
        .deleteFrom("incident_webhook_attempts")
        .where("delivery_id", "in", trx.selectFrom("incident_webhook_deliveries").select("id").where("webhook_id", "=", id))
        .execute();
      await trx.deleteFrom("incident_webhook_deliveries").where("webhook_id", "=", id).execute();
      await trx.deleteFrom("incident_webhooks").where("id", "=", id).execute();
      return pending.map((p) => p.id);
    });
  }

  async insertDelivery(delivery: DeliveryRecord): Promise<void> {
    await this.db.insertInto("incident_webhook_deliveries").values(delivery).execute();
  }

  /** The ids of pending deliveries whose next attempt was due before `dueBefore` (at most 500, oldest first). */
  async overdueDeliveries(dueBefore: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom("incident_webhook_deliveries")
      .select("id")
      .where("status", "=", "pending")
      .where("next_attempt_at", "<", dueBefore)
      .orderBy("next_attempt_at")
      .limit(500)
      .execute();
    return rows.map((r) => r.id);
  }

  async getDelivery(id: string): Promise<DeliveryRecord | null> {
    const row = await this.db.selectFrom("incident_webhook_deliveries").selectAll().where("id", "=", id).executeTakeFirst();
    return row ? readDelivery(row) : null;
  }

  /** A subscription's deliveries, newest first, with the page's total. */
  async listDeliveries(props: {
    webhookId: string;
    status?: DeliveryStatus;
    page: number;
    perPage: number;
  }): Promise<{ items: DeliveryRecord[]; total: number }> {
    const base = this.db
      .selectFrom("incident_webhook_deliveries")
      .where("webhook_id", "=", props.webhookId)
      .$if(props.status !== undefined, (q) => q.where("status", "=", props.status ?? "pending"));
    const [rows, count] = await Promise.all([
      base
        .selectAll()
        .orderBy("create_at", "desc")
        .orderBy("id", "desc")
        .limit(props.perPage)
        .offset(props.page * props.perPage)
        .execute(),
      base.select((eb) => eb.fn.countAll<number | string>().as("n")).executeTakeFirst(),
    ]);
    return { items: rows.map(readDelivery), total: Number(count?.n ?? 0) };
  }

  /** The attempts of some deliveries, by delivery id, in order. */
  async attemptsOf(deliveryIds: readonly string[]): Promise<Map<string, DeliveryAttempt[]>> {
    const byDelivery = new Map<string, DeliveryAttempt[]>();
    if (deliveryIds.length === 0) return byDelivery;
    const rows = await this.db
      .selectFrom("incident_webhook_attempts")
      .selectAll()
      .where("delivery_id", "in", [...deliveryIds])
      .orderBy("delivery_id")
      .orderBy("number")
      .execute();
    for (const row of rows) {
      const at = Number(row.at);
      const finished = Number(row.finished_at);
      const list = byDelivery.get(row.delivery_id) ?? [];
      list.push({
        number: Number(row.number),
        at,
        response_status: Number(row.response_status),
        error: row.error,
        duration_ms: finished ? finished - at : 0,
      });
      byDelivery.set(row.delivery_id, list);
    }
    return byDelivery;
  }

  /**
   * Take attempt `number` of a pending delivery: true when this caller raised
   * its `attempts` from `number - 1` (and recorded the attempt), false when
   * another caller did first or the delivery is no longer pending.
   */
  async takeAttempt(props: { deliveryId: string; number: number; at: number }): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const taken = await trx
        .updateTable("incident_webhook_deliveries")
        .set({ attempts: props.number, last_attempt_at: props.at })
        .where("id", "=", props.deliveryId)
        .where("status", "=", "pending")
        .where("attempts", "=", props.number - 1)
        .executeTakeFirst();
      if (Number(taken.numUpdatedRows) !== 1) return false;
      await trx
        .insertInto("incident_webhook_attempts")
        .values({ delivery_id: props.deliveryId, number: props.number, at: props.at, finished_at: 0, response_status: 0, error: "" })
        .execute();
      return true;
    });
  }

  /** Record how an attempt ended. */
  async finishAttempt(props: { deliveryId: string; number: number; finishedAt: number; responseStatus: number; error: string }) {
    await this.db
      .updateTable("incident_webhook_attempts")
      .set({ finished_at: props.finishedAt, response_status: props.responseStatus, error: props.error })
      .where("delivery_id", "=", props.deliveryId)
      .where("number", "=", props.number)
      .execute();
  }

  /**
   * Close attempt `number` if it never finished (its process stopped during
   * it): true when there was such an attempt.
   */
  async closeUnfinishedAttempt(props: { deliveryId: string; number: number; at: number; error: string }): Promise<boolean> {
    const closed = await this.db
      .updateTable("incident_webhook_attempts")
      .set({ finished_at: props.at, error: props.error })
      .where("delivery_id", "=", props.deliveryId)
      .where("number", "=", props.number)
      .where("finished_at", "=", 0)
      .executeTakeFirst();
    return Number(closed.numUpdatedRows) === 1;
  }

  /** Record the delivery's state after an attempt (or after one that never finished). */
  async updateDelivery(
    id: string,
    patch: Partial<Pick<DeliveryRecord, "status" | "response_status" | "next_attempt_at" | "last_error" | "delivered_at">>,
  ): Promise<void> {
    await this.db.updateTable("incident_webhook_deliveries").set(patch).where("id", "=", id).execute();
  }
}
