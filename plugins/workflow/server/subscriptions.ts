/**
 * @module workflow/server/subscriptions
 * Each enabled workflow subscribes to its trigger (DESIGN.md section 6): the
 * `schedule` trigger starts its timer, `slash_command` registers the word,
 * and the `webhook` route fires through the subscription's handle. Other
 * processes learn of applied or toggled workflows by a periodic re-sync with
 * the table (every {@link SYNC_INTERVAL_MS}); schedule ticks are claimed in
 * the database, so a tick runs once however many processes hold the timer.
 */
import type { Disposable, FiredTrigger, PluginContext } from "#plugin-api";
import { expectedError } from "#common/plugin-errors.ts";
import type { WorkflowRecord, WorkflowStore } from "./store.ts";

/** How often each process re-reads which workflows are enabled. */
export const SYNC_INTERVAL_MS = 15_000;

interface Held {
  version: number;
  handle: Disposable & { fire(event: Omit<FiredTrigger, "trigger" | "depth" | "target">): void };
}

const TRIGGER_NOT_OFFERED = "automation.trigger.unknown";

/** The trigger subscriptions of the enabled workflows, held by this process. */
export class WorkflowSubscriptions {
  private readonly held = new Map<string, Held>();
  /** Workflows whose subscription failed at this version: warned once, retried at each sync. */
  private readonly warned = new Map<string, number>();

  constructor(private readonly deps: { ctx: PluginContext; store: WorkflowStore }) {}

  /** Subscribe one workflow (when enabled) in place of its current subscription; throws when the trigger refuses it. */
  async replace(row: WorkflowRecord): Promise<void> {
    this.drop(row.id);
    if (!row.enabled) return;
    try {
      this.subscribe(row);
    } catch (error) {
      if (expectedError(error)?.id === TRIGGER_NOT_OFFERED) return; // its plugin is not active yet: the sync retries
      // Put the stored version back, so a refused apply changes nothing.
      await this.restore(await this.deps.store.get(row.id));
      throw error;
    }
  }

  /** Re-subscribe the stored version of a workflow after a refused apply. */
  async restore(row: WorkflowRecord | undefined): Promise<void> {
    if (!row) return;
    this.drop(row.id);
    if (!row.enabled) return;
    try {
      this.subscribe(row);
    } catch (error) {
      this.deps.ctx.log.warn("could not restore a workflow's subscription", { workflow_id: row.id, error: String(error) });
    }
  }

  /** Stop delivering to a workflow. */
  drop(workflowId: string): void {
    this.held.get(workflowId)?.handle.dispose();
    this.held.delete(workflowId);
  }

  /** Fire a workflow's trigger through its subscription (the webhook route); false when it has none. */
  async fire(row: WorkflowRecord, event: Omit<FiredTrigger, "trigger" | "depth" | "target">): Promise<boolean> {
    if (this.held.get(row.id)?.version !== row.version) await this.sync();
    const held = this.held.get(row.id);
    if (!held) return false;
    held.handle.fire(event);
    return true;
  }

  /** Match the subscriptions to the enabled workflows in the table. */
  async sync(): Promise<void> {
    const rows = await this.deps.store.enabled();
    const wanted = new Map(rows.map((r) => [r.id, r]));
    for (const id of [...this.held.keys()]) if (!wanted.has(id)) this.drop(id);
    for (const row of rows) {
      if (this.held.get(row.id)?.version === row.version) continue;
      this.drop(row.id);
      try {
        this.subscribe(row);
        this.warned.delete(row.id);
      } catch (error) {
        const expected = expectedError(error);
        if (expected?.id === TRIGGER_NOT_OFFERED || this.warned.get(row.id) === row.version) continue;
        this.warned.set(row.id, row.version);
        this.deps.ctx.log.warn("workflow trigger refused the subscription; the workflow will not run until fixed", {
          workflow_id: row.id,
          name: row.name,
          error: String(error),
        });
      }
    }
  }

  private subscribe(row: WorkflowRecord): void {
    const { spec } = row;
    const handle = this.deps.ctx.automation.subscribe(spec.trigger.type, {
      key: row.id,
      teamId: row.team_id,
      where: spec.trigger.where,
      label: row.name,
    });
    this.held.set(row.id, { version: row.version, handle });
  }

  /** Drop every subscription (the plugin's registrations are disposed by the host anyway). */
  disposeAll(): void {
    for (const id of [...this.held.keys()]) this.drop(id);
  }
}
