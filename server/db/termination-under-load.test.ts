/**
 * Two Sitrep processes on one PostgreSQL workspace, posting under load, while
 * every backend of the workspace (pools and LISTEN connections, found by
 * their `application_name`) is terminated, twice: both processes keep
 * serving, the requests that fail are few (those in flight at the moment,
 * each a 503), and every acknowledged post reaches the sockets of both
 * processes — events lost: 0.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postSchema } from "#common/wire-schemas.ts";
import {
  eventually,
  expectBody,
  startSecondProcess,
  startTestServer,
  testDatabaseUrl,
  testDialect,
  TestClient,
  TestSocket,
  type SecondProcess,
  type TeamSeed,
  type TestServer,
} from "#testing";
import { pgApplicationName } from "./index.ts";

/** Posting requests in flight per process. */
const CONCURRENCY = 4;
/** How many times every backend is terminated, and how long the load runs around that. */
const TERMINATIONS = 2;
const LOAD_MS = 3_000;

describe.skipIf(testDialect !== "postgres")("terminating a workspace's backends under load, with two processes", () => {
  let server: TestServer;
  let second: SecondProcess;
  let seed: TeamSeed;
  let admin: pg.Client;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    seed = await server.seedTeam();
    second = await startSecondProcess(server);
    admin = new pg.Client({ connectionString: testDatabaseUrl });
    await admin.connect();
  });
  afterAll(async () => {
    for (const socket of sockets) await socket.close();
    await admin?.end();
    await second?.close();
    await server?.close();
  });

  /** End every backend of the workspace: both pools (`sitrep-<schema>`) and both listeners (`sitrep-<schema>/<process>`). */
  async function terminateAll(): Promise<number> {
    const name = pgApplicationName(server.config.pgSchema ?? "");
    const ended = await admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 OR starts_with(application_name, $1 || '/')",
      [name],
    );
    return ended.rowCount ?? 0;
  }

  it("keeps both serving, fails few requests, and loses no event", async () => {
    const onHere = await TestSocket.open(server.url, { token: seed.bob.token });
    const onSecond = await TestSocket.open(second.url, { token: seed.bob.token });
    sockets.push(onHere, onSecond);
    const posters = [server.url, second.url].map((url) => new TestClient(url, seed.alice.token, seed.alice.user));

    const acknowledged: string[] = [];
    const failures: Array<number | string> = [];
    let stop = false;
    let n = 0;
    const worker = async (client: TestClient) => {
      while (!stop) {
        const message = `load ${n++}`;
        try {
          const res = await client.post("/api/v4/posts", { channel_id: seed.pub.id, message });
          if (res.status === 201) acknowledged.push(expectBody(res, postSchema).id);
          else failures.push(res.status);
        } catch (error) {
          failures.push(String(error));
        }
      }
    };
    const load = posters.flatMap((client) => Array.from({ length: CONCURRENCY }, () => worker(client)));
    const ended: number[] = [];
    for (let i = 0; i < TERMINATIONS; i++) {
      await new Promise((resolve) => setTimeout(resolve, LOAD_MS / (TERMINATIONS + 1)));
      ended.push(await terminateAll());
    }
    await new Promise((resolve) => setTimeout(resolve, LOAD_MS / (TERMINATIONS + 1)));
    stop = true;
    await Promise.all(load);

    // Each termination ended both pools and both listeners.
    for (const count of ended) expect(count).toBeGreaterThanOrEqual(4);
    const seen = (socket: TestSocket) => new Set(socket.events("posted").map((f) => postSchema.parse(JSON.parse(String(f.data?.post))).id));
    await eventually(() => acknowledged.every((id) => seen(onHere).has(id) && seen(onSecond).has(id)), {
      ms: 20_000,
      what: () =>
        `every acknowledged post on both sockets (missing ${acknowledged.filter((id) => !seen(onHere).has(id) || !seen(onSecond).has(id)).length})`,
    });
    const lost = acknowledged.filter((id) => !seen(onHere).has(id)).length + acknowledged.filter((id) => !seen(onSecond).has(id)).length;
    console.log(
      `PostgreSQL termination under load, two processes, ${TERMINATIONS} terminations of every backend: ` +
        `${acknowledged.length} posts acknowledged, ${failures.length} requests failed during the gaps (${[...new Set(failures)].join(", ") || "none"}), events lost: ${lost}`,
    );
    expect(lost).toBe(0);
    expect(acknowledged.length).toBeGreaterThan(0);
    // Only the requests in flight at a termination may fail, and they are told the database was unreachable.
    expect(failures.length).toBeLessThanOrEqual(TERMINATIONS * posters.length * CONCURRENCY);
    expect(failures.every((f) => f === 503)).toBe(true);
    for (const url of [server.url, second.url]) expect((await fetch(`${url}/api/v4/system/ping`)).status).toBe(200);
  });
});
