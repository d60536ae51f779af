/**
 * @module incident/server/testdata/alertmanager-process
 * A real Prometheus Alertmanager (Debian's `prometheus-alertmanager`) for the
 * tests that send real notifications to Sitrep: forwarding of its Slack
 * messages, and alert intake of its `webhook_configs`. Started on a free
 * loopback port with a configuration the test writes, its log kept for
 * failure messages.
 *
 * `requireAlertmanager` tells a file whether to skip: only when the binary is
 * missing outside CI (`.ci/run` installs it, so in CI a missing binary fails
 * the file instead).
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import { eventually, freePort, type EventuallyOptions } from "#testing";

const alertmanagerBin = process.env.ALERTMANAGER_PATH ?? "/usr/bin/prometheus-alertmanager";
/** Every wait on Alertmanager gives up after this long. */
export const ALERTMANAGER_WAIT_MS = 30_000;

/** True when the binary is there; false (with a warning) outside CI; throws in CI, where it must be. */
export function requireAlertmanager(file: string): boolean {
  if (fs.existsSync(alertmanagerBin)) return true;
  const why = `${file}: ${alertmanagerBin} is missing (apt-get install prometheus-alertmanager, or set ALERTMANAGER_PATH)`;
  if (process.env.CI === "true" || process.env.CI === "1") throw new Error(`${why}; CI installs it, so this is a broken CI image`);
  console.warn(`${why}; skipping the real-Alertmanager tests`);
  return false;
}

/** A running Alertmanager process with its log kept for failure messages. */
export interface Alertmanager {
  url: string;
  process: ChildProcess;
  log: () => string;
  stop: () => Promise<void>;
}

/** Start Alertmanager with `config` (YAML) under `dir` and wait until it is ready. */
export async function startAlertmanager(props: { dir: string; config: string }): Promise<Alertmanager> {
  const configFile = path.join(props.dir, "am.yml");
  fs.writeFileSync(configFile, props.config);
  const port = await freePort();
  const child = spawn(
    alertmanagerBin,
    [
      `--config.file=${configFile}`,
      `--storage.path=${path.join(props.dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--web.external-url=http://127.0.0.1:${port}`,
      "--cluster.listen-address=",
      "--log.level=debug",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const am: Alertmanager = {
    url: `http://127.0.0.1:${port}`,
    process: child,
    log: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
  await eventually(
    async () => {
      if (child.exitCode !== null) throw new Error(`Alertmanager exited with code ${child.exitCode}:\n${output}`);
      const res = await fetch(`${am.url}/-/ready`).catch(() => undefined);
      return res?.status === 200 ? true : undefined;
    },
    withLog(am, "Alertmanager to answer GET /-/ready"),
  );
  return am;
}

/** The kit's `eventually` as these tests wait: up to ALERTMANAGER_WAIT_MS, and Alertmanager's log in the timeout message. */
export function withLog(am: Pick<Alertmanager, "log"> | undefined, what: string): EventuallyOptions {
  return { ms: ALERTMANAGER_WAIT_MS, intervalMs: 200, what: () => `${what}\n--- Alertmanager log ---\n${am?.log() ?? ""}` };
}

/** Send alerts to Alertmanager's API, as Prometheus does. */
export async function fireAlerts(
  am: Alertmanager,
  alerts: Array<{ labels: Record<string, string>; annotations?: Record<string, string>; endsAt?: string }>,
): Promise<void> {
  const res = await fetch(`${am.url}/api/v2/alerts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(alerts.map((alert) => ({ generatorURL: "http://127.0.0.1/graph", ...alert }))),
  });
  expect(res.status, await res.clone().text()).toBe(200);
}
