/**
 * Real alert intake, end to end: a real Prometheus Alertmanager (Debian's
 * `prometheus-alertmanager`) sends its Slack notifications to a Sitrep
 * incoming webhook for ~alerts, and an incident whose playbook forwards
 * `db-prod` from ~alerts gets the copy with a permalink. Another instance's
 * alert reaches ~alerts but is not forwarded.
 *
 * Skipped, saying why, only when the binary is missing outside CI (`.ci/run`
 * installs it, so in CI a missing binary fails the file instead).
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Channel, Post, Team, User } from "#common/wire.ts";
import { FORWARDED_POST_TYPE } from "../../common/forwarded-post.ts";
import type { Incident } from "../../common/types.ts";
import { API, startIncident, startIncidentServer } from "../test-server.ts";
import {
  channelPosts,
  eventually,
  freePort,
  incomingHookSchema,
  itemAt,
  withIdSchema,
  type EventuallyOptions,
  type TestClient,
  type TestServer,
} from "#testing";

const alertmanagerBin = process.env.ALERTMANAGER_PATH ?? "/usr/bin/prometheus-alertmanager";
const haveAlertmanager = fs.existsSync(alertmanagerBin);
const inCi = process.env.CI === "true" || process.env.CI === "1";
const configTemplate = path.join(import.meta.dirname, "testdata", "alertmanager.yml");
/** Every wait in this file gives up after this long. */
const WAIT_MS = 30_000;

if (!haveAlertmanager) {
  const why = `alertmanager.test.ts: ${alertmanagerBin} is missing (apt-get install prometheus-alertmanager, or set ALERTMANAGER_PATH)`;
  if (inCi) throw new Error(`${why}; CI installs it, so this is a broken CI image`);
  console.warn(`${why}; skipping the real-Alertmanager tests`);
}

type Client = TestClient & { user: User };

/** A running Alertmanager process with its log kept for failure messages. */
interface Alertmanager {
  url: string;
  process: ChildProcess;
  log: () => string;
  stop: () => Promise<void>;
}

async function startAlertmanager(props: { dir: string; hookUrl: string }): Promise<Alertmanager> {
  const configFile = path.join(props.dir, "am.yml");
  fs.writeFileSync(configFile, fs.readFileSync(configTemplate, "utf8").replaceAll("__SITREP_HOOK_URL__", props.hookUrl));
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

/** The kit's `eventually` as this file waits: up to WAIT_MS, and Alertmanager's log in the timeout message. */
function withLog(am: Pick<Alertmanager, "log"> | undefined, what: string): EventuallyOptions {
  return { ms: WAIT_MS, intervalMs: 200, what: () => `${what}\n--- Alertmanager log ---\n${am?.log() ?? ""}` };
}

/** Send alerts to Alertmanager's API, as Prometheus does. */
async function fire(
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

describe.skipIf(!haveAlertmanager)("a real Alertmanager posting to a Sitrep incoming webhook", { timeout: 2 * WAIT_MS }, () => {
  let server: TestServer;
  let admin: Client;
  let team: Team;
  let alerts: Channel;
  let hookId: string;
  let incident: Incident;
  let am: Alertmanager | undefined;
  let tmp: string;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sitrep-alertmanager-"));
    server = await startIncidentServer();
    admin = await server.admin();
    team = await server.createTeam(admin);
    alerts = await server.createChannel(admin, { teamId: team.id, name: "alerts" });
    const hook = await admin.post("/api/v4/hooks/incoming", { channel_id: alerts.id, display_name: "Prometheus" }, incomingHookSchema);
    expect(hook.status).toBe(201);
    hookId = hook.body.id;

    const source = ["name: Database outage", "forwarding:", "  - {from: [alerts], keywords: [db-prod], authors: [alertmanager]}"].join(
      "\n",
    );
    const playbook = await admin.post(`${API}/playbooks`, { team_id: team.id, source }, withIdSchema);
    expect(playbook.status, JSON.stringify(playbook.body)).toBe(201);
    incident = await startIncident(admin, { name: "DB latency", team_id: team.id, playbook_id: playbook.body.id });

    am = await startAlertmanager({ dir: tmp, hookUrl: `${server.url}/hooks/${hookId}` });
  });

  afterAll(async () => {
    await am?.stop();
    await server?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** Posts in ~alerts sent by the webhook whose attachments mention `instance`. */
  async function alertPosts(instance: string): Promise<Post[]> {
    return (await channelPosts(admin, alerts.id)).filter(
      (post) => post.props.from_webhook === "true" && JSON.stringify(post.props.attachments ?? []).includes(instance),
    );
  }

  async function forwarded(): Promise<Post[]> {
    await server.host.hooks.idle();
    return (await channelPosts(admin, incident.channel_id)).filter((post) => post.type === FORWARDED_POST_TYPE);
  }

  it("posts a db-prod alert in Slack format to ~alerts and forwards it to the incident with a permalink", async () => {
    await fire(am!, [
      { labels: { alertname: "HighLatency", instance: "db-prod", severity: "critical" }, annotations: { summary: "p99 latency above 2s" } },
    ]);

    const post = await eventually(async () => (await alertPosts("db-prod"))[0], withLog(am, "the db-prod notification in ~alerts"));
    expect(post.props).toMatchObject({ from_webhook: "true", webhook_display_name: "Prometheus", override_username: "alertmanager" });
    const attachments = post.props.attachments as Array<Record<string, unknown>>;
    expect(attachments).toHaveLength(1);
    expect(attachments[0]).toMatchObject({
      title: "[FIRING:1] HighLatency on db-prod",
      color: "danger",
      fields: [
        { title: "instance", value: "db-prod", short: true },
        { title: "severity", value: "critical", short: true },
      ],
      // Slack keys Sitrep does not read are kept with the attachment, not refused.
      actions: [expect.objectContaining({ type: "button", text: "Runbook", url: "http://127.0.0.1/runbooks/HighLatency" })],
      mrkdwn_in: expect.arrayContaining(["text"]),
      title_link: `${am!.url}/#/alerts?receiver=sitrep-alerts`,
    });
    expect(itemAt(attachments, 0, "attachment").text).toContain("*critical* p99 latency above 2s");
    expect(itemAt(attachments, 0, "attachment").text).toContain("instance=db-prod");

    const copy = await eventually(async () => (await forwarded())[0], withLog(am, "the forwarded copy in the incident channel"));
    const permalink = `${server.config.siteUrl}/${team.name}/pl/${post.id}`;
    expect(copy.type).toBe("custom_incident_forwarded");
    expect(copy.props).toMatchObject({
      incident_id: incident.id,
      source_post_id: post.id,
      source_channel_id: alerts.id,
      source_channel_name: "alerts",
      author_name: "alertmanager",
      permalink,
      rule_indexes: [0],
    });
    expect(copy.message).toContain(permalink);
    expect(copy.props.excerpt).toContain("db-prod");
  });

  it("posts a web-staging alert to ~alerts without forwarding it", async () => {
    await fire(am!, [
      {
        labels: { alertname: "HighLatency", instance: "web-staging", severity: "warning" },
        annotations: { summary: "p99 latency above 1s" },
      },
    ]);
    const post = await eventually(async () => (await alertPosts("web-staging"))[0], withLog(am, "the web-staging notification in ~alerts"));
    expect(itemAt(post.props.attachments as Array<{ title: string }>, 0, "attachment").title).toBe("[FIRING:1] HighLatency on web-staging");
    const copies = await forwarded();
    expect(copies.map((copy) => copy.props.source_post_id)).not.toContain(post.id);
    expect(copies.some((copy) => copy.message.includes("web-staging"))).toBe(false);
  });

  it("sends the resolution (send_resolved), which the db-prod rule forwards too", async () => {
    const now = new Date().toISOString();
    await fire(am!, [
      {
        labels: { alertname: "HighLatency", instance: "db-prod", severity: "critical" },
        annotations: { summary: "p99 latency above 2s" },
        endsAt: now,
      },
    ]);
    const resolved = await eventually(
      async () => (await alertPosts("[RESOLVED] HighLatency on db-prod"))[0],
      withLog(am, "the [RESOLVED] db-prod notification in ~alerts"),
    );
    expect(itemAt(resolved.props.attachments as Array<{ color: string }>, 0, "attachment").color).toBe("good");
    const copy = await eventually(
      async () => (await forwarded()).find((p) => p.props.source_post_id === resolved.id),
      withLog(am, "the forwarded resolution"),
    );
    expect(copy.props.permalink).toBe(`${server.config.siteUrl}/${team.name}/pl/${resolved.id}`);
  });
});
