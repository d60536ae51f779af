/**
 * @module incident/server/commands/commander-changer
 * Hand an incident's command to another team member, who joins its channel.
 */
import { invalid } from "#common/plugin-errors.ts";
import type { Incident } from "../../common/types.ts";
import { announceChange, mention } from "../announcer.ts";
import { changeableIncident } from "../policies.ts";
import type { IncidentDeps } from "../incident-deps.ts";

/** Change the commander; `changed` is false when they already are. */
export async function commanderChanger(
  deps: IncidentDeps,
  props: { incidentId: string; actorId: string; commanderUserId: string },
): Promise<{ incident: Incident | null; changed: boolean }> {
  const { ctx } = deps;
  const incident = await changeableIncident(deps, { userId: props.actorId, incidentId: props.incidentId });
  const user = await ctx.users.get(props.commanderUserId);
  if (!user || user.delete_at)
    throw invalid("incident.commander.not_found", `commander_user_id: no active user with id ${props.commanderUserId}`);
  if (user.is_bot) throw invalid("incident.commander.bot", `commander_user_id: @${user.username} is a bot; a commander must be a person`);
  if (!(await ctx.teams.isMember(incident.team_id, user.id)))
    throw invalid("incident.commander.not_in_team", `commander_user_id: @${user.username} is not a member of the incident's team`);
  const from = incident.commander_user_id;
  if (from === user.id) return { incident: null, changed: false };
  await ctx.channels.addMember({ channelId: incident.channel_id, userId: user.id, actorId: props.actorId });
  await deps.store.updateIncident(incident.id, { commander_user_id: user.id });
  const presented = await announceChange(deps, {
    incident,
    action: "commander_changed",
    actorId: props.actorId,
    message: `${await mention(deps, props.actorId)} changed the commander from ${await mention(deps, from)} to @${user.username}`,
    props: { from_user_id: from, to_user_id: user.id },
  });
  return { incident: presented, changed: true };
}
