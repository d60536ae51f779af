/**
 * @module incident/server/commands/incident-starter
 * Start an incident: create its channel, add the commander, the bot and the
 * playbook's invitees, copy the playbook's stages, checklist and forwarding
 * rules, and post the opening message. The HTTP API, the slash command, the
 * start dialog and the workflow action all start incidents here.
 */
import { newId } from "#common/ids.ts";
import { LIMITS, nameSchema, slugify } from "#common/limits.ts";
import { expectedError, invalid, notAllowed, notFound } from "#common/plugin-errors.ts";
import type { Channel } from "#common/wire.ts";
import { playbookStages } from "../../common/playbook.ts";
import { incidentTemplateValues, renderForwardingRules, renderTemplate, type TemplateValues } from "../../common/templates.ts";
import { DEFAULT_STAGES, type Incident } from "../../common/types.ts";
import { announceChange } from "../announcer.ts";
import { visibleTeam } from "../policies.ts";
import type { IncidentDeps } from "../incident-deps.ts";
import type { ChecklistItemRecord, IncidentRecord, PlaybookRecord } from "../store.ts";

/** What starting needs. */
export interface IncidentStartProps {
  /** Who starts it; becomes the commander. */
  actorId: string;
  teamId: string;
  name: string;
  /** The channel's name; else the playbook's template; else the name made a channel name. */
  channelName?: string;
  /** A playbook by id or by name (case-insensitive). */
  playbookId?: string;
  playbookName?: string;
  /** True makes the channel private whatever the playbook says. */
  private?: boolean;
  fields?: Record<string, string>;
  /** How the caller names the channel in errors: `channel_name` (API) or `--channel`. */
  channelParam?: string;
}

/** The started incident, and notes for the starter (e.g. skipped invitees). */
export interface IncidentStartResult {
  incident: Incident;
  notes: string[];
}

/** Start an incident. Throws PluginError for bad input or permissions. */
export async function incidentStarter(deps: IncidentDeps, props: IncidentStartProps): Promise<IncidentStartResult> {
  const { ctx, store } = deps;
  const channelParam = props.channelParam ?? "channel_name";
  const name = props.name.trim();
  if (!name) throw invalid("incident.name.invalid", "name: must not be empty");
  const actor = await ctx.users.get(props.actorId);
  if (!actor || actor.delete_at) throw notAllowed("incident.actor.invalid", "You must be an active user to start an incident.");
  const team = await visibleTeam(deps, { userId: actor.id, teamId: props.teamId });

  const playbook = await findPlaybook(deps, props);
  const fields = resolveFields(playbook, props.fields ?? {});
  const seq = await store.takeSeq(team.id);
  // One instant for `{{date}}` and `create_at`, so `/incident rules reload` renders the same values.
  const startedAt = Date.now();
  const values = incidentTemplateValues({ name, createAt: startedAt, seq, commander: actor.username, fields });

  const channelName = chooseChannelName({ explicit: props.channelName, playbook, values, channelParam });
  const isPrivate = props.private === true || playbook?.spec.channel.private === true;
  const channel = await createChannel(deps, {
    teamId: team.id,
    name: channelName,
    displayName: name,
    isPrivate,
    creatorId: actor.id,
    purpose: playbook?.spec.description ?? "",
    channelParam,
  });

  const stages = playbook ? playbookStages(playbook.spec) : [...DEFAULT_STAGES];
  const incident: IncidentRecord = {
    id: newId(),
    team_id: team.id,
    channel_id: channel.id,
    channel_name: channel.name,
    name,
    seq,
    commander_user_id: actor.id,
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
  };
  const items = checklistFromPlaybook({ playbook, incidentId: incident.id, values });
  const notes = await withChannelRemovedOnFailure(deps, channel, async () => {
    const invited = await invitedMembers(deps, { channel, playbook, actorId: actor.id });
    await store.transaction((trx) => store.insertIncident(trx, incident, items));
    return invited;
  });

  const playbookText = playbook ? `${playbook.name} (v${playbook.version})` : "none";
  const lines = [
    `@${actor.username} started the incident **${name}**.`,
    `Commander: @${actor.username} · Playbook: ${playbookText} · Stage: ${incident.current_stage}`,
    ...notes,
  ];
  const presented = await announceChange(deps, {
    incident,
    action: "started",
    actorId: actor.id,
    message: lines.join("\n"),
    props: {
      incident_name: name,
      commander_user_id: actor.id,
      playbook_name: incident.playbook_name,
      stage: incident.current_stage,
      notes,
    },
    trigger: { name: "incident_started" },
  });
  return { incident: presented, notes };
}

/**
 * Run the steps of a start that follow the channel's creation; if one fails,
 * the channel goes too (when nobody but bots has used it yet), so a failed
 * start leaves no channel without an incident, and its name is free again.
 */
async function withChannelRemovedOnFailure<T>(deps: IncidentDeps, channel: Channel, steps: () => Promise<T>): Promise<T> {
  try {
    return await steps();
  } catch (error) {
    try {
      if (!(await deps.ctx.channels.deleteUnused(channel.id)))
        deps.ctx.log.warn("incident start failed; its channel is kept, someone already posted in it", { channel_id: channel.id });
    } catch (cleanup) {
      deps.ctx.log.error("incident start failed, and so did removing its channel", { channel_id: channel.id, error: String(cleanup) });
    }
    throw error;
  }
}

/** Add the bot and the playbook's invitees to the channel; notes say who could not be invited, and why. */
async function invitedMembers(
  deps: IncidentDeps,
  props: { channel: Channel; playbook: PlaybookRecord | null; actorId: string },
): Promise<string[]> {
  const { channel } = props;
  const notes: string[] = [];
  await deps.ctx.channels.addMember({ channelId: channel.id, userId: deps.bot.id });
  for (const username of props.playbook?.spec.invite ?? []) {
    const user = await deps.ctx.users.getByUsername(username);
    if (!user || user.delete_at) notes.push(`@${username} was not invited: no such user.`);
    else if (!(await deps.ctx.teams.isMember(channel.team_id, user.id)))
      notes.push(`@${username} was not invited: not a member of the team.`);
    else await deps.ctx.channels.addMember({ channelId: channel.id, userId: user.id, actorId: props.actorId });
  }
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
  const template = props.playbook?.spec.channel.name_template;
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

function checklistFromPlaybook(props: {
  playbook: PlaybookRecord | null;
  incidentId: string;
  values: TemplateValues;
}): ChecklistItemRecord[] {
  const spec = props.playbook?.spec;
  if (!spec) return [];
  const entries: Array<{ title: string; stage: string | null }> = [
    ...(spec.stages ?? []).flatMap((stage) => stage.checklist.map((title) => ({ title, stage: stage.name }))),
    ...spec.checklist.map((title) => ({ title, stage: null })),
  ];
  return entries.map((entry, i) => ({
    id: newId(),
    incident_id: props.incidentId,
    title: renderTemplate(entry.title, props.values).trim() || entry.title,
    stage: entry.stage,
    position: i + 1,
    checked: false,
    checked_by: "",
    checked_at: 0,
  }));
}
