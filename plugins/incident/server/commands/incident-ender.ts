/**
 * @module incident/server/commands/incident-ender
 * End an incident: it keeps its channel and history, and refuses changes.
 */
import type { Incident } from "../../common/types.ts";
import { announceChange, mention } from "../announcer.ts";
import { changeableIncident } from "../policies.ts";
import type { IncidentDeps } from "../incident-deps.ts";
import { cancelReminders } from "../reminders.ts";

/** End the incident; an ended one answers 409. */
export async function incidentEnder(deps: IncidentDeps, props: { incidentId: string; actorId: string }): Promise<Incident> {
  const incident = await changeableIncident(deps, { userId: props.actorId, incidentId: props.incidentId });
  const endAt = deps.ctx.clock.now();
  await deps.store.updateIncident(incident.id, { status: "ended", end_at: endAt });
  await cancelReminders(deps, incident);
  const duration = endAt - incident.create_at;
  return announceChange(deps, {
    incident,
    action: "ended",
    actorId: props.actorId,
    message: `${await mention(deps, props.actorId)} ended the incident **${incident.name}** after ${formatDuration(duration)}`,
    props: { incident_name: incident.name, duration_ms: duration },
    timeline: { details: { duration_ms: duration } },
    trigger: { name: "incident_ended" },
  });
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
