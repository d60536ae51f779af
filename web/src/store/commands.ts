/**
 * @module store/commands
 * Slash commands: the autocomplete list and running a command.
 */
import * as z from "zod/mini";
import { commandAutocompleteSchema, commandResponseSchema } from "#common/wire-schemas.ts";
import type { CommandAutocomplete, CommandResponseBody } from "#common/wire.ts";
import { ApiError, errorMessage } from "../api/client.ts";
import type { Services } from "./services.ts";
import { ephemeralPoster } from "./posts.ts";

/** The registered triggers with their subcommands and hints. */
export function autocompleteLoader(services: Pick<Services, "api">): Promise<CommandAutocomplete[]> {
  return services.api.get("/api/v4/commands/autocomplete", z.array(commandAutocompleteSchema));
}

/**
 * Run `/trigger args` in a channel. The server's error (e.g. the 404 of an
 * unknown trigger) is shown as an ephemeral post; `goto_location` navigates.
 */
export async function commandExecutor(
  services: Pick<Services, "api" | "store" | "router">,
  props: { channelId: string; teamId: string; command: string },
): Promise<void> {
  let result: CommandResponseBody;
  try {
    result = await services.api.post(
      "/api/v4/commands/execute",
      { channel_id: props.channelId, team_id: props.teamId, command: props.command },
      commandResponseSchema,
    );
  } catch (error) {
    const message = error instanceof ApiError ? error.message : `Could not run the command: ${errorMessage(error)}`;
    ephemeralPoster(services, { channelId: props.channelId, message });
    return;
  }
  const target = result.goto_location;
  if (!target) return;
  const url = new URL(target, window.location.origin);
  if (url.origin === window.location.origin) services.router.navigate(url.pathname + url.search);
  else if (url.protocol === "https:" || url.protocol === "http:") window.open(url.href, "_blank", "noopener");
}
