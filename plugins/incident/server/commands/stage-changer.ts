/**
 * @module incident/server/commands/stage-changer
 * Move an incident to another stage (by name, or `next`/`prev`).
 */
import { invalid } from "#common/plugin-errors.ts";
import { findStage } from "../../common/checklist.ts";
import type { Incident } from "../../common/types.ts";
import { announceChange, mention } from "../announcer.ts";
import { changeableIncident } from "../policies.ts";
import type { IncidentDeps } from "../incident-deps.ts";
import { startStageClocks } from "../reminders.ts";
import type { IncidentRecord } from "../store.ts";

/** The outcome: the incident, and whether anything changed. */
export interface StageChangeResult {
  incident: Incident | null;
  changed: boolean;
  from: string;
  to: string;
}

/**
 * Change the stage. `stage` is a stage name (case-insensitive), `next` or
 * `prev`; a stage actually named "next" wins over the keyword.
 */
export async function stageChanger(
  deps: IncidentDeps,
  props: { incidentId: string; actorId: string; stage: string },
): Promise<StageChangeResult> {
  const incident = await changeableIncident(deps, { userId: props.actorId, incidentId: props.incidentId });
  const from = incident.current_stage;
  const to = resolveStage(incident, props.stage);
  if (to === from) return { incident: null, changed: false, from, to };
  await deps.store.updateIncident(incident.id, { current_stage: to });
  await startStageClocks(deps, incident, to);
  const presented = await announceChange(deps, {
    incident,
    action: "stage_changed",
    actorId: props.actorId,
    message: `${await mention(deps, props.actorId)} changed the stage from ${from} to ${to}`,
    props: { from_stage: from, to_stage: to },
    timeline: { details: { from, to } },
    trigger: { name: "stage_changed", values: { stage: to, previous_stage: from } },
  });
  return { incident: presented, changed: true, from, to };
}

function resolveStage(incident: IncidentRecord, wanted: string): string {
  const named = findStage(incident.stages, wanted);
  if (named) return named;
  const index = incident.stages.indexOf(incident.current_stage);
  const keyword = wanted.trim().toLowerCase();
  if (keyword === "next") {
    if (index >= incident.stages.length - 1)
      throw invalid("incident.stage.last", `stage: the incident is already at its last stage (${incident.current_stage})`);
    return incident.stages[index + 1] ?? incident.current_stage;
  }
  if (keyword === "prev" || keyword === "previous") {
    if (index <= 0) throw invalid("incident.stage.first", `stage: the incident is already at its first stage (${incident.current_stage})`);
    return incident.stages[index - 1] ?? incident.current_stage;
  }
  throw invalid(
    "incident.stage.not_found",
    `stage: "${wanted}" is not a stage of this incident; its stages are ${incident.stages.join(", ")} (or next, prev)`,
  );
}
