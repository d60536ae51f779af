/**
 * @module testing/second-process
 * Real Sitrep processes for tests (scripts/server-process.ts): one on a test
 * server's PostgreSQL schema, for what crosses between processes (realtime
 * events, cache invalidations, files), or one on its own data directory and
 * database, for what only a whole process shows (a SIGKILL and a restart, the
 * process-level fault handlers).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startServerProcess, type ServerProcess, type ServerProcessProps } from "../../scripts/server-process.ts";
import { testDatabaseUrl, type TestServer } from "./harness.ts";

export { freePort, startServerProcess, type ServerProcess, type ServerProcessProps } from "../../scripts/server-process.ts";

/** A second process on a test server's workspace; `close` also removes its data directory. */
export type SecondProcess = ServerProcess;

/**
 * Start a second process on `server`'s PostgreSQL schema and wait until it listens.
 * @example const second = await startSecondProcess(server); await TestSocket.open(second.url, { token });
 */
export async function startSecondProcess(
  server: Pick<TestServer, "config">,
  props: Pick<ServerProcessProps, "env"> = {},
): Promise<SecondProcess> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sitrep-second-"));
  try {
    const proc = await startServerProcess({
      dataDir: path.join(tmp, "data"),
      databaseUrl: testDatabaseUrl,
      pgSchema: server.config.pgSchema,
      env: props.env,
    });
    return {
      ...proc,
      async close() {
        await proc.close();
        fs.rmSync(tmp, { recursive: true, force: true });
      },
    };
  } catch (error) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
}
