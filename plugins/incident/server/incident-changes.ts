/**
 * @module incident/server/incident-changes
 * The plugin's one extension seam for changes: `onDidChangeIncident(listener)`
 * tells a listener of every announced change (message forwarding follows
 * starts and ends this way), and `onDidRecordTimelineEntry(listener)` of
 * every timeline entry stored (event subscriptions send them), as VS Code's
 * `onDidX` events do. Each listener
 * is isolated: one that throws or rejects is logged and never fails the
 * change, the announcer, or the other listeners. Every subscription is
 * disposed with the plugin.
 */
import type { Disposable, PluginContext } from "#plugin-api";
import type { TimelineEntry, UpdateAction } from "../common/types.ts";
import type { IncidentRecord } from "./store.ts";

/** One announced change: the incident as stored after it, and what happened. */
export interface IncidentChange {
  readonly incident: IncidentRecord;
  readonly action: UpdateAction;
}

/** Told of a change; awaited before the change's workflow trigger fires. */
export type IncidentChangeListener = (change: IncidentChange) => void | Promise<void>;

/** Subscribe to incident changes; dispose to stop. */
export type OnDidChangeIncident = (listener: IncidentChangeListener) => Disposable;

/** Told of a timeline entry just stored. */
export type TimelineEntryListener = (entry: TimelineEntry) => void | Promise<void>;

/** The emitter behind {@link OnDidChangeIncident}: the announcer fires it, extensions subscribe. */
export interface IncidentChangeEmitter {
  /** Subscribe to every change; the subscription is also disposed with the plugin. */
  readonly onDidChangeIncident: OnDidChangeIncident;
  /** Tell every listener, one after another; a failing listener is logged, the others still run. */
  fire(change: IncidentChange): Promise<void>;
  /** Subscribe to every timeline entry stored; disposed with the plugin too. */
  onDidRecordTimelineEntry(listener: TimelineEntryListener): Disposable;
  /** Tell every timeline listener, as {@link fire} does. */
  fireTimelineEntry(entry: TimelineEntry): Promise<void>;
}

/** Listeners of one kind of event, each isolated: one that fails is logged and the others still run. */
function listenerSet<T>(ctx: Pick<PluginContext, "log" | "track">, describe: (event: T) => Record<string, unknown>) {
  const listeners = new Set<(event: T) => void | Promise<void>>();
  return {
    add(listener: (event: T) => void | Promise<void>): Disposable {
      // A fresh wrapper per subscription, so subscribing the same function twice gives two.
      const entry = (event: T) => listener(event);
      listeners.add(entry);
      return ctx.track({ dispose: () => void listeners.delete(entry) });
    },
    async fire(event: T): Promise<void> {
      for (const listener of [...listeners]) {
        try {
          await listener(event);
        } catch (error) {
          ctx.log.error("incident change listener failed", { ...describe(event), error: String(error) });
        }
      }
    },
  };
}

/**
 * Build the change emitter of one activation.
 * @example
 * const changes = incidentChangeEmitter(ctx);
 * changes.onDidChangeIncident(({ incident, action }) => { if (action === "ended") forget(incident.id); });
 */
export function incidentChangeEmitter(ctx: Pick<PluginContext, "log" | "track">): IncidentChangeEmitter {
  const changes = listenerSet<IncidentChange>(ctx, (change) => ({ incident_id: change.incident.id, action: change.action }));
  const entries = listenerSet<TimelineEntry>(ctx, (entry) => ({ incident_id: entry.incident_id, timeline_type: entry.type }));
  return {
    onDidChangeIncident: (listener) => changes.add(listener),
    fire: (change) => changes.fire(change),
    onDidRecordTimelineEntry: (listener) => entries.add(listener),
    fireTimelineEntry: (entry) => entries.fire(entry),
  };
}
