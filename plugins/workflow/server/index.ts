/**
 * @module workflow/server
 * The Workflow plugin's server side: workflows as code (YAML), run on the
 * triggers of the automation registry with its actions, every run logged.
 * `activate(ctx)` migrates its tables, makes sure of its bot, builds the
 * {@link WorkflowDeps} and the run engine, registers the routes, applies the
 * workflows directory (and, when a team is created, that team's files) and
 * keeps the subscriptions in step with the table. Everything registered is
 * disposed by the host on disable; data stays. See docs/workflows.md.
 */
import type { PluginActivation, PluginContext } from "#plugin-api";
import { MAX_STEPS } from "../common/workflow.ts";
import type { WorkflowDeps } from "./deps.ts";
import { ACTION_TIMEOUT_MS, WorkflowEngine } from "./engine.ts";
import { registerCatalogRoutes } from "./routes/catalog.ts";
import { registerHookRoutes } from "./routes/hooks.ts";
import { registerRunRoutes } from "./routes/runs.ts";
import { registerWorkflowRoutes } from "./routes/workflows.ts";
import { migrations, WorkflowStore } from "./store.ts";
import { SYNC_INTERVAL_MS, WorkflowSubscriptions } from "./subscriptions.ts";
import { applyWorkflowDirectory, workflowsDirectory } from "./workflow-directory.ts";

/** The bot a workflow may name as `run_as`; it has only the memberships an admin gives it. */
export const WORKFLOW_BOT = { username: "workflow-bot", displayName: "Workflow", description: "Runs workflows that name it as run_as." };

/** How long deactivation waits for the runs in progress. */
const SETTLE_MS = 10_000;

/** Build and register everything; deactivation lets the runs in progress finish first. */
export async function activate(ctx: PluginContext): Promise<PluginActivation> {
  await ctx.storage.migrate(migrations);
  await ctx.bot.ensure(WORKFLOW_BOT);
  const store = new WorkflowStore(ctx.storage);
  await store.closeInterrupted(MAX_STEPS * ACTION_TIMEOUT_MS);
  const subscriptions = new WorkflowSubscriptions({ ctx, store });
  const deps: WorkflowDeps = { ctx, store, subscriptions };
  const engine = new WorkflowEngine(deps);
  ctx.automation.onTrigger((event) => engine.accept(event));
  for (const disposable of [
    ...registerWorkflowRoutes(deps),
    ...registerRunRoutes(deps),
    ...registerCatalogRoutes(deps),
    ...registerHookRoutes(deps),
  ])
    ctx.track(disposable);
  ctx.track({ dispose: () => subscriptions.disposeAll() });

  const dir = workflowsDirectory(ctx);
  const applied = await applyWorkflowDirectory(deps, { dir });
  if (applied) ctx.log.info("workflows applied from the workflows directory", { count: applied, dir });
  // A team named by workflow files may be created later (a fresh install): apply its files then.
  ctx.hooks.onTeamCreated(async (team) => {
    const forTeam = await applyWorkflowDirectory(deps, { dir, team });
    if (forTeam) ctx.log.info("workflows applied from the workflows directory to a new team", { count: forTeam, dir, team: team.name });
  });
  await subscriptions.sync();
  ctx.timers.setInterval(
    () => subscriptions.sync().catch((error: unknown) => ctx.log.warn("workflow sync failed", { error: String(error) })),
    SYNC_INTERVAL_MS,
  );
  return { deactivate: () => engine.settle(SETTLE_MS) };
}
