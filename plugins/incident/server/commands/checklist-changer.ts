/**
 * @module incident/server/commands/checklist-changer
 * Add, check, uncheck and remove checklist items.
 */
import { invalid, notFound } from "#common/plugin-errors.ts";
import { findStage } from "../../common/checklist.ts";
import { INCIDENT_LIMITS, type Incident, type UpdateAction } from "../../common/types.ts";
import { announceChange, mention } from "../announcer.ts";
import { changeableIncident } from "../policies.ts";
import type { IncidentDeps } from "../incident-deps.ts";
import { newChecklistItem, type ChecklistItemRecord, type IncidentRecord } from "../store.ts";

/**
 * One change. `add`: `stage` absent → the current stage, null → not tied to a stage.
 */
export type ChecklistChange =
  | { kind: "add"; title: string; stage?: string | null }
  | { kind: "set"; itemId: string; checked: boolean }
  | { kind: "remove"; itemId: string };

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

/** What happened to an item: the checklist's update actions that the `checklist_item_changed` trigger reports. */
export type ChecklistAction = Extract<
  UpdateAction,
  "checklist_item_added" | "checklist_item_removed" | "checklist_item_checked" | "checklist_item_unchecked"
>;

/** Each action's verb, in the bot's post ("removed item 2") and as the trigger's `action` value alike. */
const VERBS: Record<ChecklistAction, "added" | "removed" | "checked" | "unchecked"> = {
  checklist_item_added: "added",
  checklist_item_removed: "removed",
  checklist_item_checked: "checked",
  checklist_item_unchecked: "unchecked",
};

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
    timeline: { details: { item_id: item.id, item_title: item.title, item_number: props.number } },
    trigger: { name: "checklist_item_changed", values: { action: verb, item: item.title, item_stage: item.stage ?? "" } },
  });
}
