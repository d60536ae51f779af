/**
 * A WebSocket reconnect with Mattermost's `connection_id` and `sequence_number`
 * gets exactly the events it missed, in order, with no hello, while this
 * process still holds them; otherwise a fresh hello with a new connection id.
 * Driven by a raw socket and by the official `@mattermost/client` WebSocketClient.
 */
import mm from "@mattermost/client";
import NodeWebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Post } from "#common/wire.ts";
import { eventually, startTestServer, TestSocket, type SocketFrame, type TeamSeed, type TestServer } from "#testing";

const { WebSocketClient } = mm;

let server: TestServer;
let seed: TeamSeed;
const sockets: TestSocket[] = [];

// The client reads `WebSocket.OPEN` from the global, which Node 20 lacks.
const hadGlobalWebSocket = "WebSocket" in globalThis;

beforeAll(async () => {
  if (!hadGlobalWebSocket) Object.assign(globalThis, { WebSocket: NodeWebSocket });
  server = await startTestServer();
  seed = await server.seedTeam();
});
afterAll(async () => {
  for (const s of sockets) await s.close();
  await server.close();
  if (!hadGlobalWebSocket) Reflect.deleteProperty(globalThis, "WebSocket");
});

async function open(token: string | undefined, query?: string): Promise<TestSocket> {
  const socket = await TestSocket.open(server.url, { token, query });
  sockets.push(socket);
  return socket;
}

const messageOf = (f: SocketFrame) => (JSON.parse(String(f.data?.post)) as Post).message;
const posted = (message: string) => (f: SocketFrame) => f.event === "posted" && messageOf(f) === message;

/** Close a socket and wait until the server has let go of it. */
async function disconnect(socket: TestSocket): Promise<void> {
  const before = server.host.realtime.connectionCount;
  await socket.close();
  await eventually(() => server.host.realtime.connectionCount < before, { what: "the server to see the close" });
}

/**
 * Bob sees one post, disconnects; then three posts he may see (in the public
 * channel) and one he may not (in the private one) are made and delivered to
 * Alice, who sees all four. Answers Bob's connection id and next sequence number.
 */
async function missThree(tag: string): Promise<{ connectionId: string; sequenceNumber: number }> {
  const watcher = await open(seed.alice.token);
  const bob = await open(seed.bob.token);
  const connectionId = String((await bob.waitFor("hello")).data?.connection_id);
  await server.createPost(seed.alice, { channelId: seed.pub.id, message: `${tag} seen` });
  const seen = await bob.waitFor(posted(`${tag} seen`));
  await disconnect(bob);
  for (const n of [1, 2, 3]) await server.createPost(seed.alice, { channelId: seed.pub.id, message: `${tag} missed ${n}` });
  await server.createPost(seed.alice, { channelId: seed.priv.id, message: `${tag} private` });
  await watcher.waitFor(posted(`${tag} private`));
  return { connectionId, sequenceNumber: (seen.seq ?? 0) + 1 };
}

/** Sign in by challenge on a socket opened without a token; resolves on the OK. */
async function signIn(socket: TestSocket, token: string | undefined): Promise<void> {
  const seq = socket.send("authentication_challenge", { token });
  expect(await socket.waitFor((f) => f.seq_reply === seq)).toEqual({ status: "OK", seq_reply: seq });
}

describe("a reconnect with connection_id and sequence_number", () => {
  it("gets exactly the missed events it may see, in order, with the seqs it expects and no hello", async () => {
    const { connectionId, sequenceNumber } = await missThree("resume");
    const again = await open(undefined, `connection_id=${connectionId}&sequence_number=${sequenceNumber}`);
    await signIn(again, seed.bob.token);
    await again.waitFor(posted("resume missed 3"));
    // Live delivery continues the same numbering.
    await server.createPost(seed.alice, { channelId: seed.pub.id, message: "resume live" });
    await again.waitFor(posted("resume live"));
    const events = again.frames.filter((f) => f.event);
    // Every frame continues the numbering the client expects, with no gap and no hello.
    expect(events.map((f) => f.seq)).toEqual(events.map((_, i) => sequenceNumber + i));
    expect(again.events("hello")).toEqual([]);
    // Bob's own status changes (offline when he dropped, online again now) are among them, in an order the
    // presence writes decide; the rest is exactly the missed posts he may see, in order, then the live one.
    expect(events.filter((f) => f.event !== "status_change").map((f) => [f.event, messageOf(f)])).toEqual([
      ["posted", "resume missed 1"],
      ["posted", "resume missed 2"],
      ["posted", "resume missed 3"],
      ["posted", "resume live"],
    ]);
    expect(again.text()).not.toContain("resume private");
  });

  it("sends again the frames the client did not get: a sequence_number behind the server's", async () => {
    const bob = await open(seed.bob.token);
    const connectionId = String((await bob.waitFor("hello")).data?.connection_id);
    for (const n of [1, 2]) await server.createPost(seed.alice, { channelId: seed.pub.id, message: `behind ${n}` });
    const first = await bob.waitFor(posted("behind 1"));
    await bob.waitFor(posted("behind 2"));
    await disconnect(bob);
    // The client says it got only "behind 1" (the other frame was lost with the socket).
    const again = await open(undefined, `connection_id=${connectionId}&sequence_number=${(first.seq ?? 0) + 1}`);
    await signIn(again, seed.bob.token);
    const resent = await again.waitFor(posted("behind 2"));
    expect(resent.seq).toBe((first.seq ?? 0) + 1);
    expect(again.events("hello")).toEqual([]);
  });

  it("gets a fresh hello with a new connection id when the connection is unknown here", async () => {
    await missThree("unknown");
    const again = await open(undefined, "connection_id=zzzzzzzzzzzzzzzzzzzzzzzzzz&sequence_number=2");
    await signIn(again, seed.bob.token);
    const hello = await again.waitFor("hello");
    expect(hello).toMatchObject({ seq: 0, broadcast: { user_id: seed.bob.user.id } });
    expect(hello.data?.connection_id).toMatch(/^[a-z0-9]{26}$/);
    expect(hello.data?.connection_id).not.toBe("zzzzzzzzzzzzzzzzzzzzzzzzzz");
    await server.createPost(seed.alice, { channelId: seed.pub.id, message: "unknown live" });
    await again.waitFor(posted("unknown live"));
    expect(again.events("posted").map(messageOf)).toEqual(["unknown live"]);
  });

  it("gets a fresh hello when its sequence number is too old to be sent again", async () => {
    const bob = await open(seed.bob.token);
    const connectionId = String((await bob.waitFor("hello")).data?.connection_id);
    // More frames than a connection keeps for a resume (Mattermost's dead queue: 128).
    for (let n = 0; n < 130; n++) server.host.realtime.publish("custom_test_tick", { n }, { userId: seed.bob.user.id });
    await bob.waitFor((f) => f.event === "custom_test_tick" && f.data?.n === 129);
    await disconnect(bob);
    const again = await open(undefined, `connection_id=${connectionId}&sequence_number=1`);
    await signIn(again, seed.bob.token);
    const hello = await again.waitFor("hello");
    expect(hello.seq).toBe(0);
    expect(hello.data?.connection_id).not.toBe(connectionId);
    expect(again.events("custom_test_tick")).toEqual([]);
  });

  it("is refused to another user: Olga cannot take over Bob's connection", async () => {
    const { connectionId, sequenceNumber } = await missThree("takeover");
    const olga = await open(undefined, `connection_id=${connectionId}&sequence_number=${sequenceNumber}`);
    await signIn(olga, seed.olga.token);
    const hello = await olga.waitFor("hello");
    expect(hello).toMatchObject({ seq: 0, broadcast: { user_id: seed.olga.user.id } });
    expect(hello.data?.connection_id).not.toBe(connectionId);
    expect(olga.text()).not.toContain("takeover missed");
  });
});

describe("the official @mattermost/client WebSocketClient", () => {
  it("reconnects with its connection id and sequence number and gets what it missed, without reloading", async () => {
    let current: NodeWebSocket | undefined;
    const urls: string[] = [];
    const client = new WebSocketClient({
      newWebSocketFn: (url: string) => {
        urls.push(url);
        current = new NodeWebSocket(url);
        return current as unknown as WebSocket;
      },
      minWebSocketRetryTime: 300,
      reconnectJitterRange: 0,
    });
    const messages: SocketFrame[] = [];
    let reloads = 0;
    let reconnects = 0;
    client.addMessageListener((msg) => void messages.push(msg as SocketFrame));
    client.addMissedMessageListener(() => void (reloads += 1));
    client.addReconnectListener(() => void (reconnects += 1));
    const quiet = console.log;
    console.log = () => {};
    try {
      client.initialize(`${server.url.replace("http", "ws")}/api/v4/websocket`, seed.bob.token);
      await eventually(() => messages.some((m) => m.event === "hello"), { what: "hello" });
      server.host.realtime.publish("custom_test_before", {}, { userId: seed.bob.user.id });
      await eventually(() => messages.some((m) => m.event === "custom_test_before"), { what: "the first event" });
      // The network drops; while the client waits to retry, four events are published, three of them for Bob.
      let framesBeforeDrop = -1;
      const dropped = current;
      client.addCloseListener(() => {
        if (reconnects > 0) return;
        framesBeforeDrop = messages.length;
        for (const n of [1, 2, 3]) server.host.realtime.publish("custom_test_missed", { n }, { userId: seed.bob.user.id });
        server.host.realtime.publish("custom_test_missed", { n: 4 }, { userId: seed.alice.user.id });
      });
      dropped?.terminate();
      await eventually(() => messages.filter((m) => m.event === "custom_test_missed").length === 3, { what: "the missed events" });
      // The client resumes from the frame after the last it had (a status_change of Bob's may be among those).
      expect(urls[1]).toMatch(new RegExp(`connection_id=[a-z0-9]{26}&sequence_number=${framesBeforeDrop}(&|$)`));
      expect(messages.map((m) => m.seq)).toEqual(messages.map((_, i) => i));
      expect(messages.filter((m) => m.event !== "status_change").map((m) => [m.event, m.data?.n])).toEqual([
        ["hello", undefined],
        ["custom_test_before", undefined],
        ["custom_test_missed", 1],
        ["custom_test_missed", 2],
        ["custom_test_missed", 3],
      ]);
      expect(reconnects).toBe(1);
      expect(reloads).toBe(0);
    } finally {
      client.close();
      console.log = quiet;
    }
  });
});
