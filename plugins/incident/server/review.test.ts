/**
 * The review half of DESIGN.md section 10 against a real server with an
 * injected clock: the retrospective's template and concurrent saves, publish,
 * follow-ups, the export (a golden markdown file), the history filters, the
 * stats figures of a scripted set of incidents (exact to the ms), drills left
 * out of them, and what a non-member of a private incident cannot see.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiErrorBodySchema } from "#common/wire-schemas.ts";
import type { Channel, Team, User } from "#common/wire.ts";
import { channelPosts, expectBody, ManualClock, pageOf, type TestClient, type TestServer } from "#testing";
import { z } from "zod";
import {
  followUpAnswerSchema,
  responseReportAnswerSchema,
  retrospectiveAnswerSchema,
  statsAnswerSchema,
} from "../common/review-answers.ts";
import { incidentAnswerSchema, type Incident } from "../common/types.ts";
import { API, applyPlaybook, slash, startIncident, startIncidentServer } from "./test-server.ts";

type Client = TestClient & { user: User };
const MINUTE = 60_000;
/** A Sunday evening: the stats' incidents fall in two weeks. */
const clock = new ManualClock(Date.UTC(2030, 0, 6, 23, 0, 0));
/** The stats' scripted times are in units of 10 s, so the clock's every-second job ticks stay few. */
const UNIT = 10_000;
let server: TestServer;
let team: Team;
let town: Channel;
let alice: Client;
let bob: Client;
/** On the team, in no incident channel. */
let carol: Client;
let playbookId: string;
let broadcastChannel: Channel;

const GOLDEN = path.join(import.meta.dirname, "__golden__", "export.md");

beforeAll(async () => {
  server = await startIncidentServer({ clock });
  const admin = await server.admin();
  team = await server.createTeam(admin);
  town = await server.createChannel(admin, { teamId: team.id });
  alice = await server.createUser({ username: "alice" });
  bob = await server.createUser({ username: "bob" });
  carol = await server.createUser({ username: "carol" });
  for (const user of [alice, bob, carol]) await server.addToChannel(admin, { channel: town, user: user.user });
  broadcastChannel = await server.createChannel(alice, { teamId: team.id, name: "exec-updates" });
  playbookId = await applyPlaybook(alice, {
    teamId: team.id,
    source: [
      "name: Outage",
      "fields:",
      "  service: {required: true}",
      "update_every: 30m",
      "broadcast: [exec-updates]",
      "stages:",
      "  - name: Triage",
      "    checklist: [{title: Page the owner, due: 10m}]",
      "  - name: Fixing",
      "  - name: Resolved",
      "retrospective:",
      '  template: "# {{name}} ({{fields.service}})\\n\\nCommander: @{{commander}}\\n"',
      "",
    ].join("\n"),
  });
});
afterAll(async () => server?.close());

const channelOf = (incident: Incident): Channel => ({ ...town, id: incident.channel_id });
const retroOf = async (client: TestClient, id: string) =>
  expectBody(await client.get(`${API}/incidents/${id}/retrospective`), retrospectiveAnswerSchema);

describe("retrospective", () => {
  it("starts as the playbook's template rendered with the incident's values; a stale save answers 409 with the current text", async () => {
    const incident = await startIncident(alice, {
      name: "Cart down",
      team_id: team.id,
      playbook_id: playbookId,
      fields: { service: "cart" },
    });
    const first = await retroOf(alice, incident.id);
    expect(first).toMatchObject({ text: "# Cart down (cart)\n\nCommander: @alice\n", version: 0 });

    const saved = await alice.put(`${API}/incidents/${incident.id}/retrospective`, { text: "Alice's text", base_version: 0 });
    expect(saved.status).toBe(200);
    expect(expectBody(saved, retrospectiveAnswerSchema)).toMatchObject({ version: 1, updated_by: alice.user.id });
    // Bob edited from version 0 too: his save is refused with Alice's text, and nothing is lost.
    const stale = await alice.put(`${API}/incidents/${incident.id}/retrospective`, { text: "Bob's text", base_version: 0 });
    expect(stale.status).toBe(409);
    const body = expectBody(stale, z.object({ message: z.string(), details: z.object({ text: z.string(), version: z.number() }) }));
    expect(body.message).toContain("base_version: the retrospective is at version 1, not 0");
    expect(body.details).toMatchObject({ text: "Alice's text", version: 1 });
    expect((await retroOf(alice, incident.id)).text).toBe("Alice's text");

    const bad = await alice.put(`${API}/incidents/${incident.id}/retrospective`, { text: "x" });
    expect(bad.status).toBe(400);
    expect(expectBody(bad, apiErrorBodySchema).message).toContain("base_version");
  });

  it("two saves over the same version at once: exactly one wins", async () => {
    const incident = await startIncident(alice, { name: "Race", team_id: team.id });
    const results = await Promise.all(
      ["one", "two", "three"].map((text) => alice.put(`${API}/incidents/${incident.id}/retrospective`, { text, base_version: 0 })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    expect((await retroOf(alice, incident.id)).version).toBe(1);
  });

  it("publish posts it in the incident channel and the broadcast channels, on the timeline; a non-member may not", async () => {
    const incident = await startIncident(alice, {
      name: "Publish me",
      team_id: team.id,
      playbook_id: playbookId,
      fields: { service: "x" },
    });
    await alice.put(`${API}/incidents/${incident.id}/retrospective`, { text: "We learned **things**.", base_version: 0 });
    const denied = await carol.post(`${API}/incidents/${incident.id}/retrospective/publish`, {});
    expect(denied.status).toBe(403);
    expect(expectBody(denied, apiErrorBodySchema).message).toContain("must be a member");
    const res = await alice.post(`${API}/incidents/${incident.id}/retrospective/publish`, {});
    expect(res.status).toBe(200);
    const posts = await channelPosts(alice, incident.channel_id);
    expect(posts.some((p) => p.message.includes("**Retrospective** · Publish me") && p.message.includes("We learned **things**."))).toBe(
      true,
    );
    const copies = await channelPosts(alice, broadcastChannel.id);
    expect(copies.some((p) => p.message.includes("We learned **things**."))).toBe(true);
    const timeline = await alice.get(`${API}/incidents/${incident.id}/timeline`);
    expect(JSON.stringify(timeline.body)).toContain("retrospective_published");
    expect((await retroOf(alice, incident.id)).published_at).toBe(clock.now());
  });

  it("follow-ups: add, change, remove, also after the end; bad input names the field", async () => {
    const incident = await startIncident(alice, { name: "Follow", team_id: team.id });
    await slash(alice, { channel: channelOf(incident), command: "/incident end" });
    const made = await alice.post(`${API}/incidents/${incident.id}/follow-ups`, { title: "Add an alert", assignee_user_id: bob.user.id });
    expect(made.status).toBe(201);
    const item = expectBody(made, followUpAnswerSchema);
    expect(item).toMatchObject({ title: "Add an alert", assignee_user_id: bob.user.id, done: false });
    const done = await alice.patch(`${API}/incidents/${incident.id}/follow-ups/${item.id}`, { done: true });
    expect(expectBody(done, followUpAnswerSchema).done).toBe(true);
    const empty = await alice.post(`${API}/incidents/${incident.id}/follow-ups`, { title: " " });
    expect(empty.status).toBe(400);
    expect(expectBody(empty, apiErrorBodySchema).message).toContain("title");
    const nobody = await alice.post(`${API}/incidents/${incident.id}/follow-ups`, { title: "x", assignee_user_id: "a".repeat(26) });
    expect(nobody.status).toBe(400);
    expect(expectBody(nobody, apiErrorBodySchema).message).toContain("assignee_user_id: no user");
    expect((await alice.delete(`${API}/incidents/${incident.id}/follow-ups/${item.id}`)).status).toBe(200);
    const gone = await alice.patch(`${API}/incidents/${incident.id}/follow-ups/${item.id}`, { done: false });
    expect(gone.status).toBe(404);
    expect(expectBody(gone, apiErrorBodySchema).message).toContain("follow_up_id");
  });
});

describe("export", () => {
  it("gives one markdown document of a scripted incident, equal to the golden file; JSON holds the same data", async () => {
    const incident = await startIncident(alice, {
      name: "Golden outage",
      team_id: team.id,
      playbook_id: playbookId,
      fields: { service: "payments" },
      severity: "SEV1",
      invite: [bob.user.id],
    });
    const channel = channelOf(incident);
    await clock.advance(5 * MINUTE);
    await slash(bob, { channel, command: "/incident update Payments failing; rolling back." });
    await clock.advance(7 * MINUTE);
    await slash(bob, { channel, command: "/incident check 1" });
    await clock.advance(3 * MINUTE);
    await slash(alice, { channel, command: "/incident stage next" });
    await clock.advance(20 * MINUTE);
    await slash(alice, { channel, command: "/incident end" });
    await alice.put(`${API}/incidents/${incident.id}/retrospective`, { text: "The deploy had no canary.", base_version: 0 });
    await alice.post(`${API}/incidents/${incident.id}/follow-ups`, { title: "Add a canary", assignee_user_id: bob.user.id });

    const res = await alice.get(`${API}/incidents/${incident.id}/export?format=markdown`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/markdown");
    expect(res.headers.get("content-disposition")).toContain(`attachment; filename="incident-${incident.seq}-`);
    const text = z.string().parse(res.body).replaceAll(`#${incident.seq})`, "#SEQ)").replaceAll(incident.channel_name, "CHANNEL");
    if (process.env.UPDATE_GOLDEN) fs.writeFileSync(GOLDEN, text);
    expect(text).toBe(fs.readFileSync(GOLDEN, "utf8"));

    const json = await alice.get(`${API}/incidents/${incident.id}/export?format=json`);
    expect(json.status).toBe(200);
    const data = expectBody(
      json,
      z.looseObject({ incident: incidentAnswerSchema, report: responseReportAnswerSchema, users: z.record(z.string(), z.string()) }),
    );
    expect(data.incident.id).toBe(incident.id);
    expect(data.report).toMatchObject({
      time_to_first_update_ms: 5 * MINUTE,
      first_update_late: false,
      items_done_late: 1,
      items_with_due: 1,
    });
    expect(data.users[bob.user.id]).toBe("bob");

    const bad = await alice.get(`${API}/incidents/${incident.id}/export?format=pdf`);
    expect(bad.status).toBe(400);
    expect(expectBody(bad, apiErrorBodySchema).message).toContain("format");
  });
});

describe("history and stats", () => {
  let statsTeam: Team;
  let privateIncident: Incident;
  beforeAll(async () => {
    const admin = await server.admin();
    statsTeam = await server.createTeam(admin);
    const lobby = await server.createChannel(admin, { teamId: statsTeam.id });
    for (const user of [alice, carol]) await server.addToChannel(admin, { channel: lobby, user: user.user });
    const channel = (i: Incident): Channel => ({ ...lobby, id: i.channel_id });
    // Three resolved incidents: 10, 30 and 60 units, first updates after 2 and 4 units (none for the third);
    // the first in one week, the other two in the next.
    const scripted = [
      { name: "Alpha db", severity: "SEV1", resolve: 10, update: 2, fixStageAt: 4 },
      { name: "Beta cache", severity: "SEV2", resolve: 30, update: 4, fixStageAt: 10 },
      { name: "Gamma disk", severity: "SEV2", resolve: 60, update: 0, fixStageAt: 0 },
    ];
    for (const [n, s] of scripted.entries()) {
      const incident = await startIncident(alice, { name: s.name, team_id: statsTeam.id, severity: s.severity });
      let at = 0;
      if (s.update) {
        await clock.advance(s.update * UNIT);
        at = s.update;
        await slash(alice, { channel: channel(incident), command: "/incident update Working on it" });
      }
      if (s.fixStageAt) {
        await clock.advance((s.fixStageAt - at) * UNIT);
        at = s.fixStageAt;
        await slash(alice, { channel: channel(incident), command: "/incident stage next" });
      }
      await clock.advance((s.resolve - at) * UNIT);
      await slash(alice, { channel: channel(incident), command: "/incident end" });
      if (n === 0) await clock.advance(Date.UTC(2030, 0, 7) - clock.now() + MINUTE);
    }
    // A drill and an active private incident, neither in carol's stats.
    const drill = await startIncident(alice, { name: "Drill one", team_id: statsTeam.id, drill: true, severity: "SEV1" });
    await clock.advance(6 * UNIT);
    await slash(alice, { channel: channel(drill), command: "/incident end" });
    privateIncident = await startIncident(alice, { name: "Secret leak", team_id: statsTeam.id, private: true, severity: "SEV1" });
  }, 120_000);

  const statsOf = async (client: TestClient, query = "") =>
    expectBody(await client.get(`${API}/stats?team_id=${statsTeam.id}${query}`), statsAnswerSchema);

  it("computes the figures from the timeline, exact to the ms; drills only when asked; private incidents only for those who see them", async () => {
    const forCarol = await statsOf(carol);
    expect(forCarol).toMatchObject({
      count: 3,
      active: 0,
      mean_time_to_resolve_ms: Math.round((100 * UNIT) / 3),
      median_time_to_resolve_ms: 30 * UNIT,
      mean_time_to_first_update_ms: 3 * UNIT,
      median_time_to_first_update_ms: 3 * UNIT,
      by_severity: { SEV1: 1, SEV2: 2 },
      by_playbook: { "": 3 },
    });
    // Triage: 4, 10 and 60 minutes; Investigating: 6 and 20.
    expect(forCarol.time_in_stage_ms[""]).toEqual({ Triage: Math.round((74 * UNIT) / 3), Investigating: 13 * UNIT });
    expect(forCarol.by_week).toEqual([
      { week_start: Date.UTC(2029, 11, 31), count: 1, by_severity: { SEV1: 1 } },
      { week_start: Date.UTC(2030, 0, 7), count: 2, by_severity: { SEV2: 2 } },
    ]);

    const forAlice = await statsOf(alice, "&include_drills=true");
    expect(forAlice).toMatchObject({ count: 5, active: 1, by_severity: { SEV1: 3, SEV2: 2 } });
    // With the drill's 6 units: 6, 10, 30, 60.
    expect(forAlice.median_time_to_resolve_ms).toBe(20 * UNIT);

    const outsider = await server.createUser();
    const denied = await outsider.get(`${API}/stats?team_id=${statsTeam.id}`);
    expect(denied.status).toBe(404);
    expect(expectBody(denied, apiErrorBodySchema).message).toContain("team_id");
  });

  it("filters, sorts and pages the history in the server; a private incident stays invisible to non-members", async () => {
    const list = async (client: TestClient, query: string) =>
      expectBody(await client.get(`${API}/incidents?team_id=${statsTeam.id}&${query}`), pageOf(incidentAnswerSchema));
    expect((await list(carol, "status=all")).total_count).toBe(4);
    expect((await list(alice, "status=all")).total_count).toBe(5);
    expect((await list(carol, "severity=sev2")).items.map((i) => i.name)).toEqual(["Gamma disk", "Beta cache"]);
    expect((await list(carol, "q=CACHE")).items.map((i) => i.name)).toEqual(["Beta cache"]);
    expect((await list(carol, "q=%25")).total_count).toBe(0);
    expect((await list(carol, "drill=true")).items.map((i) => i.name)).toEqual(["Drill one"]);
    expect((await list(carol, "sort=name&direction=asc")).items.map((i) => i.name)).toEqual([
      "Alpha db",
      "Beta cache",
      "Drill one",
      "Gamma disk",
    ]);
    const page = await list(carol, "sort=name&direction=asc&per_page=2&page=1");
    expect(page).toMatchObject({ total_count: 4 });
    expect(page.items.map((i) => i.name)).toEqual(["Drill one", "Gamma disk"]);
    const first = (await list(carol, "sort=create_at&direction=asc")).items[0];
    expect((await list(carol, `since=${(first?.create_at ?? 0) + 1}`)).total_count).toBe(3);
    expect((await list(carol, `until=${(first?.create_at ?? 0) + 1}`)).items.map((i) => i.name)).toEqual(["Alpha db"]);
    expect((await list(carol, "playbook_id=none")).total_count).toBe(4);
    expect((await list(carol, `commander_user_id=${alice.user.id}&status=active`)).total_count).toBe(0);

    const bad = await carol.get(`${API}/incidents?team_id=${statsTeam.id}&sort=colour`);
    expect(bad.status).toBe(400);
    expect(expectBody(bad, apiErrorBodySchema).message).toContain("sort");

    for (const suffix of ["export?format=json", "export?format=markdown", "retrospective", "report", "follow-ups"]) {
      const res = await carol.get(`${API}/incidents/${privateIncident.id}/${suffix}`);
      expect(res.status, suffix).toBe(404);
      expect(expectBody(res, apiErrorBodySchema).message).toContain("no incident");
    }
  });
});
