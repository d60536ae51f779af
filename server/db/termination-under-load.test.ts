/**
 * Two Sitrep processes on one PostgreSQL workspace, posting under load, while
 * every backend of the workspace (pools and LISTEN connections, found by
 * their `application_name`) is terminated, twice: both processes keep
 * serving, the requests that fail are few (those in flight at the moment,
 * each a 503), and every acknowledged post reaches the sockets of both
 * processes — events lost: 0.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  backendTerminationRun,
  startSecondProcess,
  startTestServer,
  testDialect,
  type SecondProcess,
  type TeamSeed,
  type TestServer,
} from "#testing";

/** Posting requests in flight per process. */
const CONCURRENCY = 4;
/** How many times every backend is terminated, and how long the load runs around that. */
const TERMINATIONS = 2;
const LOAD_MS = 3_000;

describe.skipIf(testDialect !== "postgres")("terminating a workspace's backends under load, with two processes", () => {
  let server: TestServer;
  let second: SecondProcess;
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

  it("keeps both serving, fails few requests, and loses no event", async () => {
    const run = await backendTerminationRun({
      urls: [server.url, second.url],
      pgSchema: server.config.pgSchema ?? "",
      seed,
      terminations: TERMINATIONS,
      loadMs: LOAD_MS,
      concurrency: CONCURRENCY,
    });
    // Each termination ended both pools and both listeners.
    for (const count of run.ended) expect(count).toBeGreaterThanOrEqual(4);
    expect(run.lost).toBe(0);
    expect(run.acknowledged.length).toBeGreaterThan(0);
    // Only the requests in flight at a termination may fail, and they are told the database was unreachable.
    expect(run.failures.length).toBeLessThanOrEqual(TERMINATIONS * 2 * CONCURRENCY);
    expect(run.failures.every((f) => f === 503)).toBe(true);
    for (const url of [server.url, second.url]) expect((await fetch(`${url}/api/v4/system/ping`)).status).toBe(200);
  });
});
