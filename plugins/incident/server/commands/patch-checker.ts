/**
 * @module incident/server/commands/patch-checker
 * `PATCH /incidents/{id}` changes several things one after another; this
 * checks them all first (the caller may change the incident, the severity
 * and each role exist, each holder is a person of the team), so a request
 * with one bad part changes nothing.
 */
import type { PatchIncidentRequest } from "../../common/types.ts";
import type { IncidentDeps } from "../incident-deps.ts";
import { changeableIncident } from "../policies.ts";
import { invalid } from "#common/plugin-errors.ts";
import { severityNamed, teamPerson } from "./incident-starter.ts";

/** Throw the first problem of a patch, before any part of it is applied. */
export async function patchChecker(
  deps: IncidentDeps,
  props: { incidentId: string; actorId: string; body: PatchIncidentRequest },
): Promise<void> {
  const incident = await changeableIncident(deps, { userId: props.actorId, incidentId: props.incidentId });
  const { body } = props;
  if (body.severity !== undefined) severityNamed(incident.severities, body.severity);
  if (body.commander_user_id !== undefined)
    await teamPerson(deps, { userId: body.commander_user_id, teamId: incident.team_id, param: "commander_user_id" });
  const roles = Object.keys(incident.roles);
  for (const [role, holder] of Object.entries(body.roles ?? {})) {
    if (role === "commander") {
      if (!holder) throw invalid("incident.role.commander_required", "roles.commander: an incident always has a commander");
    } else if (!roles.includes(role))
      throw invalid(
        "incident.role.not_found",
        `roles.${role}: not a role of this incident; ${roles.length ? `its roles are commander, ${roles.join(", ")}` : "its playbook names no roles besides the commander"}`,
      );
    if (holder) await teamPerson(deps, { userId: holder, teamId: incident.team_id, param: `roles.${role}` });
  }
}
