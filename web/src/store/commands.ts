/**
 * @module store/commands
 * Slash commands: the autocomplete list and running a command.
 */
import * as z from "zod/mini";
import { slashCommandSchema, commandResponseSchema } from "#common/wire-schemas.ts";
import type { SlashCommand, CommandResponseBody } from "#common/wire.ts";
import { ApiError, errorMessage } from "../api/client.ts";
import type { Services } from "./services.ts";
import { ephemeralPoster } from "./posts.ts";

/** The registered triggers with their subcommands and hints. */
export function autocompleteLoader(services: Pick<Services, "api">): Promise<SlashCommand[]> {
  return services.api.get("/api/v4/commands/autocomplete", z.array(slashCommandSchema));
}

const loading = new WeakMap<Services["store"], Promise<void>>();

/**
 * Load the autocomplete list into the store once per session (`refresh`: again,
 * e.g. after a plugin was enabled or disabled), so the composer filters it
 * locally however fast `/inc` is typed or pasted. A failed load leaves it
 * unloaded, to be tried again at the next `/`.
 */
export function commandsEnsurer(services: Pick<Services, "api" | "store">, props: { refresh?: boolean } = {}): Promise<void> {
  const { store } = services;
  const pending = loading.get(store);
  if (pending) return props.refresh ? pending.then(() => commandsEnsurer(services, props)) : pending;
  if (!props.refresh && store.get().commands !== undefined) return Promise.resolve();
  const load = autocompleteLoader(services)
    .then((commands) => store.update((s) => ({ ...s, commands })))
    .finally(() => loading.delete(store));
  loading.set(store, load);
  return load;
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
