/**
 * @module incident/server/store
 * The plugin's tables (`incident_*`, migrated through `ctx.storage`) and the
 * queries on them, the same on SQLite and PostgreSQL. JSON columns are text;
 * booleans are 0/1 integers so both dialects read them alike.
 */
import { sql, type Kysely, type Transaction } from "kysely";
import type { PluginMigration, StorageApi } from "#plugin-api";
import { forwardingRuleSchema, playbookSpecSchema, type ForwardingRule, type PlaybookSpec } from "../common/playbook.ts";
import type { IncidentStatus } from "../common/types.ts";
import { z } from "zod";

export interface IncidentsTable {
  id: string;
  team_id: string;
  channel_id: string;
  channel_name: string;
  name: string;
  seq: number;
  commander_user_id: string;
  playbook_id: string;
  playbook_version: number;
  /** The playbook's name at start ("" without one), kept if the playbook is deleted. */
  playbook_name: string;
  /** JSON `Record<string, string>`. */
  fields: string;
  /** JSON `string[]`: stage names in order. */
  stages: string;
  current_stage: string;
  /** JSON `ForwardingRule[]`, templates rendered. */
  forwarding: string;
  status: IncidentStatus;
  private: number;
  create_at: number;
  update_at: number;
  end_at: number;
}

export interface ChecklistItemsTable {
  id: string;
  incident_id: string;
  title: string;
  stage: string | null;
  position: number;
  checked: number;
  checked_by: string;
  checked_at: number;
}

export interface PlaybooksTable {
  id: string;
  team_id: string;
  name: string;
  version: number;
  source: string;
  /** JSON of the parsed {@link PlaybookSpec}. */
  spec: string;
  create_at: number;
  update_at: number;
}

/** The last incident number taken in each team (`{{seq}}`). */
export interface TeamSeqsTable {
  team_id: string;
  seq: number;
}

export interface IncidentTables {
  incident_team_seqs: TeamSeqsTable;
  incident_incidents: IncidentsTable;
  incident_checklist_items: ChecklistItemsTable;
  incident_playbooks: PlaybooksTable;
}

export type IncidentDb = Kysely<IncidentTables> | Transaction<IncidentTables>;

/** The migrations of the plugin's tables, applied in name order. */
export const migrations: Record<string, PluginMigration> = {
  "0001_incidents": {
    async up(db, dialect) {
      const t = dialect === "postgres" ? { id: "varchar(26)", time: "bigint" } : { id: "text", time: "integer" };
      const id = sql.raw(t.id);
      const time = sql.raw(t.time);
      await db.schema
        .createTable("incident_incidents")
        .addColumn("id", id, (c) => c.primaryKey())
        .addColumn("team_id", id, (c) => c.notNull())
        .addColumn("channel_id", id, (c) => c.notNull())
        .addColumn("channel_name", "text", (c) => c.notNull())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("seq", "integer", (c) => c.notNull())
        .addColumn("commander_user_id", id, (c) => c.notNull())
        .addColumn("playbook_id", "text", (c) => c.notNull().defaultTo(""))
        .addColumn("playbook_version", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("playbook_name", "text", (c) => c.notNull().defaultTo(""))
        .addColumn("fields", "text", (c) => c.notNull())
        .addColumn("stages", "text", (c) => c.notNull())
        .addColumn("current_stage", "text", (c) => c.notNull())
        .addColumn("forwarding", "text", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("private", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("create_at", time, (c) => c.notNull())
        .addColumn("update_at", time, (c) => c.notNull())
        .addColumn("end_at", time, (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex("incident_incidents_team_seq").on("incident_incidents").columns(["team_id", "seq"]).unique().execute();
      await db.schema
        .createIndex("incident_incidents_team_status")
        .on("incident_incidents")
        .columns(["team_id", "status", "create_at"])
        .execute();
      await db.schema.createIndex("incident_incidents_channel").on("incident_incidents").column("channel_id").execute();

      await db.schema
        .createTable("incident_checklist_items")
        .addColumn("id", id, (c) => c.primaryKey())
        .addColumn("incident_id", id, (c) => c.notNull())
        .addColumn("title", "text", (c) => c.notNull())
        .addColumn("stage", "text")
        .addColumn("position", "integer", (c) => c.notNull())
        .addColumn("checked", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("checked_by", "text", (c) => c.notNull().defaultTo(""))
        .addColumn("checked_at", time, (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createIndex("incident_checklist_items_incident")
        .on("incident_checklist_items")
        .columns(["incident_id", "position"])
        .execute();

      await db.schema
        .createTable("incident_playbooks")
        .addColumn("id", id, (c) => c.primaryKey())
        .addColumn("team_id", id, (c) => c.notNull())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("version", "integer", (c) => c.notNull())
        .addColumn("source", "text", (c) => c.notNull())
        .addColumn("spec", "text", (c) => c.notNull())
        .addColumn("create_at", time, (c) => c.notNull())
        .addColumn("update_at", time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex("incident_playbooks_team_name").on("incident_playbooks").columns(["team_id", "name"]).unique().execute();
    },
  },
  // Incident numbers taken in one atomic step: concurrent starts read the same max(seq) and all but one failed.
  // No rows are copied: a team's first number taken after this seeds its row from its incidents (IncidentStore.takeSeq).
  "0002_team_seqs": {
    async up(db, dialect) {
      await db.schema
        .createTable("incident_team_seqs")
        .addColumn("team_id", sql.raw(dialect === "postgres" ? "varchar(26)" : "text"), (c) => c.primaryKey())
        .addColumn("seq", "integer", (c) => c.notNull())
        .execute();
    },
  },
};

/** An incident row with its JSON columns parsed. */
export interface IncidentRecord extends Omit<IncidentsTable, "fields" | "stages" | "forwarding" | "private"> {
  fields: Record<string, string>;
  stages: string[];
  forwarding: ForwardingRule[];
  private: boolean;
}

/** A checklist item row with `checked` as a boolean. */
export interface ChecklistItemRecord extends Omit<ChecklistItemsTable, "checked"> {
  checked: boolean;
}

/** A playbook row with its spec parsed. */
export interface PlaybookRecord extends Omit<PlaybooksTable, "spec"> {
  spec: PlaybookSpec;
}

const fieldsJson = z.record(z.string(), z.string());
const stagesJson = z.array(z.string());
const forwardingJson = z.array(forwardingRuleSchema);

function readIncident(row: IncidentsTable): IncidentRecord {
  return {
    ...row,
    seq: Number(row.seq),
    playbook_version: Number(row.playbook_version),
    fields: fieldsJson.parse(JSON.parse(row.fields)),
    stages: stagesJson.parse(JSON.parse(row.stages)),
    forwarding: forwardingJson.parse(JSON.parse(row.forwarding)),
    private: Number(row.private) === 1,
  };
}

function readItem(row: ChecklistItemsTable): ChecklistItemRecord {
  return { ...row, position: Number(row.position), checked: Number(row.checked) === 1, checked_at: Number(row.checked_at) };
}

function readPlaybook(row: PlaybooksTable): PlaybookRecord {
  return { ...row, version: Number(row.version), spec: playbookSpecSchema.parse(JSON.parse(row.spec)) };
}

/** Filters of {@link IncidentStore.listIncidents}. */
export interface IncidentFilter {
  teamId?: string;
  channelId?: string;
  status?: IncidentStatus;
  commanderUserId?: string;
}

/** Queries on the plugin's tables. */
export class IncidentStore {
  constructor(private readonly storage: StorageApi) {}

  get db(): Kysely<IncidentTables> {
    return this.storage.db<IncidentTables>();
  }

  /** Create or update the tables. */
  async migrate(): Promise<void> {
    await this.storage.migrate(migrations);
  }

  /** Run `work` in one transaction. */
  transaction<T>(work: (trx: Transaction<IncidentTables>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(work);
  }

  async getIncident(id: string, db: IncidentDb = this.db): Promise<IncidentRecord | null> {
    const row = await db.selectFrom("incident_incidents").selectAll().where("id", "=", id).executeTakeFirst();
    return row ? readIncident(row) : null;
  }

  /** The incident of a channel: the active one, else the latest. */
  async getIncidentByChannel(channelId: string): Promise<IncidentRecord | null> {
    const row = await this.db
      .selectFrom("incident_incidents")
      .selectAll()
      .where("channel_id", "=", channelId)
      .orderBy(sql`case when status = 'active' then 0 else 1 end`)
      .orderBy("create_at", "desc")
      .executeTakeFirst();
    return row ? readIncident(row) : null;
  }

  /** Incidents matching the filter, newest first. */
  async listIncidents(filter: IncidentFilter): Promise<IncidentRecord[]> {
    let query = this.db.selectFrom("incident_incidents").selectAll();
    if (filter.teamId) query = query.where("team_id", "=", filter.teamId);
    if (filter.channelId) query = query.where("channel_id", "=", filter.channelId);
    if (filter.status) query = query.where("status", "=", filter.status);
    if (filter.commanderUserId) query = query.where("commander_user_id", "=", filter.commanderUserId);
    const rows = await query.orderBy("create_at", "desc").orderBy("seq", "desc").execute();
    return rows.map(readIncident);
  }

  /** The team's next incident number. */
  /**
   * Take the team's next incident number, in one statement, so concurrent
   * starts never get the same one: the counter row is bumped, or made from
   * the team's highest number so far when the team has none. A start that
   * fails after this leaves its number unused.
   */
  async takeSeq(teamId: string): Promise<number> {
    const db = this.db;
    const row = await db
      .insertInto("incident_team_seqs")
      .values({
        team_id: teamId,
        seq: db
          .selectFrom("incident_incidents")
          .select((eb) => eb(eb.fn.coalesce(eb.fn.max("seq"), eb.lit(0)), "+", 1).as("next"))
          .where("team_id", "=", teamId),
      })
      .onConflict((oc) => oc.column("team_id").doUpdateSet((eb) => ({ seq: eb("incident_team_seqs.seq", "+", 1) })))
      .returning("seq")
      .executeTakeFirstOrThrow();
    return Number(row.seq);
  }

  async insertIncident(db: IncidentDb, incident: IncidentRecord, items: ChecklistItemRecord[]): Promise<void> {
    await db.insertInto("incident_incidents").values(writeIncident(incident)).execute();
    if (items.length) await db.insertInto("incident_checklist_items").values(items.map(writeItem)).execute();
  }

  async updateIncident(
    id: string,
    patch: Partial<Pick<IncidentRecord, "commander_user_id" | "current_stage" | "status" | "end_at" | "forwarding">>,
    db: IncidentDb = this.db,
  ): Promise<void> {
    const { forwarding, ...rest } = patch;
    await db
      .updateTable("incident_incidents")
      .set({ ...rest, ...(forwarding ? { forwarding: JSON.stringify(forwarding) } : {}), update_at: Date.now() })
      .where("id", "=", id)
      .execute();
  }

  async listItems(incidentId: string, db: IncidentDb = this.db): Promise<ChecklistItemRecord[]> {
    const rows = await db
      .selectFrom("incident_checklist_items")
      .selectAll()
      .where("incident_id", "=", incidentId)
      .orderBy("position")
      .execute();
    return rows.map(readItem);
  }

  async nextItemPosition(incidentId: string, db: IncidentDb = this.db): Promise<number> {
    const row = await db
      .selectFrom("incident_checklist_items")
      .select((eb) => eb.fn.max("position").as("max"))
      .where("incident_id", "=", incidentId)
      .executeTakeFirst();
    return Number(row?.max ?? 0) + 1;
  }

  async insertItem(item: ChecklistItemRecord, db: IncidentDb = this.db): Promise<void> {
    await db.insertInto("incident_checklist_items").values(writeItem(item)).execute();
  }

  async setItemChecked(props: { itemId: string; checked: boolean; by: string; at: number }, db: IncidentDb = this.db): Promise<void> {
    await db
      .updateTable("incident_checklist_items")
      .set({ checked: props.checked ? 1 : 0, checked_by: props.checked ? props.by : "", checked_at: props.checked ? props.at : 0 })
      .where("id", "=", props.itemId)
      .execute();
  }

  async deleteItem(itemId: string, db: IncidentDb = this.db): Promise<void> {
    await db.deleteFrom("incident_checklist_items").where("id", "=", itemId).execute();
  }

  async touchIncident(id: string, db: IncidentDb = this.db): Promise<void> {
    await db.updateTable("incident_incidents").set({ update_at: Date.now() }).where("id", "=", id).execute();
  }

  async getPlaybook(id: string): Promise<PlaybookRecord | null> {
    const row = await this.db.selectFrom("incident_playbooks").selectAll().where("id", "=", id).executeTakeFirst();
    return row ? readPlaybook(row) : null;
  }

  /** The team's playbook of this name, matched case-insensitively. */
  async getPlaybookByName(teamId: string, name: string, db: IncidentDb = this.db): Promise<PlaybookRecord | null> {
    const rows = await db.selectFrom("incident_playbooks").selectAll().where("team_id", "=", teamId).execute();
    const wanted = name.trim().toLowerCase();
    const row = rows.find((r) => r.name === name) ?? rows.find((r) => r.name.toLowerCase() === wanted);
    return row ? readPlaybook(row) : null;
  }

  /** The team's playbooks by name. */
  async listPlaybooks(teamId: string): Promise<PlaybookRecord[]> {
    const rows = await this.db.selectFrom("incident_playbooks").selectAll().where("team_id", "=", teamId).orderBy("name").execute();
    return rows.map(readPlaybook);
  }

  async insertPlaybook(playbook: PlaybookRecord, db: IncidentDb): Promise<void> {
    await db
      .insertInto("incident_playbooks")
      .values({ ...playbook, spec: JSON.stringify(playbook.spec) })
      .execute();
  }

  async updatePlaybook(playbook: PlaybookRecord, db: IncidentDb): Promise<void> {
    await db
      .updateTable("incident_playbooks")
      .set({
        name: playbook.name,
        version: playbook.version,
        source: playbook.source,
        spec: JSON.stringify(playbook.spec),
        update_at: playbook.update_at,
      })
      .where("id", "=", playbook.id)
      .execute();
  }

  async deletePlaybook(id: string): Promise<void> {
    await this.db.deleteFrom("incident_playbooks").where("id", "=", id).execute();
  }
}

function writeIncident(incident: IncidentRecord): IncidentsTable {
  return {
    ...incident,
    fields: JSON.stringify(incident.fields),
    stages: JSON.stringify(incident.stages),
    forwarding: JSON.stringify(incident.forwarding),
    private: incident.private ? 1 : 0,
  };
}

function writeItem(item: ChecklistItemRecord): ChecklistItemsTable {
  return { ...item, checked: item.checked ? 1 : 0 };
}
