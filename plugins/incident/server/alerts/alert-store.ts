/**
 * @module incident/server/alerts/alert-store
 * The tables of alert intake (migration `0006_alerts`) and the queries on
 * them. `incident_alert_sources` holds each source with the SHA-256 of its
 * token (the token itself is never stored). `incident_alert_groups` is the
 * deduplication: one row per (source, group key), whose primary key is the
 * claim — the one request that inserts it (or takes over an ended incident's
 * row with a conditional update) starts the incident, on every process of a
 * PostgreSQL workspace alike; no lock lives in memory.
 */
import { createHash } from "node:crypto";
import { sql, type Kysely } from "kysely";
import { z } from "zod";
import type { PluginMigration, StorageApi } from "#plugin-api";
import type { AlertSource, AlertSourceKind } from "../../common/alert-types.ts";

export interface AlertSourcesTable {
  id: string;
  team_id: string;
  name: string;
  kind: AlertSourceKind;
  /** Hex SHA-256 of the URL's token. */
  token_hash: string;
  playbook_id: string;
  severity_label: string;
  commander_user_id: string;
  /** JSON `string[]` of user ids. */
  invite: string;
  end_on_resolve: number;
  created_by: string;
  create_at: number;
  update_at: number;
  last_received_at: number;
}

export interface AlertGroupsTable {
  source_id: string;
  /** Hex SHA-256 of the group key (keys are long: a route path and the group's labels). */
  key_hash: string;
  group_key: string;
  /** The incident of the group; "" while a request is starting it (the claim). */
  incident_id: string;
  /** Which request holds the claim, and since when (a claim left by a crashed process is taken over after a while). */
  claim_id: string;
  claimed_at: number;
  /** Hex SHA-256 of the last notification announced in the channel: an identical one is a re-send. */
  digest: string;
  last_posted_at: number;
  /** `firing` or `resolved`: the last notification's status. */
  status: string;
  /** Notifications received for this group, re-sends included. */
  notifications: number;
  create_at: number;
}

export interface AlertTables {
  incident_alert_sources: AlertSourcesTable;
  incident_alert_groups: AlertGroupsTable;
}

/** Migration `0006_alerts`: the two tables of alert intake. */
export const alertsMigration: PluginMigration = {
  async up(db, dialect) {
    const id = sql.raw(dialect === "postgres" ? "varchar(26)" : "text");
    const time = sql.raw(dialect === "postgres" ? "bigint" : "integer");
    await db.schema
      .createTable("incident_alert_sources")
      .addColumn("id", id, (c) => c.primaryKey())
      .addColumn("team_id", id, (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("token_hash", "text", (c) => c.notNull())
      .addColumn("playbook_id", "text", (c) => c.notNull().defaultTo(""))
      .addColumn("severity_label", "text", (c) => c.notNull().defaultTo(""))
      .addColumn("commander_user_id", "text", (c) => c.notNull().defaultTo(""))
      .addColumn("invite", "text", (c) => c.notNull().defaultTo("[]"))
      .addColumn("end_on_resolve", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("created_by", "text", (c) => c.notNull())
      .addColumn("create_at", time, (c) => c.notNull())
      .addColumn("update_at", time, (c) => c.notNull())
      .addColumn("last_received_at", time, (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.createIndex("incident_alert_sources_token").on("incident_alert_sources").column("token_hash").unique().execute();
    await db.schema
      .createIndex("incident_alert_sources_team_name")
      .on("incident_alert_sources")
      .columns(["team_id", "name"])
      .unique()
      .execute();

    await db.schema
      .createTable("incident_alert_groups")
      .addColumn("source_id", id, (c) => c.notNull())
      .addColumn("key_hash", "text", (c) => c.notNull())
      .addColumn("group_key", "text", (c) => c.notNull())
      .addColumn("incident_id", "text", (c) => c.notNull().defaultTo(""))
      .addColumn("claim_id", "text", (c) => c.notNull().defaultTo(""))
      .addColumn("claimed_at", time, (c) => c.notNull().defaultTo(0))
      .addColumn("digest", "text", (c) => c.notNull().defaultTo(""))
      .addColumn("last_posted_at", time, (c) => c.notNull().defaultTo(0))
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("notifications", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("create_at", time, (c) => c.notNull())
      .addPrimaryKeyConstraint("incident_alert_groups_pk", ["source_id", "key_hash"])
      .execute();
    // The groups of an incident (its timeline, the console).
    await db.schema.createIndex("incident_alert_groups_incident").on("incident_alert_groups").column("incident_id").execute();
  },
};

/** Hex SHA-256: how tokens and group keys are stored and looked up. */
export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

const inviteJson = z.array(z.string());

/** A source's row as the API answers it (no token hash). */
export function presentAlertSource(row: AlertSourcesTable): AlertSource {
  return {
    id: row.id,
    team_id: row.team_id,
    name: row.name,
    kind: row.kind,
    playbook_id: row.playbook_id,
    severity_label: row.severity_label,
    commander_user_id: row.commander_user_id,
    invite: inviteJson.parse(JSON.parse(row.invite)),
    end_on_resolve: row.end_on_resolve === 1,
    created_by: row.created_by,
    create_at: Number(row.create_at),
    update_at: Number(row.update_at),
    last_received_at: Number(row.last_received_at),
  };
}

/** A group's row with its times as numbers (PostgreSQL's bigint arrives as a string). */
function groupRow(row: AlertGroupsTable): AlertGroupsTable {
  return {
    ...row,
    claimed_at: Number(row.claimed_at),
    last_posted_at: Number(row.last_posted_at),
    notifications: Number(row.notifications),
    create_at: Number(row.create_at),
  };
}

/** What a conditional update of a group row is conditioned on. */
type GroupKey = Pick<AlertGroupsTable, "source_id" | "key_hash">;

/** The queries of alert intake. */
export class AlertStore {
  constructor(private readonly storage: StorageApi) {}

  private get db(): Kysely<AlertTables> {
    return this.storage.db<AlertTables>();
  }

  async insertSource(row: AlertSourcesTable): Promise<void> {
    await this.db.insertInto("incident_alert_sources").values(row).execute();
  }

  async getSource(id: string): Promise<AlertSourcesTable | null> {
    return (await this.db.selectFrom("incident_alert_sources").selectAll().where("id", "=", id).executeTakeFirst()) ?? null;
  }

  async sourceByToken(token: string): Promise<AlertSourcesTable | null> {
    const row = await this.db.selectFrom("incident_alert_sources").selectAll().where("token_hash", "=", sha256(token)).executeTakeFirst();
    return row ?? null;
  }

  async listSources(teamId: string): Promise<AlertSourcesTable[]> {
    return this.db.selectFrom("incident_alert_sources").selectAll().where("team_id", "=", teamId).orderBy("name").execute();
  }

  async updateSource(id: string, patch: Partial<Omit<AlertSourcesTable, "id" | "team_id">>): Promise<void> {
    await this.db.updateTable("incident_alert_sources").set(patch).where("id", "=", id).execute();
  }

  /** Remember when a notification arrived (the caller does it at most once a second per source). */
  async touchSource(id: string, at: number): Promise<void> {
    await this.db
      .updateTable("incident_alert_sources")
      .set({ last_received_at: at })
      .where("id", "=", id)
      .where("last_received_at", "<", at - 1000)
      .execute();
  }

  async deleteSource(id: string): Promise<void> {
    await this.db.deleteFrom("incident_alert_groups").where("source_id", "=", id).execute();
    await this.db.deleteFrom("incident_alert_sources").where("id", "=", id).execute();
  }

  async getGroup(key: GroupKey): Promise<AlertGroupsTable | null> {
    const row = await this.db
      .selectFrom("incident_alert_groups")
      .selectAll()
      .where("source_id", "=", key.source_id)
      .where("key_hash", "=", key.key_hash)
      .executeTakeFirst();
    return row ? groupRow(row) : null;
  }

  /** Count a notification of the group. */
  async countNotification(key: GroupKey): Promise<void> {
    await this.db
      .updateTable("incident_alert_groups")
      .set((eb) => ({ notifications: eb("notifications", "+", 1) }))
      .where("source_id", "=", key.source_id)
      .where("key_hash", "=", key.key_hash)
      .execute();
  }

  /**
   * Claim a new group: true when this request inserted its row (and so starts
   * its incident); false when another request, on any process, did first.
   */
  async claimNewGroup(row: AlertGroupsTable): Promise<boolean> {
    try {
      await this.db.insertInto("incident_alert_groups").values(row).execute();
      return true;
    } catch (error) {
      if (this.storage.uniqueViolation(error)) return false;
      throw error;
    }
  }

  /**
   * Take the group over for a new start: its incident ended (or a claim went
   * stale). True for the one request whose update matched `expected` (the
   * claim and incident it read).
   */
  async takeOverGroup(
    key: GroupKey,
    expected: Pick<AlertGroupsTable, "incident_id" | "claim_id">,
    next: Pick<AlertGroupsTable, "claim_id" | "claimed_at" | "digest" | "last_posted_at" | "status">,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable("incident_alert_groups")
      .set({ ...next, incident_id: "" })
      .where("source_id", "=", key.source_id)
      .where("key_hash", "=", key.key_hash)
      .where("incident_id", "=", expected.incident_id)
      .where("claim_id", "=", expected.claim_id)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** The claim's start succeeded: the group belongs to this incident. */
  async settleClaim(key: GroupKey, props: { claimId: string; incidentId: string }): Promise<void> {
    await this.db
      .updateTable("incident_alert_groups")
      .set({ incident_id: props.incidentId })
      .where("source_id", "=", key.source_id)
      .where("key_hash", "=", key.key_hash)
      .where("claim_id", "=", props.claimId)
      .execute();
  }

  /** The claim's start failed: free the group, so the next notification tries again. */
  async dropClaim(key: GroupKey, claimId: string): Promise<void> {
    await this.db
      .deleteFrom("incident_alert_groups")
      .where("source_id", "=", key.source_id)
      .where("key_hash", "=", key.key_hash)
      .where("claim_id", "=", claimId)
      .where("incident_id", "=", "")
      .execute();
  }

  /**
   * Claim announcing a notification of the group's active incident: true for
   * the one request that changed the row, which happens when the notification
   * differs from the last one announced, or when the last one is older than
   * `repeatAfter` (a reminder that it still fires); identical re-sends in
   * between are answered `repeated` and post nothing.
   */
  async claimAnnouncement(
    key: GroupKey,
    props: { incidentId: string; digest: string; status: string; now: number; repeatAfter: number },
  ): Promise<boolean> {
    const result = await this.db
      .updateTable("incident_alert_groups")
      .set({ digest: props.digest, status: props.status, last_posted_at: props.now })
      .where("source_id", "=", key.source_id)
      .where("key_hash", "=", key.key_hash)
      .where("incident_id", "=", props.incidentId)
      .where((eb) => eb.or([eb("digest", "<>", props.digest), eb("last_posted_at", "<=", props.now - props.repeatAfter)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** The groups that ever opened or updated this incident. */
  async groupsOfIncident(incidentId: string): Promise<AlertGroupsTable[]> {
    const rows = await this.db.selectFrom("incident_alert_groups").selectAll().where("incident_id", "=", incidentId).execute();
    return rows.map(groupRow);
  }
}
