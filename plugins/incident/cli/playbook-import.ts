/**
 * @module incident/cli/playbook-import
 * `sitrep playbook import <export.json>`: a Mattermost Playbooks playbook —
 * its export file (`version: 1`, the fields Playbooks exports) or the
 * playbook as its API answers (`GET /plugins/playbooks/api/v0/playbooks/{id}`,
 * which also holds channel and user ids) — as a Sitrep playbook YAML,
 * validated with the playbook schema, and the list of what could not be
 * carried over, so a team leaving Playbooks keeps its processes and knows
 * what to redo by hand.
 *
 * Carried over: title and description; checklists → stages and their items
 * (a relative `due_date` → `due`); `reminder_timer_default_seconds` →
 * `update_every`; the retrospective template; `channel_name_template`;
 * private runs; broadcast channels, the default owner and invited users when
 * `--names` maps their ids to names (an export file holds no ids: Playbooks
 * leaves them out).
 */
import fs from "node:fs";
import { stringify } from "yaml";
import { z } from "zod";
import { CliFailure, type PluginCli } from "#common/plugin-cli-api.ts";
import { formatProblems } from "#common/yaml-source.ts";
import { parsePlaybook } from "../common/playbook.ts";

/** A Playbooks checklist item, as exported (or answered by its API). */
const itemSchema = z.looseObject({
  title: z.string().default(""),
  description: z.string().optional(),
  command: z.string().optional(),
  due_date: z.number().optional(),
  assignee_id: z.string().optional(),
});

/** The fields of a Playbooks playbook the importer reads; anything else is reported as not carried over. */
const playbooksSchema = z.looseObject({
  title: z.string().min(1, "is required"),
  description: z.string().optional(),
  version: z.number().optional(),
  checklists: z.array(z.looseObject({ title: z.string().default(""), items: z.array(itemSchema).default([]) })).default([]),
  reminder_timer_default_seconds: z.number().optional(),
  status_update_enabled: z.boolean().optional(),
  retrospective_template: z.string().optional(),
  retrospective_enabled: z.boolean().optional(),
  channel_name_template: z.string().optional(),
  create_public_playbook_run: z.boolean().optional(),
  broadcast_channel_ids: z.array(z.string()).optional(),
  broadcast_enabled: z.boolean().optional(),
  default_owner_id: z.string().optional(),
  default_owner_enabled: z.boolean().optional(),
  invited_user_ids: z.array(z.string()).optional(),
  invite_users_enabled: z.boolean().optional(),
});

/** Names for the ids an API-shaped playbook holds: `{"channels": {id: name}, "users": {id: username}}`. */
export const idNamesSchema = z.object({
  channels: z.record(z.string(), z.string()).default({}),
  users: z.record(z.string(), z.string()).default({}),
});
export type IdNames = z.infer<typeof idNamesSchema>;

/** Fields read above, or bookkeeping no playbook needs: never reported as dropped. */
const HANDLED = new Set([
  ...Object.keys(playbooksSchema.shape),
  "id",
  "team_id",
  "create_at",
  "update_at",
  "delete_at",
  "num_stages",
  "num_steps",
  "num_runs",
  "num_actions",
  "last_run_at",
  "active_runs",
  "members",
  "public",
  "default_playbook_admin_role",
  "default_playbook_member_role",
  "default_run_admin_role",
  "default_run_member_role",
]);

/** Why each other Playbooks feature is not carried over (shown when the playbook uses it). */
const NOT_CARRIED: Record<string, string> = {
  reminder_message_template: "Sitrep's update reminder has its own text",
  message_on_join: "Sitrep posts no welcome message; put it in the description",
  signal_any_keywords: "Sitrep starts incidents from keywords with a Workflow (a post trigger and start_incident)",
  metrics: "Sitrep computes its metrics from the timeline instead of asking for numbers",
  run_summary_template: "Sitrep has no run summary; the status updates and the retrospective carry it",
  category_name: "Sitrep lists active incident channels in its own Incidents section",
  webhook_on_creation_urls: "use a Sitrep event subscription (incident.incident_started)",
  webhook_on_status_update_urls: "use a Sitrep event subscription (incident.status_update)",
  invited_group_ids: "Sitrep has no groups; list the usernames in invite",
  channel_id: "a Sitrep playbook always starts a new channel (or --here)",
  channel_mode: "a Sitrep playbook always starts a new channel (or --here)",
  retrospective_reminder_interval_seconds: "Sitrep does not remind about the retrospective",
  create_channel_member_on_new_participant: "the incident channel's members are its participants already",
  remove_channel_member_on_removed_participant: "the incident channel's members are its participants already",
};

/** `seconds` as a Sitrep duration: `90m` → `1h30m`, `86400` → `24h`. */
export function durationOf(seconds: number): string {
  const minutes = Math.max(1, Math.round(seconds / 60));
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return hours ? `${hours}h${rest ? `${rest}m` : ""}` : `${rest}m`;
}

/** Whether a Playbooks value is set (Go's zero values are "not set": export omits them too). */
function isSet(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === "") return false;
  return !(Array.isArray(value) && value.length === 0);
}

/** The outcome of an import: the YAML, and one line for each thing not carried over. */
export interface PlaybookImport {
  name: string;
  yaml: string;
  dropped: string[];
}

/**
 * Turn a Playbooks playbook (parsed JSON) into Sitrep playbook YAML; throws a
 * {@link CliFailure} naming the field when it is not a playbook, or when the
 * result does not pass the playbook schema.
 * @example importPlaybook(JSON.parse(fs.readFileSync("export.json", "utf8"))).yaml
 */
export function importPlaybook(input: unknown, names: IdNames = { channels: {}, users: {} }): PlaybookImport {
  const parsed = playbooksSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliFailure(`not a Mattermost Playbooks playbook: ${issue?.path.join(".") || "the file"}: ${issue?.message ?? "invalid"}`);
  }
  const source = parsed.data;
  const dropped: string[] = [];
  const spec: Record<string, unknown> = { name: source.title.slice(0, 128) };
  if (source.title.length > 128) dropped.push(`title: cut to 128 characters`);
  if (source.description) spec.description = source.description.slice(0, 4000);

  const channel: Record<string, unknown> = {};
  if (source.channel_name_template) channel.name_template = source.channel_name_template.slice(0, 200);
  if (source.create_public_playbook_run === false) channel.private = true;
  if (Object.keys(channel).length) spec.channel = channel;

  const stages = source.checklists.map((checklist, s) => ({
    name: (checklist.title || `Stage ${s + 1}`).slice(0, 64),
    checklist: checklist.items.map((item, i) => {
      const where = `checklists[${s}].items[${i}] "${item.title}"`;
      if (item.description) dropped.push(`${where}: description (Sitrep items have a title only)`);
      if (item.command) dropped.push(`${where}: command ${item.command} (Sitrep items do not run commands)`);
      if (item.assignee_id) dropped.push(`${where}: assignee id ${item.assignee_id} (set assignee to a role or a username)`);
      const title = item.title.trim().slice(0, 256) || `Item ${i + 1}`;
      // Playbooks counts a relative due date from the run's start; Sitrep from entering the item's stage.
      return item.due_date && item.due_date > 0 ? { title, due: durationOf(item.due_date / 1000) } : title;
    }),
  }));
  if (stages.length) spec.stages = stages;

  if (source.reminder_timer_default_seconds && source.status_update_enabled !== false)
    spec.update_every = durationOf(source.reminder_timer_default_seconds);
  if (source.retrospective_template && source.retrospective_enabled !== false)
    spec.retrospective = { template: source.retrospective_template };

  const byName = (ids: string[], table: Record<string, string>, what: string, field: string): string[] => {
    const known = ids.filter((id) => table[id]).map((id) => table[id] ?? "");
    const unknown = ids.filter((id) => !table[id]);
    if (unknown.length) dropped.push(`${field}: ${what} ${unknown.join(", ")} (give their names with --names)`);
    return known;
  };
  if (source.broadcast_channel_ids?.length && source.broadcast_enabled !== false) {
    const broadcast = byName(source.broadcast_channel_ids, names.channels, "channel ids", "broadcast_channel_ids");
    if (broadcast.length) spec.broadcast = broadcast;
  }
  const invite = [
    ...(source.default_owner_id && source.default_owner_enabled
      ? byName([source.default_owner_id], names.users, "user id", "default_owner_id")
      : []),
    ...(source.invited_user_ids?.length && source.invite_users_enabled !== false
      ? byName(source.invited_user_ids, names.users, "user ids", "invited_user_ids")
      : []),
  ];
  if (invite.length) spec.invite = [...new Set(invite)];

  for (const [key, value] of Object.entries(source)) {
    if (HANDLED.has(key) || !isSet(value) || key.endsWith("_enabled")) continue;
    dropped.push(`${key}: ${NOT_CARRIED[key] ?? "Sitrep has no such setting"}`);
  }

  const yaml = `# Imported from Mattermost Playbooks by \`sitrep playbook import\`.\n${stringify(spec, { lineWidth: 0 })}`;
  const check = parsePlaybook(yaml);
  if (!check.ok)
    throw new CliFailure(`the imported playbook does not pass the schema:\n${formatProblems("<imported>", check.problems).join("\n")}`);
  return { name: check.spec.name, yaml, dropped };
}

/** Read a JSON file, or a {@link CliFailure} naming it. */
function readJson(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new CliFailure(`${file}: cannot read the file: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliFailure(`${file}: is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Add `playbook import` under `playbook`. */
export function registerPlaybookImport(cli: PluginCli, playbook: ReturnType<PluginCli["program"]["command"]>): void {
  playbook
    .command("import")
    .description("Turn a Mattermost Playbooks export (JSON) into a Sitrep playbook YAML; prints what it could not carry over.")
    .argument("<export>", "the Playbooks export file (or a playbook as its API answers it)")
    .option("-o, --output <file>", "write the YAML to this file instead of printing it")
    .option("--names <file>", 'JSON {"channels": {id: name}, "users": {id: username}} for the ids an API-shaped playbook holds')
    .action((file: string, opts: { output?: string; names?: string }) => {
      const names = opts.names ? idNamesSchema.parse(readJson(opts.names)) : undefined;
      const imported = importPlaybook(readJson(file), names);
      if (opts.output) {
        fs.writeFileSync(opts.output, imported.yaml);
        cli.out.log(`${opts.output}: playbook "${imported.name}"`);
      } else cli.out.log(imported.yaml.trimEnd());
      if (imported.dropped.length) {
        cli.out.error(`not carried over (${imported.dropped.length}):`);
        for (const line of imported.dropped) cli.out.error(`  ${line}`);
      } else cli.out.error("everything was carried over");
    });
}
