/**
 * @module api/v4/commands
 * Slash commands and interactive dialog submission.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { CommandResponse } from "#plugin-api";
import { commandAutocompleteSchema, commandResponseSchema, dialogSubmitResultSchema } from "#common/wire-schemas.ts";
import { AppError, badRequest, expectedOf, notFound } from "../../errors.ts";
import type { Host } from "../../host.ts";
import { splitArgs } from "../../commands/split-args.ts";
import { accessChannel } from "../../policies/channel.ts";
import { accessBrowsableTeam } from "../../policies/team.ts";
import { teamsOfUser } from "../../services/teams.ts";
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
    summary: "Autocomplete data of the slash commands of every team the caller belongs to",
    policy: "a team's commands only to its members",
    response: z.array(commandAutocompleteSchema),
    handler: async ({ user }) => {
      const teamIds = new Set((await teamsOfUser(host, user.id)).map((team) => team.id));
      return host.commands.autocomplete({ teamIds });
    },
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/teams/:teamId/commands/autocomplete",
    access: "user",
    summary: "Autocomplete data of the slash commands of one team",
    policy: "team member (or system admin)",
    params: z.object({ teamId: z.string() }),
    response: z.array(commandAutocompleteSchema),
    handler: async ({ params, user }) => {
      const team = await accessBrowsableTeam(host, { user, teamId: params.teamId });
      return host.commands.autocomplete({ teamIds: new Set([team.id]) });
    },
  });

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
