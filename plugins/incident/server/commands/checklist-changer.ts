/**
 * @module incident/server/commands/checklist-changer
 * Add, check, uncheck, remove and restore checklist items. A removal's
 * timeline entry keeps what the item was (stage, place, state, assignee, due
 * time), so "Undo" can put it back as it was, under the same number.
 */
import { z } from "zod";
import { conflict, invalid, notFound } from "#common/plugin-errors.ts";
import { findStage } from "../../common/checklist.ts";
import { INCIDENT_LIMITS, type Incident, type UpdateAction } from "../../common/types.ts";
import { announceChange, mention } from "../announcer.ts";
import { changeableIncident } from "../policies.ts";
import type { IncidentDeps } from "../incident-deps.ts";
import { scheduleItemDue } from "../reminders.ts";
import { newChecklistItem, type ChecklistItemRecord, type IncidentRecord } from "../store.ts";

/**
 * One change. `add`: `stage` absent → the current stage, null → not tied to a stage.
 */
export type ChecklistChange =
  | { kind: "add"; title: string; stage?: string | null }
  | { kind: "set"; itemId: string; checked: boolean }
  | { kind: "remove"; itemId: string }
  | { kind: "restore"; itemId: string };

/** The outcome: the incident, the item concerned, and whether anything changed. */
export interface ChecklistChangeResult {
  incident: Incident | null;
  item: ChecklistItemRecord;
  /** The item's number (given when it was made, never changed). */
  number: number;
  changed: boolean;
}

/** Apply one checklist change as the actor. */
export async function checklistChanger(
  deps: IncidentDeps,
  props: { incidentId: string; actorId: string; change: ChecklistChange },
): Promise<ChecklistChangeResult> {
  const { store } = deps;
  const incident = await changeableIncident(deps, { userId: props.actorId, incidentId: props.incidentId });
  const { change } = props;
  const items = await store.listItems(incident.id);
  const announced = async (item: ChecklistItemRecord, action: ChecklistAction, number: number): Promise<ChecklistChangeResult> => {
    const presented = await announce(deps, { incident, item, action, actorId: props.actorId, number });
    return { incident: presented, item, number, changed: true };
  };

  if (change.kind === "add") {
    const title = change.title.trim();
    if (!title) throw invalid("incident.checklist.title", "title: must not be empty");
    if (title.length > INCIDENT_LIMITS.itemTitleMax)
      throw invalid("incident.checklist.title", `title: must be at most ${INCIDENT_LIMITS.itemTitleMax} characters`);
    const stage = change.stage === undefined ? incident.current_stage : change.stage === null ? null : stageNamed(incident, change.stage);
    const position = await store.nextItemPosition(incident.id);
    const item = await store.transaction(async (trx) => {
      const added = newChecklistItem({
        incidentId: incident.id,
        title,
        stage,
        position,
        number: await store.takeItemNumber(incident.id, trx),
      });
      await store.insertItem(added, trx);
      await store.touchIncident(incident.id, trx);
      return added;
    });
    return announced(item, "checklist_item_added", item.number);
  }

  if (change.kind === "restore") {
    if (items.some((i) => i.id === change.itemId))
      throw conflict(
        "incident.checklist.not_removed",
        `item_id: checklist item ${change.itemId} is on the checklist; only a removed item can be restored`,
      );
    const item = await removedItem(deps, { incident, itemId: change.itemId });
    await store.transaction(async (trx) => {
      await store.insertItem(item, trx);
      await store.touchIncident(incident.id, trx);
    });
    await scheduleItemDue(deps, item);
    return announced(item, "checklist_item_restored", item.number);
  }

  const found = items.find((i) => i.id === change.itemId);
  if (!found) throw notFound("incident.checklist.item_not_found", `item_id: no checklist item ${change.itemId} in this incident`);
  const number = found.number;
  if (change.kind === "remove") {
    await store.transaction(async (trx) => {
      await store.deleteItem(found.id, trx);
      await store.touchIncident(incident.id, trx);
    });
    return announced(found, "checklist_item_removed", number);
  }
  if (found.checked === change.checked) return { incident: null, item: found, number, changed: false };
  const now = deps.ctx.clock.now();
  await store.transaction(async (trx) => {
    await store.setItemChecked({ itemId: found.id, checked: change.checked, by: props.actorId, at: now }, trx);
    await store.touchIncident(incident.id, trx);
  });
  const item = { ...found, checked: change.checked, checked_by: change.checked ? props.actorId : "", checked_at: change.checked ? now : 0 };
  return announced(item, change.checked ? "checklist_item_checked" : "checklist_item_unchecked", number);
}

function stageNamed(incident: IncidentRecord, name: string): string {
  const stage = findStage(incident.stages, name);
  if (!stage)
    throw invalid(
      "incident.stage.not_found",
      `stage: "${name}" is not a stage of this incident; its stages are ${incident.stages.join(", ")}`,
    );
  return stage;
}

/** What happened to an item. */
export type ChecklistAction = Extract<
  UpdateAction,
  "checklist_item_added" | "checklist_item_removed" | "checklist_item_checked" | "checklist_item_unchecked" | "checklist_item_restored"
>;

/**
 * Each action's verb in the bot's post ("removed item 2"); the verbs of the
 * first four are also the `checklist_item_changed` trigger's `action` values.
 * A restore fires no trigger: the catalog's actions stay added/removed/checked/unchecked.
 */
const VERBS: Record<ChecklistAction, "added" | "removed" | "checked" | "unchecked" | "restored"> = {
  checklist_item_added: "added",
  checklist_item_removed: "removed",
  checklist_item_checked: "checked",
  checklist_item_unchecked: "unchecked",
  checklist_item_restored: "restored",
};

/**
 * What a removal records of the item beside its id, title and number: the
 * rest of its state, flat (timeline details are flat values), read back by a restore.
 */
const removedItemSchema = z.object({
  item_id: z.string(),
  item_title: z.string(),
  item_number: z.number(),
  item_stage: z.string().nullable(),
  item_position: z.number(),
  item_checked: z.boolean(),
  item_checked_by: z.string(),
  item_checked_at: z.number(),
  item_assignee_user_id: z.string(),
  item_assignee_role: z.string(),
  item_due_at: z.number(),
  item_due_after_ms: z.number(),
});

function removalDetails(item: ChecklistItemRecord): z.infer<typeof removedItemSchema> {
  return {
    item_id: item.id,
    item_title: item.title,
    item_number: item.number,
    item_stage: item.stage,
    item_position: item.position,
    item_checked: item.checked,
    item_checked_by: item.checked_by,
    item_checked_at: item.checked_at,
    item_assignee_user_id: item.assignee_user_id,
    item_assignee_role: item.assignee_role,
    item_due_at: item.due_at,
    item_due_after_ms: item.due_after_ms,
  };
}

/** The item as its latest removal recorded it; 404 when it was never removed from this incident (or removed before removals kept it). */
async function removedItem(deps: IncidentDeps, props: { incident: IncidentRecord; itemId: string }): Promise<ChecklistItemRecord> {
  const removals = (await deps.store.listTimeline(props.incident.id)).filter(
    (e) => e.type === "checklist_item_removed" && e.details.item_id === props.itemId,
  );
  const parsed = removedItemSchema.safeParse(removals.at(-1)?.details);
  if (!parsed.success)
    throw notFound("incident.checklist.item_not_found", `item_id: no removed checklist item ${props.itemId} in this incident to restore`);
  const d = parsed.data;
  return {
    id: d.item_id,
    incident_id: props.incident.id,
    title: d.item_title,
    stage: d.item_stage,
    position: d.item_position,
    number: d.item_number,
    checked: d.item_checked,
    checked_by: d.item_checked_by,
    checked_at: d.item_checked_at,
    assignee_user_id: d.item_assignee_user_id,
    assignee_role: d.item_assignee_role,
    due_at: d.item_due_at,
    due_after_ms: d.item_due_after_ms,
    overdue_notified_at: 0,
  };
}

async function announce(
  deps: IncidentDeps,
  props: { incident: IncidentRecord; item: ChecklistItemRecord; action: ChecklistAction; actorId: string; number: number },
): Promise<Incident> {
  const { item, action } = props;
  const who = await mention(deps, props.actorId);
  const verb = VERBS[action];
  const message =
    action === "checklist_item_added"
      ? `${who} added item ${props.number} "${item.title}" ${item.stage ? `to ${item.stage}` : "to the checklist (no stage)"}`
      : `${who} ${verb} item ${props.number}: ${item.title}`;
  return announceChange(deps, {
    incident: props.incident,
    action,
    actorId: props.actorId,
    message,
    props: { item_id: item.id, item_title: item.title, item_stage: item.stage, item_number: props.number },
    timeline: {
      details:
        action === "checklist_item_removed"
          ? removalDetails(item)
          : { item_id: item.id, item_title: item.title, item_number: props.number },
    },
    ...(verb === "restored"
      ? {}
      : { trigger: { name: "checklist_item_changed", values: { action: verb, item: item.title, item_stage: item.stage ?? "" } } }),
  });
}
