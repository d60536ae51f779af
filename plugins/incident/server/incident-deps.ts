/**
 * @module incident/server/incident-deps
 * The dependency bag of the plugin's commands: the plugin context, the store,
 * the bot user, the workflow trigger firer and the change emitter. Built once
 * per activation, complete at construction and never mutated afterwards.
 * (Not "services": in the host that word means domain functions.)
 */
import type { FiredTrigger, PluginContext } from "#plugin-api";
import type { User } from "#common/wire.ts";
import type { IncidentChangeEmitter } from "./incident-changes.ts";
import type { IncidentStore } from "./store.ts";

/** The names of the triggers the plugin offers (DESIGN.md section 6). */
export type IncidentTriggerName =
  | "incident_started"
  | "stage_changed"
  | "severity_changed"
  | "role_changed"
  | "checklist_item_changed"
  | "checklist_item_assigned"
  | "status_update_posted"
  | "incident_ended";

/** Fires one of the plugin's workflow triggers. */
export type TriggerFirer = (name: IncidentTriggerName, event: Omit<FiredTrigger, "trigger" | "depth">) => void;

/** The dependencies of every incident command. */
export interface IncidentDeps {
  readonly ctx: PluginContext;
  readonly store: IncidentStore;
  /** The `@incident` bot, author of every update post. */
  readonly bot: User;
  /** Fire a workflow trigger. */
  readonly fire: TriggerFirer;
  /** Every announced change is told here; extensions (message forwarding) subscribe with `onDidChangeIncident`. */
  readonly changes: IncidentChangeEmitter;
}
