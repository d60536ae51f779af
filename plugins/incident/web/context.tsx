/**
 * @module context
 * What every Incident component reads: the plugin's store, clock, host and a
 * way to show the RHS. One value per registration, given through React
 * context by the components `register` builds.
 */
import { createContext, useContext, useSyncExternalStore } from "react";
import type { WebHost } from "#common/web-plugin-api.ts";
import type { Clock, IncidentState, IncidentStore } from "./incident-store.ts";
import type { IncidentSidebar } from "./sidebar.ts";

export interface IncidentPluginContext {
  store: IncidentStore;
  clock: Clock;
  host: WebHost;
  /** The sidebar section's data and the user's "Hide ended" choice. */
  sidebar: IncidentSidebar;
  /** Opens the Incidents RHS (no-op until it is registered). */
  showRhs(): void;
}

export const IncidentContext = createContext<IncidentPluginContext | null>(null);

export function useIncidentPlugin(): IncidentPluginContext {
  const value = useContext(IncidentContext);
  if (!value) throw new Error("Incident components must be rendered inside IncidentContext");
  return value;
}

/** The store's whole state; re-renders on every change. */
export function useIncidentState(): IncidentState {
  const { store } = useIncidentPlugin();
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}

/** Now, in ms, ticking every second while mounted. */
export function useNow(): number {
  const { clock } = useIncidentPlugin();
  return useSyncExternalStore(clock.subscribe, clock.getSnapshot);
}
