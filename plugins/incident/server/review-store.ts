/**
 * @module incident/server/review-store
 * Queries of the review half of DESIGN.md section 10 on the plugin's tables
 * (migration 0005_review): retrospectives with their compare-and-set save,
 * follow-ups, the history's filtered, sorted and paged incident list, and
 * the rows the metrics are computed from — each limited in SQL to what the
 * caller may see ({@link IncidentScope}), so a page costs the same with
 * 1,000 incidents or 100,000.
 */
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from "kysely";
import type { FollowUp, HistorySort, Retrospective } from "../common/review-types.ts";
import type { IncidentStatus, TimelineType } from "../common/types.ts";
import { readIncident, type IncidentRecord, type IncidentStore, type IncidentTables } from "./store.ts";

/**
 * The incidents a caller may see: every one (a system admin), or the public
 * incidents of the teams they belong to and the private incidents of the
 * channels they can read.
 */
export type IncidentScope = { all: true } | { all: false; publicTeamIds: string[]; privateChannelIds: string[] };

/** The filters of `GET /incidents` and `GET /stats`, all optional. */
export interface IncidentQuery {
  teamId?: string;
  channelId?: string;
  status?: IncidentStatus;
  commanderUserId?: string;
  severity?: string;
  /** "" for incidents without a playbook. */
  playbookId?: string;
  /** Started at or after (ms). */
  since?: number;
  /** Started before (ms). */
  until?: number;
  /** Part of the name, any case. */
  q?: string;
  drill?: boolean;
}

/** One incident as the metrics read it. */
export interface StatsIncidentRow {
  id: string;
  severity: string;
  playbook_id: string;
  playbook_name: string;
  current_stage: string;
  status: IncidentStatus;
  create_at: number;
  end_at: number;
}

/** One timeline entry as the metrics read it. */
export interface StatsEntryRow {
  incident_id: string;
  type: TimelineType;
  create_at: number;
  details: string;
}

/** The timeline types the metrics read. */
export const STATS_TYPES: readonly TimelineType[] = ["stage_changed", "status_update", "incident_ended"];

type IncidentsEb = ExpressionBuilder<IncidentTables, "incident_incidents">;

/** `text` as a LIKE pattern matching it literally anywhere. */
function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The SQL condition of a query and a scope, on `incident_incidents`. */
function incidentCondition(eb: IncidentsEb, props: { query: IncidentQuery; scope: IncidentScope }): Expression<SqlBool> {
  const { query, scope } = props;
  const parts: Array<Expression<SqlBool>> = [];
  if (query.teamId) parts.push(eb("team_id", "=", query.teamId));
  if (query.channelId) parts.push(eb("channel_id", "=", query.channelId));
  if (query.status) parts.push(eb("status", "=", query.status));
  if (query.commanderUserId) parts.push(eb("commander_user_id", "=", query.commanderUserId));
  if (query.severity) parts.push(eb(eb.fn("lower", ["severity"]), "=", query.severity.toLowerCase()));
  if (query.playbookId !== undefined) parts.push(eb("playbook_id", "=", query.playbookId));
  if (query.since !== undefined) parts.push(eb("create_at", ">=", query.since));
  if (query.until !== undefined) parts.push(eb("create_at", "<", query.until));
  if (query.q) parts.push(sql<SqlBool>`lower(name) like ${containsPattern(query.q)} escape '\\'`);
  if (query.drill !== undefined) parts.push(eb("drill", "=", query.drill ? 1 : 0));
  if (!scope.all) {
    const visible: Array<Expression<SqlBool>> = [];
    if (scope.publicTeamIds.length) visible.push(eb.and([eb("private", "=", 0), eb("team_id", "in", scope.publicTeamIds)]));
    if (scope.privateChannelIds.length) visible.push(eb("channel_id", "in", scope.privateChannelIds));
    parts.push(visible.length ? eb.or(visible) : sql<SqlBool>`1 = 0`);
  }
  return eb.and(parts);
}

/** The review queries, on the incident store's database. */
export class ReviewStore {
  constructor(private readonly store: IncidentStore) {}

  private get db() {
    return this.store.db;
  }

  // ---- scope --------------------------------------------------------------

  /** The teams of the incidents matching the query, for the caller's team checks. */
  async teamIdsOf(query: Pick<IncidentQuery, "teamId">): Promise<string[]> {
    let select = this.db.selectFrom("incident_incidents").select("team_id").distinct();
    if (query.teamId) select = select.where("team_id", "=", query.teamId);
    return (await select.execute()).map((r) => r.team_id);
  }

  /** The channels of the private incidents matching the query, for the caller's channel checks. */
  async privateChannelIdsOf(query: Pick<IncidentQuery, "teamId" | "channelId">): Promise<string[]> {
    let select = this.db.selectFrom("incident_incidents").select("channel_id").distinct().where("private", "=", 1);
    if (query.teamId) select = select.where("team_id", "=", query.teamId);
    if (query.channelId) select = select.where("channel_id", "=", query.channelId);
    return (await select.execute()).map((r) => r.channel_id);
  }

  // ---- history ------------------------------------------------------------

  /** One page of the incidents matching the query within the scope, sorted, and how many match. */
  async pageIncidents(props: {
    query: IncidentQuery;
    scope: IncidentScope;
    sort: HistorySort;
    direction: "asc" | "desc";
    page: number;
    perPage: number;
  }): Promise<{ items: IncidentRecord[]; total: number }> {
    const where = (eb: IncidentsEb) => incidentCondition(eb, props);
    const rows = await this.db
      .selectFrom("incident_incidents")
      .selectAll()
      .where(where)
      .orderBy(props.sort, props.direction)
      .orderBy("create_at", props.direction)
      .orderBy("id", props.direction)
      .limit(props.perPage)
      .offset(props.page * props.perPage)
      .execute();
    const count = await this.db
      .selectFrom("incident_incidents")
      .select((eb) => eb.fn.countAll().as("n"))
      .where(where)
      .executeTakeFirst();
    return { items: rows.map(readIncident), total: Number(count?.n ?? 0) };
  }

  // ---- metrics ------------------------------------------------------------

  /** The incidents the metrics count, oldest first. */
  async statsIncidents(props: { query: IncidentQuery; scope: IncidentScope }): Promise<StatsIncidentRow[]> {
    const rows = await this.db
      .selectFrom("incident_incidents")
      .select(["id", "severity", "playbook_id", "playbook_name", "current_stage", "status", "create_at", "end_at"])
      .where((eb) => incidentCondition(eb, props))
      .orderBy("create_at")
      .orderBy("id")
      .execute();
    return rows.map((r) => ({ ...r, create_at: Number(r.create_at), end_at: Number(r.end_at) }));
  }

  /** Their stage changes, status updates and ends, oldest first. */
  async statsEntries(props: { query: IncidentQuery; scope: IncidentScope }): Promise<StatsEntryRow[]> {
    const rows = await this.db
      .selectFrom("incident_timeline")
      .select(["incident_id", "type", "create_at", "details"])
      .where("type", "in", [...STATS_TYPES])
      .where("incident_id", "in", (eb) =>
        eb
          .selectFrom("incident_incidents")
          .select("id")
          .where((inner) => incidentCondition(inner, props)),
      )
      .orderBy("create_at")
      .orderBy("id")
      .execute();
    return rows.map((r) => ({ ...r, create_at: Number(r.create_at) }));
  }

  // ---- retrospective ------------------------------------------------------

  async getRetrospective(incidentId: string): Promise<Retrospective | null> {
    const row = await this.db.selectFrom("incident_retrospectives").selectAll().where("incident_id", "=", incidentId).executeTakeFirst();
    return row ? readRetrospective(row) : null;
  }

  /** Store the first text of a retrospective (the rendered template); false when one is there already. */
  async createRetrospective(retro: Retrospective): Promise<boolean> {
    const result = await this.db
      .insertInto("incident_retrospectives")
      .values(retro)
      .onConflict((oc) => oc.column("incident_id").doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  /**
   * Save a new text over version `baseVersion`, in one statement: true for
   * the one save that moves the version from `baseVersion` up by one, false
   * when another save got there first.
   */
  async saveRetrospective(props: { incidentId: string; baseVersion: number; text: string; by: string; at: number }): Promise<boolean> {
    const result = await this.db
      .updateTable("incident_retrospectives")
      .set({ text: props.text, version: props.baseVersion + 1, update_at: props.at, updated_by: props.by })
      .where("incident_id", "=", props.incidentId)
      .where("version", "=", props.baseVersion)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async markPublished(props: { incidentId: string; at: number }): Promise<void> {
    await this.db
      .updateTable("incident_retrospectives")
      .set({ published_at: props.at })
      .where("incident_id", "=", props.incidentId)
      .execute();
  }

  // ---- follow-ups ---------------------------------------------------------

  /** An incident's follow-ups, oldest first. */
  async listFollowUps(incidentId: string): Promise<FollowUp[]> {
    const rows = await this.db
      .selectFrom("incident_follow_ups")
      .selectAll()
      .where("incident_id", "=", incidentId)
      .orderBy("create_at")
      .orderBy("id")
      .execute();
    return rows.map(readFollowUp);
  }

  async countFollowUps(incidentId: string): Promise<number> {
    const row = await this.db
      .selectFrom("incident_follow_ups")
      .select((eb) => eb.fn.countAll().as("n"))
      .where("incident_id", "=", incidentId)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async getFollowUp(props: { incidentId: string; id: string }): Promise<FollowUp | null> {
    const row = await this.db
      .selectFrom("incident_follow_ups")
      .selectAll()
      .where("incident_id", "=", props.incidentId)
      .where("id", "=", props.id)
      .executeTakeFirst();
    return row ? readFollowUp(row) : null;
  }

  async insertFollowUp(item: FollowUp): Promise<void> {
    await this.db
      .insertInto("incident_follow_ups")
      .values({ ...item, done: item.done ? 1 : 0 })
      .execute();
  }

  async updateFollowUp(item: FollowUp): Promise<void> {
    await this.db
      .updateTable("incident_follow_ups")
      .set({ title: item.title, assignee_user_id: item.assignee_user_id, done: item.done ? 1 : 0, update_at: item.update_at })
      .where("id", "=", item.id)
      .execute();
  }

  async deleteFollowUp(id: string): Promise<void> {
    await this.db.deleteFrom("incident_follow_ups").where("id", "=", id).execute();
  }
}

function readRetrospective(row: IncidentTables["incident_retrospectives"]): Retrospective {
  return {
    ...row,
    version: Number(row.version),
    update_at: Number(row.update_at),
    published_at: Number(row.published_at),
  };
}

function readFollowUp(row: IncidentTables["incident_follow_ups"]): FollowUp {
  return { ...row, done: Number(row.done) === 1, create_at: Number(row.create_at), update_at: Number(row.update_at) };
}
