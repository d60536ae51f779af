/**
 * @module incident/server/commands/incident-ender
 * End an incident: it keeps its channel and history, and refuses changes.
 */
import type { Incident } from "../../common/types.ts";
import { announceChange, mention, postNotice } from "../announcer.ts";
import { changeableIncident } from "../policies.ts";
import type { IncidentDeps } from "../incident-deps.ts";
import { cancelReminders } from "../reminders.ts";
import type { IncidentRecord } from "../store.ts";

/**
 * End the incident; an ended one answers 409. With the playbook's
 * `archive_on_end`, the channel is archived after the end is posted in it, as
 * the one who ended it — but only a channel the incident created: one it ran
 * in (`--here`, `channel_id`) was someone's before and stays.
 */
export async function incidentEnder(deps: IncidentDeps, props: { incidentId: string; actorId: string }): Promise<Incident> {
  const incident = await changeableIncident(deps, { userId: props.actorId, incidentId: props.incidentId });
  const endAt = deps.ctx.clock.now();
  await deps.store.updateIncident(incident.id, { status: "ended", end_at: endAt });
  await cancelReminders(deps, incident);
  const duration = endAt - incident.create_at;
  const ended = await announceChange(deps, {
    incident,
    action: "ended",
    actorId: props.actorId,
    message: `${await mention(deps, props.actorId)} ended the incident **${incident.name}** after ${formatDuration(duration)}`,
    props: { incident_name: incident.name, duration_ms: duration },
    timeline: { details: { duration_ms: duration } },
    trigger: { name: "incident_ended" },
  });
  if (incident.archive_on_end && incident.channel_created) await archiveChannel(deps, { incident, actorId: props.actorId });
  return ended;
}

/** Archive the ended incident's channel; a refusal is told in the channel and logged (the end itself stands). */
async function archiveChannel(deps: IncidentDeps, props: { incident: IncidentRecord; actorId: string }): Promise<void> {
  const { ctx } = deps;
  try {
    await ctx.channels.archive({ channelId: props.incident.channel_id, actorId: props.actorId });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    ctx.log.warn("archive_on_end: the incident channel was not archived", { incident_id: props.incident.id, error: reason });
    await postNotice(deps, {
      incident: props.incident,
      action: "channel_not_archived",
      message: `The playbook archives this channel at the end, but it could not be archived: ${reason}`,
    });
  }
}

/**
 * A short human duration.
 * @example formatDuration(7_500_000) // "2h 5m"
 */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return `${Math.max(0, Math.floor(ms / 1000))}s`;
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  return [days ? `${days}d` : "", hours ? `${hours}h` : "", mins ? `${mins}m` : ""].filter(Boolean).join(" ");
}
