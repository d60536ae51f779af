/**
 * @module incident/server
 * The Incident plugin's server entry: `activate(ctx)` migrates its tables,
 * makes sure of its bot, registers routes, `/incident`, the start dialog and
 * the workflow triggers and actions, then applies the playbooks directory
 * (and, when a team is created, that team's files).
 * Everything registered is disposed by the host on disable; data stays.
 *
 * Extension point: other parts of the plugin (message forwarding) receive the
 * {@link IncidentPlugin} from `activate` wiring below and add `/incident`
 * subcommands with `plugin.command.add(...)`.
 */
import type { PluginContext } from "#plugin-api";
import { registerAutomation } from "./automation.ts";
import { activateForwarding } from "./forwarding/index.ts";
import { applyPlaybookDirectory, playbooksDirectory } from "./playbook-directory.ts";
import { registerIncidentRoutes } from "./routes/incidents.ts";
import { registerPlaybookRoutes } from "./routes/playbooks.ts";
import type { IncidentServices } from "./services.ts";
import { addBuiltinSubcommands, IncidentCommand } from "./slash-command.ts";
import { IncidentStore } from "./store.ts";

/** What activation builds, handed to the plugin's other parts. */
export interface IncidentPlugin {
  services: IncidentServices;
  command: IncidentCommand;
}

/** Build and register everything; returns the pieces for extensions. */
export async function activateIncident(ctx: PluginContext): Promise<IncidentPlugin> {
  const store = new IncidentStore(ctx.storage);
  await store.migrate();
  const bot = await ctx.bot.ensure({
    username: "incident",
    displayName: "Incident",
    description: "Posts every change of an incident in its channel.",
  });
  const services: IncidentServices = { ctx, store, bot, fire: () => {} };
  registerAutomation(services);
  for (const disposable of [...registerIncidentRoutes(services), ...registerPlaybookRoutes(services)]) ctx.track(disposable);
  const command = new IncidentCommand(services);
  addBuiltinSubcommands(command, services);
  command.register();
  const dir = playbooksDirectory();
  const applied = await applyPlaybookDirectory(services, { dir });
  if (applied) ctx.log.info(`applied ${applied} playbook file(s) from ${dir}`);
  // A team named by playbook files may be created later (a fresh install): apply its files then.
  ctx.hooks.onTeamCreated(async (team) => {
    const forTeam = await applyPlaybookDirectory(services, { dir, team });
    if (forTeam) ctx.log.info(`applied ${forTeam} playbook file(s) from ${dir} to the new team ${team.name}`);
  });
  return { services, command };
}

export async function activate(ctx: PluginContext): Promise<void> {
  await activateForwarding(await activateIncident(ctx));
}

export function deactivate(): void {
  // Nothing to do: the host disposes every registration.
}
