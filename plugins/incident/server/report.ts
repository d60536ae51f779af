/**
 * @module incident/server/report
 * How a response went against its playbook (`GET /incidents/{id}/report`),
 * the drill report of DESIGN.md section 10 and part of every export: time to
 * the first status update against `update_every`, the longest stretch without
 * one, and each checklist item with a due time done on time, late, missed or
 * still open — read from the timeline and the checklist, never typed in.
 */
import type { ResponseReport } from "../common/review-types.ts";
import type { TimelineEntry } from "../common/types.ts";
import type { ChecklistItemRecord, IncidentRecord } from "./store.ts";

/** The report of an incident from its record, items and timeline, as at `now` (for an active one). */
export function responseReport(props: {
  incident: IncidentRecord;
  items: readonly ChecklistItemRecord[];
  timeline: readonly TimelineEntry[];
  now: number;
}): ResponseReport {
  const { incident } = props;
  const until = incident.status === "ended" ? incident.end_at : props.now;
  const updates = props.timeline.filter((e) => e.type === "status_update").map((e) => e.create_at);
  const first = updates[0];
  const marks = [incident.create_at, ...updates, until];
  const gaps = marks.slice(1).map((at, i) => at - (marks[i] ?? at));
  const every = incident.update_every_ms;
  const items = props.items
    .filter((item) => item.due_at > 0)
    .map((item) => ({
      id: item.id,
      title: item.title,
      due_at: item.due_at,
      checked_at: item.checked ? item.checked_at : 0,
      outcome: itemOutcome(item, until),
    }));
  return {
    incident_id: incident.id,
    drill: incident.drill,
    update_every_ms: every,
    time_to_first_update_ms: first === undefined ? null : first - incident.create_at,
    first_update_late: every > 0 && (first === undefined ? until - incident.create_at > every : first - incident.create_at > every),
    longest_update_gap_ms: Math.max(0, ...gaps),
    items_with_due: items.length,
    items_done_late: items.filter((i) => i.outcome === "late").length,
    items_missed: items.filter((i) => i.outcome === "missed").length,
    items,
  };
}

function itemOutcome(item: ChecklistItemRecord, until: number): ResponseReport["items"][number]["outcome"] {
  if (item.checked) return item.checked_at <= item.due_at ? "on_time" : "late";
  return item.due_at < until ? "missed" : "open";
}
