/**
 * A resume across processes on PostgreSQL: a closed connection is kept by the
 * process that served it, so a reconnect that a load balancer sends to
 * another process gets a fresh hello with a new connection id there (the
 * official client reloads, as after a long outage), never a partial or
 * foreign replay; back on the same process it resumes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Post } from "#common/wire.ts";
import {
  eventually,
  officialSocket,
  startSecondProcess,
  startTestServer,
  testDialect,
  type OfficialEvent,
  type SecondProcess,
  type TeamSeed,
  type TestServer,
} from "#testing";

const dataOf = (e: OfficialEvent | undefined) => z.record(z.string(), z.unknown()).parse(e?.data);
const messageOf = (e: OfficialEvent) => (e.event === "posted" ? (JSON.parse(String(dataOf(e).post)) as Post).message : undefined);
const isPost = (message: string) => (e: OfficialEvent) => messageOf(e) === message;
const wsOf = (url: string) => url.replace(/^http/, "ws");

describe.skipIf(testDialect !== "postgres")("a reconnect landing on another process", () => {
  let server: TestServer;
  let second: SecondProcess | undefined;
  let seed: TeamSeed;

  beforeAll(async () => {
    server = await startTestServer();
    seed = await server.seedTeam();
    second = await startSecondProcess(server);
  });
  afterAll(async () => {
    await second?.close();
    await server?.close();
  });

  it("gets a fresh hello with a new connection id there, and nothing of what it missed", async () => {
    const elsewhere = { on: false };
    const bob = await officialSocket(seed.bob, {
      url: (url) => (elsewhere.on && second ? url.replace(wsOf(server.url), wsOf(second.url)) : url),
    });
    const watcher = await officialSocket(seed.alice, { url: (url) => (second ? url.replace(wsOf(server.url), wsOf(second.url)) : url) });
    try {
      const hello = await bob.waitFor("hello");
      await server.createPost(seed.alice, { channelId: seed.pub.id, message: "before the move" });
      await bob.waitFor("posted", isPost("before the move"));
      const open = server.host.realtime.connectionCount;
      bob.client.close();
      await eventually(() => server.host.realtime.connectionCount < open, { what: "the first process to see the close" });
      for (const n of [1, 2, 3]) await server.createPost(seed.alice, { channelId: seed.pub.id, message: `missed ${n}` });
      // Delivered on the other process once Alice's socket there has the last: deliveries keep their order.
      await watcher.waitFor("posted", isPost("missed 3"));
      elsewhere.on = true;
      bob.client.initialize(`${wsOf(server.url)}/api/v4/websocket`, seed.bob.token ?? "");
      const fresh = await bob.waitFor("hello", (e) => e !== hello);
      expect(bob.urls[1]).toMatch(new RegExp(`connection_id=${String(dataOf(hello).connection_id)}&sequence_number=\\d+`));
      expect(fresh.seq).toBe(0);
      expect(dataOf(fresh).connection_id).toMatch(/^[a-z0-9]{26}$/);
      expect(dataOf(fresh).connection_id).not.toBe(dataOf(hello).connection_id);
      expect(bob.reloads()).toBe(1);
      // Live delivery goes on from the other process.
      await server.createPost(seed.alice, { channelId: seed.pub.id, message: "after the move" });
      await bob.waitFor("posted", isPost("after the move"));
      expect(bob.events.flatMap((e) => messageOf(e) ?? [])).toEqual(["before the move", "after the move"]);
    } finally {
      bob.close();
      watcher.close();
    }
  });

  it("resumes on the process that kept the connection", async () => {
    const bob = await officialSocket(seed.bob);
    const watcher = await officialSocket(seed.alice);
    try {
      await bob.waitFor("hello");
      const open = server.host.realtime.connectionCount;
      bob.client.close();
      await eventually(() => server.host.realtime.connectionCount < open, { what: "the close" });
      for (const n of [1, 2, 3]) await server.createPost(seed.alice, { channelId: seed.pub.id, message: `kept ${n}` });
      await watcher.waitFor("posted", isPost("kept 3"));
      bob.client.initialize(`${wsOf(server.url)}/api/v4/websocket`, seed.bob.token ?? "");
      await bob.waitFor("posted", isPost("kept 3"));
      expect(bob.events.filter((e) => e.event === "hello")).toHaveLength(1);
      expect(bob.events.flatMap((e) => messageOf(e) ?? [])).toEqual(["kept 1", "kept 2", "kept 3"]);
      expect(bob.reloads()).toBe(0);
    } finally {
      bob.close();
      watcher.close();
    }
  });
});
