/**
 * Deliveries of event subscriptions, against a real receiver on loopback
 * (allowed through the admin's internal-address list) that verifies every
 * signature with the `standardwebhooks` package: retries after failures keep
 * their `webhook-id` with a fresh `webhook-timestamp`, so a retry an hour
 * later still verifies; an address the admin did not list is refused and
 * logged; private incidents reach only `include_private` subscriptions. The
 * host's clock is a manual one, so an hour of retries takes seconds.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebhookVerificationError } from "standardwebhooks";
import { itemAt, ManualClock, type TestServer, type UserClient } from "#testing";
import type { Team } from "#common/wire.ts";
import { API, startIncident, startIncidentServer } from "../test-server.ts";
import { ORPHAN_AFTER_MS, retryDelayMs } from "./delivery.ts";
import { allowInternal, createWebhook, deliveriesOf, startReceiver, verifyAt, type Receiver } from "./test-server.ts";

const START = Date.UTC(2030, 0, 1, 9, 0, 0);
const SECOND = 1000;
const MINUTE = 60 * SECOND;

const clock = new ManualClock(START);
let server: TestServer;
let admin: UserClient;
let alice: UserClient;
let team: Team;
const receivers: Receiver[] = [];

beforeAll(async () => {
  server = await startIncidentServer({ clock });
  admin = await server.admin();
  ({ alice, team } = await server.seedTeam());
});
afterAll(async () => {
  for (const receiver of receivers) await receiver.close();
  await server.close();
});

async function receiver(answer: Parameters<typeof startReceiver>[0]): Promise<Receiver> {
  const started = await startReceiver(answer);
  receivers.push(started);
  return started;
}

/** Move the clock in steps of ten seconds (the job poller ticks every second of it). */
async function advance(ms: number): Promise<void> {
  for (let done = 0; done < ms; done += 10 * SECOND) await clock.advance(Math.min(10 * SECOND, ms - done));
}

describe("a delivery retried after failures", () => {
  it("answers 500 twice then 200: three signed attempts with one webhook-id and fresh timestamps, accepted once, all in the log", async () => {
    const hook = await receiver((n) => (n <= 2 ? 500 : 200));
    await allowInternal(admin, `127.0.0.1:${hook.port}`);
    const webhook = await createWebhook(alice, { team_id: team.id, url: hook.url, events: ["incident.incident_started"] });
    expect(webhook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    const incident = await startIncident(alice, { name: "Checkout errors", team_id: team.id });
    // Not subscribed to stage changes: no delivery for this one.
    expect((await alice.patch(`${API}/incidents/${incident.id}`, { current_stage: "Investigating" })).status).toBe(200);
    await advance(SECOND);
    expect(hook.requests.map((r) => r.answered)).toEqual([500]);
    const pending = itemAt(await deliveriesOf(alice, webhook.id), 0, "delivery");
    expect(pending).toMatchObject({
      status: "pending",
      event_type: "incident.incident_started",
      incident_id: incident.id,
      attempts: 1,
      response_status: 500,
      last_error: "the receiver answered 500",
      next_attempt_at: pending.last_attempt_at + 30 * SECOND,
    });
    // Not before the backoff is over.
    await advance(29 * SECOND);
    expect(hook.requests).toHaveLength(1);
    await advance(SECOND);
    expect(hook.requests).toHaveLength(2);
    await advance(MINUTE);
    expect(hook.requests.map((r) => r.answered)).toEqual([500, 500, 200]);
    await advance(30 * MINUTE);
    expect(hook.requests).toHaveLength(3);

    const log = await deliveriesOf(alice, webhook.id);
    expect(log).toHaveLength(1);
    const delivery = itemAt(log, 0, "delivery");
    expect(delivery).toMatchObject({ status: "delivered", attempts: 3, response_status: 200, next_attempt_at: 0, last_error: "" });
    expect(delivery.attempt_log.map((a) => [a.number, a.response_status, a.error])).toEqual([
      [1, 500, "the receiver answered 500"],
      [2, 500, "the receiver answered 500"],
      [3, 200, ""],
    ]);
    const times = delivery.attempt_log.map((a) => a.at);
    expect(gaps(times)).toEqual([30 * SECOND, MINUTE]);
    expect(delivery.delivered_at).toBe(itemAt(times, 2));

    // Every request: the delivery's webhook-id, its attempt's own timestamp, a signature the receiver's library accepts.
    expect(new Set(hook.requests.map((r) => r.headers["webhook-id"]))).toEqual(new Set([delivery.message_id]));
    expect(delivery.message_id).toBe(`msg_${delivery.id}`);
    expect(hook.requests.map((r) => Number(r.headers["webhook-timestamp"]) * SECOND)).toEqual(times);
    for (const [i, request] of hook.requests.entries()) {
      expect(request.headers["content-type"]).toBe("application/json");
      expect(request.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
      expect(request.body).toBe(itemAt(hook.requests, 0).body);
      const verified = verifyAt({ secret: webhook.secret, body: request.body, headers: request.headers, nowMs: itemAt(times, i) });
      expect(verified).toMatchObject({
        type: "incident.incident_started",
        timestamp: new Date(incident.create_at).toISOString(),
        data: { incident: { id: incident.id, name: "Checkout errors", team_id: team.id }, entry: { type: "incident_started" } },
      });
    }
    // The event was accepted once: the only 2xx answer.
    expect(hook.requests.filter((r) => r.answered < 300)).toHaveLength(1);
    // A forged or altered body does not verify.
    const accepted = itemAt(hook.requests, 2);
    const altered = accepted.body.replace("Checkout errors", "Checkout fine");
    expect(() => verifyAt({ secret: webhook.secret, body: altered, headers: accepted.headers, nowMs: itemAt(times, 2) })).toThrow(
      new WebhookVerificationError("No matching signature found"),
    );
  });

  it("keeps retrying for over an hour: the retry an hour later verifies with the default 5-minute tolerance, the first attempt's headers no longer do", async () => {
    let firstAt = 0;
    const hook = await receiver(() => {
      if (!firstAt) firstAt = clock.now();
      return clock.now() - firstAt >= 60 * MINUTE ? 200 : 503;
    });
    await allowInternal(admin, `127.0.0.1:${hook.port}`);
    const webhook = await createWebhook(alice, { team_id: team.id, url: hook.url, events: ["*"] });
    const incident = await startIncident(alice, { name: "Slow pages", team_id: team.id });
    const backoff = [1, 2, 3, 4, 5, 6, 7].map(retryDelayMs);
    expect(backoff).toEqual([30 * SECOND, MINUTE, 2 * MINUTE, 4 * MINUTE, 8 * MINUTE, 16 * MINUTE, 32 * MINUTE]);
    await advance(SECOND + backoff.reduce((a, b) => a + b, 0) + SECOND);

    const delivery = itemAt(await deliveriesOf(alice, webhook.id), 0, "delivery");
    expect(delivery).toMatchObject({ status: "delivered", attempts: 8, incident_id: incident.id, event_type: "incident.incident_started" });
    const times = delivery.attempt_log.map((a) => a.at);
    expect(gaps(times)).toEqual(backoff);
    expect(delivery.attempt_log.map((a) => a.response_status)).toEqual([503, 503, 503, 503, 503, 503, 503, 200]);
    const first = itemAt(hook.requests, 0);
    const last = itemAt(hook.requests, -1);
    const lastAt = itemAt(times, -1);
    expect(lastAt - itemAt(times, 0)).toBeGreaterThan(60 * MINUTE);
    expect(last.headers["webhook-id"]).toBe(first.headers["webhook-id"]);
    expect(verifyAt({ secret: webhook.secret, body: last.body, headers: last.headers, nowMs: lastAt })).toMatchObject({
      type: "incident.incident_started",
    });
    // Had the retry kept the first timestamp, the same verifier would have refused it.
    expect(() =>
      verifyAt({ secret: webhook.secret, body: last.body, headers: { ...last.headers, ...pick(first.headers) }, nowMs: lastAt }),
    ).toThrow(new WebhookVerificationError("Message timestamp too old"));
  });
});

/** The time between each two consecutive times. */
function gaps(times: readonly number[]): number[] {
  return times.slice(1).map((t, i) => t - itemAt(times, i));
}

/** A request's timestamp and signature headers. */
function pick(headers: Record<string, string>): Record<string, string> {
  return { "webhook-timestamp": headers["webhook-timestamp"] ?? "", "webhook-signature": headers["webhook-signature"] ?? "" };
}

describe("a delivery left without its job", () => {
  it("is found by the sweep once overdue by ORPHAN_AFTER_MS and attempted again, once", async () => {
    const hook = await receiver((n) => (n === 1 ? 500 : 200));
    await allowInternal(admin, `127.0.0.1:${hook.port}`);
    const webhook = await createWebhook(alice, { team_id: team.id, url: hook.url, events: ["incident.incident_started"] });
    await startIncident(alice, { name: "Orphaned delivery", team_id: team.id });
    await advance(SECOND);
    expect(hook.requests.map((r) => r.answered)).toEqual([500]);
    const pending = itemAt(await deliveriesOf(alice, webhook.id), 0, "delivery");
    // As if the process had stopped after writing the next attempt's time, before scheduling its job.
    const dropped = await server.host.db.deleteFrom("jobs").where("key", "=", pending.id).executeTakeFirst();
    expect(Number(dropped.numDeletedRows)).toBe(1);
    await advance(MINUTE);
    expect(hook.requests).toHaveLength(1);
    // The sweep (every 5 minutes) takes it once it is ORPHAN_AFTER_MS overdue.
    await advance(ORPHAN_AFTER_MS + 5 * MINUTE);
    expect(hook.requests.map((r) => r.answered)).toEqual([500, 200]);
    expect(itemAt(await deliveriesOf(alice, webhook.id), 0, "delivery")).toMatchObject({ status: "delivered", attempts: 2 });
    await advance(20 * MINUTE);
    expect(hook.requests).toHaveLength(2);
  });
});

describe("the host's rule for internal addresses", () => {
  it("refuses a loopback address the admin did not list, logs the reason as a failed delivery, and does not retry", async () => {
    const listed = await receiver(() => 200);
    const unlisted = await receiver(() => 200);
    await allowInternal(admin, `127.0.0.1:${listed.port}`);
    const webhook = await createWebhook(alice, { team_id: team.id, url: unlisted.url, events: ["incident.incident_started"] });
    await startIncident(alice, { name: "Unlisted target", team_id: team.id });
    await advance(SECOND);
    await advance(20 * MINUTE);
    expect(unlisted.requests).toEqual([]);
    const delivery = itemAt(await deliveriesOf(alice, webhook.id), 0, "delivery");
    const reason = `http.fetch: 127.0.0.1 port ${unlisted.port} is an internal address; list it in ServiceSettings.AllowedUntrustedInternalConnections (SITREP_ALLOWED_INTERNAL_CONNECTIONS) to allow it`;
    expect(delivery).toMatchObject({ status: "failed", attempts: 1, response_status: 0, next_attempt_at: 0, last_error: reason });
    expect(delivery.attempt_log).toMatchObject([{ number: 1, response_status: 0, error: reason }]);
  });
});

describe("private incidents", () => {
  it("reach only the subscriptions a system admin made with include_private", async () => {
    const hook = await receiver(() => 204);
    await allowInternal(admin, `127.0.0.1:${hook.port}`);
    const open = await createWebhook(alice, { team_id: team.id, url: `${hook.url}?open`, events: ["*"] });
    const all = await createWebhook(admin, { team_id: team.id, url: `${hook.url}?all`, events: ["*"], include_private: true });
    expect(all.include_private).toBe(true);
    const secret = await startIncident(alice, { name: "Breach", team_id: team.id, private: true });
    const known = await startIncident(alice, { name: "Outage", team_id: team.id });
    await advance(SECOND);
    expect((await deliveriesOf(alice, open.id)).map((d) => d.incident_id)).toEqual([known.id]);
    expect(new Set((await deliveriesOf(admin, all.id)).map((d) => d.incident_id))).toEqual(new Set([secret.id, known.id]));
    // The private incident's event went out once, to the include_private subscription's address only.
    expect(hook.requests.filter((r) => r.body.includes(secret.id)).map((r) => r.path)).toEqual(["/hook?all"]);
    expect(hook.requests.filter((r) => r.body.includes(known.id)).map((r) => r.path)).toEqual(
      expect.arrayContaining(["/hook?all", "/hook?open"]),
    );
  });
});
