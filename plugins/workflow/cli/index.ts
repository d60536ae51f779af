/**
 * @module workflow/cli
 * The Workflow plugin's command-line entry (`cli.entry` of its bundle, see
 * common/plugin-cli-api.ts): `sitrep workflow lint|apply|test`.
 */
import type { PluginCli } from "#common/plugin-cli-api.ts";
import { registerWorkflowCommands } from "./workflow-commands.ts";

/** Add the plugin's commands to `sitrep`. */
export function register(cli: PluginCli): void {
  registerWorkflowCommands(cli);
}
