/**
 * @module incident/server/automation
 * What the plugin offers workflows (DESIGN.md sections 6 and 10), named as
 * the catalog names things — triggers for what happened, actions for what to
 * do: the triggers incident_started, stage_changed, severity_changed,
 * role_changed, checklist_item_changed, checklist_item_assigned,
 * status_update_posted, incident_ended, and the actions start_incident,
 * change_stage, change_severity, assign_role, change_checklist_item,
 * assign_checklist_item, post_status_update, end_incident. Actions run the
 * same commands as everything else, with the permissions of the workflow's
 * `run_as` user and never more.
 */
import { z } from "zod";
import type { ActionOnBehalfOf, AutomationParam, FiredTrigger, PluginContext } from "#plugin-api";
import { creditedAction } from "./credit.ts";
import { oneOf } from "#common/automation-params.ts";
import { invalid, notFound } from "#common/plugin-errors.ts";
import { orderChecklist } from "../common/checklist.ts";
import { checklistChanger, type ChecklistChange } from "./commands/checklist-changer.ts";
import { incidentEnder } from "./commands/incident-ender.ts";
import { incidentStarter } from "./commands/incident-starter.ts";
import { stageChanger } from "./commands/stage-changer.ts";
import { severityChanger } from "./commands/severity-changer.ts";
import { roleAssigner } from "./commands/role-assigner.ts";
import { itemAssigner, itemDueSetter } from "./commands/item-assigner.ts";
import { statusUpdatePoster } from "./commands/status-update-poster.ts";
import { parseDuration } from "../common/playbook.ts";
import { userNamed } from "./user-lookup.ts";
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
  severity: str("The current severity"),
  drill: { type: "boolean", description: "True for a drill" },
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
    severity: str("The severity it started with"),
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
  trigger(
    "severity_changed",
    "An incident's severity changed",
    { severity: str("The new severity"), previous_severity: str("The severity before"), channel_name: str("The incident channel's name") },
    { previous_severity: str("The severity before") },
  );
  trigger(
    "role_changed",
    "A role of an incident (scribe, comms, ...) was assigned or left unassigned",
    {
      role: str("The role"),
      user: str('The new holder\'s username ("" when unassigned)'),
      channel_name: str("The incident channel's name"),
    },
    {
      role: str("The role"),
      user: str('The new holder\'s username ("" when unassigned)'),
      user_id: str('The new holder\'s user id ("" when unassigned)'),
      previous_user: str('The previous holder\'s username ("" when none)'),
    },
  );
  trigger(
    "checklist_item_assigned",
    "A checklist item was assigned to someone, or unassigned",
    {
      item: str("The item's title"),
      assignee: str('The assignee\'s username ("" when unassigned)'),
      channel_name: str("The incident channel's name"),
    },
    {
      item: str("The item's title"),
      item_stage: str('The item\'s stage ("" when none)'),
      assignee: str('The assignee\'s username ("" when unassigned)'),
      assignee_user_id: str('The assignee\'s user id ("" when unassigned)'),
    },
  );
  trigger(
    "status_update_posted",
    "A status update was posted",
    { channel_name: str("The incident channel's name") },
    { message: str("The update's text (markdown)"), status_update_id: str("The status update's id") },
  );
  trigger("incident_ended", "An incident ended", { channel_name: str("The incident channel's name") });
  return (name, event) => handles.get(name)?.fire(event);
}

/** Register the plugin's workflow actions: they run the same commands as the API, as the workflow's `run_as`. */
export function registerActions(deps: IncidentDeps): void {
  const { ctx } = deps;
  // Every action credits the person a workflow runs it for (see credit.ts).
  const offer: PluginContext["automation"]["registerAction"] = (action) => ctx.automation.registerAction(creditedAction(action));

  offer({
    name: "start_incident",
    description: "Start an incident (its channel, checklist and opening post)",
    parameters: z.object({
      name: requiredText("The incident's name"),
      channel_name: optionalText("The channel's name (default: the playbook's template or the name)"),
      playbook: optionalText("A playbook of the team, by name"),
      private: z.boolean().optional().describe("Make the channel private"),
      fields: z.array(z.string()).optional().describe("Playbook fields as key=value"),
      severity: optionalText("One of the playbook's severities (default: its default_severity)"),
      ...START_PEOPLE_PARAMS,
      channel_id: optionalText("Run the incident in this existing channel (run_as must be a member)"),
      drill: z.boolean().optional().describe("Mark the incident as a drill"),
    }),
    returns: { incident_id: str("The incident's id"), channel_id: str("The channel's id"), channel_name: str("The channel's name") },
    async run({ params, actorId, teamId, onBehalfOf }) {
      const people = await startPeople(deps, { params, onBehalfOf });
      const result = await incidentStarter(deps, {
        actorId,
        teamId,
        name: params.name,
        channelName: params.channel_name || undefined,
        channelTemplate: params.channel_template ? workflowSafeTemplate(params.channel_template) : undefined,
        channelId: params.channel_id || undefined,
        playbookName: params.playbook || undefined,
        private: params.private === true,
        fields: parseFields(params.fields),
        severity: params.severity || undefined,
        commanderUserId: people.commanderUserId,
        inviteUserIds: people.inviteUserIds,
        drill: params.drill === true,
        paramNames: { commander_user_id: "commander", invite: "invitees", channel_name: "channel_name" },
      });
      return { incident_id: result.incident.id, channel_id: result.incident.channel_id, channel_name: result.incident.channel_name };
    },
    preview: ({ params }) =>
      `start ${params.drill ? "drill" : "incident"} "${params.name}"${params.severity ? ` (${params.severity})` : ""}${params.playbook ? ` with playbook "${params.playbook}"` : ""}${params.channel_name ? ` in ~${params.channel_name}` : ""}`,
  });

  offer({
    name: "change_severity",
    description: "Change an incident's severity",
    parameters: z.object({ ...INCIDENT_REF, severity: requiredText("One of the incident's severities, e.g. SEV1") }),
    returns: { incident_id: str("The incident's id"), severity: str("The severity now"), previous_severity: str("The severity before") },
    async run({ params, actorId, teamId }) {
      const incident = await findIncident(deps, { ref: params, actorId, teamId });
      const result = await severityChanger(deps, { incidentId: incident.id, actorId, severity: params.severity });
      return { incident_id: incident.id, severity: result.to, previous_severity: result.from };
    },
    preview: ({ params }) => `change the severity of ${describeRef(params)} to ${params.severity}`,
  });

  offer({
    name: "assign_role",
    description: "Assign a role of an incident (commander, or one of its playbook's roles) to a user",
    parameters: z.object({
      ...INCIDENT_REF,
      role: requiredText("commander, or one of the playbook's roles"),
      user: optionalText('A username; "" (or absent) leaves the role unassigned'),
    }),
    returns: { incident_id: str("The incident's id"), role: str("The role"), user_id: str('The holder\'s user id ("" when unassigned)') },
    async run({ params, actorId, teamId }) {
      const incident = await findIncident(deps, { ref: params, actorId, teamId });
      const user = params.user ? await userNamed(deps, { username: params.user, param: "user" }) : null;
      const result = await roleAssigner(deps, {
        incidentId: incident.id,
        actorId,
        role: params.role,
        userId: user?.id ?? "",
        param: "role",
      });
      return { incident_id: incident.id, role: result.role, user_id: user?.id ?? "" };
    },
    preview: ({ params }) =>
      `assign the role ${params.role} of ${describeRef(params)} to ${params.user ? `@${params.user.replace(/^@/, "")}` : "nobody"}`,
  });

  offer({
    name: "assign_checklist_item",
    description: "Assign a checklist item to a user (or nobody), optionally with a due time",
    parameters: z.object({
      ...INCIDENT_REF,
      item: requiredText("The item's title (or #n, its number)"),
      user: optionalText('A username; "" (or absent) unassigns'),
      due: optionalText("Due this long from now, e.g. 15m or 1h"),
    }),
    returns: {
      incident_id: str("The incident's id"),
      item_id: str("The item's id"),
      assignee_user_id: str('The assignee\'s user id ("" when none)'),
    },
    async run({ params, actorId, teamId }) {
      const incident = await findIncident(deps, { ref: params, actorId, teamId });
      const item = await findItem(deps, incident, params.item);
      const user = params.user ? await userNamed(deps, { username: params.user, param: "user" }) : null;
      const dueMs = params.due ? parseDuration(params.due) : null;
      if (params.due && dueMs === null)
        throw invalid("incident.automation.param", `due: "${params.due}" must be a duration such as 15m or 1h`);
      await itemAssigner(deps, { incidentId: incident.id, actorId, itemId: item.id, assigneeUserId: user?.id ?? "", param: "user" });
      if (dueMs !== null) await itemDueSetter(deps, { incidentId: incident.id, actorId, itemId: item.id, dueAt: ctx.clock.now() + dueMs });
      return { incident_id: incident.id, item_id: item.id, assignee_user_id: user?.id ?? "" };
    },
    preview: ({ params }) =>
      `assign checklist item "${params.item}" of ${describeRef(params)} to ${params.user ? `@${params.user.replace(/^@/, "")}` : "nobody"}${params.due ? `, due in ${params.due}` : ""}`,
  });

  offer({
    name: "post_status_update",
    description: "Post a status update (in the incident channel and its playbook's broadcast channels)",
    parameters: z.object({ ...INCIDENT_REF, message: requiredText("The update, in markdown") }),
    returns: {
      incident_id: str("The incident's id"),
      status_update_id: str("The status update's id"),
      post_id: str("The update's post in the incident channel"),
    },
    async run({ params, actorId, teamId }) {
      const incident = await findIncident(deps, { ref: params, actorId, teamId });
      const update = await statusUpdatePoster(deps, { incidentId: incident.id, actorId, message: params.message });
      return { incident_id: incident.id, status_update_id: update.id, post_id: update.post_id };
    },
    preview: ({ params }) => `post a status update in ${describeRef(params)}: ${params.message}`,
  });

  offer({
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

  offer({
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

  offer({
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
/** `start_incident`'s people: who commands and who is invited (kept together so other parameters merge apart). */
const START_PEOPLE_PARAMS = {
  commander: optionalText(
    "The commander's username (default: the person whose post or command triggered the workflow; else the workflow's run_as)",
  ),
  invitees: z.array(z.string()).optional().describe("Usernames added to the incident channel"),
  channel_template: optionalText(
    "The channel's name as a template of the incident's values in single braces: {slug}, {seq}, {date}, {commander}, {name}, e.g. sev1-{date}-{seq}",
  ),
};

/** The commander (named, else the person the run is for, else run_as) and the invitees of a workflow-started incident. */
async function startPeople(
  deps: IncidentDeps,
  props: { params: { commander?: string | undefined; invitees?: string[] | undefined }; onBehalfOf?: ActionOnBehalfOf | undefined },
): Promise<{ commanderUserId: string | undefined; inviteUserIds: string[] }> {
  const { params } = props;
  const named = params.commander ? await userNamed(deps, { username: params.commander, param: "commander" }) : null;
  const inviteUserIds: string[] = [];
  for (const username of params.invitees ?? []) inviteUserIds.push((await userNamed(deps, { username, param: "invitees" })).id);
  return { commanderUserId: named?.id ?? props.onBehalfOf?.userId, inviteUserIds };
}

/**
 * A channel template written for a workflow: `{seq}` in single braces (the
 * workflow renders every `{{...}}` itself) becomes the playbook syntax `{{seq}}`.
 * @example workflowSafeTemplate("sev1-{date}-{seq}") // "sev1-{{date}}-{{seq}}"
 */
export function workflowSafeTemplate(template: string): string {
  return template.replace(/(?<!\{)\{\s*([A-Za-z_][\w.]*)\s*\}(?!\})/g, "{{$1}}");
}

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
    ? items.find((i) => i.number === Number(number[1]))
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
