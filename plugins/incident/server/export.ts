/**
 * @module incident/server/export
 * `GET /incidents/{id}/export?format=markdown|json` (DESIGN.md section 10):
 * one document with the summary, fields, severity and roles, the timeline
 * (times in UTC), status updates, the checklist with who checked what,
 * forwarded messages, the response report, the retrospective and its
 * follow-ups. JSON gives the same data in the API's shapes, with the
 * usernames of the people it names; markdown is rendered from that JSON, so
 * the two never disagree.
 */
import type { FollowUp, ResponseReport, Retrospective } from "../common/review-types.ts";
import type { Incident, StatusUpdate, TimelineEntry } from "../common/types.ts";
import { formatDuration } from "./commands/incident-ender.ts";
import { presentIncident } from "./presenter.ts";
import { responseReport } from "./report.ts";
import { retrospectiveReader, type ReviewDeps } from "./retrospective.ts";
import { visibleIncident } from "./policies.ts";

/** Everything the export holds, in the API's shapes. */
export interface IncidentExport {
  incident: Incident;
  /** The playbook's name at start; "" without one. */
  playbook_name: string;
  timeline: TimelineEntry[];
  status_updates: StatusUpdate[];
  retrospective: Retrospective;
  follow_ups: FollowUp[];
  report: ResponseReport;
  /** User id → username, for everyone the document names. */
  users: Record<string, string>;
  exported_at: number;
}

/** The most status updates an export reads (far more than any incident posts). */
const UPDATES_MAX = 10_000;

/** Gather the export of an incident the user may see. */
export async function incidentExporter(deps: ReviewDeps, props: { userId: string; incidentId: string }): Promise<IncidentExport> {
  const { store, review, ctx } = deps;
  const record = await visibleIncident(deps, props);
  const [items, timeline, updates, retrospective, followUps] = await Promise.all([
    store.listItems(record.id),
    store.listTimeline(record.id),
    store.listStatusUpdates({ incidentId: record.id, page: 0, perPage: UPDATES_MAX }),
    retrospectiveReader(deps, props),
    review.listFollowUps(record.id),
  ]);
  const incident = presentIncident(record, items);
  const now = ctx.clock.now();
  const ids = new Set<string>([
    incident.commander_user_id,
    ...Object.values(incident.roles),
    ...timeline.map((e) => e.actor_user_id),
    ...updates.items.map((u) => u.author_user_id),
    ...incident.checklist.flatMap((i) => [i.checked_by, i.assignee_user_id]),
    ...followUps.map((f) => f.assignee_user_id),
    retrospective.updated_by,
  ]);
  ids.delete("");
  const users = Object.fromEntries((await ctx.users.getMany([...ids])).map((u) => [u.id, u.username]));
  return {
    incident,
    playbook_name: record.playbook_name,
    timeline,
    status_updates: [...updates.items].reverse(),
    retrospective,
    follow_ups: followUps,
    report: responseReport({ incident: record, items, timeline, now }),
    users,
    exported_at: now,
  };
}

/** A time as the export shows it: `2030-01-01 00:05:00 UTC`. */
export function utc(at: number): string {
  return `${new Date(at).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** The markdown document of an export. */
export function exportMarkdown(data: IncidentExport): string {
  const { incident, users } = data;
  const who = (id: string) => (id ? `@${users[id] ?? "unknown"}` : "nobody");
  const lines: string[] = [];
  const section = (title: string, body: string[], empty: string) => {
    lines.push("", `## ${title}`, "");
    lines.push(...(body.length ? body : [empty]));
  };
  lines.push(`# ${incident.name} (#${incident.seq})`);
  if (incident.drill) lines.push("", "> This incident was a **drill**.");
  const summary = [
    "| | |",
    "|---|---|",
    `| Status | ${incident.status} |`,
    `| Severity | ${incident.severity} |`,
    `| Stage | ${incident.current_stage} (${incident.stages.map((s) => s.name).join(" → ")}) |`,
    `| Commander | ${who(incident.commander_user_id)} |`,
    ...Object.entries(incident.roles).map(([role, id]) => `| Role: ${role} | ${who(id)} |`),
    `| Channel | ~${incident.channel_name}${incident.private ? " (private)" : ""} |`,
    `| Playbook | ${incident.playbook_id ? `${data.playbook_name} v${incident.playbook_version}` : "none"} |`,
    `| Started | ${utc(incident.create_at)} |`,
    `| Ended | ${incident.end_at ? utc(incident.end_at) : "still active"} |`,
    ...(incident.end_at ? [`| Duration | ${formatDuration(incident.end_at - incident.create_at) || "0s"} |`] : []),
  ];
  section("Summary", summary, "");
  section(
    "Fields",
    Object.entries(incident.fields).map(([key, value]) => `- **${key}**: ${value}`),
    "No fields.",
  );
  section(
    "Timeline",
    data.timeline.map((e) => `- ${utc(e.create_at)} · ${e.type} · ${e.summary}`),
    "No entries.",
  );
  section(
    "Status updates",
    data.status_updates.flatMap((u, i) => [
      ...(i ? [""] : []),
      `### ${utc(u.create_at)} · ${who(u.author_user_id)} · ${u.severity} · ${u.stage}`,
      "",
      u.message,
    ]),
    "No status updates.",
  );
  section(
    "Checklist",
    incident.checklist.map((item, i) => {
      const done = item.checked ? ` — checked by ${who(item.checked_by)} at ${utc(item.checked_at)}` : "";
      const assignee = item.assignee_user_id ? ` · assigned to ${who(item.assignee_user_id)}` : "";
      const due = item.due_at ? ` · due ${utc(item.due_at)}` : "";
      return `- [${item.checked ? "x" : " "}] ${i + 1}. ${item.title}${item.stage ? ` (${item.stage})` : ""}${assignee}${due}${done}`;
    }),
    "No checklist items.",
  );
  section(
    "Forwarded messages",
    data.timeline.filter((e) => e.type === "message_forwarded").map((e) => `- ${utc(e.create_at)} · ${e.summary}`),
    "No forwarded messages.",
  );
  const { report } = data;
  section(
    "Response against the playbook",
    [
      `- Time to first status update: ${report.time_to_first_update_ms === null ? "none posted" : formatDuration(report.time_to_first_update_ms) || "0s"}${report.update_every_ms ? ` (expected within ${formatDuration(report.update_every_ms)}${report.first_update_late ? ", late" : ""})` : ""}`,
      `- Longest stretch without an update: ${formatDuration(report.longest_update_gap_ms) || "0s"}`,
      `- Items with a due time: ${report.items_with_due}, done late: ${report.items_done_late}, missed: ${report.items_missed}`,
    ],
    "",
  );
  section("Retrospective", data.retrospective.text.trim() ? [data.retrospective.text.trim()] : [], "Not written yet.");
  section(
    "Follow-ups",
    data.follow_ups.map((f) => `- [${f.done ? "x" : " "}] ${f.title}${f.assignee_user_id ? ` — ${who(f.assignee_user_id)}` : ""}`),
    "No follow-ups.",
  );
  lines.push("", `_Exported ${utc(data.exported_at)}._`, "");
  return lines.join("\n");
}
