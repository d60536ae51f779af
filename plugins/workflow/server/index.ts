/**
 * @module workflow/server
 * The Workflow plugin's server side: workflows as code (YAML), run on the
 * triggers of the automation registry with its actions, every run logged.
 * See docs/workflows.md.
 */
import type { PluginContext } from "#plugin-api";
import { WorkflowApplier } from "./applier.ts";
import { ACTION_TIMEOUT_MS, WorkflowEngine } from "./engine.ts";
import { MAX_STEPS } from "../common/workflow.ts";
import { loadWorkflowsDir, workflowsDir } from "./loader.ts";
import { registerRoutes } from "./routes.ts";
import { migrations, WorkflowStore } from "./store.ts";
import { SYNC_INTERVAL_MS, WorkflowSubscriptions } from "./subscriptions.ts";

/** The bot a workflow may name as `run_as`; it has only the memberships an admin gives it. */
export const WORKFLOW_BOT = { username: "workflow-bot", displayName: "Workflow", description: "Runs workflows that name it as run_as." };

let engine: WorkflowEngine | undefined;

export async function activate(ctx: PluginContext): Promise<void> {
  await ctx.storage.migrate(migrations);
  await ctx.bot.ensure(WORKFLOW_BOT);
  const store = new WorkflowStore(ctx);
  await store.closeInterrupted(MAX_STEPS * ACTION_TIMEOUT_MS);
  const subscriptions = new WorkflowSubscriptions({ ctx, store });
  const applier = new WorkflowApplier({ ctx, store, subscriptions });
  const running = new WorkflowEngine({ ctx, store });
  engine = running;
  ctx.automation.onTrigger((event) => running.accept(event));
  registerRoutes({ ctx, store, applier, subscriptions });
  ctx.track({ dispose: () => subscriptions.disposeAll() });

  const dir = workflowsDir();
  const loaded = await loadWorkflowsDir({ ctx, applier, dir });
  if (loaded) ctx.log.info("workflows applied from the workflows directory", { count: loaded, dir });
  // A team named by workflow files may be created later (a fresh install): apply its files then.
  ctx.hooks.onTeamCreated(async (team) => {
    const forTeam = await loadWorkflowsDir({ ctx, applier, dir, team });
    if (forTeam) ctx.log.info("workflows applied from the workflows directory to a new team", { count: forTeam, dir, team: team.name });
  });
  await subscriptions.sync();
  const timer = setInterval(
    () => void subscriptions.sync().catch((error: unknown) => ctx.log.warn("workflow sync failed", { error: String(error) })),
    SYNC_INTERVAL_MS,
  );
  timer.unref();
  ctx.track({ dispose: () => clearInterval(timer) });
}

/** Let runs in progress finish (up to 10 s) before the host disposes the registrations. */
export async function deactivate(): Promise<void> {
  const current = engine;
  engine = undefined;
  if (current) await Promise.race([current.idle(), new Promise((r) => setTimeout(r, 10_000).unref())]);
}
