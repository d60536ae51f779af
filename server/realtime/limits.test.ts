/**
 * The WebSocket's limits, each a setting: a connection that does not sign in
 * within `SITREP_WS_AUTH_TIMEOUT_MS` is closed (the host's clock, moved by
 * hand here), one address holds at most `SITREP_WS_PER_ADDRESS` connections
 * (signed in or not), one user at most `SITREP_WS_PER_USER`.
 */
import { WebSocket } from "ws";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { User } from "#common/wire.ts";
import { eventually, startTestServer, TestSocket, type TestClient, type TestServer } from "#testing";
import { ManualClock } from "../clock.ts";
import { loadConfig } from "../config.ts";

type Client = TestClient & { user: User };

const clock = new ManualClock(Date.now());
let server: TestServer;
let alice: Client;
let bob: Client;
const open: TestSocket[] = [];

beforeAll(async () => {
  server = await startTestServer({ clock, wsAuthTimeoutMs: 3_000, wsPerAddress: 6, wsPerUser: 2 });
  alice = await server.createUser();
  bob = await server.createUser();
});
afterEach(async () => {
  for (const socket of open.splice(0)) await socket.close();
  // Every close has been seen by the server before the next test counts connections.
  await eventually(() => server.host.realtime.connectionCount === 0);
});
afterAll(async () => {
  await server?.close();
});

async function socket(options: Parameters<typeof TestSocket.open>[1] = {}): Promise<TestSocket> {
  const s = await TestSocket.open(server.url, options);
  open.push(s);
  return s;
}

/** An upgrade the server answers with an HTTP error instead of a handshake: its status and JSON body. */
function refusedUpgrade(): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${server.url.replace(/^http/, "ws")}/api/v4/websocket`);
    ws.on("unexpected-response", (_request, response) => {
      let text = "";
      response.on("data", (chunk: Buffer) => (text += chunk.toString()));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
    });
    ws.on("open", () => {
      ws.close();
      reject(new Error("the upgrade was accepted"));
    });
    ws.on("error", () => undefined);
  });
}

describe("WebSocket limits", () => {
  it("closes a connection that has not signed in when the timeout passes, and keeps signed-in ones", async () => {
    const silent = await socket();
    const signedIn = await socket({ token: alice.token });
    const byHeader = await socket({ headers: { authorization: `Bearer ${bob.token}` }, waitForHello: true });
    await clock.advance(2_999);
    expect(silent.closed).toBeNull();
    await clock.advance(1);
    await eventually(() => silent.closed ?? undefined);
    expect(silent.closed).toEqual({ code: 1008, reason: "authentication_challenge not received within 3000 ms" });
    await clock.advance(60_000);
    signedIn.send("ping");
    byHeader.send("ping");
    await signedIn.waitFor((f) => f.seq_reply === 2);
    await byHeader.waitFor((f) => f.seq_reply === 1);
    expect([signedIn.closed, byHeader.closed]).toEqual([null, null]);
  });

  it("refuses a user's connection past the per-user limit, answering its challenge", async () => {
    await socket({ token: alice.token });
    await socket({ token: alice.token });
    const third = await socket();
    const seq = third.send("authentication_challenge", { token: alice.token });
    expect(await third.waitFor((f) => f.seq_reply === seq)).toEqual({
      status: "FAIL",
      seq_reply: seq,
      error: {
        id: "api.web_socket.too_many_connections",
        message: "this user already holds 2 WebSocket connections, the most one user may (SITREP_WS_PER_USER)",
      },
    });
    await eventually(() => third.closed ?? undefined);
    expect(third.closed).toEqual({ code: 1008, reason: "more than 2 connections for this user" });
    // Another user is not held back, and a closed connection frees its place.
    await socket({ token: bob.token });
    await open[0]?.close();
    await eventually(() => server.host.realtime.connectionCount === 2);
    await socket({ token: alice.token });
  });

  it("answers an upgrade past the per-address limit with a 429, signed in or not", async () => {
    for (let i = 0; i < 3; i++) await socket();
    await socket({ token: alice.token });
    await socket({ token: bob.token });
    await socket({ token: bob.token });
    expect(await refusedUpgrade()).toEqual({
      status: 429,
      body: {
        id: "api.web_socket.too_many_connections",
        message: "This address already holds 6 WebSocket connections, the most one address may (SITREP_WS_PER_ADDRESS).",
        status_code: 429,
      },
    });
    await open[0]?.close();
    await eventually(async () => {
      const s = await TestSocket.open(server.url).catch(() => undefined);
      if (s) open.push(s);
      return s;
    });
  });
});

describe("WebSocket settings", () => {
  it("reads each limit from its variable, with defaults, and refuses a value that is not a whole number", () => {
    expect(loadConfig({})).toMatchObject({ wsPerAddress: 1_000, wsPerUser: 50, wsAuthTimeoutMs: 5_000 });
    expect(loadConfig({ SITREP_WS_PER_ADDRESS: "0", SITREP_WS_PER_USER: "7", SITREP_WS_AUTH_TIMEOUT_MS: "1500" })).toMatchObject({
      wsPerAddress: 0,
      wsPerUser: 7,
      wsAuthTimeoutMs: 1_500,
    });
    expect(() => loadConfig({ SITREP_WS_PER_USER: "lots" })).toThrow(
      'SITREP_WS_PER_USER: must be a whole number of 0 or more (got "lots")',
    );
    expect(() => loadConfig({ SITREP_WS_PER_ADDRESS: "-1" })).toThrow("SITREP_WS_PER_ADDRESS: must be a whole number of 0 or more");
  });
});
