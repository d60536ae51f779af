/**
 * @module incident/server/services
 * What the plugin's commands share: the plugin context, the store, the bot
 * user, and the workflow triggers they fire. Built once per activation.
 */
import type { FiredTrigger, PluginContext } from "#plugin-api";
import type { User } from "#common/wire.ts";
import type { UpdateAction } from "../common/types.ts";
import type { IncidentRecord, IncidentStore } from "./store.ts";

/** The names of the triggers the plugin offers (DESIGN.md section 6). */
export type IncidentTriggerName = "incident_started" | "stage_changed" | "checklist_item_changed" | "incident_ended";

/** Fires a trigger; a no-op until the automation registry has it. */
export type TriggerFirer = (name: IncidentTriggerName, event: Omit<FiredTrigger, "trigger" | "depth">) => void;

/** The dependencies of every incident command. */
export interface IncidentServices {
  readonly ctx: PluginContext;
  readonly store: IncidentStore;
  /** The `@incident` bot, author of every update post. */
  readonly bot: User;
  /** Fire a workflow trigger. */
  fire: TriggerFirer;
  /** Told after every announced change (message forwarding follows starts and ends); a failure is logged. */
  afterChange?: (incident: IncidentRecord, action: UpdateAction) => Promise<void>;
}
