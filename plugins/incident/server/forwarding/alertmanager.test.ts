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
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Channel, Post, Team, User } from "#common/wire.ts";
import { FORWARDED_POST_TYPE } from "../../common/forwarded-post.ts";
import type { Incident } from "../../common/types.ts";
import { API, startIncident, startIncidentServer } from "../test-server.ts";
import {
  ALERTMANAGER_WAIT_MS as WAIT_MS,
  fireAlerts as fire,
  requireAlertmanager,
  startAlertmanager,
  withLog,
  type Alertmanager,
} from "../testdata/alertmanager-process.ts";
import { channelPosts, eventually, incomingHookSchema, itemAt, withIdSchema, type TestClient, type TestServer } from "#testing";

const haveAlertmanager = requireAlertmanager("alertmanager.test.ts");
const configTemplate = path.join(import.meta.dirname, "testdata", "alertmanager.yml");

type Client = TestClient & { user: User };

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

    const config = fs.readFileSync(configTemplate, "utf8").replaceAll("__SITREP_HOOK_URL__", `${server.url}/hooks/${hookId}`);
    am = await startAlertmanager({ dir: tmp, config });
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
