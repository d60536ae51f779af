/**
 * @module workflow/common/static-catalog
 * A copy of the catalog of the first-party triggers and actions (the host's
 * and the Incident plugin's), so `sitrep workflow lint` and `workflow test`
 * work offline. A test compares it with a running server's catalog; with
 * `--url`, the CLI reads the live catalog instead.
 */
import type { CatalogAction, CatalogTrigger } from "../../../common/plugin-api.ts";

const s = (description: string, extra: { required?: boolean; enum?: string[] } = {}) => ({ type: "string" as const, description, ...extra });
const n = (description: string) => ({ type: "number" as const, description });
const b = (description: string) => ({ type: "boolean" as const, description });
const list = (description: string) => ({ type: "string[]" as const, description });
const json = (description: string) => ({ type: "json" as const, description });

const incidentValues = {
  incident_id: s("Id of the incident."),
  name: s("Name of the incident."),
  channel_id: s("Id of the incident channel."),
  channel_name: s("Name of the incident channel."),
  team_id: s("Id of the team."),
  commander_user_id: s("Id of the commander."),
  current_stage: s("The incident's stage now."),
  user_id: s("Who made the change."),
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
    parameters: { trigger: s("The command word, without the slash; registered while the workflow is enabled.", { required: true }), channel: s("Only when run in this channel (name).") },
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
    description: "An HTTP POST to the workflow's hook URL (/plugins/workflow/api/v1/hooks/<workflow-id>/<secret>); the JSON body's keys become trigger values.",
    parameters: {},
    provides: { received_at: n("When the request arrived (ms since the epoch).") },
    openValues: true,
  },
  {
    name: "schedule",
    plugin_id: "host",
    description: 'On a cron schedule, e.g. "0 9 * * 1-5" (five fields, or six with seconds first); each tick runs once across all server processes.',
    parameters: { cron: s("Cron expression.", { required: true }), timezone: s("IANA timezone of the expression (default UTC).") },
    provides: { scheduled_at: s("The tick, as an ISO 8601 time."), scheduled_at_ms: n("The tick, in ms since the epoch.") },
  },
  {
    name: "incident_started",
    plugin_id: "incident",
    description: "An incident starts.",
    parameters: { channel_name: s("Name of the incident channel.") },
    provides: incidentValues,
  },
  {
    name: "stage_changed",
    plugin_id: "incident",
    description: "An incident moves to another stage.",
    parameters: { stage: s("The new stage.") },
    provides: { ...incidentValues, stage: s("The new stage."), previous_stage: s("The stage before.") },
  },
  {
    name: "checklist_item_changed",
    plugin_id: "incident",
    description: "A checklist item is added, removed, checked or unchecked.",
    parameters: { action: s("What happened to the item.", { enum: ["added", "removed", "checked", "unchecked"] }), item: s("The item's title.") },
    provides: { ...incidentValues, action: s("added, removed, checked or unchecked."), item: s("The item's title."), item_id: s("Id of the item."), stage: s("The item's stage.") },
  },
  {
    name: "incident_ended",
    plugin_id: "incident",
    description: "An incident ends.",
    parameters: {},
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
    returns: { status: n("HTTP status."), body: s("Response body (first 64 KB)."), json: json("The body parsed as JSON, when it is JSON.") },
  },
  {
    name: "start_incident",
    plugin_id: "incident",
    description: "Start an incident.",
    parameters: { name: s("Name of the incident.", { required: true }), channel_name: s("Name of the incident channel."), playbook: s("Playbook name."), private: b("Private channel.") },
    returns: { incident_id: s("Id of the incident."), channel_id: s("Id of the incident channel."), channel_name: s("Name of the incident channel.") },
  },
  {
    name: "change_stage",
    plugin_id: "incident",
    description: "Move an incident to a stage.",
    parameters: { incident_id: s("Id of the incident.", { required: true }), stage: s("Stage name, next or prev.", { required: true }) },
    returns: { stage: s("The stage now.") },
  },
  {
    name: "change_checklist_item",
    plugin_id: "incident",
    description: "Add, remove, check or uncheck a checklist item.",
    parameters: { incident_id: s("Id of the incident.", { required: true }), action: s("What to do.", { required: true, enum: ["added", "removed", "checked", "unchecked"] }), item: s("The item's title.", { required: true }) },
    returns: { item_id: s("Id of the item.") },
  },
  {
    name: "end_incident",
    plugin_id: "incident",
    description: "End an incident.",
    parameters: { incident_id: s("Id of the incident.", { required: true }) },
    returns: { incident_id: s("Id of the incident.") },
  },
];

/** The static catalog, as the linter reads it. */
export const STATIC_CATALOG = { triggers: STATIC_TRIGGERS, actions: STATIC_ACTIONS };
