/**
 * @module workflow/common/static-catalog
 * A copy of the catalog of the first-party triggers and actions (the host's
 * and the Incident plugin's), so `sitrep workflow lint` and `workflow test`
 * work offline. A test compares it with a running server's catalog; with
 * `--url`, the CLI reads the live catalog instead.
 */
import type { CatalogAction, CatalogTrigger } from "#plugin-api";

const s = (description: string, extra: { required?: boolean; enum?: string[] } = {}) => ({
  type: "string" as const,
  description,
  ...extra,
});
const n = (description: string) => ({ type: "number" as const, description });
const b = (description: string) => ({ type: "boolean" as const, description });
const list = (description: string) => ({ type: "string[]" as const, description });
const json = (description: string) => ({ type: "json" as const, description });

/** Values every incident trigger provides. */
const incidentValues = {
  incident_id: s("The incident's id"),
  name: s("The incident's name"),
  team_id: s("The team's id"),
  channel_id: s("The incident channel's id"),
  channel_name: s("The incident channel's name"),
  commander: s("The commander's username"),
  commander_user_id: s("The commander's user id"),
  playbook: s('The playbook\'s name ("" without one)'),
  stage: s("The current stage"),
  actor: s("Username of who made the change"),
  actor_user_id: s("User id of who made the change"),
};
const CHECKLIST_ACTIONS = ["added", "removed", "checked", "unchecked"];
const incidentRef = {
  incident_id: s("The incident's id (or give channel_name)"),
  channel_name: s("The incident channel's name (or give incident_id)"),
};

/** The first-party triggers. */
export const STATIC_TRIGGERS: CatalogTrigger[] = [
  {
    name: "message_posted",
    plugin_id: "host",
    description: "A message is posted in a channel (its text includes the text of Slack-style attachments).",
    parameters: {
      channel: s("Channel name, e.g. alerts (only posts there)."),
      contains: s("Case-insensitive text the message must contain."),
      keywords: list("Any of these whole words, case-insensitively (the forwarding rule)."),
      from_user: s("Username of the author (or the webhook's display name)."),
    },
    provides: {
      post_id: s("Id of the post."),
      message: s("The post's message."),
      text: s("Message and attachment text together."),
      channel_id: s("Id of the channel."),
      channel_name: s("Name of the channel."),
      user_id: s("Id of the author."),
      username: s("Username of the author."),
      team_id: s("Id of the team."),
    },
  },
  {
    name: "slash_command",
    plugin_id: "host",
    description: "Someone runs the slash command the workflow declares (where.trigger), e.g. /deploy api.",
    parameters: {
      trigger: s("The command word, without the slash; registered while the workflow is enabled.", { required: true }),
      channel: s("Only when run in this channel (name)."),
    },
    provides: {
      command: s("The whole command line."),
      text: s("Everything after the word."),
      args: list("The words after the trigger, split like a shell."),
      user_id: s("Who ran it."),
      username: s("Username of who ran it."),
      channel_id: s("Channel it ran in."),
      channel_name: s("Name of that channel."),
      team_id: s("Team it ran in."),
    },
  },
  {
    name: "webhook",
    plugin_id: "host",
    description:
      "An HTTP POST to the workflow's hook URL (/plugins/workflow/api/v1/hooks/<workflow-id>/<secret>); the JSON body's keys become trigger values.",
    parameters: {},
    provides: { received_at: n("When the request arrived (ms since the epoch).") },
    openValues: true,
  },
  {
    name: "schedule",
    plugin_id: "host",
    description:
      'On a cron schedule, e.g. "0 9 * * 1-5" (five fields, or six with seconds first); each tick runs once across all server processes.',
    parameters: { cron: s("Cron expression.", { required: true }), timezone: s("IANA timezone of the expression (default UTC).") },
    provides: { scheduled_at: s("The tick, as an ISO 8601 time."), scheduled_at_ms: n("The tick, in ms since the epoch.") },
  },
  {
    name: "incident_started",
    plugin_id: "incident",
    description: "An incident was started",
    parameters: { channel_name: s("The incident channel's name"), playbook: s("The playbook's name") },
    provides: incidentValues,
  },
  {
    name: "stage_changed",
    plugin_id: "incident",
    description: "An incident's stage changed",
    parameters: { stage: s("The new stage"), previous_stage: s("The stage before"), channel_name: s("The incident channel's name") },
    provides: { ...incidentValues, previous_stage: s("The stage before") },
  },
  {
    name: "checklist_item_changed",
    plugin_id: "incident",
    description: "A checklist item was added, removed, checked or unchecked",
    parameters: {
      action: s("What happened", { enum: CHECKLIST_ACTIONS }),
      item: s("The item's title"),
      channel_name: s("The incident channel's name"),
    },
    provides: {
      ...incidentValues,
      action: s("What happened", { enum: CHECKLIST_ACTIONS }),
      item: s("The item's title"),
      item_stage: s('The item\'s stage ("" when none)'),
    },
  },
  {
    name: "incident_ended",
    plugin_id: "incident",
    description: "An incident ended",
    parameters: { channel_name: s("The incident channel's name") },
    provides: incidentValues,
  },
];

/** The first-party actions. */
export const STATIC_ACTIONS: CatalogAction[] = [
  {
    name: "post_message",
    plugin_id: "host",
    description: "Post a message in a channel of the workflow's team, as run_as (who must be able to post there).",
    parameters: { channel: s("Channel name, e.g. status.", { required: true }), message: s("Markdown text.", { required: true }) },
    returns: { post_id: s("Id of the new post."), channel_id: s("Id of the channel.") },
  },
  {
    name: "create_channel",
    plugin_id: "host",
    description: "Create a channel in the workflow's team; run_as becomes its first member.",
    parameters: {
      name: s("Channel name: lowercase letters, digits, '-' and '_'.", { required: true }),
      display_name: s("Shown name (default: the name)."),
      private: b("Private channel (default false)."),
      purpose: s("One line about the channel."),
    },
    returns: { channel_id: s("Id of the channel."), channel_name: s("Name of the channel.") },
  },
  {
    name: "add_user_to_channel",
    plugin_id: "host",
    description: "Add a team member to a channel; run_as must be a member of that channel (as in the API).",
    parameters: { channel: s("Channel name.", { required: true }), username: s("Who to add (without @).", { required: true }) },
    returns: { channel_id: s("Id of the channel."), user_id: s("Id of the added user.") },
  },
  {
    name: "http_request",
    plugin_id: "host",
    description: "Call an HTTP endpoint allowed by the workflow plugin's http_allowlist setting; a non-2xx answer fails the step.",
    parameters: {
      method: s("GET, POST (default), PUT, PATCH or DELETE.", { enum: ["GET", "POST", "PUT", "PATCH", "DELETE"] }),
      url: s("Absolute http(s) URL; its host must be allowed.", { required: true }),
      headers: json("Map of header names to values."),
      body: json("A string sent as is, or a JSON value sent as application/json."),
    },
    returns: {
      status: n("HTTP status."),
      body: s("Response body (first 64 KB)."),
      json: json("The body parsed as JSON, when it is JSON."),
    },
  },
  {
    name: "start_incident",
    plugin_id: "incident",
    description: "Start an incident (its channel, checklist and opening post)",
    parameters: {
      name: s("The incident's name", { required: true }),
      channel_name: s("The channel's name (default: the playbook's template or the name)"),
      playbook: s("A playbook of the team, by name"),
      private: b("Make the channel private"),
      fields: list("Playbook fields as key=value"),
    },
    returns: { incident_id: s("The incident's id"), channel_id: s("The channel's id"), channel_name: s("The channel's name") },
  },
  {
    name: "change_stage",
    plugin_id: "incident",
    description: "Change an incident's stage",
    parameters: { ...incidentRef, stage: s("A stage name, next or prev", { required: true }) },
    returns: { incident_id: s("The incident's id"), stage: s("The stage now"), previous_stage: s("The stage before") },
  },
  {
    name: "change_checklist_item",
    plugin_id: "incident",
    description: "Add, remove, check or uncheck a checklist item",
    parameters: {
      ...incidentRef,
      action: s("added, removed, checked or unchecked", { required: true, enum: CHECKLIST_ACTIONS }),
      item: s("The item's title (or #n, its number)", { required: true }),
      stage: s("For added: the stage (default: the current stage)"),
    },
    returns: { incident_id: s("The incident's id"), item_id: s("The item's id"), item: s("The item's title") },
  },
  {
    name: "end_incident",
    plugin_id: "incident",
    description: "End an incident",
    parameters: { ...incidentRef },
    returns: { incident_id: s("The incident's id") },
  },
];

/** The static catalog, as the linter reads it. */
export const STATIC_CATALOG = { triggers: STATIC_TRIGGERS, actions: STATIC_ACTIONS };
