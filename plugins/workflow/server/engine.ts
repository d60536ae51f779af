/**
 * @module workflow/server/engine
 * The run engine: for each fired trigger, the enabled workflows of its team
 * listening to it (or the one it is addressed to) whose conditions hold and
 * whose `run_as` may read the trigger's channel are run, each on its own —
 * one failing workflow never stops another. Every run is logged: the trigger's
 * values, each step's rendered input, its output or error, and durations.
 *
 * Loop guard: an event caused by runs {@link MAX_DEPTH} deep starts no run; it
 * is logged as a failed run "loop guard: depth N" instead.
 */
import { newId } from "#common/ids.ts";
import { withTimeout } from "#common/with-timeout.ts";
import type { Disposable, FiredTrigger } from "#plugin-api";
import { coerceParams } from "../common/params.ts";
import { renderValue, type TemplateScope } from "../common/templates.ts";
import { MAX_DEPTH, type RunStatus } from "../common/wire.ts";
import type { WorkflowDeps } from "./deps.ts";
import { runAsMaySee } from "./policies.ts";
import type { RunRecord, WorkflowRecord } from "./store.ts";

/** How long one action may take before its step fails. */
export const ACTION_TIMEOUT_MS = 60_000;

/** Runs the workflows a fired trigger starts; one per activation. */
export class WorkflowEngine {
  /** Runs in progress, so deactivation (and tests) can wait for them. */
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly deps: Pick<WorkflowDeps, "ctx" | "store">) {}

  /** Handle one fired trigger without blocking the emitter. */
  accept(event: FiredTrigger): void {
    this.track(this.handle(event));
  }

  /** Wait until every started run has finished. */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  /** Wait for the runs in progress, but no longer than `ms` (deactivation). */
  async settle(ms: number): Promise<void> {
    let timer: Disposable | undefined;
    await Promise.race([this.idle(), new Promise<void>((resolve) => (timer = this.deps.ctx.timers.setTimeout(resolve, ms)))]);
    timer?.dispose();
  }

  private track(promise: Promise<unknown>): void {
    const tracked = promise.catch((error: unknown) => this.deps.ctx.log.error("workflow event handling failed", { error: String(error) }));
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
  }

  private async handle(event: FiredTrigger): Promise<void> {
    const { store } = this.deps;
    let candidates: WorkflowRecord[];
    if (event.target) {
      const target = await store.get(event.target);
      candidates = target && target.enabled && target.trigger_type === event.trigger && target.team_id === event.teamId ? [target] : [];
    } else {
      candidates = await store.listening({ teamId: event.teamId, trigger: event.trigger });
    }
    await Promise.all(
      candidates.map((workflow) =>
        this.consider(workflow, event).catch((error: unknown) =>
          this.deps.ctx.log.error("workflow run failed to start", { workflow_id: workflow.id, error: String(error) }),
        ),
      ),
    );
  }

  /** Start a run of `workflow` if the event meets its conditions and its `run_as` may see the event. */
  private async consider(workflow: WorkflowRecord, event: FiredTrigger): Promise<void> {
    const { ctx } = this.deps;
    if (!ctx.automation.matches(workflow.spec.trigger.where, event)) return;
    if (!(await runAsMaySee(ctx, { workflow, event }))) return;
    if (event.depth >= MAX_DEPTH) {
      await this.logGuardedRun(workflow, event);
      return;
    }
    await this.run(workflow, event);
  }

  private async logGuardedRun(workflow: WorkflowRecord, event: FiredTrigger): Promise<void> {
    const error = `loop guard: depth ${event.depth} (a chain of runs re-triggered workflows ${event.depth} times; the limit is ${MAX_DEPTH})`;
    this.deps.ctx.log.warn("workflow loop guard stopped a run", { workflow_id: workflow.id, depth: event.depth });
    const id = newId();
    await this.deps.store.insertRun({ ...this.runRow(workflow, event, id), status: "failed", error });
    this.announce({ runId: id, workflowId: workflow.id, status: "failed", error });
  }

  private runRow(workflow: WorkflowRecord, event: FiredTrigger, id: string): RunRecord {
    return {
      id,
      workflow_id: workflow.id,
      workflow_name: workflow.name,
      team_id: workflow.team_id,
      trigger: event.trigger,
      trigger_values: event.values,
      channel_id: event.channelId ?? "",
      status: "running",
      error: "",
      depth: event.depth,
      started_at: Date.now(),
      duration_ms: 0,
    };
  }

  /** Run the steps in order; the first failing step fails the run. */
  private async run(workflow: WorkflowRecord, event: FiredTrigger): Promise<void> {
    const { ctx, store } = this.deps;
    const { spec } = workflow;
    const runId = newId();
    const row = this.runRow(workflow, event, runId);
    await store.insertRun(row);
    const scope: TemplateScope = { trigger: event.values, steps: {} };
    const person = await this.triggeringPerson(event);
    const onBehalfOf = person ? { userId: person, workflow: workflow.name } : undefined;
    const actions = new Map(ctx.automation.catalog().actions.map((a) => [a.name, a]));
    let status: RunStatus = "succeeded";
    let runError = "";
    for (const [index, step] of spec.steps.entries()) {
      const started = Date.now();
      const rendered = renderValue(step.with, scope) as Record<string, unknown>;
      let input = rendered;
      let output: Record<string, unknown> | null = null;
      let error = "";
      try {
        const action = actions.get(step.action);
        if (!action) throw new Error(`action "${step.action}" is not offered by any enabled plugin`);
        const coerced = coerceParams(rendered, action.parameters);
        if (!coerced.ok) throw new Error(coerced.problems.join("; "));
        input = coerced.params;
        output = await withTimeout(
          ctx.automation.runAction(step.action, {
            params: input,
            actorId: workflow.run_as_user_id,
            teamId: workflow.team_id,
            depth: event.depth,
            ...(onBehalfOf ? { onBehalfOf } : {}),
          }),
          ACTION_TIMEOUT_MS,
          `${step.action} did not finish within ${ACTION_TIMEOUT_MS / 1000}s`,
        );
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
      }
      await store.insertStep({
        run_id: runId,
        idx: index,
        step_id: step.id ?? "",
        action: step.action,
        status: error ? "failed" : "succeeded",
        input,
        output,
        error,
        started_at: started,
        duration_ms: Date.now() - started,
      });
      if (error) {
        status = "failed";
        runError = `step ${index + 1} (${step.id ? `${step.id}: ` : ""}${step.action}) failed: ${error}`;
        break;
      }
      if (step.id) scope.steps[step.id] = output ?? {};
    }
    await store.finishRun({ id: runId, status, error: runError, durationMs: Date.now() - row.started_at });
    if (status === "failed") {
      ctx.log.warn("workflow run failed", { workflow_id: workflow.id, run_id: runId, error: runError });
      this.tellPerson({ person, event, message: `Workflow "${workflow.name}" failed: ${runError}` });
    }
    this.announce({ runId, workflowId: workflow.id, status, error: runError });
  }

  /**
   * The person whose post or command fired the trigger (its `user_id` value:
   * for an incoming webhook's post, the hook's owner), when it is a person:
   * a bot is nobody to credit or tell.
   */
  private async triggeringPerson(event: FiredTrigger): Promise<string | null> {
    const userId = event.values.user_id;
    if (typeof userId !== "string" || !userId) return null;
    const user = await this.deps.ctx.users.get(userId);
    return user && !user.is_bot && !user.delete_at ? user.id : null;
  }

  /** Tell the person who triggered a run, where they did it, why it failed (run logs are system admins' only). */
  private tellPerson(props: { person: string | null; event: FiredTrigger; message: string }): void {
    if (!props.person || !props.event.channelId) return;
    this.deps.ctx.posts.sendEphemeral({ userId: props.person, channelId: props.event.channelId, message: props.message });
  }

  /** Tell the system admins (run logs are theirs only) that a run ended. */
  private announce(props: { runId: string; workflowId: string; status: RunStatus; error: string }): void {
    this.deps.ctx.realtime.publish(
      "run_finished",
      { run_id: props.runId, workflow_id: props.workflowId, status: props.status, error: props.error },
      { systemAdmins: true },
    );
  }
}
