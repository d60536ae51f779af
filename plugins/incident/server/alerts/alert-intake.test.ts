/**
 * Alert sources and intake through the real server: who manages sources,
 * the token shown once, a firing group starting one incident with the
 * source's people, re-sends counted but not posted, news and the resolution
 * posted (and the end, when the source says so), Grafana's documented
 * webhook body, and bad, oversized or wrongly addressed notifications that
 * change nothing.
 */
import fs from "node:fs";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiErrorBodySchema } from "#common/wire-schemas.ts";
import { channelPosts, expectBody, type TeamSeed, type TestServer, type UserClient } from "#testing";
import {
  alertIntakeAnswerSchema,
  alertSourceAnswerSchema,
  alertSourceListSchema,
  type AlertSourceCreated,
} from "../../common/alert-types.ts";
import { incidentAnswerSchema, pageAnswerSchema, type Incident } from "../../common/types.ts";
import { API, applyPlaybook, startIncidentServer, timelineOf } from "../test-server.ts";
import { alertmanagerBody, createAlertSource, intakePath } from "./testdata/alert-kit.ts";

let server: TestServer;
let admin: UserClient;
let seed: TeamSeed;
let playbookId: string;

beforeAll(async () => {
  server = await startIncidentServer();
  admin = await server.admin();
  seed = await server.seedTeam();
  playbookId = await applyPlaybook(seed.alice, {
    teamId: seed.team.id,
    source: ["name: Database outage", "severities: [P1, P2, P3]", "default_severity: P3", "stages: [{name: Triage}, {name: Fix}]"].join(
      "\n",
    ),
  });
});
afterAll(async () => server?.close());

async function incidents(): Promise<Incident[]> {
  const res = await seed.alice.get(`${API}/incidents?team_id=${seed.team.id}&per_page=200`, pageAnswerSchema(incidentAnswerSchema));
  expect(res.status).toBe(200);
  return res.body.items;
}

async function send(source: Pick<AlertSourceCreated, "url">, body: unknown) {
  return server.anonymous.post(intakePath(source), body);
}

describe("alert sources", () => {
  it("are made by team admins, answer the URL once, and list without tokens", async () => {
    const created = await createAlertSource(seed.alice, {
      team_id: seed.team.id,
      name: "Prometheus",
      kind: "alertmanager",
      playbook_id: playbookId,
    });
    expect(created).toMatchObject({
      name: "Prometheus",
      kind: "alertmanager",
      playbook_id: playbookId,
      created_by: seed.alice.user.id,
      end_on_resolve: false,
    });
    expect(created.url).toMatch(new RegExp(`^${server.config.siteUrl}/plugins/incident/api/v1/alerts/[A-Za-z0-9_-]{43}$`));

    const list = await seed.alice.get(`${API}/alert-sources?team_id=${seed.team.id}`, alertSourceListSchema);
    expect(list.status).toBe(200);
    expect(list.body.items.map((s) => s.name)).toContain("Prometheus");
    const token = created.url.split("/").at(-1) ?? "";
    expect(JSON.stringify(list.body)).not.toContain(token);
    const one = await seed.alice.get(`${API}/alert-sources/${created.id}`, alertSourceAnswerSchema);
    expect(one.status).toBe(200);
    expect(JSON.stringify(one.body)).not.toContain(token);
    expect(one.body).not.toHaveProperty("url");

    // System admins manage every team's sources.
    expect((await admin.get(`${API}/alert-sources/${created.id}`)).status).toBe(200);
  });

  it("are refused to team members who are not admins (403), to outsiders (404) and to anonymous callers (401)", async () => {
    const body = { team_id: seed.team.id, name: "Bob's", kind: "alertmanager" };
    const bob = await seed.bob.post(`${API}/alert-sources`, body);
    expect(bob.status).toBe(403);
    expect(expectBody(bob, apiErrorBodySchema).message).toBe(
      `Only team admins of ${seed.team.display_name} and system admins manage its alert sources.`,
    );
    const olga = await seed.olga.post(`${API}/alert-sources`, body);
    expect(olga.status).toBe(404);
    expect(expectBody(olga, apiErrorBodySchema).message).toBe(`team_id: no team with id ${seed.team.id} that you belong to`);
    expect((await server.anonymous.post(`${API}/alert-sources`, body)).status).toBe(401);

    const source = await createAlertSource(seed.alice, { team_id: seed.team.id, name: "Guarded", kind: "grafana" });
    for (const [client, status] of [
      [seed.bob, 403],
      [seed.olga, 404],
    ] as const) {
      expect((await client.get(`${API}/alert-sources/${source.id}`)).status).toBe(status);
      expect((await client.patch(`${API}/alert-sources/${source.id}`, { rotate_token: true })).status).toBe(status);
      expect((await client.delete(`${API}/alert-sources/${source.id}`)).status).toBe(status);
      expect((await client.get(`${API}/alert-sources?team_id=${seed.team.id}`)).status).toBe(status);
    }
    // Nothing they tried changed it: the URL still works.
    expect((await send(source, JSON.parse(grafanaFixture()))).status).toBe(201);
  });

  it("refuse bad settings with a 400 naming the field, and a taken name with a 409", async () => {
    const bad = await seed.alice.post(`${API}/alert-sources`, { team_id: seed.team.id, name: "X", kind: "pagerduty" });
    expect(bad.status).toBe(400);
    expect(expectBody(bad, apiErrorBodySchema).message).toBe("kind: must be one of alertmanager, grafana");
    const label = await seed.alice.post(`${API}/alert-sources`, {
      team_id: seed.team.id,
      name: "X",
      kind: "grafana",
      severity_label: "a b",
    });
    expect(expectBody(label, apiErrorBodySchema).message).toBe("severity_label: must be a label name (letters, digits and _)");
    const outsider = await seed.alice.post(`${API}/alert-sources`, {
      team_id: seed.team.id,
      name: "X",
      kind: "grafana",
      commander_user_id: seed.olga.user.id,
    });
    expect(outsider.status).toBe(400);
    expect(expectBody(outsider, apiErrorBodySchema).message).toBe(
      `commander_user_id: @${seed.olga.user.username} is not a member of the incident's team`,
    );
    await createAlertSource(seed.alice, { team_id: seed.team.id, name: "Twice", kind: "grafana" });
    const twice = await seed.alice.post(`${API}/alert-sources`, { team_id: seed.team.id, name: "Twice", kind: "alertmanager" });
    expect(twice.status).toBe(409);
    expect(expectBody(twice, apiErrorBodySchema).message).toBe('name: the team already has an alert source named "Twice"');
  });

  it("rotate the token: the new URL works, the old one answers 404; a deleted source's URL answers 404", async () => {
    const source = await createAlertSource(seed.alice, { team_id: seed.team.id, name: "Rotating", kind: "alertmanager" });
    const rotated = await seed.alice.patch(`${API}/alert-sources/${source.id}`, { rotate_token: true });
    expect(rotated.status).toBe(200);
    const fresh = expectBody(rotated, alertSourceAnswerSchema.extend({ url: alertSourceAnswerSchema.shape.name }));
    expect(fresh.url).not.toBe(source.url);
    const body = alertmanagerBody({ group: "rotate", alerts: [{ labels: { alertname: "Rotated" } }] });
    const old = await send(source, body);
    expect(old.status).toBe(404);
    expect(expectBody(old, apiErrorBodySchema).message).toBe("alert source: no alert source has this URL");
    expect((await send(fresh, body)).status).toBe(201);

    const deleted = await seed.alice.delete(`${API}/alert-sources/${source.id}`);
    expect(deleted.status).toBe(200);
    expect((await send(fresh, body)).status).toBe(404);
    expect((await seed.alice.get(`${API}/alert-sources/${source.id}`)).status).toBe(404);
  });
});

describe("Alertmanager intake", () => {
  let source: AlertSourceCreated;
  let incident: Incident;
  const firing = alertmanagerBody({
    group: "db-latency",
    alerts: [{ labels: { alertname: "HighLatency", instance: "db-prod", severity: "critical" }, annotations: { summary: "p99 above 2s" } }],
    commonAnnotations: { summary: "Database p99 latency above 2s" },
  });

  beforeAll(async () => {
    source = await createAlertSource(seed.alice, {
      team_id: seed.team.id,
      name: "Prometheus prod",
      kind: "alertmanager",
      playbook_id: playbookId,
      severity_label: "severity",
      commander_user_id: seed.bob.user.id,
      invite: [seed.alice.user.id],
    });
  });

  it("starts one incident from a firing group: the playbook, the summary as name, the mapped severity, the source's people", async () => {
    const res = await send(source, firing);
    expect(res.status).toBe(201);
    const answer = expectBody(res, alertIntakeAnswerSchema);
    expect(answer.outcome).toBe("started");
    const found = (await incidents()).find((i) => i.id === answer.incident_id);
    if (!found) throw new Error("the started incident is not listed");
    incident = found;
    expect(incident).toMatchObject({
      name: "Database p99 latency above 2s",
      playbook_id: playbookId,
      severity: "P1",
      commander_user_id: seed.bob.user.id,
      status: "active",
    });
    expect(incident.channel_name).toMatch(/^alert-\d+-database-p99-latency-above-2s$/);
    const members = await server.host.db
      .selectFrom("channel_members")
      .select("user_id")
      .where("channel_id", "=", incident.channel_id)
      .execute();
    expect(members.map((m) => m.user_id)).toEqual(expect.arrayContaining([seed.bob.user.id, seed.alice.user.id]));

    const posts = await channelPosts(seed.bob, incident.channel_id);
    expect(posts.map((p) => p.message)).toEqual(
      expect.arrayContaining([
        expect.stringContaining("The alert source **Prometheus prod** started the incident **Database p99 latency above 2s**."),
        expect.stringContaining("**[FIRING:1]** alert group from **Prometheus prod**"),
      ]),
    );
    const timeline = await timelineOf(seed.bob, incident.id);
    expect(timeline.map((e) => e.type)).toEqual(["incident_started", "alert_received"]);
    expect(timeline[1]).toMatchObject({ summary: "**[FIRING:1]** alert group from **Prometheus prod**" });
    expect(timeline[1]?.details).toMatchObject({ source_id: source.id, group_key: firing.groupKey, status: "firing", alerts: 1 });
  });

  it("answers re-sends of the same group `repeated`: no incident, no post", async () => {
    const before = (await channelPosts(seed.bob, incident.channel_id)).length;
    const count = (await incidents()).length;
    const answers = await Promise.all(Array.from({ length: 20 }, () => send(source, firing)));
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    expect(new Set(answers.map((a) => expectBody(a, alertIntakeAnswerSchema).outcome))).toEqual(new Set(["repeated"]));
    expect((await incidents()).length).toBe(count);
    expect((await channelPosts(seed.bob, incident.channel_id)).length).toBe(before);
  });

  it("posts news of the group (another alert firing) in the incident channel instead of starting another", async () => {
    const count = (await incidents()).length;
    const grown = alertmanagerBody({
      group: "db-latency",
      alerts: [
        { labels: { alertname: "HighLatency", instance: "db-prod", severity: "critical" } },
        { labels: { alertname: "HighLatency", instance: "db-replica", severity: "critical" } },
      ],
      commonAnnotations: { summary: "Database p99 latency above 2s" },
    });
    const res = await send(source, grown);
    expect(res.status).toBe(200);
    expect(expectBody(res, alertIntakeAnswerSchema)).toEqual({ outcome: "updated", incident_id: incident.id });
    expect((await incidents()).length).toBe(count);
    const last = (await channelPosts(seed.bob, incident.channel_id)).at(-1);
    expect(last?.message).toContain("**[FIRING:2]** alert group from **Prometheus prod**");
    expect(last?.message).toContain("`instance=db-replica severity=critical`");
    expect(last?.props).toMatchObject({ action: "alert_received", source_id: source.id, group_key: grown.groupKey });
  });

  it("posts the resolution and keeps the incident active (end_on_resolve is off)", async () => {
    const resolved = alertmanagerBody({
      group: "db-latency",
      status: "resolved",
      alerts: [{ labels: { alertname: "HighLatency", instance: "db-prod" } }],
    });
    const res = await send(source, resolved);
    expect(expectBody(res, alertIntakeAnswerSchema)).toEqual({ outcome: "resolved", incident_id: incident.id });
    const last = (await channelPosts(seed.bob, incident.channel_id)).at(-1);
    expect(last?.message).toContain("**[RESOLVED]** The alert group from **Prometheus prod** resolved");
    const now = await seed.bob.get(`${API}/incidents/${incident.id}`, incidentAnswerSchema);
    expect(now.body.status).toBe("active");
    expect((await timelineOf(seed.bob, incident.id)).map((e) => e.type).at(-1)).toBe("alert_resolved");
    // The same resolution again is a re-send.
    expect(expectBody(await send(source, resolved), alertIntakeAnswerSchema).outcome).toBe("repeated");
  });

  it("ends the incident on resolve when the source says so, and a later firing of the group starts a new one", async () => {
    const ending = await createAlertSource(seed.alice, {
      team_id: seed.team.id,
      name: "Ending",
      kind: "alertmanager",
      end_on_resolve: true,
    });
    const body = (status: "firing" | "resolved") =>
      alertmanagerBody({ group: "disk", status, alerts: [{ labels: { alertname: "DiskFull", host: "db-1" } }] });
    const started = expectBody(await send(ending, body("firing")), alertIntakeAnswerSchema);
    expect(started.outcome).toBe("started");
    const first = await seed.alice.get(`${API}/incidents/${started.incident_id}`, incidentAnswerSchema);
    // No playbook: the default severity, the creator as commander, the alert name and grouping labels as name.
    expect(first.body).toMatchObject({ name: "DiskFull", severity: "SEV3", commander_user_id: seed.alice.user.id, playbook_id: "" });

    expect(expectBody(await send(ending, body("resolved")), alertIntakeAnswerSchema)).toEqual({
      outcome: "resolved",
      incident_id: started.incident_id,
    });
    const ended = await seed.alice.get(`${API}/incidents/${started.incident_id}`, incidentAnswerSchema);
    expect(ended.body.status).toBe("ended");
    expect((await timelineOf(seed.alice, started.incident_id)).map((e) => e.type).slice(-2)).toEqual(["alert_resolved", "incident_ended"]);

    // A resolution of an ended incident's group changes nothing; the group firing again is a new incident.
    expect(expectBody(await send(ending, body("resolved")), alertIntakeAnswerSchema).outcome).toBe("ignored");
    const again = expectBody(await send(ending, body("firing")), alertIntakeAnswerSchema);
    expect(again.outcome).toBe("started");
    expect(again.incident_id).not.toBe(started.incident_id);
  });

  it("ignores the resolution of a group it never saw", async () => {
    const res = await send(source, alertmanagerBody({ group: "never", status: "resolved", alerts: [{ labels: { alertname: "Never" } }] }));
    expect(res.status).toBe(200);
    expect(expectBody(res, alertIntakeAnswerSchema)).toEqual({ outcome: "ignored", incident_id: "" });
  });
});

function grafanaFixture(): string {
  return fs.readFileSync(path.join(import.meta.dirname, "testdata", "grafana-webhook.json"), "utf8");
}

describe("Grafana intake", () => {
  it("starts an incident from the body of Grafana's webhook contact point documentation, and dedupes its re-send", async () => {
    const source = await createAlertSource(seed.alice, {
      team_id: seed.team.id,
      name: "Grafana",
      kind: "grafana",
      severity_label: "severity",
    });
    const body: unknown = JSON.parse(grafanaFixture());
    const res = await send(source, body);
    expect(res.status).toBe(201);
    const answer = expectBody(res, alertIntakeAnswerSchema);
    const incident = await seed.alice.get(`${API}/incidents/${answer.incident_id}`, incidentAnswerSchema);
    // No common summary or alert name: Grafana's title names it.
    expect(incident.body).toMatchObject({ name: "[FIRING:2]  (blue)", severity: "SEV3" });
    const posts = await channelPosts(seed.alice, incident.body.channel_id);
    const alertPost = posts.find((p) => p.props.action === "alert_received");
    expect(alertPost?.message).toContain("**[FIRING:2]** alert group from **Grafana**");
    expect(alertPost?.message).toContain("**High memory usage** `team=blue zone=us-1` This alert was triggered for zone us-1");
    expect(alertPost?.message).toContain("**High CPU usage** `team=blue zone=eu-1` This alert was triggered for zone eu-1");
    expect(expectBody(await send(source, body), alertIntakeAnswerSchema)).toEqual({ outcome: "repeated", incident_id: answer.incident_id });
  });
});

describe("refused notifications change nothing", () => {
  let source: AlertSourceCreated;
  beforeAll(async () => {
    source = await createAlertSource(seed.alice, { team_id: seed.team.id, name: "Strict", kind: "alertmanager" });
  });

  async function state() {
    const groups = await sql<{ n: number | string }>`SELECT count(*) AS n FROM incident_alert_groups`.execute(server.host.db);
    return { incidents: (await incidents()).length, groups: Number(groups.rows[0]?.n) };
  }
  const valid = alertmanagerBody({ group: "g", alerts: [{ labels: { a: "b" } }] });

  it.each([
    ["no groupKey", { ...valid, groupKey: undefined }, "groupKey: is required"],
    ["a wrong version", { ...valid, version: "3" }, `version: must be "4" (Alertmanager's webhook payload version)`],
    ["a bad status", { ...valid, status: "pending" }, "status: must be firing or resolved"],
    ["no alerts", { ...valid, alerts: [] }, "alerts: must list at least one alert"],
    ["a label that is not a string", { ...valid, alerts: [{ status: "firing", labels: { n: 5 } }] }, "alerts.0.labels.n: must be a string"],
    ["no object", "null", "body: must be a JSON object"],
  ])("a body with %s is a 400 naming the field", async (_what, body, message) => {
    const before = await state();
    const res = await send(source, body);
    expect(res.status).toBe(400);
    expect(expectBody(res, apiErrorBodySchema)).toMatchObject({ id: "incident.alert.invalid", message });
    expect(await state()).toEqual(before);
  });

  it("a body that is not JSON is a 400; an oversized one a 413 naming the limit; a wrong token a 404", async () => {
    const before = await state();
    const notJson = await server.anonymous.request("POST", intakePath(source), "{not json", { "content-type": "application/json" });
    expect(notJson.status).toBe(400);
    const huge = alertmanagerBody({ group: "huge", alerts: [{ labels: { alertname: "Huge", blob: "x".repeat(1024 * 1024) } }] });
    const oversized = await send(source, huge);
    expect(oversized.status).toBe(413);
    expect(expectBody(oversized, apiErrorBodySchema).message).toContain("1048576");
    const wrong = await server.anonymous.post(
      `${API}/alerts/${"A".repeat(43)}`,
      alertmanagerBody({ group: "w", alerts: [{ labels: { a: "b" } }] }),
    );
    expect(wrong.status).toBe(404);
    expect(expectBody(wrong, apiErrorBodySchema).message).toBe("alert source: no alert source has this URL");
    expect(await state()).toEqual(before);
    const listed = await seed.alice.get(`${API}/alert-sources/${source.id}`, alertSourceAnswerSchema);
    expect(listed.body.last_received_at).toBe(0);
  });
});
