/**
 * @module scripts/server-process
 * A real Sitrep process (`bin/sitrep.mjs serve`) started from code, for the
 * tests and benchmarks that need a whole process: a second process on one
 * PostgreSQL workspace, a SIGKILL and a restart on the same data, the
 * process-level fault handlers. The one way to start, await and stop one;
 * the test kit (`#testing`) offers it to tests.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
/** How long a process may take to listen (tsx compiles the server on start; CI machines are slow). */
const START_TIMEOUT_MS = 45_000;

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
  /** The operating system's id of the process (for its CPU time and memory in /proc). */
  pid: number;
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
  /** PostgreSQL (`DATABASE_URL`); SQLite under `dataDir` when absent. */
  databaseUrl?: string;
  /** The schema on it (`SITREP_PG_SCHEMA`), created on first start. */
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
      DATABASE_URL: props.databaseUrl ?? "",
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
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!output.includes("listening")) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`the server process exited (${child.exitCode ?? child.signalCode}):\n${output}`);
      if (Date.now() > deadline) throw new Error(`the server process did not start within ${START_TIMEOUT_MS / 1000} s:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { url: `http://127.0.0.1:${port}`, port, pid: child.pid ?? 0, output: () => output, exited, kill, close };
}
