/**
 * @module incident/server/alerts
 * Alert intake (DESIGN.md section 11): alert sources whose URL Prometheus
 * Alertmanager or Grafana posts notifications to, each alert group
 * deduplicated into one incident. An extension of the core like forwarding:
 * it receives the deps and registers its own routes.
 */
import type { IncidentDeps } from "../incident-deps.ts";
import { registerAlertRoutes } from "./alert-routes.ts";
import { AlertStore } from "./alert-store.ts";

/** Register the alert source API and the intake route. */
export function activateAlerts(deps: IncidentDeps): void {
  registerAlertRoutes({ ...deps, alerts: new AlertStore(deps.ctx.storage) });
}
