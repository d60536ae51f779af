/**
 * @module api/v4/commands
 * Slash commands — running them (registered ones, and a team's custom
 * commands calling their URL), Mattermost's custom-command CRUD
 * (`/api/v4/commands`, `regen_token`, `/teams/{id}/commands`) — and
 * interactive dialog submission.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { CommandResponse } from "#plugin-api";
import type { SlashCommand } from "#common/wire.ts";
import { commandResponseSchema, dialogSubmitResultSchema, slashCommandSchema } from "#common/wire-schemas.ts";
import { AppError, badRequest, expectedOf, notFound } from "../../errors.ts";
import type { Host } from "../../host.ts";
import { splitArgs } from "../../commands/split-args.ts";
import { accessChannel } from "../../policies/channel.ts";
import { accessBrowsableTeam } from "../../policies/team.ts";
import { teamsOfUser } from "../../services/teams.ts";
import {
  accessCustomCommand,
  customCommandCreator,
  customCommandDeleter,
  customCommandFieldsSchema,
  customCommandLister,
  customCommandOf,
  customCommandRunner,
  customCommandTokenRegenerator,
  customCommandUpdater,
  listedCustomCommands,
  presentCustomCommand,
} from "../../services/custom-commands.ts";
import { ephemeralSender, postCreator } from "../../services/posts.ts";
import { hostRoute } from "../route.ts";

const executeSchema = z.object({
  channel_id: z.string().length(26, "must be a 26-character id"),
  team_id: z.string().optional(),
  command: z.string().trim().min(2, "is required").max(4000).startsWith("/", "must start with /"),
});

const submitSchema = z.object({
  callback_id: z.string().min(1, "is required"),
  submission: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).default({}),
  channel_id: z.string().optional(),
  team_id: z.string().optional(),
  cancelled: z.boolean().optional(),
});

export function registerCommandRoutes(app: FastifyInstance, host: Host): void {
  hostRoute(app, host, {
    method: "POST",
    path: "/api/v4/commands/execute",
    access: "user",
    summary: "Run a slash command in a channel",
    policy: "can read the channel",
    body: executeSchema,
    invalidId: "api.command.execute.invalid",
    response: commandResponseSchema,
    handler: async ({ body, user }) => {
      const channel = await accessChannel(host, { user, channelId: body.channel_id });
      const words = splitArgs(body.command.slice(1));
      const trigger = (words[0] ?? "").toLowerCase();
      const command = host.commands.get(trigger, { teamId: channel.team_id });
      // A direct message has no team: its custom commands are those of the team the client names, as in Mattermost.
      const custom = command ? null : await customCommandOf(host, { teamId: channel.team_id || (body.team_id ?? ""), trigger });
      if (custom) {
        const answer = await customCommandRunner(host, { row: custom, user, channel, text: body.command.replace(/^\/\S+\s*/, "") });
        return {
          response_type: answer.response_type === "in_channel" ? "in_channel" : "ephemeral",
          text: answer.text ?? "",
          goto_location: answer.goto_location ?? "",
          trigger_id: "",
        };
      }
      if (!command) {
        throw new AppError({
          status: 404,
          id: "api.command.execute_command.not_found.app_error",
          message: `Command with a trigger of '/${trigger}' not found.`,
        });
      }
      let response: CommandResponse;
      try {
        response = await command.definition.execute({
          command: body.command,
          args: words.slice(1),
          userId: user.id,
          channelId: channel.id,
          teamId: channel.team_id,
        });
      } catch (error) {
        if (expectedOf(error)) throw error;
        host.log.error("slash command failed", { trigger, plugin_id: command.pluginId, error: String(error) });
        throw badRequest(
          "api.command.execute_command.failed",
          `/${trigger} failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      const text = response?.text ?? "";
      if (text) {
        if (response.response_type === "in_channel")
          await postCreator(host, { input: { channel_id: channel.id, message: text }, author: { user, via: "api" } });
        else ephemeralSender(host, { userId: user.id, channelId: channel.id, message: text });
      }
      return { response_type: response?.response_type ?? "ephemeral", text, goto_location: response?.goto_location ?? "", trigger_id: "" };
    },
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/commands/autocomplete",
    access: "user",
    summary: "The slash commands of every team the caller belongs to, as Mattermost `Command` objects",
    policy: "a team's commands only to its members",
    response: z.array(slashCommandSchema),
    handler: async ({ user }) => {
      const teamIds = (await teamsOfUser(host, user.id)).map((team) => team.id);
      return offeredCommands(host, { teamIds, autoCompleteOnly: true });
    },
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/teams/:teamId/commands/autocomplete",
    access: "user",
    summary: "The slash commands of one team offered in autocomplete, as Mattermost `Command` objects",
    policy: "team member (or system admin)",
    params: z.object({ teamId: z.string() }),
    response: z.array(slashCommandSchema),
    handler: async ({ params, user }) => {
      const team = await accessBrowsableTeam(host, { user, teamId: params.teamId });
      return offeredCommands(host, { teamIds: [team.id], autoCompleteOnly: true });
    },
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/commands",
    access: "user",
    summary: "A team's slash commands as Mattermost `Command` objects (`custom_only`: its custom commands the caller manages)",
    policy: "team member (or system admin)",
    query: z.object({
      team_id: z.string({ error: "is required" }).min(1, "is required"),
      custom_only: z.enum(["true", "false"], { error: "must be true or false" }).optional(),
    }),
    response: z.array(slashCommandSchema),
    handler: async ({ query, user }) => {
      const team = await accessBrowsableTeam(host, { user, teamId: query.team_id });
      if (query.custom_only === "true") return customCommandLister(host, { user, teamId: team.id });
      return offeredCommands(host, { teamIds: [team.id], autoCompleteOnly: false });
    },
  });

  registerCustomCommandRoutes(app, host);

  hostRoute(app, host, {
    method: "POST",
    path: "/api/v4/actions/dialogs/submit",
    access: "user",
    summary: "Submit (or cancel) an interactive dialog",
    policy: "the user the dialog was opened for",
    body: submitSchema,
    invalidId: "api.dialog.submit.invalid",
    response: dialogSubmitResultSchema,
    handler: async ({ body, user }) => {
      const values = Object.fromEntries(Object.entries(body.submission).map(([k, v]) => [k, v === null ? "" : String(v)]));
      const result = await host.dialogs.submit({ callbackId: body.callback_id, userId: user.id, values, cancelled: body.cancelled });
      if (!result) throw notFound("dialog", "dialog not found");
      return result.errors ? { errors: result.errors } : {};
    },
  });
}

/** The registered commands offered in these teams and their custom commands, by trigger. */
async function offeredCommands(host: Host, props: { teamIds: readonly string[]; autoCompleteOnly: boolean }): Promise<SlashCommand[]> {
  const registered = host.commands.autocomplete({ teamIds: new Set(props.teamIds) });
  const custom = await listedCustomCommands(host, props);
  return [...registered, ...custom].sort((a, b) => a.trigger.localeCompare(b.trigger));
}

const createCommandSchema = customCommandFieldsSchema.extend({ team_id: z.string().length(26, "must be a 26-character id") });
/** Mattermost's `PUT /commands/{id}` sends the whole command; `id` and `team_id`, when sent, must be the stored ones. */
const updateCommandSchema = customCommandFieldsSchema.extend({ id: z.string().optional(), team_id: z.string().optional() });
const commandParams = z.object({ id: z.string() });

/** Mattermost's custom-command CRUD: a team's members create them; their creator and the team's admins manage them. */
function registerCustomCommandRoutes(app: FastifyInstance, host: Host): void {
  hostRoute(app, host, {
    method: "POST",
    path: "/api/v4/commands",
    access: "user",
    summary: "Create a team's custom slash command (calls its URL when run)",
    policy: "team member (or system admin); a trigger that names a command in the team is a 409",
    body: createCommandSchema,
    invalidId: "api.command.create.invalid",
    status: 201,
    handler: async ({ body, user }) => {
      const { team_id: teamId, ...input } = body;
      await accessBrowsableTeam(host, { user, teamId });
      return customCommandCreator(host, { creator: user, teamId, input });
    },
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/teams/:teamId/commands",
    access: "user",
    summary: "A team's custom commands the caller manages (all of them for its admins)",
    policy: "team member (or system admin)",
    params: z.object({ teamId: z.string() }),
    handler: async ({ params, user }) => {
      const team = await accessBrowsableTeam(host, { user, teamId: params.teamId });
      return customCommandLister(host, { user, teamId: team.id });
    },
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/commands/:id",
    access: "user",
    summary: "Read a custom command",
    policy: "its creator, the team's admins, system admins (404 otherwise)",
    params: commandParams,
    handler: async ({ params, user }) => presentCustomCommand(await accessCustomCommand(host, { user, commandId: params.id })),
  });

  hostRoute(app, host, {
    method: "PUT",
    path: "/api/v4/commands/:id",
    access: "user",
    summary: "Change a custom command",
    policy: "its creator, the team's admins, system admins (404 otherwise); a taken trigger is a 409",
    params: commandParams,
    body: updateCommandSchema,
    invalidId: "api.command.update.invalid",
    handler: async ({ params, body, user }) => {
      const { id, team_id: teamId, ...input } = body;
      const row = await accessCustomCommand(host, { user, commandId: params.id });
      if (id !== undefined && id !== row.id) throw badRequest("api.command.update.invalid", "id: must be the id in the path");
      if (teamId !== undefined && teamId !== row.team_id)
        throw badRequest("api.command.team_mismatch.app_error", "team_id: a command cannot move to another team");
      return customCommandUpdater(host, { row, input });
    },
  });

  hostRoute(app, host, {
    method: "DELETE",
    path: "/api/v4/commands/:id",
    access: "user",
    summary: "Delete a custom command (its trigger is free again)",
    policy: "its creator, the team's admins, system admins (404 otherwise)",
    params: commandParams,
    handler: async ({ params, user }) => {
      await customCommandDeleter(host, await accessCustomCommand(host, { user, commandId: params.id }));
      return { status: "OK" };
    },
  });

  hostRoute(app, host, {
    method: "PUT",
    path: "/api/v4/commands/:id/regen_token",
    access: "user",
    summary: "Give a custom command a new token",
    policy: "its creator, the team's admins, system admins (404 otherwise)",
    params: commandParams,
    handler: async ({ params, user }) => {
      const regenerated = await customCommandTokenRegenerator(host, await accessCustomCommand(host, { user, commandId: params.id }));
      return { token: regenerated.token };
    },
  });
}
