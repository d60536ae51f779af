/**
 * @module incident/server/commands/item-assigner
 * Put someone on a checklist item (they join the channel and are mentioned),
 * or nobody; and set or clear its due time (the overdue notice follows).
 */
import { notFound } from "#common/plugin-errors.ts";
import type { Incident } from "../../common/types.ts";
import { announceChange, mention } from "../announcer.ts";
import { changeableIncident } from "../policies.ts";
import type { IncidentDeps } from "../incident-deps.ts";
import { scheduleItemDue } from "../reminders.ts";
import type { ChecklistItemRecord, IncidentRecord } from "../store.ts";
import { teamPerson } from "./incident-starter.ts";

/** The outcome: the incident (null when nothing changed), the item and its number. */
export interface ItemChangeResult {
  incident: Incident | null;
  item: ChecklistItemRecord;
  number: number;
  changed: boolean;
}

async function changeableItem(
  deps: IncidentDeps,
  props: { incidentId: string; actorId: string; itemId: string },
): Promise<{ incident: IncidentRecord; item: ChecklistItemRecord; number: number }> {
  const incident = await changeableIncident(deps, { userId: props.actorId, incidentId: props.incidentId });
  const items = await deps.store.listItems(incident.id);
  const item = items.find((i) => i.id === props.itemId);
  if (!item) throw notFound("incident.checklist.item_not_found", `item_id: no checklist item ${props.itemId} in this incident`);
  return { incident, item, number: item.number };
}

/** Assign the item to `assigneeUserId` ("" for nobody). */
export async function itemAssigner(
  deps: IncidentDeps,
  props: { incidentId: string; actorId: string; itemId: string; assigneeUserId: string; param?: string },
): Promise<ItemChangeResult> {
  const { ctx, store } = deps;
  const { incident, item, number } = await changeableItem(deps, props);
  const user = props.assigneeUserId
    ? await teamPerson(deps, { userId: props.assigneeUserId, teamId: incident.team_id, param: props.param ?? "assignee_user_id" })
    : null;
  const from = item.assignee_user_id;
  const to = user?.id ?? "";
  if (from === to) return { incident: null, item, number, changed: false };
  if (user) await ctx.channels.addMember({ channelId: incident.channel_id, userId: user.id, actorId: props.actorId });
  await store.updateItem(item.id, { assignee_user_id: to });
  const who = await mention(deps, props.actorId);
  const message = user
    ? `${who} assigned item ${number} "${item.title}" to @${user.username}`
    : `${who} unassigned item ${number} "${item.title}" (it was ${await mention(deps, from)}'s)`;
  const changed = { ...item, assignee_user_id: to };
  const presented = await announceChange(deps, {
    incident,
    action: "checklist_item_assigned",
    actorId: props.actorId,
    message,
    props: { item_id: item.id, item_title: item.title, item_stage: item.stage, item_number: number, from_user_id: from, to_user_id: to },
    timeline: { details: { item_id: item.id, item_title: item.title, item_number: number, assignee_user_id: to, from_user_id: from } },
    trigger: {
      name: "checklist_item_assigned",
      values: { item: item.title, item_stage: item.stage ?? "", assignee: user?.username ?? "", assignee_user_id: to },
    },
  });
  return { incident: presented, item: changed, number, changed: true };
}

/** Set the item's due time (ms since the epoch), or clear it with 0. */
export async function itemDueSetter(
  deps: IncidentDeps,
  props: { incidentId: string; actorId: string; itemId: string; dueAt: number },
): Promise<ItemChangeResult> {
  const { incident, item, number } = await changeableItem(deps, props);
  if (item.due_at === props.dueAt) return { incident: null, item, number, changed: false };
  await deps.store.updateItem(item.id, { due_at: props.dueAt });
  const changed = { ...item, due_at: props.dueAt };
  await scheduleItemDue(deps, changed);
  const who = await mention(deps, props.actorId);
  const message = props.dueAt
    ? `${who} set item ${number} "${item.title}" due at ${new Date(props.dueAt).toISOString().slice(0, 16).replace("T", " ")} UTC`
    : `${who} cleared the due time of item ${number} "${item.title}"`;
  const presented = await announceChange(deps, {
    incident,
    action: "checklist_item_due_changed",
    actorId: props.actorId,
    message,
    props: { item_id: item.id, item_title: item.title, item_stage: item.stage, item_number: number, due_at: props.dueAt },
  });
  return { incident: presented, item: changed, number, changed: true };
}
