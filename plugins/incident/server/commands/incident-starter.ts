/**
 * @module incident/server/commands/incident-starter
 * Start an incident: create its channel (or take an existing one), add the
 * commander, the bot, the playbook's invitees and the assignees, copy the
 * playbook's stages, severities, roles, checklist (with due times and
 * assignees), broadcast channels and forwarding rules, post the opening
 * message, put the message it started from on the timeline, and schedule the
 * reminders. The HTTP API, the slash command, the
 * start dialog and the workflow action all start incidents here.
 */
import { newId } from "#common/ids.ts";
import { LIMITS, nameSchema, slugify } from "#common/limits.ts";
import { conflict, expectedError, invalid, notAllowed, notFound } from "#common/plugin-errors.ts";
import type { Channel, User } from "#common/wire.ts";
import { orderChecklist } from "../../common/checklist.ts";
import { itemParts, parseDuration, playbookSeverities, playbookStages, type PlaybookItem } from "../../common/playbook.ts";
import { incidentTemplateValues, renderForwardingRules, renderTemplate, type TemplateValues } from "../../common/templates.ts";
import { DEFAULT_STAGES, type Incident } from "../../common/types.ts";
import { announceChange, mention } from "../announcer.ts";
import { visibleTeam } from "../policies.ts";
import type { IncidentDeps } from "../incident-deps.ts";
import { scheduleItemDue, scheduleStatusReminder } from "../reminders.ts";
import { newChecklistItem, type ChecklistItemRecord, type IncidentRecord, type PlaybookRecord } from "../store.ts";
import { recordPostEvent, timelinePost } from "../timeline.ts";

/** How the caller names each start parameter in errors: the API's names by default, the slash command's flags. */
export interface StartParamNames {
  channel_name: string;
  channel_id: string;
  severity: string;
  commander_user_id: string;
  invite: string;
  post_id: string;
  private: string;
}

const API_PARAM_NAMES: StartParamNames = {
  channel_name: "channel_name",
  channel_id: "channel_id",
  severity: "severity",
  commander_user_id: "commander_user_id",
  invite: "invite",
  post_id: "post_id",
  private: "private",
};

/** What starting needs. */
export interface IncidentStartProps {
  /** Who starts it; the commander unless `commanderUserId` names another. */
  actorId: string;
  teamId: string;
  name: string;
  /** The channel's name; else `channelTemplate`; else the playbook's template; else the name made a channel name. */
  channelName?: string;
  /** A channel name template in the playbook's syntax (`sev1-{{date}}-{{seq}}`), instead of the playbook's. */
  channelTemplate?: string;
  /** Run in this existing channel (the actor must be a member) instead of creating one. */
  channelId?: string;
  /** A playbook by id or by name (case-insensitive). */
  playbookId?: string;
  playbookName?: string;
  /** True makes the channel private whatever the playbook says. */
  private?: boolean;
  fields?: Record<string, string>;
  /** One of the playbook's severities (case-insensitive); default: its `default_severity`. */
  severity?: string;
  /** The commander, when not the actor. */
  commanderUserId?: string;
  /** Users added to the channel besides the playbook's invitees. */
  inviteUserIds?: string[];
  drill?: boolean;
  /** Started from this message: it goes on the timeline. */
  postId?: string;
  /** How the caller names the parameters in errors (default: the API's field names). */
  paramNames?: Partial<StartParamNames>;
  /** Who the opening message says started it, in markdown (default: a mention of the actor), e.g. an alert source. */
  startedBy?: string;
}

/** The started incident, and notes for the starter (e.g. skipped invitees). */
export interface IncidentStartResult {
  incident: Incident;
  notes: string[];
}

/** Start an incident. Throws PluginError for bad input or permissions; nothing is created then. */
export async function incidentStarter(deps: IncidentDeps, props: IncidentStartProps): Promise<IncidentStartResult> {
  const { ctx, store } = deps;
  const names: StartParamNames = { ...API_PARAM_NAMES, ...props.paramNames };
  const name = props.name.trim();
  if (!name) throw invalid("incident.name.invalid", "name: must not be empty");
  const actor = await ctx.users.get(props.actorId);
  if (!actor || actor.delete_at) throw notAllowed("incident.actor.invalid", "You must be an active user to start an incident.");
  const team = await visibleTeam(deps, { userId: actor.id, teamId: props.teamId });

  const playbook = await findPlaybook(deps, props);
  const fields = resolveFields(playbook, props.fields ?? {});
  const { severities, defaultSeverity } = playbookSeverities(playbook?.spec ?? null);
  const severity = props.severity ? severityNamed(severities, props.severity, names.severity) : defaultSeverity;
  const commander = props.commanderUserId
    ? await teamPerson(deps, { userId: props.commanderUserId, teamId: team.id, param: names.commander_user_id })
    : actor;
  const wantsPrivate = props.private === true || playbook?.spec.channel.private === true;
  const existing = props.channelId
    ? await existingChannel(deps, { channelId: props.channelId, actorId: actor.id, teamId: team.id, wantsPrivate, names })
    : null;
  const post = props.postId
    ? await timelinePost(deps, {
        userId: actor.id,
        postId: props.postId,
        incident: { channel_id: existing?.id ?? "", team_id: team.id },
        param: names.post_id,
      })
    : null;
  const invitees = await inviteesOf(deps, { userIds: props.inviteUserIds ?? [], teamId: team.id, param: names.invite });

  const seq = await store.takeSeq(team.id);
  // One instant for `{{date}}` and `create_at`, so `/incident rules reload` renders the same values.
  const startedAt = ctx.clock.now();
  const values = incidentTemplateValues({ name, createAt: startedAt, seq, commander: commander.username, fields });

  const channel =
    existing ??
    (await createChannel(deps, {
      teamId: team.id,
      name: chooseChannelName({
        explicit: props.channelName,
        template: props.channelTemplate,
        playbook,
        values,
        channelParam: names.channel_name,
      }),
      displayName: name,
      isPrivate: wantsPrivate,
      creatorId: actor.id,
      purpose: playbook?.spec.description ?? "",
      channelParam: names.channel_name,
    }));

  const stages = playbook ? playbookStages(playbook.spec) : [...DEFAULT_STAGES];
  const incident: IncidentRecord = {
    id: newId(),
    team_id: team.id,
    channel_id: channel.id,
    channel_name: channel.name,
    name,
    seq,
    commander_user_id: commander.id,
    playbook_id: playbook?.id ?? "",
    playbook_version: playbook?.version ?? 0,
    playbook_name: playbook?.name ?? "",
    fields,
    stages,
    current_stage: stages[0] ?? DEFAULT_STAGES[0],
    forwarding: renderForwardingRules(playbook?.spec.forwarding ?? [], values),
    status: "active",
    private: channel.type === "P",
    create_at: startedAt,
    update_at: startedAt,
    end_at: 0,
    severity,
    severities,
    roles: Object.fromEntries((playbook?.spec.roles ?? []).map((role) => [role, ""])),
    broadcast: playbook?.spec.broadcast ?? [],
    update_every_ms: playbook?.spec.update_every ? (parseDuration(playbook.spec.update_every) ?? 0) : 0,
    last_status_update_at: 0,
    reminded_due_at: 0,
    drill: props.drill === true,
    channel_created: existing === null,
    archive_on_end: playbook?.spec.archive_on_end === true,
    item_seq: 0,
  };
  const { notes, items } = await withChannelRemovedOnFailure(deps, existing ? null : channel, async () => {
    const invited = await invitedMembers(deps, { channel, playbook, actorId: actor.id, commander, invitees });
    const checklist = await checklistFromPlaybook(deps, { playbook, incident, values, notes: invited });
    incident.item_seq = checklist.length;
    await insertIncident(deps, incident, checklist);
    return { notes: invited, items: checklist };
  });

  const playbookText = playbook ? `${playbook.name} (v${playbook.version})` : "none";
  const ordered = orderChecklist(items, stages);
  const assigned = ordered.flatMap((item) => (item.assignee_user_id ? [{ item, number: item.number }] : []));
  const usernames = new Map(
    (await ctx.users.getMany([...new Set(assigned.map((a) => a.item.assignee_user_id))])).map((u) => [u.id, u.username]),
  );
  const lines = [
    `${incident.drill ? "**[Drill]** " : ""}${props.startedBy ?? (await mention(deps, actor.id))} started the incident **${name}**.`,
    `Commander: @${commander.username} · Severity: ${severity} · Playbook: ${playbookText} · Stage: ${incident.current_stage}`,
    ...assigned.map(
      ({ item, number }) => `Item ${number} "${item.title}" is assigned to @${usernames.get(item.assignee_user_id) ?? "someone"}`,
    ),
    ...notes,
  ];
  const presented = await announceChange(deps, {
    incident,
    action: "started",
    actorId: actor.id,
    message: lines.join("\n"),
    props: {
      incident_name: name,
      commander_user_id: commander.id,
      playbook_name: incident.playbook_name,
      stage: incident.current_stage,
      severity,
      drill: incident.drill,
      notes,
    },
    timeline: { details: { severity, commander_user_id: commander.id, drill: incident.drill, channel_created: incident.channel_created } },
    trigger: { name: "incident_started" },
  });
  if (post) await recordPostEvent(deps, { incident, post, actorId: actor.id });
  await scheduleStatusReminder(deps, incident);
  for (const item of items) await scheduleItemDue(deps, item);
  return { incident: presented, notes };
}

/** The severity of this list named (case-insensitively), in the list's spelling; else 400 listing them. */
export function severityNamed(severities: readonly string[], wanted: string, param = "severity"): string {
  const found = severities.find((s) => s.toLowerCase() === wanted.trim().toLowerCase());
  if (!found)
    throw invalid(
      "incident.severity.invalid",
      `${param}: "${wanted.trim()}" is not a severity of this incident; use one of ${severities.join(", ")}`,
    );
  return found;
}

/** An active person of the team (a commander, an assignee, an invitee); else 400 naming `param`. */
export async function teamPerson(deps: IncidentDeps, props: { userId: string; teamId: string; param: string }): Promise<User> {
  const user = await deps.ctx.users.get(props.userId);
  if (!user || user.delete_at) throw invalid("incident.user.not_found", `${props.param}: no active user with id ${props.userId}`);
  if (user.is_bot) throw invalid("incident.user.bot", `${props.param}: @${user.username} is a bot; it must be a person`);
  if (!(await deps.ctx.teams.isMember(props.teamId, user.id)))
    throw invalid("incident.user.not_in_team", `${props.param}: @${user.username} is not a member of the incident's team`);
  return user;
}

async function inviteesOf(deps: IncidentDeps, props: { userIds: string[]; teamId: string; param: string }): Promise<User[]> {
  const users: User[] = [];
  for (const [i, userId] of [...new Set(props.userIds)].entries())
    users.push(await teamPerson(deps, { userId, teamId: props.teamId, param: `${props.param}.${i}` }));
  return users;
}

/**
 * The existing channel an incident is to run in: readable, of the team, not a
 * direct message, the actor a member, private if the incident must be, and
 * free of another active incident.
 */
async function existingChannel(
  deps: IncidentDeps,
  props: { channelId: string; actorId: string; teamId: string; wantsPrivate: boolean; names: StartParamNames },
): Promise<Channel> {
  const { ctx, store } = deps;
  const param = props.names.channel_id;
  const channel = await ctx.channels.get(props.channelId);
  if (!channel || !(await ctx.channels.canRead(props.actorId, channel.id)))
    throw notFound("incident.channel.not_found", `${param}: no channel with id ${props.channelId} that you can read`);
  if (channel.type === "D" || channel.type === "G")
    throw invalid("incident.channel.direct", `${param}: an incident cannot run in a direct or group message; start it in a channel`);
  if (channel.team_id !== props.teamId) throw invalid("incident.channel.other_team", `${param}: ~${channel.name} is in another team`);
  if (channel.delete_at) throw invalid("incident.channel.archived", `${param}: ~${channel.name} is archived`);
  if (!(await ctx.channels.isMember(channel.id, props.actorId)))
    throw notAllowed(
      "incident.channel.not_member",
      `${param}: you must be a member of ~${channel.name} to run an incident in it; join it first`,
    );
  if (props.wantsPrivate && channel.type !== "P")
    throw invalid(
      "incident.channel.public",
      `${props.names.private}: a private incident cannot run in the public channel ~${channel.name}, which the whole team can read; start it in a new channel or in a private one`,
    );
  const running = await store.activeIncidentOfChannel(channel.id);
  if (running) throw channelTaken(channel, running, param);
  return channel;
}

function channelTaken(channel: Pick<Channel, "name">, running: Pick<IncidentRecord, "id" | "name" | "seq">, param: string) {
  return conflict(
    "incident.channel.has_incident",
    `${param}: ~${channel.name} already runs the active incident "${running.name}" (#${running.seq}); end it first, or start this one in another channel`,
    { incident_id: running.id },
  );
}

/**
 * Run the steps of a start that follow the channel's creation; if one fails,
 * the channel it created goes too (when nobody but bots has used it yet), so
 * a failed start leaves no channel without an incident, and its name is free
 * again. An existing channel (`created` null) is never removed.
 */
async function withChannelRemovedOnFailure<T>(deps: IncidentDeps, created: Channel | null, steps: () => Promise<T>): Promise<T> {
  try {
    return await steps();
  } catch (error) {
    if (!created) throw error;
    try {
      if (!(await deps.ctx.channels.deleteUnused(created.id)))
        deps.ctx.log.warn("incident start failed; its channel is kept, someone already posted in it", { channel_id: created.id });
    } catch (cleanup) {
      deps.ctx.log.error("incident start failed, and so did removing its channel", { channel_id: created.id, error: String(cleanup) });
    }
    throw error;
  }
}

/**
 * Add the bot, the commander, the playbook's invitees and the start's
 * invitees to the channel; notes say who could not be invited, and why.
 */
async function invitedMembers(
  deps: IncidentDeps,
  props: { channel: Channel; playbook: PlaybookRecord | null; actorId: string; commander: User; invitees: User[] },
): Promise<string[]> {
  const { ctx } = deps;
  const { channel, actorId } = props;
  const notes: string[] = [];
  await ctx.channels.addMember({ channelId: channel.id, userId: deps.bot.id });
  if (!(await ctx.channels.isMember(channel.id, props.commander.id)))
    await ctx.channels.addMember({ channelId: channel.id, userId: props.commander.id, actorId });
  for (const username of props.playbook?.spec.invite ?? []) {
    const user = await ctx.users.getByUsername(username);
    if (!user || user.delete_at) notes.push(`@${username} was not invited: no such user.`);
    else if (!(await ctx.teams.isMember(channel.team_id, user.id))) notes.push(`@${username} was not invited: not a member of the team.`);
    else await ctx.channels.addMember({ channelId: channel.id, userId: user.id, actorId });
  }
  for (const user of props.invitees) await ctx.channels.addMember({ channelId: channel.id, userId: user.id, actorId });
  return notes;
}

async function findPlaybook(deps: IncidentDeps, props: IncidentStartProps): Promise<PlaybookRecord | null> {
  if (props.playbookId) {
    const playbook = await deps.store.getPlaybook(props.playbookId);
    if (!playbook || playbook.team_id !== props.teamId)
      throw notFound("incident.playbook.not_found", `playbook_id: no playbook with id ${props.playbookId} in this team`);
    return playbook;
  }
  const wanted = props.playbookName?.trim();
  if (!wanted || wanted.toLowerCase() === "none") return null;
  const playbook = await deps.store.getPlaybookByName(props.teamId, wanted);
  if (playbook) return playbook;
  const names = (await deps.store.listPlaybooks(props.teamId)).map((p) => `"${p.name}"`);
  throw notFound(
    "incident.playbook.not_found",
    `playbook: no playbook named "${wanted}" in this team; ${names.length ? `playbooks: ${names.join(", ")}` : "the team has no playbooks"}`,
  );
}

/** The fields given, with the playbook's defaults; required ones must be there, unknown ones are refused. */
function resolveFields(playbook: PlaybookRecord | null, given: Record<string, string>): Record<string, string> {
  if (!playbook) return Object.fromEntries(Object.entries(given).map(([k, v]) => [k, v.trim()]));
  const declared = playbook.spec.fields;
  const keys = Object.keys(declared);
  for (const key of Object.keys(given)) {
    if (!Object.hasOwn(declared, key)) {
      throw invalid(
        "incident.fields.unknown",
        `fields.${key}: not a field of playbook "${playbook.name}"; ${keys.length ? `its fields are ${keys.join(", ")}` : "it declares no fields"}`,
      );
    }
  }
  const fields: Record<string, string> = {};
  for (const [key, field] of Object.entries(declared)) {
    const value = (given[key] ?? "").trim() || field.default || "";
    if (field.required && !value)
      throw invalid(
        "incident.fields.required",
        `fields.${key}: required by playbook "${playbook.name}"${field.description ? ` (${field.description})` : ""}`,
      );
    if (value) fields[key] = value;
  }
  return fields;
}

function chooseChannelName(props: {
  explicit?: string;
  template?: string | undefined;
  playbook: PlaybookRecord | null;
  values: TemplateValues;
  channelParam: string;
}): string {
  const explicit = props.explicit?.trim().replace(/^~/, "");
  if (explicit) {
    const valid = nameSchema.safeParse(explicit);
    if (!valid.success) {
      const suggestion = slugify(explicit);
      throw invalid(
        "incident.channel.invalid",
        `${props.channelParam}: "${explicit}" ${valid.error.issues[0]?.message ?? "is not a valid channel name"}; try "${suggestion}"`,
        { suggestion },
      );
    }
    return explicit;
  }
  const template = props.template || props.playbook?.spec.channel.name_template;
  return slugify(template ? renderTemplate(template, props.values) : props.values.name);
}

async function createChannel(
  deps: IncidentDeps,
  props: {
    teamId: string;
    name: string;
    displayName: string;
    isPrivate: boolean;
    creatorId: string;
    purpose: string;
    channelParam: string;
  },
): Promise<Channel> {
  try {
    return await deps.ctx.channels.create({
      teamId: props.teamId,
      name: props.name,
      displayName: props.displayName.slice(0, LIMITS.displayNameMax),
      type: props.isPrivate ? "P" : "O",
      creatorId: props.creatorId,
      purpose: props.purpose.slice(0, 250),
    });
  } catch (error) {
    const expected = expectedError(error);
    if (!expected) throw error;
    const details = expected.details as { suggestion?: unknown } | undefined;
    const suggestion = typeof details?.suggestion === "string" ? details.suggestion : slugify(`${props.name}-2`);
    if (expected.status === 409) {
      throw invalid(
        "incident.channel.taken",
        `${props.channelParam}: a channel named "${props.name}" already exists in this team; try "${suggestion}"`,
        { suggestion },
      );
    }
    throw invalid("incident.channel.invalid", `${props.channelParam}: ${expected.message.replace(/^name: /, "")}`, { suggestion });
  }
}

/**
 * The incident's items from the playbook: titles rendered, due times of the
 * first stage's and stage-less items counted from the start (the others' when
 * their stage is entered), assignees resolved — `commander`, a role (filled
 * when the role is assigned), or a username (added to the channel).
 */
async function checklistFromPlaybook(
  deps: IncidentDeps,
  props: { playbook: PlaybookRecord | null; incident: IncidentRecord; values: TemplateValues; notes: string[] },
): Promise<ChecklistItemRecord[]> {
  const spec = props.playbook?.spec;
  if (!spec) return [];
  const { incident } = props;
  const entries: Array<{ item: PlaybookItem; stage: string | null }> = [
    ...(spec.stages ?? []).flatMap((stage) => stage.checklist.map((item) => ({ item, stage: stage.name }))),
    ...spec.checklist.map((item) => ({ item, stage: null })),
  ];
  const items: ChecklistItemRecord[] = [];
  for (const [i, entry] of entries.entries()) {
    const parts = itemParts(entry.item);
    const item = newChecklistItem({
      incidentId: incident.id,
      title: renderTemplate(parts.title, props.values).trim() || parts.title,
      stage: entry.stage,
      position: i + 1,
      number: i + 1,
    });
    item.due_after_ms = parts.due ? (parseDuration(parts.due) ?? 0) : 0;
    if (item.due_after_ms && (entry.stage === null || entry.stage === incident.current_stage))
      item.due_at = incident.create_at + item.due_after_ms;
    const assignee = parts.assignee?.replace(/^@/, "");
    if (assignee === "commander") item.assignee_user_id = incident.commander_user_id;
    else if (assignee && spec.roles.includes(assignee)) item.assignee_role = assignee;
    else if (assignee)
      item.assignee_user_id = await playbookAssignee(deps, { username: assignee, incident, title: item.title, notes: props.notes });
    items.push(item);
  }
  return items;
}

/** A playbook item's assignee by username, added to the channel; "" (with a note) when they cannot be. */
async function playbookAssignee(
  deps: IncidentDeps,
  props: { username: string; incident: IncidentRecord; title: string; notes: string[] },
): Promise<string> {
  const { ctx } = deps;
  const user = await ctx.users.getByUsername(props.username);
  if (!user || user.delete_at || user.is_bot) {
    props.notes.push(`Item "${props.title}" was not assigned to @${props.username}: no such person.`);
    return "";
  }
  if (!(await ctx.teams.isMember(props.incident.team_id, user.id))) {
    props.notes.push(`Item "${props.title}" was not assigned to @${props.username}: not a member of the team.`);
    return "";
  }
  await ctx.channels.addMember({ channelId: props.incident.channel_id, userId: user.id });
  return user.id;
}

/**
 * Insert the incident. Another start that took the same existing channel
 * meanwhile (the one-active-incident-per-channel index) is a 409.
 */
async function insertIncident(deps: IncidentDeps, incident: IncidentRecord, items: ChecklistItemRecord[]): Promise<void> {
  try {
    await deps.store.transaction((trx) => deps.store.insertIncident(trx, incident, items));
  } catch (error) {
    if (!deps.ctx.storage.uniqueViolation(error)) throw error;
    const running = await deps.store.activeIncidentOfChannel(incident.channel_id);
    if (running) throw channelTaken({ name: incident.channel_name }, running, "channel_id");
    throw error;
  }
}
