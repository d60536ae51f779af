/**
 * @module testing/second-process
 * A second real Sitrep process (`bin/sitrep.mjs serve`) on a test server's
 * PostgreSQL schema, for tests of what crosses between processes (realtime
 * events, cache invalidations, files): the one way to start, await and stop it.
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

/** A running second process: its base URL, what it printed, and how to stop it. */
export interface SecondProcess {
  url: string;
  output(): string;
  /** SIGTERM, then SIGKILL after 10 s; removes its data directory. */
  close(): Promise<void>;
}

/**
 * Start a second process on `server`'s PostgreSQL schema and wait until it listens;
 * `env` sets more of its variables (a limit the test needs low).
 * @example const second = await startSecondProcess(server); await TestSocket.open(second.url, { token });
 */
export async function startSecondProcess(
  server: Pick<TestServer, "config">,
  props: { env?: Record<string, string> } = {},
): Promise<SecondProcess> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sitrep-second-"));
  fs.mkdirSync(path.join(tmp, "prepackaged"));
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(root, "bin/sitrep.mjs"), "serve"], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      SITREP_HOST: "127.0.0.1",
      DATABASE_URL: testDatabaseUrl,
      SITREP_PG_SCHEMA: server.config.pgSchema,
      SITREP_DATA_DIR: path.join(tmp, "data"),
      SITREP_PREPACKAGED_PLUGINS_DIR: path.join(tmp, "prepackaged"),
      SITREP_PLAYBOOKS_DIR: path.join(tmp, "no-playbooks"),
      SITREP_WORKFLOWS_DIR: path.join(tmp, "no-workflows"),
      SITREP_LOG_LEVEL: "warn",
      ...props.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const close = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  try {
    await eventually(
      () => {
        if (child.exitCode !== null) throw new Error(`the second process exited (${child.exitCode}):\n${output}`);
        return output.includes("listening");
      },
      { ms: 45_000, intervalMs: 50, what: () => `the second process to start:\n${output}` },
    );
  } catch (error) {
    await close();
    throw error;
  }
  return { url: `http://127.0.0.1:${port}`, output: () => output, close };
}
