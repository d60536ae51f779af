/**
 * @module incident/server/incident-changes
 * The plugin's one extension seam for changes: `onDidChangeIncident(listener)`
 * tells a listener of every announced change (message forwarding follows
 * starts and ends this way), as VS Code's `onDidX` events do. Each listener
 * is isolated: one that throws or rejects is logged and never fails the
 * change, the announcer, or the other listeners. Every subscription is
 * disposed with the plugin.
 */
import type { Disposable, PluginContext } from "#plugin-api";
import type { UpdateAction } from "../common/types.ts";
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

/** The emitter behind {@link OnDidChangeIncident}: the announcer fires it, extensions subscribe. */
export interface IncidentChangeEmitter {
  /** Subscribe to every change; the subscription is also disposed with the plugin. */
  readonly onDidChangeIncident: OnDidChangeIncident;
  /** Tell every listener, one after another; a failing listener is logged, the others still run. */
  fire(change: IncidentChange): Promise<void>;
}

/**
 * Build the change emitter of one activation.
 * @example
 * const changes = incidentChangeEmitter(ctx);
 * changes.onDidChangeIncident(({ incident, action }) => { if (action === "ended") forget(incident.id); });
 */
export function incidentChangeEmitter(ctx: Pick<PluginContext, "log" | "track">): IncidentChangeEmitter {
  const listeners = new Set<IncidentChangeListener>();
  return {
    onDidChangeIncident(listener) {
      // A fresh wrapper per subscription, so subscribing the same function twice gives two.
      const entry: IncidentChangeListener = (change) => listener(change);
      listeners.add(entry);
      return ctx.track({ dispose: () => void listeners.delete(entry) });
    },
    async fire(change) {
      for (const listener of [...listeners]) {
        try {
          await listener(change);
        } catch (error) {
          ctx.log.error("incident change listener failed", {
            incident_id: change.incident.id,
            action: change.action,
            error: String(error),
          });
        }
      }
    },
  };
}
