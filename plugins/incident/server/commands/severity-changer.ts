/**
 * @module incident/server/commands/severity-changer
 * Change an incident's severity to another of its severities.
 */
import type { Incident } from "../../common/types.ts";
import { announceChange, mention } from "../announcer.ts";
import { changeableIncident } from "../policies.ts";
import type { IncidentDeps } from "../incident-deps.ts";
import { severityNamed } from "./incident-starter.ts";

/** The outcome: the incident (null when nothing changed) and the severities before and after. */
export interface SeverityChangeResult {
  incident: Incident | null;
  changed: boolean;
  from: string;
  to: string;
}

/** Change the severity; `severity` is one of the incident's, matched case-insensitively. */
export async function severityChanger(
  deps: IncidentDeps,
  props: { incidentId: string; actorId: string; severity: string },
): Promise<SeverityChangeResult> {
  const incident = await changeableIncident(deps, { userId: props.actorId, incidentId: props.incidentId });
  const from = incident.severity;
  const to = severityNamed(incident.severities, props.severity);
  if (to === from) return { incident: null, changed: false, from, to };
  await deps.store.updateIncident(incident.id, { severity: to });
  const presented = await announceChange(deps, {
    incident,
    action: "severity_changed",
    actorId: props.actorId,
    message: `${await mention(deps, props.actorId)} changed the severity from ${from} to **${to}**`,
    props: { from_severity: from, to_severity: to },
    timeline: { details: { from, to } },
    trigger: { name: "severity_changed", values: { severity: to, previous_severity: from } },
  });
  return { incident: presented, changed: true, from, to };
}
