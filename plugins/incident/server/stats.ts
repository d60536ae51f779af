/**
 * @module incident/server/stats
 * `GET /stats` (DESIGN.md section 10): the metrics of a team's incidents,
 * computed from their timelines and never typed in. Time to resolve runs
 * from the start to the `incident_ended` entry, time to first update to the
 * first `status_update` entry; time in a stage is summed per incident from
 * its `stage_changed` entries (an active incident counts its stages left so
 * far, not the one it is in) and averaged over the incidents that spent time
 * in it. Means and medians are rounded to the millisecond. Drills are left
 * out unless asked for; private incidents count only for those who may see them.
 */
import type { IncidentStats, StatsQuery } from "../common/review-types.ts";
import type { IncidentDeps } from "./incident-deps.ts";
import { incidentScopeOf } from "./history.ts";
import type { ReviewStore, StatsEntryRow, StatsIncidentRow } from "./review-store.ts";
import { z } from "zod";

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;
/** 1970-01-01 was a Thursday: weeks start on Monday, 4 days later. */
const MONDAY_OFFSET_MS = 4 * 24 * 60 * 60 * 1000;

/** The Monday 00:00 UTC of the week holding `at`. */
export function weekStart(at: number): number {
  return Math.floor((at - MONDAY_OFFSET_MS) / WEEK_MS) * WEEK_MS + MONDAY_OFFSET_MS;
}

/** The mean, rounded to the ms; null of nothing. */
export function mean(values: readonly number[]): number | null {
  if (!values.length) return null;
  return Math.round(values.reduce((sum, v) => sum + v, 0) / values.length);
}

/** The median (of an even count: the mean of the middle two), rounded to the ms; null of nothing. */
export function median(values: readonly number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? 0;
  return sorted.length % 2 ? upper : Math.round(((sorted[middle - 1] ?? 0) + upper) / 2);
}

const stageChangeDetails = z.object({ from: z.string(), to: z.string() });

/** What one incident's timeline tells the metrics. */
interface IncidentFacts {
  endedAt: number | null;
  firstUpdateAt: number | null;
  /** Stage → ms spent in it (stages left). */
  stages: Map<string, number>;
}

/** Walk an incident's entries (oldest first) into its facts. */
function factsOf(incident: StatsIncidentRow, entries: readonly StatsEntryRow[]): IncidentFacts {
  const facts: IncidentFacts = { endedAt: null, firstUpdateAt: null, stages: new Map() };
  let stage: string | null = null;
  let enteredAt = incident.create_at;
  const leave = (name: string, at: number) => facts.stages.set(name, (facts.stages.get(name) ?? 0) + Math.max(0, at - enteredAt));
  for (const entry of entries) {
    if (entry.type === "status_update") facts.firstUpdateAt ??= entry.create_at;
    else if (entry.type === "incident_ended") facts.endedAt ??= entry.create_at;
    else if (entry.type === "stage_changed") {
      const parsed = stageChangeDetails.safeParse(JSON.parse(entry.details));
      if (!parsed.success) continue;
      leave(stage ?? parsed.data.from, entry.create_at);
      stage = parsed.data.to;
      enteredAt = entry.create_at;
    }
  }
  if (facts.endedAt !== null) leave(stage ?? incident.current_stage, facts.endedAt);
  return facts;
}

/** The metrics of these incidents and their entries (both oldest first). */
export function computeStats(props: { incidents: readonly StatsIncidentRow[]; entries: readonly StatsEntryRow[] }): IncidentStats {
  const entriesOf = new Map<string, StatsEntryRow[]>();
  for (const entry of props.entries) {
    const list = entriesOf.get(entry.incident_id);
    if (list) list.push(entry);
    else entriesOf.set(entry.incident_id, [entry]);
  }
  const stats: IncidentStats = {
    count: props.incidents.length,
    active: 0,
    mean_time_to_resolve_ms: null,
    median_time_to_resolve_ms: null,
    mean_time_to_first_update_ms: null,
    median_time_to_first_update_ms: null,
    by_severity: {},
    by_playbook: {},
    playbook_names: {},
    time_in_stage_ms: {},
    by_week: [],
    resolved: [],
  };
  const resolveTimes: number[] = [];
  const firstUpdateTimes: number[] = [];
  const stageTimes = new Map<string, Map<string, number[]>>();
  const weeks = new Map<number, { week_start: number; count: number; by_severity: Record<string, number> }>();
  for (const incident of props.incidents) {
    const facts = factsOf(incident, entriesOf.get(incident.id) ?? []);
    if (incident.status === "active") stats.active++;
    stats.by_severity[incident.severity] = (stats.by_severity[incident.severity] ?? 0) + 1;
    stats.by_playbook[incident.playbook_id] = (stats.by_playbook[incident.playbook_id] ?? 0) + 1;
    stats.playbook_names[incident.playbook_id] ??= incident.playbook_name;
    const start = weekStart(incident.create_at);
    const week = weeks.get(start) ?? { week_start: start, count: 0, by_severity: {} };
    week.count++;
    week.by_severity[incident.severity] = (week.by_severity[incident.severity] ?? 0) + 1;
    weeks.set(start, week);
    if (facts.endedAt !== null) {
      const resolve = facts.endedAt - incident.create_at;
      resolveTimes.push(resolve);
      stats.resolved.push({
        incident_id: incident.id,
        create_at: incident.create_at,
        time_to_resolve_ms: resolve,
        severity: incident.severity,
      });
    }
    if (facts.firstUpdateAt !== null) firstUpdateTimes.push(facts.firstUpdateAt - incident.create_at);
    const byStage = stageTimes.get(incident.playbook_id) ?? new Map<string, number[]>();
    for (const [stage, ms] of facts.stages) byStage.set(stage, [...(byStage.get(stage) ?? []), ms]);
    stageTimes.set(incident.playbook_id, byStage);
  }
  stats.mean_time_to_resolve_ms = mean(resolveTimes);
  stats.median_time_to_resolve_ms = median(resolveTimes);
  stats.mean_time_to_first_update_ms = mean(firstUpdateTimes);
  stats.median_time_to_first_update_ms = median(firstUpdateTimes);
  for (const [playbookId, byStage] of stageTimes) {
    const means: Record<string, number> = {};
    for (const [stage, times] of byStage) means[stage] = mean(times) ?? 0;
    stats.time_in_stage_ms[playbookId] = means;
  }
  stats.by_week = [...weeks.values()].sort((a, b) => a.week_start - b.week_start);
  return stats;
}

/** The metrics of the team's incidents started in [since, until) that the user may see. */
export async function statsReader(
  deps: IncidentDeps,
  props: { review: ReviewStore; userId: string; query: StatsQuery },
): Promise<IncidentStats> {
  const { query } = props;
  const filter = { teamId: query.team_id, since: query.since, until: query.until, drill: query.include_drills ? undefined : false };
  const scope = await incidentScopeOf(deps, { review: props.review, userId: props.userId, query: filter });
  const [incidents, entries] = await Promise.all([
    props.review.statsIncidents({ query: filter, scope }),
    props.review.statsEntries({ query: filter, scope }),
  ]);
  return computeStats({ incidents, entries });
}
