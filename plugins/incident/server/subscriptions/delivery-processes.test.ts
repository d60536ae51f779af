/**
 * Deliveries across processes on one PostgreSQL: a real `sitrep serve`
 * process (A, on the system clock) makes the first attempt and is killed
 * with SIGKILL before the next one; the test's in-process server (B, on a
 * manual clock that starts at the real time) finds the delivery's job in the
 * database when it falls due and makes the next attempts. No attempt is made
 * twice: the receiver sees attempts 1, 2 and 3 once each, with one webhook-id.
 */
import { afterAll, describe, expect, it } from "vitest";
import {
  eventually,
  itemAt,
  ManualClock,
  startSecondProcess,
  testDialect,
  TestClient,
  type SecondProcess,
  type TestServer,
} from "#testing";
import { startIncident, startIncidentServer } from "../test-server.ts";
import { allowInternal, createWebhook, deliveriesOf, startReceiver, verifyAt, type Receiver } from "./test-server.ts";

const SECOND = 1000;
let server: TestServer | undefined;
let processA: SecondProcess | undefined;
let receiver: Receiver | undefined;
afterAll(async () => {
  await processA?.close();
  await receiver?.close();
  await server?.close();
});

describe.skipIf(testDialect !== "postgres")("a delivery when the process that made its last attempt is killed", () => {
  it("is resumed by the other process at its next attempt, and no attempt is made twice", { timeout: 120_000 }, async () => {
    const clock = new ManualClock(Date.now());
    server = await startIncidentServer({ clock });
    const admin = await server.admin();
    const { alice, team } = await server.seedTeam();
    const hook = await startReceiver((n) => (n <= 2 ? 500 : 200));
    receiver = hook;
    await allowInternal(admin, `127.0.0.1:${hook.port}`);
    const webhook = await createWebhook(alice, { team_id: team.id, url: hook.url, events: ["incident.incident_started"] });

    const a = await startSecondProcess(server);
    processA = a;
    const aliceOnA = new TestClient(a.url, alice.token, alice.user);
    // Started through A; B's clock stands still, so only A's poller (every real second) can make the first attempt.
    const incident = await startIncident(aliceOnA, { name: "Two processes", team_id: team.id });
    const first = await eventually(
      async () => {
        const [delivery] = await deliveriesOf(alice, webhook.id);
        // Scheduled after the attempt's answer (until then it is the time of the event).
        return delivery && delivery.attempts === 1 && delivery.next_attempt_at > delivery.last_attempt_at ? delivery : undefined;
      },
      { ms: 20_000, what: "process A's first attempt, logged with its next attempt" },
    );
    expect(first).toMatchObject({
      status: "pending",
      response_status: 500,
      last_error: "the receiver answered 500",
      incident_id: incident.id,
    });
    expect(hook.requests).toHaveLength(1);
    expect(await a.kill("SIGKILL")).toBe("SIGKILL");

    // B reaches the time of the next attempt: it makes attempt 2, then attempt 3 a minute later.
    const advanceTo = async (time: number) => {
      while (clock.now() < time) await clock.advance(Math.min(10 * SECOND, time - clock.now()));
    };
    await advanceTo(first.next_attempt_at + SECOND);
    expect(hook.requests.map((r) => r.answered)).toEqual([500, 500]);
    await advanceTo(clock.now() + 60 * SECOND);
    await advanceTo(clock.now() + 30 * 60 * SECOND);

    expect(hook.requests.map((r) => r.answered)).toEqual([500, 500, 200]);
    const delivery = itemAt(await deliveriesOf(alice, webhook.id), 0, "delivery");
    expect(delivery).toMatchObject({ status: "delivered", attempts: 3, response_status: 200 });
    expect(delivery.attempt_log.map((t) => [t.number, t.response_status])).toEqual([
      [1, 500],
      [2, 500],
      [3, 200],
    ]);
    expect(new Set(hook.requests.map((r) => r.headers["webhook-id"]))).toEqual(new Set([delivery.message_id]));
    expect(new Set(hook.requests.map((r) => r.headers["webhook-timestamp"])).size).toBe(3);
    for (const [i, request] of hook.requests.entries())
      expect(
        verifyAt({ secret: webhook.secret, body: request.body, headers: request.headers, nowMs: itemAt(delivery.attempt_log, i).at }),
      ).toMatchObject({ type: "incident.incident_started", data: { incident: { id: incident.id } } });
  });
});
