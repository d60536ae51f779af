/**
 * @module workflow/server/deps
 * What the plugin's routes and commands share, built once per activation in
 * `activate` and passed down (no module-level state).
 */
import type { PluginContext } from "#plugin-api";
import type { WorkflowStore } from "./store.ts";
import type { WorkflowSubscriptions } from "./subscriptions.ts";

/** The dependencies of the Workflow plugin's routes and commands. */
export interface WorkflowDeps {
  readonly ctx: PluginContext;
  readonly store: WorkflowStore;
  /** The triggers each enabled workflow is subscribed to in this process. */
  readonly subscriptions: WorkflowSubscriptions;
}
