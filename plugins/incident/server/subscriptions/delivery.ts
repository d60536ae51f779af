/**
 * @module incident/server/subscriptions/delivery
 * Sending incident events to subscriptions. Every timeline entry becomes one
 * delivery per matching subscription of the incident's team (a private
 * incident's only for `include_private` ones), its body fixed when the event
 * happens. Each delivery is a run-once job of the host (stored in the
 * database, claimed by one process when due, so a restart or a process that
 * died between attempts leaves it to the next one); each attempt is taken
 * with a compare-and-set on the delivery's attempt count, so none is made
 * twice even if two processes run the job.
 *
 * An attempt is a POST through `ctx.http.fetch` (the host's rule for internal
 * addresses, a timeout, no redirects) signed by the Standard Webhooks
 * specification with the `standardwebhooks` package: `webhook-id` is the
 * delivery's and stays across attempts, `webhook-timestamp` is the attempt's
 * own, so a verifier with the usual 5-minute tolerance accepts a retry made
 * hours after the event. A 2xx answer delivers it; anything else is retried
 * after 30 s, 1, 2, 4, … minutes (at most an hour apart) for
 * {@link MAX_ATTEMPTS} attempts, about five hours. A target the host refuses
 * (an internal address not listed by the admin) fails at once with the reason.
 */
import { Webhook as Signer } from "standardwebhooks";
import { newId } from "#common/ids.ts";
import { expectedError } from "#common/plugin-errors.ts";
import type { Disposable } from "#plugin-api";
import { webhookEventType, type WebhookEventBody } from "../../common/webhook-types.ts";
import type { TimelineEntry } from "../../common/types.ts";
import type { IncidentDeps } from "../incident-deps.ts";
import { presentIncident } from "../presenter.ts";
import { messageIdOf, type DeliveryRecord, type WebhookStore } from "./store.ts";

/** The job kind of deliveries (the host namespaces it by the plugin's id); its key is the delivery's id. */
export const DELIVERY_JOB = "webhook-delivery";

/** Attempts of one delivery before it is given up. */
export const MAX_ATTEMPTS = 12;
/** Wait after the first failed attempt; doubled after each later one. */
const FIRST_RETRY_MS = 30_000;
/** Longest wait between two attempts. */
const MAX_RETRY_MS = 60 * 60 * 1000;
/** How long the receiver has to answer. */
export const ATTEMPT_TIMEOUT_MS = 10_000;
/** Most of the receiver's answer read (its body is not kept). */
const ANSWER_MAX_BYTES = 64 * 1024;
/** Most characters of an error kept in the log. */
const ERROR_MAX = 500;
/** Job runs after a failure of the bookkeeping itself (the database away a moment), not after a receiver's failure. */
const JOB_RUNS = 5;

/**
 * The wait before the attempt after `failed` failed ones: 30 s, 1 min, 2 min, … at most an hour.
 * @example retryDelayMs(1) // 30_000
 */
export function retryDelayMs(failed: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, failed - 1), MAX_RETRY_MS);
}

/** What deliveries need: the plugin's dependencies and the subscription tables. */
export interface DeliveryDeps extends IncidentDeps {
  readonly webhooks: WebhookStore;
}

/**
 * A pending delivery whose attempt is this long overdue has no job behind it: a
 * process stopped between writing the delivery (or its next attempt time) and
 * scheduling the job. Longer than a job's claim (5 min), so a job another
 * process is running is never scheduled a second time.
 */
export const ORPHAN_AFTER_MS = 10 * 60 * 1000;
/** How often each process looks for such deliveries. */
const ORPHAN_SWEEP_MS = 5 * 60 * 1000;

/** Handle the delivery jobs in this process, and give orphaned deliveries their job again; disposed with the plugin. */
export function registerDeliveryJobs(deps: DeliveryDeps): Disposable {
  const handled = deps.ctx.jobs.handle(DELIVERY_JOB, (job) => attemptDelivery(deps, job.key), { maxAttempts: JOB_RUNS });
  void rescheduleOrphans(deps);
  const sweep = deps.ctx.timers.setInterval(async () => void (await rescheduleOrphans(deps)), ORPHAN_SWEEP_MS);
  return {
    dispose() {
      sweep.dispose();
      handled.dispose();
    },
  };
}

/** Schedule the job of every pending delivery overdue by more than {@link ORPHAN_AFTER_MS}; answers how many. */
export async function rescheduleOrphans(deps: DeliveryDeps): Promise<number> {
  const { ctx, webhooks } = deps;
  const now = ctx.clock.now();
  const orphans = await webhooks.overdueDeliveries(now - ORPHAN_AFTER_MS);
  for (const id of orphans) await ctx.jobs.schedule({ kind: DELIVERY_JOB, key: id, runAt: now });
  if (orphans.length) ctx.log.warn("webhook deliveries had no job; scheduled again", { count: orphans.length });
  return orphans.length;
}

/** Queue the event of a new timeline entry for every subscription that asked for it. */
export async function enqueueDeliveries(deps: DeliveryDeps, entry: TimelineEntry): Promise<void> {
  const { store, webhooks, ctx } = deps;
  const incident = await store.getIncident(entry.incident_id);
  if (!incident) return;
  const type = webhookEventType(entry.type);
  const subscribers = (await webhooks.subscribersOf({ teamId: incident.team_id, isPrivate: incident.private })).filter(
    (w) => w.events.includes("*") || w.events.includes(type),
  );
  if (subscribers.length === 0) return;
  const body: WebhookEventBody = {
    type,
    timestamp: new Date(entry.create_at).toISOString(),
    data: { incident: presentIncident(incident, await store.listItems(incident.id)), entry },
  };
  const payload = JSON.stringify(body);
  const now = ctx.clock.now();
  for (const webhook of subscribers) {
    const delivery: DeliveryRecord = {
      id: newId(),
      webhook_id: webhook.id,
      team_id: incident.team_id,
      event_type: type,
      incident_id: incident.id,
      entry_id: entry.id,
      payload,
      status: "pending",
      attempts: 0,
      response_status: 0,
      next_attempt_at: now,
      last_attempt_at: 0,
      last_error: "",
      create_at: now,
      delivered_at: 0,
    };
    await webhooks.insertDelivery(delivery);
    await ctx.jobs.schedule({ kind: DELIVERY_JOB, key: delivery.id, runAt: now });
  }
}

/** How one attempt went. */
type Outcome = { ok: true; status: number } | { ok: false; status: number; error: string; retry: boolean };

/** The delivery job: make the next attempt, then schedule the one after it or finish. */
async function attemptDelivery(deps: DeliveryDeps, deliveryId: string): Promise<void> {
  const { ctx, webhooks } = deps;
  const delivery = await webhooks.getDelivery(deliveryId);
  if (!delivery || delivery.status !== "pending") return;
  const now = ctx.clock.now();
  // Run early (rescheduled meanwhile): wait for the attempt's time.
  if (delivery.next_attempt_at > now) return ctx.jobs.schedule({ kind: DELIVERY_JOB, key: deliveryId, runAt: delivery.next_attempt_at });
  const webhook = await webhooks.getWebhook(delivery.webhook_id);
  if (!webhook) return;
  if (!webhook.active)
    return webhooks.updateDelivery(deliveryId, { status: "failed", next_attempt_at: 0, last_error: "the subscription was paused" });
  // The last attempt's process stopped during it (the job came back after its claim lapsed): it counts, unanswered.
  if (delivery.attempts > 0)
    await webhooks.closeUnfinishedAttempt({
      deliveryId,
      number: delivery.attempts,
      at: now,
      error: "the process making this attempt stopped before it finished",
    });
  const number = delivery.attempts + 1;
  if (!(await webhooks.takeAttempt({ deliveryId, number, at: now }))) return;

  const outcome = await send({ deps, delivery, secret: webhook.secret, url: webhook.url, at: now });
  const finishedAt = ctx.clock.now();
  const error = outcome.ok ? "" : outcome.error.slice(0, ERROR_MAX);
  await webhooks.finishAttempt({ deliveryId, number, finishedAt, responseStatus: outcome.status, error });
  if (outcome.ok) {
    await webhooks.updateDelivery(deliveryId, {
      status: "delivered",
      response_status: outcome.status,
      next_attempt_at: 0,
      last_error: "",
      delivered_at: finishedAt,
    });
    return;
  }
  if (!outcome.retry || number >= MAX_ATTEMPTS) {
    await webhooks.updateDelivery(deliveryId, { status: "failed", response_status: outcome.status, next_attempt_at: 0, last_error: error });
    ctx.log.warn("webhook delivery failed; no more attempts", { delivery_id: deliveryId, webhook_id: webhook.id, attempts: number, error });
    return;
  }
  const next = finishedAt + retryDelayMs(number);
  await webhooks.updateDelivery(deliveryId, { response_status: outcome.status, next_attempt_at: next, last_error: error });
  await ctx.jobs.schedule({ kind: DELIVERY_JOB, key: deliveryId, runAt: next });
}

/** POST the delivery's body, signed for this attempt. */
async function send(props: { deps: DeliveryDeps; delivery: DeliveryRecord; secret: string; url: string; at: number }): Promise<Outcome> {
  const { delivery } = props;
  const messageId = messageIdOf(delivery.id);
  const timestamp = new Date(props.at);
  const signature = new Signer(props.secret).sign(messageId, timestamp, delivery.payload);
  try {
    const answer = await props.deps.ctx.http.fetch(props.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "Sitrep-Webhooks/1",
        "webhook-id": messageId,
        "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
        "webhook-signature": signature,
      },
      body: delivery.payload,
      timeoutMs: ATTEMPT_TIMEOUT_MS,
      maxBytes: ANSWER_MAX_BYTES,
      maxRedirects: 0,
    });
    if (answer.status >= 200 && answer.status < 300) return { ok: true, status: answer.status };
    return { ok: false, status: answer.status, error: `the receiver answered ${answer.status}`, retry: true };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // The host refused the address (internal and not listed): no retry will get through until an admin lists it.
    const refused = expectedError(error)?.id === "http.fetch.refused";
    return { ok: false, status: 0, error: message, retry: !refused };
  }
}
