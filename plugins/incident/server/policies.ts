/**
 * @module incident/server/policies
 * Who may see and change an incident. Seeing follows the channel: whoever can
 * read the incident channel (members; the team for a public channel; system
 * admins). Changing needs membership of the channel (system admins excepted),
 * and an active incident. What a caller may not see is answered with 404.
 * Playbooks and starting belong to a team: its members (and system admins).
 */
import { conflict, notAllowed, notFound } from "#common/plugin-errors.ts";
import { isSystemAdmin, type Team } from "#common/wire.ts";
import type { IncidentDeps } from "./incident-deps.ts";
import type { IncidentRecord } from "./store.ts";

/** True when the user may see the incident. */
export async function canSeeIncident(deps: IncidentDeps, props: { userId: string; incident: IncidentRecord }): Promise<boolean> {
  return deps.ctx.channels.canRead(props.userId, props.incident.channel_id);
}

/** The incident, if the user may see it; else 404. */
export async function visibleIncident(deps: IncidentDeps, props: { userId: string; incidentId: string }): Promise<IncidentRecord> {
  const incident = await deps.store.getIncident(props.incidentId);
  if (!incident || !(await canSeeIncident(deps, { userId: props.userId, incident }))) {
    throw notFound("incident.not_found", `incident: no incident with id ${props.incidentId}`);
  }
  return incident;
}

/**
 * The incident, if the user may change it: 404 when not visible, 403 when not
 * a channel member, 409 when ended (unless `allowEnded`: timeline additions
 * go on after the end).
 */
export async function changeableIncident(
  deps: IncidentDeps,
  props: { userId: string; incidentId: string; allowEnded?: boolean },
): Promise<IncidentRecord> {
  const incident = await visibleIncident(deps, props);
  await assertMayChange(deps, { userId: props.userId, incident, allowEnded: props.allowEnded });
  return incident;
}

/** Throws unless the user may change this (visible) incident. */
export async function assertMayChange(
  deps: IncidentDeps,
  props: { userId: string; incident: IncidentRecord; allowEnded?: boolean },
): Promise<void> {
  const { incident } = props;
  if (!(await deps.ctx.channels.isMember(incident.channel_id, props.userId))) {
    const user = await deps.ctx.users.get(props.userId);
    if (!user || !isSystemAdmin(user)) {
      throw notAllowed(
        "incident.not_member",
        `You must be a member of ~${incident.channel_name} to change the incident "${incident.name}"; join the channel first.`,
      );
    }
  }
  if (incident.status === "ended" && !props.allowEnded)
    throw conflict("incident.ended", `incident "${incident.name}" has ended; it can no longer be changed`);
}

/** The team, if the user belongs to it (system admins: any team); else 404, the same answer as for no team. */
export async function visibleTeam(deps: IncidentDeps, props: { userId: string; teamId: string }): Promise<Team> {
  const { ctx } = deps;
  const team = await ctx.teams.get(props.teamId);
  if (team && (await ctx.teams.isMember(team.id, props.userId))) return team;
  const user = team ? await ctx.users.get(props.userId) : null;
  if (team && user && isSystemAdmin(user)) return team;
  throw notFound("incident.team.not_found", `team_id: no team with id ${props.teamId} that you belong to`);
}
