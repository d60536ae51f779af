/**
 * @module commands/host-commands
 * The host's part of the slash-command and ChatOps wiring, done once at start
 * before plugins and workflows register: the built-in commands, the triggers
 * of the teams' stored custom commands (so a trigger names one command), and
 * outgoing webhooks fired after each post is committed.
 */
import type { Host } from "../host.ts";
import { customTriggersLoader } from "../services/custom-commands.ts";
import { outgoingWebhookFirer } from "../services/outgoing-webhooks.ts";
import { builtinCommands } from "./builtins.ts";

/** Register the built-ins, claim the custom commands' triggers and start firing outgoing webhooks. */
export async function registerHostCommands(host: Host): Promise<void> {
  for (const command of builtinCommands(host)) host.commands.register("host", command);
  await customTriggersLoader(host);
  host.hooks.registerPosted("host", (post) => outgoingWebhookFirer(host, post));
}
