/**
 * @module workflow/server/commands/workflow-deleter
 * Delete a workflow: its subscription in this process at once (other
 * processes drop theirs at their next sync), then its row. Its run log stays.
 */
import type { WorkflowDeps } from "../deps.ts";
import type { WorkflowRecord } from "../store.ts";

/** Delete a workflow; its run log stays. */
export async function workflowDeleter(deps: WorkflowDeps, props: { workflow: WorkflowRecord }): Promise<void> {
  deps.subscriptions.drop(props.workflow.id);
  await deps.store.delete(props.workflow.id);
}
