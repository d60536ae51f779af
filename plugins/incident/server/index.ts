/**
 * @module incident/server
 * The Incident plugin's server entry: `activate(ctx)` migrates its tables,
 * makes sure of its bot, registers the workflow triggers, routes, `/incident`,
 * the start dialog, the workflow actions, the reminder jobs and event
 * subscriptions (subscriptions/), makes
 * timeline entries follow the posts they quote, then applies the playbooks
 * directory (and, when a team is created, that team's files); a user who
 * leaves a private incident's channel is told the incident is gone.
 * Everything registered is disposed by the host on disable; data stays.
 *
 * The dependencies ({@link IncidentDeps}) are complete when built: the
 * trigger firer comes from registering the triggers, and extensions follow
 * changes through `deps.changes.onDidChangeIncident` instead of filling slots.
 * Message forwarding is such an extension: it receives the deps and the
 * `/incident` command from {@link activateIncident}, subscribes, and adds its
 * own subcommand; the core never imports it.
 */
import type { PluginContext } from "#plugin-api";
import { activateAlerts } from "./alerts/index.ts";
import { announceIncidentsRemoved } from "./announcer.ts";
import { registerActions, registerTriggers } from "./automation.ts";
import { activateForwarding } from "./forwarding/index.ts";
import { incidentChangeEmitter } from "./incident-changes.ts";
import type { IncidentDeps } from "./incident-deps.ts";
import { applyPlaybookDirectory, playbooksDirectory } from "./playbook-directory.ts";
import { registerIncidentRoutes } from "./routes/incidents.ts";
import { registerPlaybookRoutes } from "./routes/playbooks.ts";
import { registerReviewRoutes } from "./routes/review.ts";
import { seedRetrospectives } from "./retrospective.ts";
import { ReviewStore } from "./review-store.ts";
import { registerDisableWarningRoute } from "./routes/disable-warning.ts";
import { registerSidebarRoutes } from "./routes/sidebar.ts";
import { registerStatusUpdateRoutes } from "./routes/status-updates.ts";
import { registerTimelineRoutes } from "./routes/timeline.ts";
import { registerReminders } from "./reminders.ts";
import { activateSubscriptions } from "./subscriptions/index.ts";
import { followQuotedPosts } from "./timeline.ts";
import { addBuiltinSubcommands, IncidentCommand } from "./slash-command.ts";
import { IncidentStore } from "./store.ts";

/** What activation builds, handed to the plugin's extensions. */
export interface ActivatedIncident {
  deps: IncidentDeps;
  command: IncidentCommand;
}

/** Build and register everything; returns the pieces for extensions. */
export async function activateIncident(ctx: PluginContext): Promise<ActivatedIncident> {
  const store = new IncidentStore(ctx.storage);
  await store.migrate();
  const bot = await ctx.bot.ensure({
    username: "incident",
    displayName: "Incident",
    description: "Posts every change of an incident in its channel.",
  });
  const deps: IncidentDeps = { ctx, store, bot, fire: registerTriggers(ctx), changes: incidentChangeEmitter(ctx) };
  registerActions(deps);
  registerIncidentRoutes(deps);
  registerTimelineRoutes(deps);
  registerStatusUpdateRoutes(deps);
  registerPlaybookRoutes(deps);
  registerSidebarRoutes(deps);
  registerDisableWarningRoute(deps);
  const reviewDeps = { ...deps, review: new ReviewStore(store) };
  registerReviewRoutes(reviewDeps);
  seedRetrospectives(reviewDeps);
  registerReminders(deps);
  activateSubscriptions(deps);
  activateAlerts(deps);
  followQuotedPosts(deps);
  const command = new IncidentCommand(deps);
  addBuiltinSubcommands(command, deps);
  command.register();
  const dir = playbooksDirectory(ctx);
  const applied = await applyPlaybookDirectory(deps, { dir });
  if (applied) ctx.log.info(`applied ${applied} playbook file(s) from ${dir}`);
  // A team named by playbook files may be created later (a fresh install): apply its files then.
  ctx.hooks.onTeamCreated(async (team) => {
    const forTeam = await applyPlaybookDirectory(deps, { dir, team });
    if (forTeam) ctx.log.info(`applied ${forTeam} playbook file(s) from ${dir} to the new team ${team.name}`);
  });
  // A private incident disappears at once for whoever leaves its channel (they can no longer read it).
  ctx.hooks.onChannelMemberRemoved((event) => announceIncidentsRemoved(deps, event));
  return { deps, command };
}

export async function activate(ctx: PluginContext): Promise<void> {
  await activateForwarding(await activateIncident(ctx));
}

export function deactivate(): void {
  // Nothing to do: the host disposes every registration.
}
