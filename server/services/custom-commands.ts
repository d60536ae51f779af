/**
 * @module services/custom-commands
 * Mattermost's custom slash commands: a team's `/deploy` calls an external
 * URL (POST or GET) with Mattermost's form payload and the command's token,
 * and its answer is posted back (in the channel or only to the caller). The
 * call goes through the host's outbound HTTP and its rule for internal
 * addresses. A trigger names one command: one held by a built-in, a plugin,
 * a workflow or another custom command of the team is a 409 (the registry
 * holds every trigger, `commands/registry.ts`).
 */
import { z } from "zod";
import { newId } from "#common/ids.ts";
import { isSystemAdmin, type Channel, type SlashCommand, type User } from "#common/wire.ts";
import { mattermostCommand } from "#common/slash-command.ts";
import { normalTrigger } from "../commands/registry.ts";
import type { CommandsTable } from "../db/schema.ts";
import { AppError, notFound } from "../errors.ts";
import type { Host } from "../host.ts";
import { isTeamAdmin } from "../policies/team.ts";
import { integrationResponsePoster, readIntegrationResponse, type IntegrationResponse } from "./integration-response.ts";
import { getTeam } from "./teams.ts";

/** A custom command on the wire, as Mattermost's `Command` (`auto_complete` a boolean). */
export interface CustomCommand extends Omit<CommandsTable, "auto_complete"> {
  auto_complete: boolean;
  plugin_id: string;
}

const urlSchema = z
  .string()
  .max(1024, "must be at most 1024 characters")
  .refine((url) => /^https?:\/\/[^\s]+$/i.test(url), "must be an http or https URL");

/** A trigger word as Mattermost takes it: 1–128 characters, no slash, no space. */
export const triggerSchema = z
  .string()
  .transform(normalTrigger)
  .pipe(z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,127}$/, "must be 1 to 128 letters, digits, '.', '-' or '_', without a slash or space"));

/** The fields of a custom command its creator sets. */
export const customCommandFieldsSchema = z.object({
  trigger: triggerSchema,
  url: urlSchema,
  /** Mattermost's `P` (POST, the default) or `G` (GET); `post`/`get` accepted too. */
  method: z
    .string()
    .transform((m) => m.toUpperCase().slice(0, 1))
    .pipe(z.enum(["P", "G"], { error: 'must be "P" (POST) or "G" (GET)' }))
    .default("P"),
  username: z.string().max(64).default(""),
  icon_url: z.string().max(1024).default(""),
  auto_complete: z.boolean().default(false),
  auto_complete_desc: z.string().max(1024).default(""),
  auto_complete_hint: z.string().max(1024).default(""),
  display_name: z.string().max(64).default(""),
  description: z.string().max(128).default(""),
});

/** What {@link customCommandCreator} takes. */
export type CustomCommandFields = z.output<typeof customCommandFieldsSchema>;

/** The wire shape of a stored command. */
export function presentCustomCommand(row: CommandsTable): CustomCommand {
  return { ...row, auto_complete: row.auto_complete === 1, plugin_id: "" };
}

/** Claim the triggers of every live custom command in the registry (at start, before plugins and workflows register). */
export async function customTriggersLoader(host: Host): Promise<void> {
  const rows = await host.db.selectFrom("commands").select(["team_id", "trigger"]).where("delete_at", "=", 0).execute();
  for (const row of rows) host.commands.claimCustom({ teamId: row.team_id, trigger: row.trigger });
}

/** A team's live custom command of a trigger, or null. */
export async function customCommandOf(host: Host, props: { teamId: string; trigger: string }): Promise<CommandsTable | null> {
  const row = await host.db
    .selectFrom("commands")
    .selectAll()
    .where("team_id", "=", props.teamId)
    .where("trigger", "=", normalTrigger(props.trigger))
    .where("delete_at", "=", 0)
    .executeTakeFirst();
  return row ?? null;
}

/** Claim a trigger for a team's custom command: a 409 when it names a command there, stored or registered. */
async function triggerClaimer(host: Host, props: { teamId: string; trigger: string }): Promise<void> {
  if (await customCommandOf(host, props))
    throw new AppError({
      status: 409,
      id: "api.command.trigger_taken",
      message: `trigger: /${props.trigger} is already a custom command of this team`,
    });
  host.commands.claimCustom(props);
}

/**
 * Create a team's custom command (the caller a member of the team: checked
 * by the caller); a 409 when the trigger names a command in that team.
 */
export async function customCommandCreator(
  host: Host,
  props: { creator: User; teamId: string; input: CustomCommandFields },
): Promise<CustomCommand> {
  const { input } = props;
  await triggerClaimer(host, { teamId: props.teamId, trigger: input.trigger });
  const now = Date.now();
  const row: CommandsTable = {
    id: newId(),
    token: newId(),
    creator_id: props.creator.id,
    team_id: props.teamId,
    ...input,
    auto_complete: input.auto_complete ? 1 : 0,
    create_at: now,
    update_at: now,
    delete_at: 0,
  };
  try {
    await host.db.insertInto("commands").values(row).execute();
  } catch (error) {
    host.commands.releaseCustom({ teamId: props.teamId, trigger: input.trigger });
    throw error;
  }
  return presentCustomCommand(row);
}

/** Who may see, change and delete a custom command: its creator, the team's admins, system admins. */
async function canManageCommand(host: Host, user: User, row: Pick<CommandsTable, "creator_id" | "team_id">): Promise<boolean> {
  return row.creator_id === user.id || isSystemAdmin(user) || (await isTeamAdmin(host, user, row.team_id));
}

/** The command if the user may manage it, or one 404 for "missing" and "not yours". */
export async function accessCustomCommand(host: Host, props: { user: User; commandId: string }): Promise<CommandsTable> {
  const row = await host.db
    .selectFrom("commands")
    .selectAll()
    .where("id", "=", props.commandId)
    .where("delete_at", "=", 0)
    .executeTakeFirst();
  if (!row || !(await canManageCommand(host, props.user, row))) throw notFound("command", "command not found");
  return row;
}

/** A team's custom commands the user may manage (all of them for its admins), oldest first. */
export async function customCommandLister(host: Host, props: { user: User; teamId: string }): Promise<CustomCommand[]> {
  const seesAll = isSystemAdmin(props.user) || (await isTeamAdmin(host, props.user, props.teamId));
  let query = host.db.selectFrom("commands").selectAll().where("team_id", "=", props.teamId).where("delete_at", "=", 0);
  if (!seesAll) query = query.where("creator_id", "=", props.user.id);
  return (await query.orderBy("create_at").orderBy("id").execute()).map(presentCustomCommand);
}

/**
 * The custom commands of these teams as Mattermost `Command` objects for
 * their members, tokens blanked (`autoCompleteOnly`: those offered in autocomplete).
 */
export async function listedCustomCommands(
  host: Host,
  props: { teamIds: readonly string[]; autoCompleteOnly: boolean },
): Promise<SlashCommand[]> {
  const { teamIds } = props;
  if (teamIds.length === 0) return [];
  const rows = await host.db
    .selectFrom("commands")
    .selectAll()
    .where("team_id", "in", teamIds)
    .where("delete_at", "=", 0)
    .where("auto_complete", "in", props.autoCompleteOnly ? [1] : [0, 1])
    .orderBy("trigger")
    .execute();
  return rows.map((row) =>
    mattermostCommand({
      trigger: row.trigger,
      pluginId: "",
      teamId: row.team_id,
      description: row.auto_complete_desc,
      hint: row.auto_complete_hint,
      subcommands: [],
      stored: { ...presentCustomCommand(row), token: "" },
    }),
  );
}

/** Change a command's fields; a new trigger is claimed like a new command's. */
export async function customCommandUpdater(host: Host, props: { row: CommandsTable; input: CustomCommandFields }): Promise<CustomCommand> {
  const { row, input } = props;
  const retriggered = input.trigger !== row.trigger;
  if (retriggered) await triggerClaimer(host, { teamId: row.team_id, trigger: input.trigger });
  const changes = { ...input, auto_complete: input.auto_complete ? 1 : 0, update_at: Math.max(Date.now(), row.update_at + 1) };
  await host.db.updateTable("commands").set(changes).where("id", "=", row.id).execute();
  if (retriggered) host.commands.releaseCustom({ teamId: row.team_id, trigger: row.trigger });
  return presentCustomCommand({ ...row, ...changes });
}

/** Delete a command: its trigger is free again. */
export async function customCommandDeleter(host: Host, row: CommandsTable): Promise<void> {
  const now = Date.now();
  await host.db.updateTable("commands").set({ delete_at: now, update_at: now }).where("id", "=", row.id).execute();
  host.commands.releaseCustom({ teamId: row.team_id, trigger: row.trigger });
}

/** A new token for a command (the old one stops matching at once). */
export async function customCommandTokenRegenerator(host: Host, row: CommandsTable): Promise<CustomCommand> {
  const changes = { token: newId(), update_at: Math.max(Date.now(), row.update_at + 1) };
  await host.db.updateTable("commands").set(changes).where("id", "=", row.id).execute();
  return presentCustomCommand({ ...row, ...changes });
}

/** Mattermost's command payload: the form fields its server sends to a command's URL. */
function commandPayload(props: { row: CommandsTable; user: User; channel: Channel; teamName: string; text: string }): URLSearchParams {
  return new URLSearchParams({
    channel_id: props.channel.id,
    channel_name: props.channel.name,
    command: `/${props.row.trigger}`,
    response_url: "",
    team_domain: props.teamName,
    team_id: props.row.team_id,
    text: props.text,
    token: props.row.token,
    trigger_id: "",
    user_id: props.user.id,
    user_name: props.user.username,
  });
}

/**
 * Run a custom command: call its URL (POST with the form payload, or GET with
 * it in the query) with `Authorization: Token <token>`, and post the answer
 * (`in_channel` by the caller, else only to them). A refused or failed call
 * is a 4xx naming the URL's host, as Mattermost answers
 * `api.command.execute_command.failed.app_error`.
 */
export async function customCommandRunner(
  host: Host,
  props: { row: CommandsTable; user: User; channel: Channel; text: string },
): Promise<IntegrationResponse> {
  const { row } = props;
  const team = await getTeam(host, row.team_id);
  const payload = commandPayload({ ...props, teamName: team?.name ?? "" });
  const headers = { authorization: `Token ${row.token}`, accept: "application/json" };
  const failed = (reason: string) =>
    new AppError({
      status: 400,
      id: "api.command.execute_command.failed.app_error",
      message: `/${row.trigger} failed: ${reason}`,
    });
  let answer;
  try {
    answer =
      row.method === "G"
        ? await host.outbound.fetch(`${row.url}${row.url.includes("?") ? "&" : "?"}${payload.toString()}`, { method: "GET", headers })
        : await host.outbound.fetch(row.url, {
            method: "POST",
            headers: { ...headers, "content-type": "application/x-www-form-urlencoded" },
            body: payload.toString(),
          });
  } catch (error) {
    throw failed(error instanceof Error ? error.message : String(error));
  }
  if (answer.status < 200 || answer.status >= 300) throw failed(`${new URL(row.url).host} answered ${answer.status}`);
  const response = readIntegrationResponse(answer) ?? {};
  await integrationResponsePoster(host, {
    author: props.user,
    channelId: props.channel.id,
    response,
    ephemeral: response.response_type !== "in_channel",
    trusted: false,
    defaults: { username: row.username, iconUrl: row.icon_url },
  });
  return response;
}
