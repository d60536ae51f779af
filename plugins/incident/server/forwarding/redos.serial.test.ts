/**
 * F1 of the review: a playbook's `(a+)+$` and a 31-character post blocked
 * every request for about ten seconds with JavaScript's backtracking engine
 * (doubling with each character), since the forwarding match runs on the
 * server's one thread. With RE2 the match is linear in the post: a ping sent
 * while the payload is matched is answered about as fast as the same
 * server's idle ping. The bounds are wide (twenty times the idle ping, at
 * least 1.5 s): the old engine missed them by seconds. The figures are in
 * `npm run bench -- P1`; this file runs in the serial project, alone.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Channel, Team, User } from "#common/wire.ts";
import { channelPosts, withIdSchema, type TestClient, type TestServer } from "#testing";
import { FORWARDED_POST_TYPE } from "../../common/forwarded-post.ts";
import { API, startIncident, startIncidentServer } from "../test-server.ts";

type Client = TestClient & { user: User };

let server: TestServer;
let admin: Client;
let team: Team;
let alerts: Channel;

beforeAll(async () => {
  server = await startIncidentServer();
  admin = await server.admin();
  team = await server.createTeam(admin);
  alerts = await server.createChannel(admin, { teamId: team.id, name: "alerts" });
});
afterAll(async () => {
  await server?.close();
});

/** One ping's round trip, in ms. */
async function ping(): Promise<number> {
  const started = performance.now();
  const res = await server.anonymous.get("/api/v4/system/ping");
  expect(res.status).toBe(200);
  return performance.now() - started;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

describe("the ReDoS payload of F1", () => {
  it("leaves a ping during its match about as fast as the idle ping", async () => {
    const source = 'name: ReDoS\nforwarding:\n  - from: [alerts]\n    regex: "(a+)+$"\n';
    const playbook = await admin.post(`${API}/playbooks`, { team_id: team.id, source }, withIdSchema);
    expect(playbook.status).toBe(201);
    const incident = await startIncident(admin, { name: "Backtracking", team_id: team.id, playbook_id: playbook.body.id });

    const idle: number[] = [];
    for (let i = 0; i < 30; i++) idle.push(await ping());
    const idleTypical = percentile(idle, 0.9);

    // Each payload post is answered first; its match runs in onMessagePosted right after, on the same thread as the pings.
    const during: number[] = [];
    for (const length of [28, 31]) {
      const payload = `${"a".repeat(length)}!`;
      const res = await admin.post("/api/v4/posts", { channel_id: alerts.id, message: payload });
      expect(res.status).toBe(201);
      for (let i = 0; i < 5; i++) during.push(await ping());
    }
    await server.host.hooks.idle();
    const bound = Math.max(idleTypical * 20, 1_500);
    expect(
      Math.max(...during),
      `pings during the payload ${during.map((t) => t.toFixed(1)).join(", ")} ms; idle p90 ${idleTypical.toFixed(1)} ms`,
    ).toBeLessThan(bound);

    // The rule was live all along: a post it matches is forwarded, the payloads (which it does not match) are not.
    const match = await admin.post("/api/v4/posts", { channel_id: alerts.id, message: "aaaa" });
    expect(match.status).toBe(201);
    await server.host.hooks.idle();
    const copies = (await channelPosts(admin, incident.channel_id)).filter((p) => p.type === FORWARDED_POST_TYPE);
    expect(copies.map((p) => p.props.excerpt)).toEqual(["aaaa"]);
  });
});
