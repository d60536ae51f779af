/**
 * @module incident/server/commands/role-assigner
 * Give one of an incident's roles (the playbook's `roles`, besides the
 * commander) to a team member, who joins the channel and is mentioned; or
 * leave it unassigned. Checklist items the playbook gave to the role and
 * nobody holds yet go to its new holder.
 */
import { invalid } from "#common/plugin-errors.ts";
import type { Incident } from "../../common/types.ts";
import { announceChange, mention } from "../announcer.ts";
import { changeableIncident } from "../policies.ts";
import type { IncidentDeps } from "../incident-deps.ts";
import { commanderChanger } from "./commander-changer.ts";
import { teamPerson } from "./incident-starter.ts";

/** The outcome: the incident (null when nothing changed). */
export interface RoleAssignResult {
  incident: Incident | null;
  changed: boolean;
  role: string;
}

/**
 * Assign `role` to `userId` ("" leaves it unassigned). `commander` hands over
 * command ({@link commanderChanger}); any other role must be one of the incident's.
 */
export async function roleAssigner(
  deps: IncidentDeps,
  props: { incidentId: string; actorId: string; role: string; userId: string; param?: string },
): Promise<RoleAssignResult> {
  const { ctx, store } = deps;
  const param = props.param ?? "roles";
  const wanted = props.role.trim().toLowerCase();
  if (wanted === "commander") {
    if (!props.userId) throw invalid("incident.role.commander_required", `${param}.commander: an incident always has a commander`);
    const result = await commanderChanger(deps, { incidentId: props.incidentId, actorId: props.actorId, commanderUserId: props.userId });
    return { ...result, role: "commander" };
  }
  const incident = await changeableIncident(deps, { userId: props.actorId, incidentId: props.incidentId });
  const roles = Object.keys(incident.roles);
  const role = roles.find((r) => r === wanted);
  if (!role)
    throw invalid(
      "incident.role.not_found",
      `${param}.${props.role}: not a role of this incident; ${roles.length ? `its roles are commander, ${roles.join(", ")}` : "its playbook names no roles besides the commander"}`,
    );
  const user = props.userId ? await teamPerson(deps, { userId: props.userId, teamId: incident.team_id, param: `${param}.${role}` }) : null;
  const from = incident.roles[role] ?? "";
  const to = user?.id ?? "";
  if (from === to) return { incident: null, changed: false, role };
  if (user) await ctx.channels.addMember({ channelId: incident.channel_id, userId: user.id, actorId: props.actorId });
  await store.updateIncident(incident.id, { roles: { ...incident.roles, [role]: to } });
  // Items the playbook gave to this role, still waiting for someone, go to the holder.
  const handedOver: string[] = [];
  if (user)
    for (const item of await store.listItems(incident.id))
      if (item.assignee_role === role && !item.assignee_user_id && !item.checked) {
        await store.updateItem(item.id, { assignee_user_id: user.id });
        handedOver.push(item.title);
      }
  const who = await mention(deps, props.actorId);
  const items = handedOver.length ? ` (and the items ${handedOver.map((t) => `"${t}"`).join(", ")})` : "";
  const message = user
    ? `${who} assigned the role ${role} to @${user.username}${items}${from ? `, taking it from ${await mention(deps, from)}` : ""}`
    : `${who} left the role ${role} unassigned (it was ${await mention(deps, from)})`;
  const presented = await announceChange(deps, {
    incident,
    action: "role_changed",
    actorId: props.actorId,
    message,
    props: { role, from_user_id: from, to_user_id: to },
    timeline: { details: { role, from_user_id: from, to_user_id: to } },
    trigger: {
      name: "role_changed",
      values: { role, user: user?.username ?? "", user_id: to, previous_user: from ? ((await ctx.users.get(from))?.username ?? "") : "" },
    },
  });
  return { incident: presented, changed: true, role };
}
