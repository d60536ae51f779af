/**
 * @module incident/server/reminders
 * What the bot says when time runs out, on the host's run-once jobs (stored
 * in the database, claimed by one process when due, surviving restarts) and
 * its clock (a manual one in tests):
 *
 * - a playbook's `update_every` reminds the commander in the channel when no
 *   status update was posted for that long — once per overdue period: each
 *   reminder takes its period in the incident row (`reminded_due_at`), so a
 *   retry or a second process never says it twice, and the next one is
 *   scheduled for the end of the next period;
 * - a checklist item's due time says once in the channel that it is overdue.
 *
 * A `due` of the playbook counts from entering the item's stage: the stage
 * change starts those clocks ({@link startStageClocks}).
 */
import type { Disposable } from "#plugin-api";
import { postNotice } from "./announcer.ts";
import { formatDuration } from "./commands/incident-ender.ts";
import type { IncidentDeps } from "./incident-deps.ts";
import type { ChecklistItemRecord, IncidentRecord } from "./store.ts";

/** The job kinds (the host namespaces them by the plugin's id). */
export const STATUS_REMINDER_JOB = "status-reminder";
export const ITEM_DUE_JOB = "item-due";

/** Attempts of a reminder whose post failed (the database was away a moment). */
const MAX_ATTEMPTS = 3;

/** Handle the reminder jobs in this process; disposed with the plugin. */
export function registerReminders(deps: IncidentDeps): Disposable[] {
  const { jobs } = deps.ctx;
  return [
    jobs.handle(STATUS_REMINDER_JOB, (job) => remindCommander(deps, job.key), { maxAttempts: MAX_ATTEMPTS }),
    jobs.handle(ITEM_DUE_JOB, (job) => noticeOverdueItem(deps, job.key), { maxAttempts: MAX_ATTEMPTS }),
  ];
}

/** The time the next status update is due: the last one (or the start) plus the period. */
export function statusUpdateDueAt(incident: Pick<IncidentRecord, "last_status_update_at" | "create_at" | "update_every_ms">): number {
  return (incident.last_status_update_at || incident.create_at) + incident.update_every_ms;
}

/** Schedule (or move) the incident's status reminder; cancel it when none is due. */
export async function scheduleStatusReminder(deps: IncidentDeps, incident: IncidentRecord): Promise<void> {
  const { jobs } = deps.ctx;
  if (incident.status !== "active" || incident.update_every_ms <= 0) return jobs.cancel(STATUS_REMINDER_JOB, incident.id);
  await jobs.schedule({ kind: STATUS_REMINDER_JOB, key: incident.id, runAt: statusUpdateDueAt(incident) });
}

/** Schedule (or move) an item's overdue notice; cancel it when the item has no due time or is done. */
export async function scheduleItemDue(deps: IncidentDeps, item: Pick<ChecklistItemRecord, "id" | "due_at" | "checked">): Promise<void> {
  const { jobs } = deps.ctx;
  if (!item.due_at || item.checked) return jobs.cancel(ITEM_DUE_JOB, item.id);
  await jobs.schedule({ kind: ITEM_DUE_JOB, key: item.id, runAt: item.due_at });
}

/** Cancel everything an ended incident had pending. */
export async function cancelReminders(deps: IncidentDeps, incident: IncidentRecord): Promise<void> {
  await deps.ctx.jobs.cancel(STATUS_REMINDER_JOB, incident.id);
  for (const item of await deps.store.listItems(incident.id)) if (item.due_at) await deps.ctx.jobs.cancel(ITEM_DUE_JOB, item.id);
}

/**
 * The stage was entered: its items' playbook `due` counts from now (an item
 * that already has a due time, e.g. from an earlier visit, keeps it).
 */
export async function startStageClocks(deps: IncidentDeps, incident: IncidentRecord, stage: string): Promise<void> {
  const now = deps.ctx.clock.now();
  for (const item of await deps.store.listItems(incident.id)) {
    if (item.stage !== stage || item.checked || item.due_at || !item.due_after_ms) continue;
    const due_at = now + item.due_after_ms;
    await deps.store.updateItem(item.id, { due_at });
    await scheduleItemDue(deps, { ...item, due_at });
  }
}

/** The status reminder job: remind once for the current overdue period, then wait for the next. */
async function remindCommander(deps: IncidentDeps, incidentId: string): Promise<void> {
  const { ctx, store } = deps;
  const incident = await store.getIncident(incidentId);
  if (!incident || incident.status !== "active" || incident.update_every_ms <= 0) return;
  const every = incident.update_every_ms;
  const base = incident.last_status_update_at || incident.create_at;
  const now = ctx.clock.now();
  const periods = Math.floor((now - base) / every);
  // An update came in meanwhile (its poster rescheduled too): nothing is overdue yet.
  if (periods < 1) return scheduleStatusReminder(deps, incident);
  const dueAt = base + periods * every;
  if (await store.claimReminder({ incidentId, dueAt })) {
    const commander = await ctx.users.get(incident.commander_user_id);
    const since = incident.last_status_update_at
      ? `the last status update was posted ${formatDuration(now - incident.last_status_update_at)} ago`
      : `no status update has been posted since the start ${formatDuration(now - incident.create_at)} ago`;
    await postNotice(deps, {
      incident,
      action: "status_update_due",
      message: `@${commander?.username ?? "commander"}, a status update is due: ${since}, and this incident expects one every ${formatDuration(every)}. Post one with \`/incident update <text>\`.`,
      props: { commander_user_id: incident.commander_user_id, last_update_at: incident.last_status_update_at, due_at: dueAt },
    });
  }
  await ctx.jobs.schedule({ kind: STATUS_REMINDER_JOB, key: incidentId, runAt: dueAt + every });
}

/** The item-due job: say once that the item is overdue. */
async function noticeOverdueItem(deps: IncidentDeps, itemId: string): Promise<void> {
  const { ctx, store } = deps;
  const item = await store.getItem(itemId);
  if (!item || item.checked || !item.due_at) return;
  const incident = await store.getIncident(item.incident_id);
  if (!incident || incident.status !== "active") return;
  if (ctx.clock.now() < item.due_at) return scheduleItemDue(deps, item);
  if (!(await store.claimOverdueNotice({ itemId, dueAt: item.due_at }))) return;
  const number = item.number;
  const assignee = item.assignee_user_id ? await ctx.users.get(item.assignee_user_id) : null;
  await postNotice(deps, {
    incident,
    action: "checklist_item_overdue",
    message: `Item ${number} "${item.title}" is overdue${assignee ? ` (@${assignee.username})` : ""}: it was due ${formatDuration(ctx.clock.now() - item.due_at)} ago.`,
    props: { item_id: item.id, item_title: item.title, item_number: number, assignee_user_id: item.assignee_user_id, due_at: item.due_at },
  });
}
