/**
 * @module incident/server/subscriptions
 * Event subscriptions (signed outgoing webhooks, DESIGN.md section 11): the
 * `/api/v1/webhooks` routes, the delivery jobs, and every timeline entry
 * queued for the subscriptions that asked for it. An extension of the core:
 * it receives the plugin's dependencies and follows timeline entries through
 * `deps.changes.onDidRecordTimelineEntry`; the core never imports it.
 */
import type { IncidentDeps } from "../incident-deps.ts";
import { enqueueDeliveries, registerDeliveryJobs, type DeliveryDeps } from "./delivery.ts";
import { registerWebhookRoutes } from "./routes.ts";
import { WebhookStore } from "./store.ts";

/** Register the routes, the delivery jobs and the timeline listener; all disposed with the plugin. */
export function activateSubscriptions(deps: IncidentDeps): void {
  const subscriptionDeps: DeliveryDeps = { ...deps, webhooks: new WebhookStore(deps.ctx.storage) };
  registerWebhookRoutes(subscriptionDeps);
  registerDeliveryJobs(subscriptionDeps);
  deps.changes.onDidRecordTimelineEntry((entry) => enqueueDeliveries(subscriptionDeps, entry));
}
