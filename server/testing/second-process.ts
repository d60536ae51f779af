/**
 * @module testing/second-process
 * Real Sitrep processes (`bin/sitrep.mjs serve`) for tests: one on a test
 * server's PostgreSQL schema, for what crosses between processes (realtime
 * events, cache invalidations, files), or one on its own data directory and
 * database, for what only a whole process shows (a SIGKILL and a restart, the
 * process-level fault handlers). The one way to start, await and stop them.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { eventually } from "./eventually.ts";
import { testDatabaseUrl, type TestServer } from "./harness.ts";

const root = path.resolve(import.meta.dirname, "../..");

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** A running server process: its base URL, what it printed, and how to stop it. */
export interface ServerProcess {
  url: string;
  port: number;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (or the signal) when the process ends. */
  readonly exited: Promise<number | NodeJS.Signals>;
  /** Send a signal and wait for the process to end: `SIGKILL` is the crash no handler sees. */
  kill(signal: NodeJS.Signals): Promise<number | NodeJS.Signals>;
  /** SIGTERM (a clean stop), then SIGKILL after 10 s. */
  close(): Promise<void>;
}

/** Where a server process keeps its workspace, and how it runs. */
export interface ServerProcessProps {
  /** `SITREP_DATA_DIR`: the SQLite file and extracted plugins; kept after the process ends, so a restart finds them. */
  dataDir: string;
  /** A PostgreSQL schema on the test database; SQLite under `dataDir` when absent. */
  pgSchema?: string;
  /** Bundles installed and enabled on first start; none when absent. */
  prepackagedPluginsDir?: string;
  /** A port to listen on (a restart keeps its address); a free one when absent. */
  port?: number;
  /** More environment, e.g. `SITREP_LOG_LEVEL`. */
  env?: Record<string, string>;
}

/**
 * Start `sitrep serve` and wait until it listens.
 * @example const proc = await startServerProcess({ dataDir }); await proc.kill("SIGKILL");
 */
export async function startServerProcess(props: ServerProcessProps): Promise<ServerProcess> {
  const port = props.port ?? (await freePort());
  const empty = path.join(props.dataDir, ".none");
  fs.mkdirSync(empty, { recursive: true });
  const child = spawn(process.execPath, [path.join(root, "bin/sitrep.mjs"), "serve"], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      SITREP_HOST: "127.0.0.1",
      DATABASE_URL: props.pgSchema ? testDatabaseUrl : "",
      SITREP_PG_SCHEMA: props.pgSchema ?? "",
      SITREP_DATA_DIR: props.dataDir,
      SITREP_PREPACKAGED_PLUGINS_DIR: props.prepackagedPluginsDir ?? empty,
      SITREP_PLAYBOOKS_DIR: path.join(empty, "no-playbooks"),
      SITREP_WORKFLOWS_DIR: path.join(empty, "no-workflows"),
      SITREP_LOG_LEVEL: "warn",
      ...props.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | NodeJS.Signals>((resolve) => child.once("exit", (code, signal) => resolve(signal ?? code ?? 0)));
  const kill = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  const close = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await kill("SIGTERM");
    clearTimeout(timer);
  };
  try {
    await eventually(
      () => {
        if (child.exitCode !== null || child.signalCode !== null)
          throw new Error(`the server process exited (${child.exitCode ?? child.signalCode}):\n${output}`);
        return output.includes("listening");
      },
      { ms: 45_000, intervalMs: 50, what: () => `the server process to start:\n${output}` },
    );
  } catch (error) {
    await close();
    throw error;
  }
  return { url: `http://127.0.0.1:${port}`, port, output: () => output, exited, kill, close };
}

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
    const proc = await startServerProcess({ dataDir: path.join(tmp, "data"), pgSchema: server.config.pgSchema, env: props.env });
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
