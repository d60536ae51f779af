/**
 * @module incident/server/slash-command
 * `/incident <subcommand>`: a small registry of subcommands, so other parts
 * of the plugin (message forwarding adds `rules reload`) plug in their own
 * without editing this file. Subcommands call the same commands as the HTTP
 * API; a user mistake is a PluginError, shown as an ephemeral message.
 */
import type { CommandArgs, CommandResponse, Disposable } from "#plugin-api";
import { invalid } from "#common/plugin-errors.ts";
import { orderChecklist } from "../common/checklist.ts";
import { checklistChanger } from "./commands/checklist-changer.ts";
import { commanderChanger } from "./commands/commander-changer.ts";
import { formatDuration, incidentEnder } from "./commands/incident-ender.ts";
import { incidentStarter } from "./commands/incident-starter.ts";
import { stageChanger } from "./commands/stage-changer.ts";
import { severityChanger } from "./commands/severity-changer.ts";
import { roleAssigner } from "./commands/role-assigner.ts";
import { itemAssigner } from "./commands/item-assigner.ts";
import { statusUpdatePoster } from "./commands/status-update-poster.ts";
import { userNamed } from "./user-lookup.ts";
import { canSeeIncident } from "./policies.ts";
import type { IncidentDeps } from "./incident-deps.ts";
import { openStartDialog } from "./start-dialog.ts";
import type { ChecklistItemRecord, IncidentRecord } from "./store.ts";

/** What every `/incident` subcommand has. */
interface SubcommandBase {
  /** The word after `/incident`, e.g. `stage` or `rules`. */
  name: string;
  /** Argument hint for autocomplete, e.g. `<name|next|prev>`. */
  hint?: string;
  description: string;
}

/** A subcommand run anywhere; it gets no incident. */
export interface AnywhereSubcommand extends SubcommandBase {
  inIncidentChannel?: false;
  execute(input: { args: string[]; call: CommandArgs }): Promise<CommandResponse> | CommandResponse;
}

/** A subcommand run only inside an incident channel: it receives that channel's incident. */
export interface IncidentChannelSubcommand extends SubcommandBase {
  inIncidentChannel: true;
  execute(input: { args: string[]; call: CommandArgs; incident: IncidentRecord }): Promise<CommandResponse> | CommandResponse;
}

/** One `/incident` subcommand. */
export type IncidentSubcommand = AnywhereSubcommand | IncidentChannelSubcommand;

/** The `/incident` trigger and its subcommands; adding one refreshes autocomplete. */
export class IncidentCommand {
  private readonly subcommands = new Map<string, IncidentSubcommand>();
  private registration: Disposable | null = null;

  constructor(private readonly deps: IncidentDeps) {}

  /** Add a subcommand; its disposable removes it. */
  add(subcommand: IncidentSubcommand): Disposable {
    this.subcommands.set(subcommand.name, subcommand);
    if (this.registration) this.register();
    return {
      dispose: () => {
        if (this.subcommands.get(subcommand.name) !== subcommand) return;
        this.subcommands.delete(subcommand.name);
        if (this.registration) this.register();
      },
    };
  }

  /** Register (or re-register) the trigger with the host. */
  register(): Disposable {
    this.registration?.dispose();
    const names = [...this.subcommands.keys()];
    // The host tracks the registration and removes it on disable.
    this.registration = this.deps.ctx.commands.register({
      trigger: "incident",
      description: "Start and run incidents",
      hint: `[${names.join("|")}]`,
      subcommands: [...this.subcommands.values()].map((s) => ({ name: s.name, hint: s.hint, description: s.description })),
      execute: (call) => this.execute(call),
    });
    return { dispose: () => this.registration?.dispose() };
  }

  private async execute(call: CommandArgs): Promise<CommandResponse> {
    const [word = "help", ...args] = call.args;
    const subcommand = this.subcommands.get(word.toLowerCase());
    if (!subcommand) {
      throw invalid(
        "incident.command.unknown",
        `/incident ${word}: unknown subcommand; use one of ${[...this.subcommands.keys()].join(", ")}`,
      );
    }
    if (!subcommand.inIncidentChannel) return subcommand.execute({ args, call });
    const incident = await this.deps.store.getIncidentByChannel(call.channelId);
    if (!incident) {
      throw invalid(
        "incident.command.not_incident_channel",
        `/incident ${subcommand.name} must be run in an incident channel; use /incident list to find one.`,
      );
    }
    return subcommand.execute({ args, call, incident });
  }
}

/** Add the built-in subcommands. */
export function addBuiltinSubcommands(command: IncidentCommand, deps: IncidentDeps): void {
  const { ctx, store } = deps;
  const ephemeral = (text: string): CommandResponse => ({ response_type: "ephemeral", text });
  // A change the bot's card in the channel announces needs no echo under it; only "nothing changed" is said.
  const announced = (): CommandResponse => ephemeral("");
  const itemByNumber = async (incident: IncidentRecord, raw: string | undefined, usage: string): Promise<ChecklistItemRecord> => {
    if (!raw || !/^#?\d+$/.test(raw))
      throw invalid("incident.command.usage", `usage: ${usage} (the item's number, as /incident info shows it)`);
    const n = Number(raw.replace("#", ""));
    const items = orderChecklist(await store.listItems(incident.id), incident.stages);
    const item = items.find((i) => i.number === n);
    if (!item) throw invalid("incident.checklist.item_not_found", await missingItemMessage(deps, { incident, number: n, items }));
    return item;
  };

  /** A user by `@username`; else 400 naming the flag or argument. */
  const userNamedIn = (username: string, param: string) => userNamed(deps, { username, param });

  command.add({
    name: "start",
    hint: "<name> [--severity <name>] [--commander @user] [--here | --channel <channel-name>] [--playbook <name>] [--field key=value ...] [--private] [--drill]",
    description: "Start an incident (no arguments: a dialog asks)",
    async execute({ args, call }) {
      if (args.length === 0) {
        await openStartDialog(deps, { userId: call.userId, teamId: call.teamId, channelId: call.channelId });
        return ephemeral("");
      }
      const { commander, invite, here, ...options } = parseStartArgs(args);
      const commanderUser = commander ? await userNamedIn(commander, "--commander") : null;
      const invitees = [];
      for (const username of invite) invitees.push((await userNamedIn(username, "--invite")).id);
      const result = await incidentStarter(deps, {
        actorId: call.userId,
        teamId: call.teamId,
        ...options,
        channelId: here ? call.channelId : undefined,
        commanderUserId: commanderUser?.id,
        inviteUserIds: invitees,
        paramNames: {
          channel_name: "--channel",
          channel_id: "--here",
          severity: "--severity",
          commander_user_id: "--commander",
          invite: "--invite",
          private: "--private",
        },
      });
      const team = await ctx.teams.get(call.teamId);
      const notes = result.notes.length ? `\n${result.notes.join("\n")}` : "";
      return {
        response_type: "ephemeral",
        text: `Started incident **${result.incident.name}** in ~${result.incident.channel_name}.${notes}`,
        goto_location: team ? `/${team.name}/channels/${result.incident.channel_name}` : undefined,
      };
    },
  });

  command.add({
    name: "list",
    description: "List the team's active incidents",
    async execute({ call }) {
      const active = await store.listIncidents({ teamId: call.teamId, status: "active" });
      const lines: string[] = [];
      for (const incident of active) {
        if (!(await canSeeIncident(deps, { userId: call.userId, incident }))) continue;
        const items = await store.listItems(incident.id);
        const commander = await ctx.users.get(incident.commander_user_id);
        lines.push(
          `- #${incident.seq} **${incident.name}** ~${incident.channel_name} · commander @${commander?.username ?? "unknown"} · stage ${incident.current_stage} · ${items.filter((i) => i.checked).length}/${items.length} done · started ${formatDuration(Date.now() - incident.create_at)} ago`,
        );
      }
      return ephemeral(
        lines.length
          ? `Active incidents (${lines.length}):\n${lines.join("\n")}`
          : "No active incidents. Start one with /incident start <name>.",
      );
    },
  });

  command.add({
    name: "info",
    description: "Show this incident: commander, stage, numbered checklist",
    inIncidentChannel: true,
    async execute({ incident }) {
      return ephemeral(await describeIncident(deps, incident));
    },
  });

  command.add({
    name: "stage",
    hint: "<name|next|prev>",
    description: "Change the stage",
    inIncidentChannel: true,
    async execute({ args, call, incident }) {
      const wanted = args.join(" ").trim();
      if (!wanted)
        throw invalid("incident.command.usage", `usage: /incident stage <name|next|prev>; stages: ${incident.stages.join(", ")}`);
      const result = await stageChanger(deps, { incidentId: incident.id, actorId: call.userId, stage: wanted });
      return result.changed ? announced() : ephemeral(`The incident is already in stage ${result.to}.`);
    },
  });

  for (const [name, checked] of [
    ["check", true],
    ["uncheck", false],
  ] as const) {
    command.add({
      name,
      hint: "<n>",
      description: checked ? "Check checklist item n" : "Uncheck checklist item n",
      inIncidentChannel: true,
      async execute({ args, call, incident }) {
        const item = await itemByNumber(incident, args[0], `/incident ${name} <n>`);
        const result = await checklistChanger(deps, {
          incidentId: incident.id,
          actorId: call.userId,
          change: { kind: "set", itemId: item.id, checked },
        });
        return result.changed ? announced() : ephemeral(`Item ${result.number} is already ${checked ? "checked" : "unchecked"}.`);
      },
    });
  }

  command.add({
    name: "add",
    hint: "<text>",
    description: "Add a checklist item to the current stage",
    inIncidentChannel: true,
    async execute({ args, call, incident }) {
      const title = args.join(" ").trim();
      if (!title) throw invalid("incident.command.usage", "usage: /incident add <text>");
      await checklistChanger(deps, { incidentId: incident.id, actorId: call.userId, change: { kind: "add", title } });
      return announced();
    },
  });

  command.add({
    name: "remove",
    hint: "<n>",
    description: "Remove checklist item n",
    inIncidentChannel: true,
    async execute({ args, call, incident }) {
      const item = await itemByNumber(incident, args[0], "/incident remove <n>");
      await checklistChanger(deps, { incidentId: incident.id, actorId: call.userId, change: { kind: "remove", itemId: item.id } });
      return announced();
    },
  });

  command.add({
    name: "commander",
    hint: "@user",
    description: "Hand over command",
    inIncidentChannel: true,
    async execute({ args, call, incident }) {
      if (!args[0]?.replace(/^@/, "").trim()) throw invalid("incident.command.usage", "usage: /incident commander @user");
      const user = await userNamedIn(args[0], "commander");
      const result = await commanderChanger(deps, { incidentId: incident.id, actorId: call.userId, commanderUserId: user.id });
      return result.changed ? announced() : ephemeral(`@${user.username} is already the commander.`);
    },
  });

  command.add({
    name: "severity",
    hint: "<name>",
    description: "Change the severity",
    inIncidentChannel: true,
    async execute({ args, call, incident }) {
      const wanted = args.join(" ").trim();
      if (!wanted)
        throw invalid(
          "incident.command.usage",
          `usage: /incident severity <name>; the severity is ${incident.severity}, the severities are ${incident.severities.join(", ")}`,
        );
      const result = await severityChanger(deps, { incidentId: incident.id, actorId: call.userId, severity: wanted });
      return result.changed ? announced() : ephemeral(`The severity is already ${result.to}.`);
    },
  });

  command.add({
    name: "role",
    hint: "<role> @user|none",
    description: "Assign a role (commander, or one of the playbook's roles)",
    inIncidentChannel: true,
    async execute({ args, call, incident }) {
      const [role, who] = args;
      const roles = ["commander", ...Object.keys(incident.roles)];
      if (!role || !who || args.length > 2)
        throw invalid("incident.command.usage", `usage: /incident role <role> @user (or none); roles: ${roles.join(", ")}`);
      const user = who.toLowerCase() === "none" ? null : await userNamedIn(who, "user");
      const result = await roleAssigner(deps, {
        incidentId: incident.id,
        actorId: call.userId,
        role,
        userId: user?.id ?? "",
        param: "role",
      });
      if (!result.changed)
        return ephemeral(user ? `@${user.username} already holds the role ${result.role}.` : `Nobody holds the role ${result.role}.`);
      return announced();
    },
  });

  command.add({
    name: "assign",
    hint: "<n> @user|none",
    description: "Assign checklist item n",
    inIncidentChannel: true,
    async execute({ args, call, incident }) {
      if (args.length !== 2) throw invalid("incident.command.usage", "usage: /incident assign <n> @user (or none)");
      const item = await itemByNumber(incident, args[0], "/incident assign <n> @user");
      const who = args[1] ?? "";
      const user = who.toLowerCase() === "none" ? null : await userNamedIn(who, "user");
      const result = await itemAssigner(deps, {
        incidentId: incident.id,
        actorId: call.userId,
        itemId: item.id,
        assigneeUserId: user?.id ?? "",
        param: "user",
      });
      if (!result.changed) return ephemeral(`Item ${result.number} is already ${user ? `assigned to @${user.username}` : "unassigned"}.`);
      return announced();
    },
  });

  command.add({
    name: "update",
    hint: "<text>",
    description: "Post a status update (copied to the playbook's broadcast channels)",
    inIncidentChannel: true,
    async execute({ call, incident }) {
      // The text as typed, line breaks and all: everything after `/incident update`.
      const message = call.command.replace(/^\s*\/?\S+\s+\S+/, "").trim();
      if (!message) throw invalid("incident.command.usage", "usage: /incident update <text>");
      const update = await statusUpdatePoster(deps, { incidentId: incident.id, actorId: call.userId, message });
      const posted = update.broadcast.filter((b) => b.status === "posted").map((b) => `~${b.channel_name}`);
      const skipped = update.broadcast.filter((b) => b.status === "skipped").map((b) => `~${b.channel_name} (${b.reason})`);
      return ephemeral(
        [
          "Status update posted.",
          posted.length ? `Copied to ${posted.join(", ")}.` : "",
          skipped.length ? `Not copied to ${skipped.join(", ")}.` : "",
        ]
          .filter(Boolean)
          .join(" "),
      );
    },
  });

  command.add({
    name: "timeline",
    description: "Show the incident's timeline",
    inIncidentChannel: true,
    async execute({ call, incident }) {
      if (!(await canSeeIncident(deps, { userId: call.userId, incident })))
        throw invalid("incident.command.not_incident_channel", "/incident timeline must be run in an incident channel you can read.");
      const entries = await store.listTimeline(incident.id);
      const lines = entries.map((e) => `- ${new Date(e.create_at).toISOString().slice(0, 16).replace("T", " ")} ${e.summary}`);
      return ephemeral(`Timeline of **${incident.name}** (${entries.length}):\n${lines.join("\n")}`);
    },
  });

  command.add({
    name: "end",
    description: "End the incident",
    inIncidentChannel: true,
    async execute({ call, incident }) {
      await incidentEnder(deps, { incidentId: incident.id, actorId: call.userId });
      return announced();
    },
  });

  command.add({
    name: "help",
    description: "Show the /incident subcommands",
    execute() {
      return ephemeral(
        [
          "/incident start <name> [--severity <name>] [--commander @user] [--here | --channel <channel-name>] [--playbook <name>] [--field key=value ...] [--private] [--drill] — start an incident (no arguments: a dialog)",
          "/incident list — the team's active incidents",
          "In an incident channel: /incident info, /incident stage <name|next|prev>, /incident severity <name>, /incident role <role> @user, /incident check <n>, /incident uncheck <n>, /incident add <text>, /incident remove <n>, /incident assign <n> @user, /incident commander @user, /incident update <text>, /incident timeline, /incident end",
        ].join("\n"),
      );
    },
  });
}

/** The options of `/incident start`, users still as usernames. */
export interface StartArgs {
  name: string;
  channelName?: string;
  playbookName?: string;
  fields: Record<string, string>;
  private?: boolean;
  severity?: string;
  /** `--commander @user`: the username. */
  commander?: string;
  /** `--invite @a,@b` (repeatable): usernames. */
  invite: string[];
  here: boolean;
  drill: boolean;
}

/**
 * `/incident start` arguments: the name (words before and between flags) and
 * `--channel`, `--here`, `--playbook`, `--field key=value` (repeatable),
 * `--severity`, `--commander @user`, `--invite @a,@b`, `--private`, `--drill`.
 */
export function parseStartArgs(args: readonly string[]): StartArgs {
  const words: string[] = [];
  const fields: Record<string, string> = {};
  const invite: string[] = [];
  let channelName: string | undefined;
  let playbookName: string | undefined;
  let isPrivate: boolean | undefined;
  let severity: string | undefined;
  let commander: string | undefined;
  let here = false;
  let drill = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    const [flag, inline] =
      arg.startsWith("--") && arg.includes("=") && !arg.startsWith("--field=")
        ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
        : [arg, undefined];
    const value = () => {
      if (inline !== undefined) return inline;
      const next = args[i + 1];
      if (next === undefined || next.startsWith("--")) throw invalid("incident.command.usage", `${flag}: needs a value`);
      i += 1;
      return next;
    };
    if (flag === "--channel") channelName = value();
    else if (flag === "--playbook") playbookName = value();
    else if (flag === "--private") isPrivate = true;
    else if (flag === "--here") here = true;
    else if (flag === "--drill") drill = true;
    else if (flag === "--severity") severity = value();
    else if (flag === "--commander") commander = value();
    else if (flag === "--invite")
      invite.push(
        ...value()
          .split(",")
          .map((u) => u.trim())
          .filter(Boolean),
      );
    else if (flag === "--field" || arg.startsWith("--field=")) {
      const pair = arg.startsWith("--field=") ? arg.slice("--field=".length) : value();
      const eq = pair.indexOf("=");
      if (eq <= 0) throw invalid("incident.command.usage", `--field: "${pair}" must look like key=value`);
      fields[pair.slice(0, eq).trim()] = pair.slice(eq + 1);
    } else if (arg.startsWith("--"))
      throw invalid(
        "incident.command.usage",
        `${arg}: unknown option; /incident start takes --severity, --commander, --here, --channel, --playbook, --field key=value, --invite, --private and --drill`,
      );
    else words.push(arg);
  }
  const name = words.join(" ").trim();
  if (!name)
    throw invalid(
      "incident.command.usage",
      'usage: /incident start <name> [--channel <channel-name>] [--playbook <name>] [--field key=value ...]; put quotes around a name with spaces: "DB down"',
    );
  if (here && channelName !== undefined)
    throw invalid("incident.command.usage", "--here: runs the incident in this channel; leave out --channel, or leave out --here");
  return { name, channelName, playbookName, fields, private: isPrivate, severity, commander, invite, here, drill };
}

/** How many of the items now there a refusal names. */
const ITEMS_NAMED_MAX = 10;

/**
 * Why `/incident check <n>` found nothing: the item that had the number (if
 * it was removed) and the items there now, by number and title, so someone
 * working from a stale list sees what changed instead of acting on another item.
 */
export async function missingItemMessage(
  deps: IncidentDeps,
  props: { incident: IncidentRecord; number: number; items: readonly ChecklistItemRecord[] },
): Promise<string> {
  const removed = (await deps.store.listTimeline(props.incident.id)).find(
    (e) => e.type === "checklist_item_removed" && e.details.item_number === props.number,
  );
  const gone = removed ? `item ${props.number} "${String(removed.details.item_title)}" was removed` : `there is no item ${props.number}`;
  if (!props.items.length) return `item: ${gone}; the checklist is empty (/incident add <text>)`;
  const named = props.items.slice(0, ITEMS_NAMED_MAX).map((i) => `${i.number} "${i.title}"`);
  const more = props.items.length > ITEMS_NAMED_MAX ? ` and ${props.items.length - ITEMS_NAMED_MAX} more` : "";
  return `item: ${gone}; the checklist now has ${named.join(", ")}${more} (see /incident info)`;
}

/** `/incident info`: the incident with its numbered checklist, grouped by stage. */
export async function describeIncident(deps: IncidentDeps, incident: IncidentRecord): Promise<string> {
  const items = orderChecklist(await deps.store.listItems(incident.id), incident.stages);
  const commander = await deps.ctx.users.get(incident.commander_user_id);
  const lines = [
    `**${incident.name}** (#${incident.seq}, ${incident.status}${incident.status === "ended" ? "" : `, started ${formatDuration(Date.now() - incident.create_at)} ago`})`,
    `Commander: @${commander?.username ?? "unknown"} · Severity: ${incident.severity} · Stage: ${incident.current_stage} (${incident.stages.join(" → ")}) · Playbook: ${incident.playbook_name ? `${incident.playbook_name} v${incident.playbook_version}` : "none"}${incident.drill ? " · Drill" : ""}`,
  ];
  const roleEntries = Object.entries(incident.roles);
  if (roleEntries.length) {
    const holders = new Map((await deps.ctx.users.getMany(roleEntries.map(([, id]) => id).filter(Boolean))).map((u) => [u.id, u.username]));
    lines.push(
      `Roles: ${roleEntries.map(([role, id]) => `${role} ${id ? `@${holders.get(id) ?? "unknown"}` : "(unassigned)"}`).join(", ")}`,
    );
  }
  const fieldEntries = Object.entries(incident.fields);
  if (fieldEntries.length) lines.push(`Fields: ${fieldEntries.map(([k, v]) => `${k}=${v}`).join(", ")}`);
  lines.push(`Checklist (${items.filter((i) => i.checked).length}/${items.length} done):`);
  const now = deps.ctx.clock.now();
  const assignees = new Map(
    (await deps.ctx.users.getMany([...new Set(items.map((i) => i.assignee_user_id).filter(Boolean))])).map((u) => [u.id, u.username]),
  );
  let group: string | null | undefined;
  items.forEach((item) => {
    const stage = item.stage !== null && incident.stages.includes(item.stage) ? item.stage : null;
    if (stage !== group) {
      lines.push(stage === null ? "_No stage_" : `_${stage}_`);
      group = stage;
    }
    const due =
      item.due_at && !item.checked
        ? ` · due ${new Date(item.due_at).toISOString().slice(11, 16)} UTC${item.due_at < now ? " (overdue)" : ""}`
        : "";
    lines.push(
      `${item.number}. [${item.checked ? "x" : " "}] ${item.title}${item.assignee_user_id ? ` · @${assignees.get(item.assignee_user_id) ?? "unknown"}` : ""}${due}`,
    );
  });
  if (!items.length) lines.push("(empty: /incident add <text>)");
  return lines.join("\n");
}
