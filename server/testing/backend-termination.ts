/**
 * @module testing/backend-termination
 * A PostgreSQL fault under load, for the test that proves it survived
 * (server/db/termination-under-load.test.ts) and the figures of
 * `npm run bench -- hardening`: two Sitrep processes on one workspace post
 * without pause while every backend of the workspace — both pools and both
 * LISTEN connections, found by their `application_name` — is terminated, a
 * few times; a socket on each process counts the acknowledged posts it saw.
 */
import pg from "pg";
import { postSchema } from "#common/wire-schemas.ts";
import { pgApplicationName } from "../db/index.ts";
import { eventually } from "./eventually.ts";
import { expectBody } from "./expect-body.ts";
import { testDatabaseUrl, TestClient, type TeamSeed } from "./harness.ts";
import { TestSocket } from "./socket.ts";

/** What a run saw. */
export interface TerminationReport {
  /** Ids of the posts answered 201. */
  acknowledged: string[];
  /** The status (or the error) of every request that failed. */
  failures: Array<number | string>;
  /** Backends ended by each termination. */
  ended: number[];
  /** Acknowledged posts missing from a socket, summed over both processes' sockets. */
  lost: number;
}

/**
 * Post on both processes (`concurrency` requests in flight on each) for `loadMs`, terminating every
 * backend of the workspace `terminations` times meanwhile; then wait (up to 20 s) for every
 * acknowledged post on both sockets, and count those that never came.
 */
export async function backendTerminationRun(props: {
  urls: readonly [string, string];
  pgSchema: string;
  seed: Pick<TeamSeed, "alice" | "bob" | "pub">;
  terminations: number;
  loadMs: number;
  concurrency: number;
}): Promise<TerminationReport> {
  const { seed } = props;
  const admin = new pg.Client({ connectionString: testDatabaseUrl });
  await admin.connect();
  const sockets = await Promise.all(props.urls.map((url) => TestSocket.open(url, { token: seed.bob.token })));
  try {
    const name = pgApplicationName(props.pgSchema);
    const terminateAll = async () =>
      (
        await admin.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 OR starts_with(application_name, $1 || '/')",
          [name],
        )
      ).rowCount ?? 0;
    const acknowledged: string[] = [];
    const failures: Array<number | string> = [];
    let stop = false;
    let n = 0;
    const worker = async (client: TestClient) => {
      while (!stop) {
        try {
          const res = await client.post("/api/v4/posts", { channel_id: seed.pub.id, message: `load ${n++}` });
          if (res.status === 201) acknowledged.push(expectBody(res, postSchema).id);
          else failures.push(res.status);
        } catch (error) {
          failures.push(String(error));
        }
      }
    };
    const posters = props.urls.map((url) => new TestClient(url, seed.alice.token, seed.alice.user));
    const load = posters.flatMap((client) => Array.from({ length: props.concurrency }, () => worker(client)));
    const pause = () => new Promise((resolve) => setTimeout(resolve, props.loadMs / (props.terminations + 1)));
    const ended: number[] = [];
    for (let i = 0; i < props.terminations; i++) {
      await pause();
      ended.push(await terminateAll());
    }
    await pause();
    stop = true;
    await Promise.all(load);
    const seen = (socket: TestSocket) => new Set(socket.events("posted").map((f) => postSchema.parse(JSON.parse(String(f.data?.post))).id));
    const missing = () => sockets.reduce((sum, socket) => sum + acknowledged.filter((id) => !seen(socket).has(id)).length, 0);
    await eventually(() => missing() === 0, {
      ms: 20_000,
      what: () => `every acknowledged post on both sockets (missing ${missing()})`,
    }).catch(() => undefined);
    return { acknowledged, failures, ended, lost: missing() };
  } finally {
    for (const socket of sockets) await socket.close();
    await admin.end();
  }
}
