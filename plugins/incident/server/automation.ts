/**
 * @module incident/server/automation
 * What the plugin offers workflows (DESIGN.md section 6): the triggers
 * incident_started, stage_changed, checklist_item_changed, incident_ended,
 * and the actions start_incident, change_stage, change_checklist_item,
 * end_incident. Actions run the same commands as everything else, with the
 * permissions of the workflow's `run_as` user and never more.
 */
import { z } from "zod";
import type { AutomationParam, FiredTrigger, PluginContext } from "#plugin-api";
import { oneOf } from "#common/automation-params.ts";
import { invalid, notFound } from "#common/plugin-errors.ts";
import { orderChecklist } from "../common/checklist.ts";
import { checklistChanger, type ChecklistChange } from "./commands/checklist-changer.ts";
import { incidentEnder } from "./commands/incident-ender.ts";
import { incidentStarter } from "./commands/incident-starter.ts";
import { stageChanger } from "./commands/stage-changer.ts";
import { visibleIncident } from "./policies.ts";
import type { IncidentDeps, IncidentTriggerName, TriggerFirer } from "./incident-deps.ts";
import type { IncidentRecord } from "./store.ts";

const str = (description: string, extra: Partial<AutomationParam> = {}): AutomationParam => ({ type: "string", description, ...extra });

/** Values every incident trigger provides. */
const COMMON_VALUES: Record<string, AutomationParam> = {
  incident_id: str("The incident's id"),
  name: str("The incident's name"),
  team_id: str("The team's id"),
  channel_id: str("The incident channel's id"),
  channel_name: str("The incident channel's name"),
  commander: str("The commander's username"),
  commander_user_id: str("The commander's user id"),
  playbook: str('The playbook\'s name ("" without one)'),
  stage: str("The current stage"),
  actor: str("Username of who made the change"),
  actor_user_id: str("User id of who made the change"),
};

const CHECKLIST_ACTIONS: [string, ...string[]] = ["added", "removed", "checked", "unchecked"];
/** The trigger's words, and their imperatives, to what the action does. */
const ACTION_VERBS: Record<string, "add" | "remove" | "check" | "uncheck"> = {
  added: "add",
  add: "add",
  removed: "remove",
  remove: "remove",
  checked: "check",
  check: "check",
  unchecked: "uncheck",
  uncheck: "uncheck",
};
/** An action's text parameter, trimmed; "" (a template that rendered empty) counts as not given. */
const optionalText = (description: string) => z.string().trim().optional().describe(description);
/** A text parameter that must be given and not blank. */
const requiredText = (description: string) => z.string().trim().min(1, "is required").describe(description);

/** How an action names its incident: by id, or by its channel. */
const INCIDENT_REF = {
  incident_id: optionalText("The incident's id (or give channel_name)"),
  channel_name: optionalText("The incident channel's name (or give incident_id)"),
};

/**
 * Register the plugin's workflow triggers; returns the function that fires
 * them, for {@link IncidentDeps.fire}.
 */
export function registerTriggers(ctx: PluginContext): TriggerFirer {
  const handles = new Map<IncidentTriggerName, { fire(event: Omit<FiredTrigger, "trigger" | "depth">): void }>();
  const trigger = (
    name: IncidentTriggerName,
    description: string,
    parameters: Record<string, AutomationParam>,
    provides: Record<string, AutomationParam> = {},
  ) => {
    handles.set(name, ctx.automation.registerTrigger({ name, description, parameters, provides: { ...COMMON_VALUES, ...provides } }));
  };
  trigger("incident_started", "An incident was started", {
    channel_name: str("The incident channel's name"),
    playbook: str("The playbook's name"),
  });
  trigger(
    "stage_changed",
    "An incident's stage changed",
    { stage: str("The new stage"), previous_stage: str("The stage before"), channel_name: str("The incident channel's name") },
    { previous_stage: str("The stage before") },
  );
  trigger(
    "checklist_item_changed",
    "A checklist item was added, removed, checked or unchecked",
    {
      action: str("What happened", { enum: CHECKLIST_ACTIONS }),
      item: str("The item's title"),
      channel_name: str("The incident channel's name"),
    },
    {
      action: str("What happened", { enum: CHECKLIST_ACTIONS }),
      item: str("The item's title"),
      item_stage: str('The item\'s stage ("" when none)'),
    },
  );
  trigger("incident_ended", "An incident ended", { channel_name: str("The incident channel's name") });
  return (name, event) => handles.get(name)?.fire(event);
}

/** Register the plugin's workflow actions: they run the same commands as the API, as the workflow's `run_as`. */
export function registerActions(deps: IncidentDeps): void {
  const { ctx } = deps;

  ctx.automation.registerAction({
    name: "start_incident",
    description: "Start an incident (its channel, checklist and opening post)",
    parameters: z.object({
      name: requiredText("The incident's name"),
      channel_name: optionalText("The channel's name (default: the playbook's template or the name)"),
      playbook: optionalText("A playbook of the team, by name"),
      private: z.boolean().optional().describe("Make the channel private"),
      fields: z.array(z.string()).optional().describe("Playbook fields as key=value"),
    }),
    returns: { incident_id: str("The incident's id"), channel_id: str("The channel's id"), channel_name: str("The channel's name") },
    async run({ params, actorId, teamId }) {
      const result = await incidentStarter(deps, {
        actorId,
        teamId,
        name: params.name,
        channelName: params.channel_name || undefined,
        playbookName: params.playbook || undefined,
        private: params.private === true,
        fields: parseFields(params.fields),
      });
      return { incident_id: result.incident.id, channel_id: result.incident.channel_id, channel_name: result.incident.channel_name };
    },
    preview: ({ params }) =>
      `start incident "${params.name}"${params.playbook ? ` with playbook "${params.playbook}"` : ""}${params.channel_name ? ` in ~${params.channel_name}` : ""}`,
  });

  ctx.automation.registerAction({
    name: "change_stage",
    description: "Change an incident's stage",
    parameters: z.object({ ...INCIDENT_REF, stage: requiredText("A stage name, next or prev") }),
    returns: { incident_id: str("The incident's id"), stage: str("The stage now"), previous_stage: str("The stage before") },
    async run({ params, actorId, teamId }) {
      const incident = await findIncident(deps, { ref: params, actorId, teamId });
      const result = await stageChanger(deps, { incidentId: incident.id, actorId, stage: params.stage });
      return { incident_id: incident.id, stage: result.to, previous_stage: result.from };
    },
    preview: ({ params }) => `change the stage of ${describeRef(params)} to ${params.stage}`,
  });

  ctx.automation.registerAction({
    name: "change_checklist_item",
    description: "Add, remove, check or uncheck a checklist item",
    parameters: z.object({
      ...INCIDENT_REF,
      action: oneOf(CHECKLIST_ACTIONS).describe("added, removed, checked or unchecked"),
      item: requiredText("The item's title (or #n, its number)"),
      stage: optionalText("For added: the stage (default: the current stage)"),
    }),
    returns: { incident_id: str("The incident's id"), item_id: str("The item's id"), item: str("The item's title") },
    async run({ params, actorId, teamId }) {
      const incident = await findIncident(deps, { ref: params, actorId, teamId });
      const action = ACTION_VERBS[params.action];
      const itemText = params.item;
      if (!action) throw invalid("incident.automation.action", `action: must be one of ${CHECKLIST_ACTIONS.join(", ")}`);
      let change: ChecklistChange;
      if (action === "add") change = { kind: "add", title: itemText, stage: params.stage || undefined };
      else {
        const item = await findItem(deps, incident, itemText);
        if (action === "remove") change = { kind: "remove", itemId: item.id };
        else change = { kind: "set", itemId: item.id, checked: action === "check" };
      }
      const result = await checklistChanger(deps, { incidentId: incident.id, actorId, change });
      return { incident_id: incident.id, item_id: result.item.id, item: result.item.title };
    },
    preview: ({ params }) => `${params.action} checklist item "${params.item}" of ${describeRef(params)}`,
  });

  ctx.automation.registerAction({
    name: "end_incident",
    description: "End an incident",
    parameters: z.object(INCIDENT_REF),
    returns: { incident_id: str("The incident's id") },
    async run({ params, actorId, teamId }) {
      const incident = await findIncident(deps, { ref: params, actorId, teamId });
      await incidentEnder(deps, { incidentId: incident.id, actorId });
      return { incident_id: incident.id };
    },
    preview: ({ params }) => `end ${describeRef(params)}`,
  });
}

/** How an action names its incident (see {@link INCIDENT_REF}). */
type IncidentRef = { incident_id?: string | undefined; channel_name?: string | undefined };

/** The incident an action names by `incident_id` or `channel_name`, if the actor may see it. */
async function findIncident(deps: IncidentDeps, props: { ref: IncidentRef; actorId: string; teamId: string }): Promise<IncidentRecord> {
  const incidentId = props.ref.incident_id;
  if (incidentId) return visibleIncident(deps, { userId: props.actorId, incidentId });
  const channelName = props.ref.channel_name?.replace(/^~/, "");
  if (!channelName) throw invalid("incident.automation.incident", "incident_id or channel_name: one of them is required");
  const channel = await deps.ctx.channels.getByName(props.teamId, channelName);
  const incident = channel ? await deps.store.getIncidentByChannel(channel.id) : null;
  if (!incident) throw notFound("incident.not_found", `channel_name: ~${channelName} is not an incident channel of this team`);
  return visibleIncident(deps, { userId: props.actorId, incidentId: incident.id });
}

async function findItem(deps: IncidentDeps, incident: IncidentRecord, text: string) {
  const items = orderChecklist(await deps.store.listItems(incident.id), incident.stages);
  const number = /^#(\d+)$/.exec(text.trim());
  const item = number
    ? items[Number(number[1]) - 1]
    : (items.find((i) => i.title === text) ?? items.find((i) => i.title.toLowerCase() === text.trim().toLowerCase()));
  if (!item) throw invalid("incident.checklist.item_not_found", `item: no checklist item "${text}" in incident "${incident.name}"`);
  return item;
}

/** `key=value` entries as playbook fields. */
function parseFields(list: string[] | undefined): Record<string, string> | undefined {
  if (list === undefined) return undefined;
  const fields: Record<string, string> = {};
  for (const text of list) {
    const eq = text.indexOf("=");
    if (eq <= 0) throw invalid("incident.automation.param", `fields: "${text}" must look like key=value`);
    fields[text.slice(0, eq).trim()] = text.slice(eq + 1);
  }
  return fields;
}

function describeRef(ref: IncidentRef): string {
  return ref.incident_id ? `incident ${ref.incident_id}` : `the incident of ~${ref.channel_name || "?"}`;
}
