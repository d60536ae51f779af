/**
 * @module incident/server/commands/commander-changer
 * Hand an incident's command to another team member, who joins its channel.
 */
import type { Incident } from "../../common/types.ts";
import { announceChange, mention } from "../announcer.ts";
import { changeableIncident } from "../policies.ts";
import type { IncidentDeps } from "../incident-deps.ts";
import { teamPerson } from "./incident-starter.ts";

/** Change the commander; `changed` is false when they already are. */
export async function commanderChanger(
  deps: IncidentDeps,
  props: { incidentId: string; actorId: string; commanderUserId: string },
): Promise<{ incident: Incident | null; changed: boolean }> {
  const { ctx } = deps;
  const incident = await changeableIncident(deps, { userId: props.actorId, incidentId: props.incidentId });
  const user = await teamPerson(deps, { userId: props.commanderUserId, teamId: incident.team_id, param: "commander_user_id" });
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
    timeline: { details: { from_user_id: from, to_user_id: user.id } },
  });
  return { incident: presented, changed: true };
}
