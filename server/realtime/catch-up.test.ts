/**
 * Two servers on one PostgreSQL schema: when server B's LISTEN connection is
 * terminated while server A publishes, B reads what it missed back from the
 * realtime log once it listens again, so B's clients lose no event.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Post } from "#common/wire.ts";
import {
  eventually,
  startTestServer,
  testDatabaseUrl,
  testDialect,
  TestSocket,
  type SocketFrame,
  type TeamSeed,
  type TestServer,
} from "#testing";
import { PgBus } from "./bus.ts";
import { LOGGED_EVENTS_MAX_AGE_MS, LoggedEvents } from "./event-log.ts";

const messageOf = (f: SocketFrame) => (JSON.parse(String(f.data?.post)) as Post).message;
const posted = (message: string) => (f: SocketFrame) => f.event === "posted" && messageOf(f) === message;

describe.skipIf(testDialect !== "postgres")("a process whose LISTEN connection dropped", () => {
  let a: TestServer;
  let b: TestServer;
  let seed: TeamSeed;
  let admin: pg.Client;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    a = await startTestServer();
    b = await startTestServer({ pgSchema: a.config.pgSchema });
    seed = await a.seedTeam();
    admin = new pg.Client({ connectionString: testDatabaseUrl });
    await admin.connect();
  });
  afterAll(async () => {
    for (const s of sockets) await s.close();
    await admin?.end();
    await b?.close();
    await a?.close();
  });

  /** The backend pids of server B's LISTEN connection. */
  async function listenerPids(): Promise<number[]> {
    if (!(b.host.bus instanceof PgBus)) throw new Error("server B has no PostgreSQL bus");
    const rows = await admin.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE application_name = $1", [
      b.host.bus.listenerName,
    ]);
    return rows.rows.map((r) => r.pid);
  }

  it("catches up from the log: B's client gets every event A published meanwhile, once, in order", async () => {
    const onB = await TestSocket.open(b.url, { token: seed.bob.token });
    const onA = await TestSocket.open(a.url, { token: seed.alice.token });
    sockets.push(onB, onA);
    await a.createPost(seed.alice, { channelId: seed.pub.id, message: "before the gap" });
    await onB.waitFor(posted("before the gap"));

    const [pid] = await listenerPids();
    expect(pid).toBeDefined();
    await admin.query("SELECT pg_terminate_backend($1)", [pid]);
    await eventually(async () => !(await listenerPids()).includes(pid ?? -1), { what: "B's listener to be gone" });

    for (const n of [1, 2, 3]) await a.createPost(seed.alice, { channelId: seed.pub.id, message: `in the gap ${n}` });
    await a.createPost(seed.alice, { channelId: seed.priv.id, message: "in the gap, private" });
    // A's own listener saw them all: they were published while B was not listening.
    await onA.waitFor(posted("in the gap, private"));

    await onB.waitFor(posted("in the gap 3"), 10_000);
    expect((await listenerPids()).length).toBe(1);
    await a.createPost(seed.alice, { channelId: seed.pub.id, message: "after the gap" });
    await onB.waitFor(posted("after the gap"));
    expect(onB.events("posted").map(messageOf)).toEqual([
      "before the gap",
      "in the gap 1",
      "in the gap 2",
      "in the gap 3",
      "after the gap",
    ]);
    expect(onB.text()).not.toContain("in the gap, private");
    const seqs = onB.frames.filter((f) => f.seq !== undefined).map((f) => f.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i));
  });

  it("trims the log table by age", async () => {
    const log = new LoggedEvents(a.host.db);
    const stale = await a.host.db
      .insertInto("realtime_events")
      .values({ payload: "{}", create_at: Date.now() - LOGGED_EVENTS_MAX_AGE_MS - 1000 })
      .returning("seq")
      .executeTakeFirstOrThrow();
    const [fresh = 0] = await log.appendAll([{ event: "custom_test_fresh", data: {}, broadcast: { all: true } }]);
    await log.trim();
    const left = await a.host.db.selectFrom("realtime_events").select("seq").where("seq", "in", [stale.seq, fresh]).execute();
    expect(left.map((r) => r.seq)).toEqual([fresh]);
  });
});
