/**
 * Presence across processes (services/presence.ts): a process's heartbeat
 * takes away the presence rows of processes that stopped refreshing theirs,
 * and answers who is offline because of it — so a crashed process's users
 * get their `status_change` offline — while a user with a live row anywhere
 * stays online. On both dialects.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "#testing";
import { onlineUserIds, PRESENCE_STALE_MS, presenceHeartbeat, presenceJoined } from "./presence.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

describe("presenceHeartbeat", () => {
  it("takes away a stopped process's rows and answers the users offline now, not those online on a live process", async () => {
    const [gone, stillHere, fresh] = [await server.createUser(), await server.createUser(), await server.createUser()];
    const long = Date.now() - PRESENCE_STALE_MS - 1000;
    await server.host.db
      .insertInto("user_presence")
      .values([
        { process_id: "crashed-process", user_id: gone.user.id, seen_at: long },
        { process_id: "crashed-process", user_id: stillHere.user.id, seen_at: long },
      ])
      .execute();
    expect(await presenceJoined(server.host, { processId: "live-process", userId: stillHere.user.id })).toBe(true);
    expect(await presenceJoined(server.host, { processId: "live-process", userId: fresh.user.id })).toBe(true);

    expect(await presenceHeartbeat(server.host, { processId: "live-process" })).toEqual([gone.user.id]);
    const rows = await server.host.db.selectFrom("user_presence").select(["process_id", "user_id"]).execute();
    expect(rows.filter((r) => r.process_id === "crashed-process")).toEqual([]);
    expect([...(await onlineUserIds(server.host, [gone.user.id, stillHere.user.id, fresh.user.id]))].sort()).toEqual(
      [stillHere.user.id, fresh.user.id].sort(),
    );
    // The rows are gone: a second heartbeat (this process's or another's) tells nobody again.
    expect(await presenceHeartbeat(server.host, { processId: "live-process" })).toEqual([]);
  });
});
