/**
 * @module workflow/server/commands/workflow-toggler
 * Enable or disable a workflow: its subscription first (an enabled trigger may
 * refuse it, and then nothing is stored), then the stored flag.
 */
import type { WorkflowDeps } from "../deps.ts";
import { existingWorkflow } from "../policies.ts";
import type { WorkflowRecord } from "../store.ts";

/** Set whether the workflow's trigger starts runs; returns the stored workflow. */
export async function workflowToggler(deps: WorkflowDeps, props: { workflow: WorkflowRecord; enabled: boolean }): Promise<WorkflowRecord> {
  const { store, subscriptions } = deps;
  await subscriptions.replace({ ...props.workflow, enabled: props.enabled });
  await store.setEnabled(props.workflow.id, props.enabled);
  return existingWorkflow(deps, props.workflow.id);
}
