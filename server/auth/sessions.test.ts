/**
 * Idle sessions (`SITREP_SESSION_IDLE_MINUTES`) on a manual clock: activity is
 * written at most once per interval, not once per request; a session idle for
 * longer than the setting is refused over HTTP, and the sweep ends one nobody
 * uses (closing its WebSocket); activity another process recorded keeps a
 * session alive; personal access tokens never go idle.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiErrorBodySchema, createdUserAccessTokenSchema } from "#common/wire-schemas.ts";
import { eventually, startTestServer, TestClient, TestSocket, type TestServer, type UserClient } from "#testing";
import { ManualClock } from "../clock.ts";
import { activityWriteIntervalMs, hashToken } from "./sessions.ts";

const SIGNED_OUT = { id: "api.context.session_expired.app_error", message: "You must be signed in to do that.", status_code: 401 };
const MINUTE = 60_000;

const clock = new ManualClock(Date.now());
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ clock, sessionIdleMinutes: 10 });
});
afterAll(async () => server.close());

async function recordedActivity(client: UserClient): Promise<number | undefined> {
  const row = await server.host.db
    .selectFrom("sessions")
    .select("last_activity_at")
    .where("token_hash", "=", hashToken(client.token))
    .executeTakeFirst();
  return row?.last_activity_at;
}

describe("idle sessions", () => {
  it("write activity once per interval, not on every request", async () => {
    expect(activityWriteIntervalMs({ sessionIdleMinutes: 10 })).toBe(MINUTE);
    expect(activityWriteIntervalMs({ sessionIdleMinutes: 43_200 })).toBe(5 * MINUTE);
    expect(activityWriteIntervalMs({ sessionIdleMinutes: 0 })).toBe(5 * MINUTE);
    const alice = await server.createUser();
    const signedInAt = clock.now();
    expect(await recordedActivity(alice)).toBe(signedInAt);
    for (let i = 0; i < 5; i++) {
      await clock.advance(10_000);
      expect((await alice.get("/api/v4/users/me")).status).toBe(200);
    }
    expect(await recordedActivity(alice)).toBe(signedInAt);
    await clock.advance(10_000);
    expect((await alice.get("/api/v4/users/me")).status).toBe(200);
    expect(await recordedActivity(alice)).toBe(signedInAt + MINUTE);
  });

  it("end after the idle time without a request, never before it", async () => {
    const bob = await server.createUser();
    await clock.advance(10 * MINUTE);
    expect((await bob.get("/api/v4/users/me")).status).toBe(200);
    // Ten minutes and a few seconds after the last request: still within the idle time plus the write interval.
    await clock.advance(10 * MINUTE + 5_000);
    expect((await bob.get("/api/v4/users/me")).status).toBe(200);
    expect(await recordedActivity(bob)).toBe(clock.now());
    await clock.advance(11 * MINUTE + 1);
    const idle = await bob.get("/api/v4/users/me", apiErrorBodySchema);
    expect({ status: idle.status, body: idle.body }).toMatchObject({ status: 401, body: SIGNED_OUT });
    expect(await recordedActivity(bob)).toBeUndefined();
  });

  it("end everywhere when nobody uses them: the sweep closes their WebSockets", async () => {
    const carol = await server.createUser();
    const socket = await TestSocket.open(server.url, { token: carol.token });
    await clock.advance(12 * MINUTE);
    await eventually(() => socket.closed !== null, { what: "the idle session's WebSocket to close" });
    expect(socket.closed).toEqual({ code: 4001, reason: "session ended" });
    expect(await recordedActivity(carol)).toBeUndefined();
  });

  it("stay alive on activity another process recorded, though this one's cached copy looks idle", async () => {
    const dave = await server.createUser();
    expect((await dave.get("/api/v4/users/me")).status).toBe(200);
    await clock.advance(9 * MINUTE);
    // Another process served dave a minute ago and recorded it.
    await server.host.db
      .updateTable("sessions")
      .set({ last_activity_at: clock.now() })
      .where("token_hash", "=", hashToken(dave.token))
      .execute();
    await clock.advance(5 * MINUTE);
    expect((await dave.get("/api/v4/users/me")).status).toBe(200);
  });

  it("leave personal access tokens alone", async () => {
    const erin = await server.createUser();
    const created = await erin.post(`/api/v4/users/${erin.user.id}/tokens`, { description: "bot" }, createdUserAccessTokenSchema);
    const viaToken = new TestClient(server.url, created.body.token);
    expect((await viaToken.get("/api/v4/users/me")).status).toBe(200);
    await clock.advance(60 * MINUTE);
    expect((await viaToken.get("/api/v4/users/me")).status).toBe(200);
    // Erin's signed-in session, unused for an hour, is gone.
    expect((await erin.get("/api/v4/users/me")).status).toBe(401);
  });
});

describe("with the setting at 0", () => {
  it("never end a session for idleness", async () => {
    const never = new ManualClock(Date.now());
    const s = await startTestServer({ clock: never, sessionIdleMinutes: 0 });
    try {
      const frank = await s.createUser();
      await never.advance(3 * 60 * MINUTE);
      expect((await frank.get("/api/v4/users/me")).status).toBe(200);
    } finally {
      await s.close();
    }
  });
});
