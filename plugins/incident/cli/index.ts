/**
 * @module incident/cli
 * The Incident plugin's command-line entry (`cli.entry` of its bundle, see
 * common/plugin-cli-api.ts): `sitrep playbook lint|apply|import`,
 * `sitrep webhook create|list|delete` and `sitrep alert-source create|list|delete`.
 */
import type { PluginCli } from "#common/plugin-cli-api.ts";
import { registerAlertSourceCommands } from "./alert-source-commands.ts";
import { registerPlaybookCommands } from "./playbook-commands.ts";
import { registerWebhookCommands } from "./webhook-commands.ts";

/** Add the plugin's commands to `sitrep`. */
export function register(cli: PluginCli): void {
  registerPlaybookCommands(cli);
  registerWebhookCommands(cli);
  registerAlertSourceCommands(cli);
}
