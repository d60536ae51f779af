/**
 * @module workflow/server/presenter
 * Records as the API shows them (the shapes of `common/wire.ts`).
 */
import type { RunJson, RunStepJson, WorkflowJson } from "../common/wire.ts";
import type { RunRecord, RunStepRecord, RunWithSteps, WorkflowRecord } from "./store.ts";
import type { WorkflowDeps } from "./deps.ts";

/** The wire shape of a workflow (admins only: it holds the webhook URL). */
export function presentWorkflow(props: {
  workflow: WorkflowRecord;
  lastRun: RunRecord | undefined;
  runAs: string;
  siteUrl: string;
}): WorkflowJson {
  const { workflow, lastRun } = props;
  const { spec } = workflow;
  return {
    id: workflow.id,
    team_id: workflow.team_id,
    name: workflow.name,
    description: workflow.description,
    run_as: props.runAs,
    run_as_user_id: workflow.run_as_user_id,
    enabled: workflow.enabled,
    version: workflow.version,
    trigger: { type: spec.trigger.type, where: spec.trigger.where },
    steps: spec.steps.map((s) => ({ ...(s.id ? { id: s.id } : {}), action: s.action })),
    source: workflow.source,
    create_at: workflow.create_at,
    update_at: workflow.update_at,
    ...(workflow.trigger_type === "webhook"
      ? { webhook_url: `${props.siteUrl}/plugins/workflow/api/v1/hooks/${workflow.id}/${workflow.webhook_secret}` }
      : {}),
    last_run: lastRun ? { id: lastRun.id, status: lastRun.status, error: lastRun.error, started_at: lastRun.started_at } : null,
  };
}

/** Workflows as the API shows them, each with its latest run and its `run_as` username. */
export async function presentWorkflows(deps: Pick<WorkflowDeps, "ctx" | "store">, workflows: WorkflowRecord[]): Promise<WorkflowJson[]> {
  const { ctx, store } = deps;
  const [last, users] = await Promise.all([
    store.lastRuns(workflows.map((w) => w.id)),
    ctx.users.getMany(workflows.map((w) => w.run_as_user_id)),
  ]);
  const names = new Map(users.map((u) => [u.id, u.username]));
  return workflows.map((workflow) =>
    presentWorkflow({ workflow, lastRun: last.get(workflow.id), runAs: names.get(workflow.run_as_user_id) ?? "", siteUrl: ctx.siteUrl }),
  );
}

/** One workflow as the API shows it. */
export async function presentOneWorkflow(deps: Pick<WorkflowDeps, "ctx" | "store">, workflow: WorkflowRecord): Promise<WorkflowJson> {
  const [json] = await presentWorkflows(deps, [workflow]);
  if (!json) throw new Error(`workflow ${workflow.id} was not presented`);
  return json;
}

/** One step of a run log. */
export function presentStep(step: RunStepRecord): RunStepJson {
  return {
    index: step.idx,
    step_id: step.step_id,
    action: step.action,
    status: step.status,
    input: step.input,
    output: step.output,
    error: step.error,
    started_at: step.started_at,
    duration_ms: step.duration_ms,
  };
}

/** A run with its steps. */
export function presentRun({ run, steps }: RunWithSteps): RunJson {
  return {
    id: run.id,
    workflow_id: run.workflow_id,
    workflow_name: run.workflow_name,
    team_id: run.team_id,
    trigger: run.trigger,
    trigger_values: run.trigger_values,
    status: run.status,
    error: run.error,
    depth: run.depth,
    started_at: run.started_at,
    duration_ms: run.duration_ms,
    steps: steps.map(presentStep),
  };
}

/** A page of runs: `{items, total_count}`. */
export function presentRuns(page: { items: RunWithSteps[]; total: number }): { items: RunJson[]; total_count: number } {
  return { items: page.items.map(presentRun), total_count: page.total };
}
