/**
 * @module incident/server/store
 * The plugin's tables (`incident_*`, migrated through `ctx.storage`) and the
 * queries on them, the same on SQLite and PostgreSQL. JSON columns are text;
 * booleans are 0/1 integers so both dialects read them alike.
 */
import { sql, type Kysely, type Transaction } from "kysely";
import { newId } from "#common/ids.ts";
import type { PluginMigration, StorageApi } from "#plugin-api";
import { forwardingRuleSchema, playbookSpecSchema, type ForwardingRule, type PlaybookSpec } from "../common/playbook.ts";
import type { BroadcastOutcome, IncidentStatus, StatusUpdate, TimelineEntry, TimelineType } from "../common/types.ts";
import type { FollowUp, Retrospective } from "../common/review-types.ts";
import { z } from "zod";
import { orderChecklist } from "../common/checklist.ts";
import { alertsMigration } from "./alerts/alert-store.ts";
import { subscriptionsMigration } from "./subscriptions/store.ts";

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
  severity: string;
  /** JSON `string[]`, most severe first. */
  severities: string;
  /** JSON `Record<string, string>`: role → user id ("" when nobody). */
  roles: string;
  /** JSON `string[]`: channel names status updates are copied to. */
  broadcast: string;
  update_every_ms: number;
  last_status_update_at: number;
  /** The due time of the last overdue period the commander was reminded of (so each period reminds once). */
  reminded_due_at: number;
  drill: number;
  channel_created: number;
  /** 1 when the playbook said `archive_on_end` at start: the channel is archived at the end, if the incident created it. */
  archive_on_end: number;
  /** The last checklist item number taken (so a removed item's number is never given again). */
  item_seq: number;
}

export interface ChecklistItemsTable {
  id: string;
  incident_id: string;
  title: string;
  stage: string | null;
  position: number;
  /** The item's number: the next unused one of its incident when it was made, never changed (`/incident check 4`). */
  number: number;
  checked: number;
  checked_by: string;
  checked_at: number;
  assignee_user_id: string;
  due_at: number;
  /** The playbook's `due`, ms after entering the item's stage; 0 without one. */
  due_after_ms: number;
  /** The playbook's `assignee` when it names a role: filled when the role is. */
  assignee_role: string;
  /** The `due_at` the bot last said was overdue (once per due time). */
  overdue_notified_at: number;
}

export interface TimelineTable {
  id: string;
  incident_id: string;
  type: TimelineType;
  create_at: number;
  actor_user_id: string;
  summary: string;
  post_id: string;
  /** JSON of the entry's details. */
  details: string;
}

/** A status update's row: the wire shape, with `broadcast` as JSON of its `BroadcastOutcome[]`. */
export type StatusUpdatesTable = Omit<StatusUpdate, "broadcast"> & { broadcast: string };

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
  incident_timeline: TimelineTable;
  incident_status_updates: StatusUpdatesTable;
  incident_retrospectives: RetrospectivesTable;
  incident_follow_ups: FollowUpsTable;
}

/** An incident's retrospective (migration 0005_review): the wire shape; no row until the incident starts or is first saved. */
export type RetrospectivesTable = Retrospective;

/** A follow-up item of an incident's retrospective (migration 0005_review): the wire shape, `done` as 0/1. */
export type FollowUpsTable = Omit<FollowUp, "done"> & { done: number };

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
  "0002_response": {
    // Severity, roles, status updates, reminders, due times, the timeline, incidents in existing channels (DESIGN.md section 10).
    async up(db, dialect) {
      const time = sql.raw(dialect === "postgres" ? "bigint" : "integer");
      const id = sql.raw(dialect === "postgres" ? "varchar(26)" : "text");
      const severities = JSON.stringify(["SEV1", "SEV2", "SEV3", "SEV4"]);
      // One column per statement: SQLite's ALTER TABLE adds one at a time.
      const incidentColumns: Array<[string, RawBuilderType, string]> = [
        ["severity", sql.raw("text"), "'SEV3'"],
        ["severities", sql.raw("text"), `'${severities}'`],
        ["roles", sql.raw("text"), "'{}'"],
        ["broadcast", sql.raw("text"), "'[]'"],
        ["update_every_ms", time, "0"],
        ["last_status_update_at", time, "0"],
        ["reminded_due_at", time, "0"],
        ["drill", sql.raw("integer"), "0"],
        // Every incident of the previous version made its own channel.
        ["channel_created", sql.raw("integer"), "1"],
      ];
      for (const [name, type, fallback] of incidentColumns)
        await db.schema
          .alterTable("incident_incidents")
          .addColumn(name, type, (c) => c.notNull().defaultTo(sql.raw(fallback)))
          .execute();
      const itemColumns: Array<[string, RawBuilderType, string]> = [
        ["assignee_user_id", sql.raw("text"), "''"],
        ["due_at", time, "0"],
        ["due_after_ms", time, "0"],
        ["assignee_role", sql.raw("text"), "''"],
        ["overdue_notified_at", time, "0"],
      ];
      for (const [name, type, fallback] of itemColumns)
        await db.schema
          .alterTable("incident_checklist_items")
          .addColumn(name, type, (c) => c.notNull().defaultTo(sql.raw(fallback)))
          .execute();
      // One active incident per channel, now that incidents can run in existing channels.
      await sql`CREATE UNIQUE INDEX incident_incidents_channel_active ON incident_incidents (channel_id) WHERE status = 'active'`.execute(
        db,
      );

      await db.schema
        .createTable("incident_timeline")
        .addColumn("id", id, (c) => c.primaryKey())
        .addColumn("incident_id", id, (c) => c.notNull())
        .addColumn("type", "text", (c) => c.notNull())
        .addColumn("create_at", time, (c) => c.notNull())
        .addColumn("actor_user_id", "text", (c) => c.notNull().defaultTo(""))
        .addColumn("summary", "text", (c) => c.notNull())
        .addColumn("post_id", "text", (c) => c.notNull().defaultTo(""))
        .addColumn("details", "text", (c) => c.notNull().defaultTo("{}"))
        .execute();
      await db.schema.createIndex("incident_timeline_incident").on("incident_timeline").columns(["incident_id", "create_at"]).execute();
      // A deleted or edited post finds the entries that quote it.
      await db.schema.createIndex("incident_timeline_post").on("incident_timeline").column("post_id").execute();

      await db.schema
        .createTable("incident_status_updates")
        .addColumn("id", id, (c) => c.primaryKey())
        .addColumn("incident_id", id, (c) => c.notNull())
        .addColumn("message", "text", (c) => c.notNull())
        .addColumn("author_user_id", "text", (c) => c.notNull())
        .addColumn("post_id", "text", (c) => c.notNull().defaultTo(""))
        .addColumn("severity", "text", (c) => c.notNull())
        .addColumn("stage", "text", (c) => c.notNull())
        .addColumn("create_at", time, (c) => c.notNull())
        .addColumn("broadcast", "text", (c) => c.notNull().defaultTo("[]"))
        .execute();
      await db.schema
        .createIndex("incident_status_updates_incident")
        .on("incident_status_updates")
        .columns(["incident_id", "create_at"])
        .execute();

      // The timeline of the incidents already there, from what their rows tell: the start, each checked item, the end
      // (so history and metrics, which read the timeline, count them too).
      await backfillTimeline(db);
    },
  },
  // Incident numbers taken in one atomic step: concurrent starts read the same max(seq) and all but one failed.
  // No rows are copied: a team's first number taken after this seeds its row from its incidents (IncidentStore.takeSeq).
  "0003_team_seqs": {
    async up(db, dialect) {
      await db.schema
        .createTable("incident_team_seqs")
        .addColumn("team_id", sql.raw(dialect === "postgres" ? "varchar(26)" : "text"), (c) => c.primaryKey())
        .addColumn("seq", "integer", (c) => c.notNull())
        .execute();
    },
  },
  // Item numbers that stay put: they used to be positions in display order, so removing item 1 renumbered the rest.
  "0004_item_numbers": {
    async up(db) {
      await db.schema
        .alterTable("incident_incidents")
        .addColumn("item_seq", "integer", (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .alterTable("incident_checklist_items")
        .addColumn("number", "integer", (c) => c.notNull().defaultTo(0))
        .execute();
      await numberExistingItems(db);
      await db.schema
        .createIndex("incident_checklist_items_number")
        .on("incident_checklist_items")
        .columns(["incident_id", "number"])
        .unique()
        .execute();
    },
  },
  // Retrospectives and follow-ups, and the indexes history and metrics read by (DESIGN.md section 10, review).
  "0005_review": {
    async up(db, dialect) {
      const id = sql.raw(dialect === "postgres" ? "varchar(26)" : "text");
      const time = sql.raw(dialect === "postgres" ? "bigint" : "integer");
      await db.schema
        .createTable("incident_retrospectives")
        .addColumn("incident_id", id, (c) => c.primaryKey())
        .addColumn("text", "text", (c) => c.notNull())
        .addColumn("version", "integer", (c) => c.notNull())
        .addColumn("update_at", time, (c) => c.notNull())
        .addColumn("updated_by", "text", (c) => c.notNull().defaultTo(""))
        .addColumn("published_at", time, (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createTable("incident_follow_ups")
        .addColumn("id", id, (c) => c.primaryKey())
        .addColumn("incident_id", id, (c) => c.notNull())
        .addColumn("title", "text", (c) => c.notNull())
        .addColumn("assignee_user_id", "text", (c) => c.notNull().defaultTo(""))
        .addColumn("done", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("create_at", time, (c) => c.notNull())
        .addColumn("update_at", time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex("incident_follow_ups_incident").on("incident_follow_ups").columns(["incident_id", "create_at"]).execute();
      // History pages of every status sorted by start or end, and the metrics' scan of a team's incidents.
      await db.schema.createIndex("incident_incidents_team_create").on("incident_incidents").columns(["team_id", "create_at"]).execute();
      await db.schema.createIndex("incident_incidents_team_end").on("incident_incidents").columns(["team_id", "end_at"]).execute();
      // The metrics read only the timeline entries that mark a start, a stage change, an update or the end.
      await db.schema.createIndex("incident_timeline_type").on("incident_timeline").columns(["type", "incident_id", "create_at"]).execute();
    },
  },
  // Alert sources and the deduplication of their alert groups (DESIGN.md section 11; alerts/alert-store.ts).
  "0006_alerts": alertsMigration,
  // Event subscriptions, their deliveries and attempts (DESIGN.md section 11; subscriptions/store.ts).
  "0007_subscriptions": subscriptionsMigration,
  // A playbook's archive_on_end, copied at start like its stages (issue 12); incidents from before never archive.
  "0008_archive_on_end": {
    async up(db) {
      await db.schema
        .alterTable("incident_incidents")
        .addColumn("archive_on_end", "integer", (c) => c.notNull().defaultTo(0))
        .execute();
    },
  },
};

/** Number every incident's items in the order they were shown (so "item 3" still means what people saw as 3). */
async function numberExistingItems(db: Kysely<unknown>): Promise<void> {
  const typed = db.withTables<Pick<IncidentTables, "incident_incidents" | "incident_checklist_items">>();
  const incidents = await typed.selectFrom("incident_incidents").select(["id", "stages"]).execute();
  for (const incident of incidents) {
    const items = await typed
      .selectFrom("incident_checklist_items")
      .select(["id", "stage", "position"])
      .where("incident_id", "=", incident.id)
      .execute();
    const ordered = orderChecklist(
      items.map((i) => ({ ...i, position: Number(i.position) })),
      stagesJson.parse(JSON.parse(incident.stages)),
    );
    for (const [index, item] of ordered.entries())
      await typed
        .updateTable("incident_checklist_items")
        .set({ number: index + 1 })
        .where("id", "=", item.id)
        .execute();
    await typed.updateTable("incident_incidents").set({ item_seq: ordered.length }).where("id", "=", incident.id).execute();
  }
}

type RawBuilderType = ReturnType<typeof sql.raw>;

/** The timeline rows of the previous version's incidents: their start, each checked item, their end. */
async function backfillTimeline(db: Kysely<unknown>): Promise<void> {
  const incidents = await sql<{ id: string; create_at: number; end_at: number; status: string; commander_user_id: string; name: string }>`
    SELECT id, create_at, end_at, status, commander_user_id, name FROM incident_incidents`.execute(db);
  const items = await sql<{ id: string; incident_id: string; title: string; checked_by: string; checked_at: number }>`
    SELECT id, incident_id, title, checked_by, checked_at FROM incident_checklist_items WHERE checked = 1`.execute(db);
  const entries: TimelineTable[] = [];
  const entry = (props: Omit<TimelineTable, "id" | "post_id">) => entries.push({ id: newId(), post_id: "", ...props });
  for (const row of incidents.rows) {
    entry({
      incident_id: row.id,
      type: "incident_started",
      create_at: Number(row.create_at),
      actor_user_id: row.commander_user_id,
      summary: `Started the incident **${row.name}**`,
      details: "{}",
    });
    if (row.status === "ended")
      entry({
        incident_id: row.id,
        type: "incident_ended",
        create_at: Number(row.end_at),
        actor_user_id: "",
        summary: `Ended the incident **${row.name}**`,
        details: "{}",
      });
  }
  for (const row of items.rows)
    entry({
      incident_id: row.incident_id,
      type: "checklist_item_checked",
      create_at: Number(row.checked_at),
      actor_user_id: row.checked_by,
      summary: `Checked: ${row.title}`,
      details: JSON.stringify({ item_id: row.id, item_title: row.title }),
    });
  const typed = db.withTables<Pick<IncidentTables, "incident_timeline">>();
  for (let i = 0; i < entries.length; i += 200)
    await typed
      .insertInto("incident_timeline")
      .values(entries.slice(i, i + 200))
      .execute();
}

/** The columns of an incident row that hold JSON or 0/1. */
type EncodedIncidentColumns =
  "fields" | "stages" | "forwarding" | "private" | "severities" | "roles" | "broadcast" | "drill" | "channel_created" | "archive_on_end";

/** An incident row with its JSON columns parsed. */
export interface IncidentRecord extends Omit<IncidentsTable, EncodedIncidentColumns> {
  fields: Record<string, string>;
  stages: string[];
  forwarding: ForwardingRule[];
  private: boolean;
  severities: string[];
  roles: Record<string, string>;
  broadcast: string[];
  drill: boolean;
  channel_created: boolean;
  archive_on_end: boolean;
}

/** A checklist item row with `checked` as a boolean. */
export interface ChecklistItemRecord extends Omit<ChecklistItemsTable, "checked"> {
  checked: boolean;
}

/** What may change on an incident row (`update_at` is set by the store). */
export type IncidentPatch = Partial<
  Pick<
    IncidentRecord,
    "commander_user_id" | "current_stage" | "status" | "end_at" | "forwarding" | "severity" | "roles" | "last_status_update_at"
  >
>;

/** What may change on a checklist item. */
export type ItemPatch = Partial<Pick<ChecklistItemRecord, "assignee_user_id" | "due_at" | "assignee_role" | "overdue_notified_at">>;

/** A new, unchecked checklist item with nobody on it and no due time. */
export function newChecklistItem(props: {
  incidentId: string;
  title: string;
  stage: string | null;
  position: number;
  number: number;
}): ChecklistItemRecord {
  return {
    id: newId(),
    incident_id: props.incidentId,
    title: props.title,
    stage: props.stage,
    position: props.position,
    number: props.number,
    checked: false,
    checked_by: "",
    checked_at: 0,
    assignee_user_id: "",
    due_at: 0,
    due_after_ms: 0,
    assignee_role: "",
    overdue_notified_at: 0,
  };
}

/** A playbook row with its spec parsed. */
export interface PlaybookRecord extends Omit<PlaybooksTable, "spec"> {
  spec: PlaybookSpec;
}

const fieldsJson = z.record(z.string(), z.string());
const stagesJson = z.array(z.string());
const forwardingJson = z.array(forwardingRuleSchema);
const detailsJson = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));
const broadcastJson = z.array(
  z.object({
    channel_name: z.string(),
    channel_id: z.string(),
    status: z.enum(["posted", "skipped"]),
    post_id: z.string(),
    reason: z.string(),
  }),
);

/** An incident row with its JSON and 0/1 columns read. */
export function readIncident(row: IncidentsTable): IncidentRecord {
  return {
    ...row,
    seq: Number(row.seq),
    playbook_version: Number(row.playbook_version),
    create_at: Number(row.create_at),
    update_at: Number(row.update_at),
    end_at: Number(row.end_at),
    fields: fieldsJson.parse(JSON.parse(row.fields)),
    stages: stagesJson.parse(JSON.parse(row.stages)),
    forwarding: forwardingJson.parse(JSON.parse(row.forwarding)),
    private: Number(row.private) === 1,
    severities: stagesJson.parse(JSON.parse(row.severities)),
    roles: fieldsJson.parse(JSON.parse(row.roles)),
    broadcast: stagesJson.parse(JSON.parse(row.broadcast)),
    update_every_ms: Number(row.update_every_ms),
    last_status_update_at: Number(row.last_status_update_at),
    reminded_due_at: Number(row.reminded_due_at),
    drill: Number(row.drill) === 1,
    channel_created: Number(row.channel_created) === 1,
    archive_on_end: Number(row.archive_on_end) === 1,
    item_seq: Number(row.item_seq),
  };
}

function readItem(row: ChecklistItemsTable): ChecklistItemRecord {
  return {
    ...row,
    position: Number(row.position),
    number: Number(row.number),
    checked: Number(row.checked) === 1,
    checked_at: Number(row.checked_at),
    due_at: Number(row.due_at),
    due_after_ms: Number(row.due_after_ms),
    overdue_notified_at: Number(row.overdue_notified_at),
  };
}

function readTimelineEntry(row: TimelineTable): TimelineEntry {
  return { ...row, create_at: Number(row.create_at), details: detailsJson.parse(JSON.parse(row.details)) };
}

function readStatusUpdate(row: StatusUpdatesTable): StatusUpdate {
  const broadcast: BroadcastOutcome[] = broadcastJson.parse(JSON.parse(row.broadcast));
  return { ...row, create_at: Number(row.create_at), broadcast };
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

  /** How many incidents are active, in every team (what disabling the plugin would leave without commands). */
  async countActive(): Promise<number> {
    const row = await this.db
      .selectFrom("incident_incidents")
      .select((eb) => eb.fn.countAll().as("count"))
      .where("status", "=", "active")
      .executeTakeFirst();
    return Number(row?.count ?? 0);
  }

  /** The team, channel, status and privacy of every incident (for the sidebar: a few columns of each). */
  async incidentChannels(): Promise<Array<{ team_id: string; channel_id: string; status: IncidentStatus; private: boolean }>> {
    const rows = await this.db.selectFrom("incident_incidents").select(["team_id", "channel_id", "status", "private"]).execute();
    return rows.map((r) => ({ team_id: r.team_id, channel_id: r.channel_id, status: r.status, private: Number(r.private) === 1 }));
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

  async updateIncident(id: string, patch: IncidentPatch, db: IncidentDb = this.db): Promise<void> {
    const { forwarding, roles, ...rest } = patch;
    await db
      .updateTable("incident_incidents")
      .set({
        ...rest,
        ...(forwarding ? { forwarding: JSON.stringify(forwarding) } : {}),
        ...(roles ? { roles: JSON.stringify(roles) } : {}),
        update_at: Date.now(),
      })
      .where("id", "=", id)
      .execute();
  }

  /** Count the active incidents of a channel (one at most). */
  async activeIncidentOfChannel(channelId: string, db: IncidentDb = this.db): Promise<IncidentRecord | null> {
    const row = await db
      .selectFrom("incident_incidents")
      .selectAll()
      .where("channel_id", "=", channelId)
      .where("status", "=", "active")
      .executeTakeFirst();
    return row ? readIncident(row) : null;
  }

  /**
   * Take the reminder of the overdue period that ends at `dueAt`: true for the
   * one caller that moves `reminded_due_at` up to it, false for any other
   * (another process, a retry) — so each period reminds once.
   */
  async claimReminder(props: { incidentId: string; dueAt: number }): Promise<boolean> {
    const result = await this.db
      .updateTable("incident_incidents")
      .set({ reminded_due_at: props.dueAt })
      .where("id", "=", props.incidentId)
      .where("reminded_due_at", "<", props.dueAt)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Take the overdue notice of an item's due time: true once per `dueAt` (see {@link claimReminder}). */
  async claimOverdueNotice(props: { itemId: string; dueAt: number }): Promise<boolean> {
    const result = await this.db
      .updateTable("incident_checklist_items")
      .set({ overdue_notified_at: props.dueAt })
      .where("id", "=", props.itemId)
      .where("due_at", "=", props.dueAt)
      .where("overdue_notified_at", "<", props.dueAt)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /**
   * Change an active incident's stored forwarding rules, only if no one
   * changed them meanwhile (compare-and-set on the stored text): of several
   * processes doing the same change at once, exactly one gets the result.
   * `change` answers the new rules, or null to leave them; the answer is
   * null unless this call stored them.
   */
  async changeForwardingOnce(
    id: string,
    change: (rules: ForwardingRule[]) => ForwardingRule[] | null,
  ): Promise<{ before: ForwardingRule[]; after: ForwardingRule[] } | null> {
    const row = await this.db.selectFrom("incident_incidents").select(["forwarding", "status"]).where("id", "=", id).executeTakeFirst();
    if (!row || row.status !== "active") return null;
    const before = forwardingJson.parse(JSON.parse(row.forwarding));
    const after = change(before);
    if (!after) return null;
    const result = await this.db
      .updateTable("incident_incidents")
      .set({ forwarding: JSON.stringify(after), update_at: Date.now() })
      .where("id", "=", id)
      .where("forwarding", "=", row.forwarding)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1 ? { before, after } : null;
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

  async getItem(itemId: string, db: IncidentDb = this.db): Promise<ChecklistItemRecord | null> {
    const row = await db.selectFrom("incident_checklist_items").selectAll().where("id", "=", itemId).executeTakeFirst();
    return row ? readItem(row) : null;
  }

  async nextItemPosition(incidentId: string, db: IncidentDb = this.db): Promise<number> {
    const row = await db
      .selectFrom("incident_checklist_items")
      .select((eb) => eb.fn.max("position").as("max"))
      .where("incident_id", "=", incidentId)
      .executeTakeFirst();
    return Number(row?.max ?? 0) + 1;
  }

  /** Take the incident's next item number in one statement, so concurrent adds never share one and none is reused. */
  async takeItemNumber(incidentId: string, db: IncidentDb = this.db): Promise<number> {
    const row = await db
      .updateTable("incident_incidents")
      .set((eb) => ({ item_seq: eb("item_seq", "+", 1) }))
      .where("id", "=", incidentId)
      .returning("item_seq")
      .executeTakeFirstOrThrow();
    return Number(row.item_seq);
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

  async updateItem(itemId: string, patch: ItemPatch, db: IncidentDb = this.db): Promise<void> {
    await db.updateTable("incident_checklist_items").set(patch).where("id", "=", itemId).execute();
  }

  async deleteItem(itemId: string, db: IncidentDb = this.db): Promise<void> {
    await db.deleteFrom("incident_checklist_items").where("id", "=", itemId).execute();
  }

  async touchIncident(id: string, db: IncidentDb = this.db): Promise<void> {
    await db.updateTable("incident_incidents").set({ update_at: Date.now() }).where("id", "=", id).execute();
  }

  async insertTimelineEntry(entry: TimelineEntry, db: IncidentDb = this.db): Promise<void> {
    await db
      .insertInto("incident_timeline")
      .values({ ...entry, details: JSON.stringify(entry.details) })
      .execute();
  }

  /** An incident's timeline, oldest first. */
  async listTimeline(incidentId: string): Promise<TimelineEntry[]> {
    const rows = await this.db
      .selectFrom("incident_timeline")
      .selectAll()
      .where("incident_id", "=", incidentId)
      .orderBy("create_at")
      .orderBy("id")
      .execute();
    return rows.map(readTimelineEntry);
  }

  async getTimelineEntry(incidentId: string, entryId: string): Promise<TimelineEntry | null> {
    const row = await this.db
      .selectFrom("incident_timeline")
      .selectAll()
      .where("incident_id", "=", incidentId)
      .where("id", "=", entryId)
      .executeTakeFirst();
    return row ? readTimelineEntry(row) : null;
  }

  async deleteTimelineEntry(entryId: string): Promise<void> {
    await this.db.deleteFrom("incident_timeline").where("id", "=", entryId).execute();
  }

  /** The entries of these types that point at a post. */
  async timelineEntriesOfPost(postId: string, types: readonly TimelineType[]): Promise<TimelineEntry[]> {
    const rows = await this.db
      .selectFrom("incident_timeline")
      .selectAll()
      .where("post_id", "=", postId)
      .where("type", "in", [...types])
      .execute();
    return rows.map(readTimelineEntry);
  }

  async setTimelineSummary(entryId: string, summary: string): Promise<void> {
    await this.db.updateTable("incident_timeline").set({ summary }).where("id", "=", entryId).execute();
  }

  async insertStatusUpdate(update: StatusUpdate, db: IncidentDb = this.db): Promise<void> {
    await db
      .insertInto("incident_status_updates")
      .values({ ...update, broadcast: JSON.stringify(update.broadcast) })
      .execute();
  }

  /** A page of an incident's status updates, newest first, and how many there are. */
  async listStatusUpdates(props: { incidentId: string; page: number; perPage: number }): Promise<{ items: StatusUpdate[]; total: number }> {
    const rows = await this.db
      .selectFrom("incident_status_updates")
      .selectAll()
      .where("incident_id", "=", props.incidentId)
      .orderBy("create_at", "desc")
      .orderBy("id", "desc")
      .limit(props.perPage)
      .offset(props.page * props.perPage)
      .execute();
    const count = await this.db
      .selectFrom("incident_status_updates")
      .select((eb) => eb.fn.countAll().as("n"))
      .where("incident_id", "=", props.incidentId)
      .executeTakeFirst();
    return { items: rows.map(readStatusUpdate), total: Number(count?.n ?? 0) };
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
    severities: JSON.stringify(incident.severities),
    roles: JSON.stringify(incident.roles),
    broadcast: JSON.stringify(incident.broadcast),
    drill: incident.drill ? 1 : 0,
    channel_created: incident.channel_created ? 1 : 0,
    archive_on_end: incident.archive_on_end ? 1 : 0,
  };
}

function writeItem(item: ChecklistItemRecord): ChecklistItemsTable {
  return { ...item, checked: item.checked ? 1 : 0 };
}
