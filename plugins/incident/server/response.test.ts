/**
 * Running a response (DESIGN.md section 10): severity, roles, checklist
 * assignees and due times — from the playbook, the API and the slash
 * commands — each change posted by the bot with who did it and on the
 * timeline, the assignee mentioned, and who may change what.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiErrorBodySchema, commandResponseSchema } from "#common/wire-schemas.ts";
import type { Channel, Team, User } from "#common/wire.ts";
import { channelPosts, expectBody, pageOf, type TestClient, type TestServer } from "#testing";
import { incidentAnswerSchema, type Incident } from "../common/types.ts";
import { API, applyPlaybook, mentionCount, slash, startIncident, startIncidentServer, timelineOf, teamWithMembers } from "./test-server.ts";

type Client = TestClient & { user: User };
let server: TestServer;
let team: Team;
let town: Channel;
let admin: Client;
/** Starts the incidents: the commander. */
let alice: Client;
/** A member of each incident channel. */
let bob: Client;
/** On the team, in no incident channel. */
let carol: Client;
/** Not on the team. */
let olga: Client;
let playbookId: string;

beforeAll(async () => {
  server = await startIncidentServer();
  admin = await server.admin();
  const made = await teamWithMembers(server, 3);
  ({ team, town } = made);
  [alice, bob, carol] = made.users as [Client, Client, Client];
  olga = await server.createUser();
  playbookId = await applyPlaybook(alice, {
    teamId: team.id,
    source: `name: Run
severities: [SEV1, SEV2, SEV3]
default_severity: SEV2
roles: [scribe, comms]
invite: [${bob.user.username}]
update_every: 30m
stages:
  - name: Triage
    checklist:
      - Assess impact
      - {title: Page the DBA, assignee: scribe, due: 10m}
      - {title: Open a bridge, assignee: commander}
  - name: Mitigation
    checklist:
      - {title: Roll back, due: 15m}
checklist:
  - {title: Write the retro, assignee: "@${bob.user.username}"}
`,
  });
});
afterAll(async () => server?.close());

const get = async (client: TestClient, id: string): Promise<Incident> =>
  expectBody(await client.get(`${API}/incidents/${id}`), incidentAnswerSchema);
const itemTitled = (incident: Incident, title: string) => {
  const item = incident.checklist.find((i) => i.title === title);
  if (!item) throw new Error(`no item "${title}"`);
  return item;
};
const lastPost = async (client: TestClient, channelId: string) => (await channelPosts(client, channelId)).at(-1);
const startRun = (name: string, extra: Record<string, unknown> = {}) =>
  startIncident(alice, { name, team_id: team.id, playbook_id: playbookId, ...extra });
const command = async (client: Client, incident: Incident, text: string) => {
  const res = await slash(client, { channel: { ...town, id: incident.channel_id }, command: text });
  return { status: res.status, text: res.status === 200 ? (commandResponseSchema.parse(res.body).text ?? "") : "", body: res.body };
};

describe("starting", () => {
  it("takes the playbook's severities, roles, assignees, due times and update period", async () => {
    const incident = await startRun("Checkout down");
    expect(incident).toMatchObject({
      severity: "SEV2",
      severities: ["SEV1", "SEV2", "SEV3"],
      roles: { scribe: "", comms: "" },
      update_every_ms: 30 * 60_000,
      last_status_update_at: 0,
      drill: false,
      channel_created: true,
    });
    expect(itemTitled(incident, "Open a bridge").assignee_user_id).toBe(alice.user.id);
    expect(itemTitled(incident, "Write the retro").assignee_user_id).toBe(bob.user.id);
    // A role's items wait for the role; a due time counts from entering the item's stage.
    expect(itemTitled(incident, "Page the DBA")).toMatchObject({ assignee_user_id: "", due_at: incident.create_at + 10 * 60_000 });
    expect(itemTitled(incident, "Roll back").due_at).toBe(0);
    const opening = await lastPost(alice, incident.channel_id);
    expect(opening?.message).toContain(`Severity: SEV2`);
    expect(opening?.message).toContain(`Item 5 "Write the retro" is assigned to @${bob.user.username}`);
    // The assignee is mentioned by the bot's post (the host's mention rule).
    expect(await mentionCount(bob, { teamId: team.id, channelId: incident.channel_id })).toBe(1);

    const moved = await alice.patch(`${API}/incidents/${incident.id}`, { current_stage: "Mitigation" }, incidentAnswerSchema);
    expect(itemTitled(moved.body, "Roll back").due_at).toBeGreaterThan(moved.body.create_at);
  });

  it("starts without a playbook at SEV3 of SEV1–SEV4, or at the severity given; refuses one that is not there", async () => {
    const plain = await startIncident(alice, { name: "Plain", team_id: team.id });
    expect(plain).toMatchObject({ severity: "SEV3", severities: ["SEV1", "SEV2", "SEV3", "SEV4"], roles: {}, update_every_ms: 0 });
    const sev1 = await startIncident(alice, { name: "Hot", team_id: team.id, severity: "sev1", drill: true });
    expect(sev1).toMatchObject({ severity: "SEV1", drill: true });
    const bad = await alice.post(`${API}/incidents`, { name: "Bad", team_id: team.id, playbook_id: playbookId, severity: "SEV4" });
    expect(bad.status).toBe(400);
    expect(expectBody(bad, apiErrorBodySchema).message).toBe(
      'severity: "SEV4" is not a severity of this incident; use one of SEV1, SEV2, SEV3',
    );
    const wrongType = await alice.post(`${API}/incidents`, { name: "Bad", team_id: team.id, severity: 1 });
    expect(wrongType.status).toBe(400);
    expect(expectBody(wrongType, apiErrorBodySchema).message).toBe("severity: must be a severity name, e.g. SEV1");
  });

  it("takes another commander, who joins and is named in the opening post; refuses one outside the team", async () => {
    const incident = await startIncident(alice, { name: "Handed", team_id: team.id, commander_user_id: carol.user.id });
    expect(incident.commander_user_id).toBe(carol.user.id);
    expect((await lastPost(carol, incident.channel_id))?.message).toContain(`Commander: @${carol.user.username}`);
    const outside = await alice.post(`${API}/incidents`, { name: "X", team_id: team.id, commander_user_id: olga.user.id });
    expect(outside.status).toBe(400);
    expect(expectBody(outside, apiErrorBodySchema).message).toBe(
      `commander_user_id: @${olga.user.username} is not a member of the incident's team`,
    );
    const viaSlash = await slash(alice, {
      channel: town,
      command: `/incident start "Slash run" --severity sev1 --commander @${bob.user.username} --drill`,
    });
    expect(viaSlash.status).toBe(200);
    const list = await alice.get(`${API}/incidents?team_id=${team.id}&per_page=200`, pageOf(incidentAnswerSchema));
    expect(list.body.items.find((i) => i.name === "Slash run")).toMatchObject({
      severity: "SEV1",
      commander_user_id: bob.user.id,
      drill: true,
    });
  });
});

describe("severity", () => {
  it("changes with PATCH and /incident severity, each posted by the bot with who did it and on the timeline", async () => {
    const incident = await startRun("Sev change");
    const patched = await alice.patch(`${API}/incidents/${incident.id}`, { severity: "sev1" }, incidentAnswerSchema);
    expect(patched.status).toBe(200);
    expect(patched.body.severity).toBe("SEV1");
    const post = await lastPost(alice, incident.channel_id);
    expect(post).toMatchObject({
      message: `@${alice.user.username} changed the severity from SEV2 to **SEV1**`,
      type: "custom_incident_update",
      props: { action: "severity_changed", from_severity: "SEV2", to_severity: "SEV1", actor_id: alice.user.id },
    });
    const byBob = await command(bob, incident, "/incident severity SEV3");
    expect(byBob.text).toBe("");
    expect((await command(bob, incident, "/incident severity sev3")).text).toBe("The severity is already SEV3.");
    expect((await command(bob, incident, "/incident severity")).body).toMatchObject({
      message: "usage: /incident severity <name>; the severity is SEV3, the severities are SEV1, SEV2, SEV3",
    });
    const entries = (await timelineOf(bob, incident.id)).filter((e) => e.type === "severity_changed");
    expect(entries.map((e) => [e.actor_user_id, e.details])).toEqual([
      [alice.user.id, { from: "SEV2", to: "SEV1" }],
      [bob.user.id, { from: "SEV1", to: "SEV3" }],
    ]);
    const bad = await alice.patch(`${API}/incidents/${incident.id}`, { severity: "SEV0" });
    expect(bad.status).toBe(400);
    expect(expectBody(bad, apiErrorBodySchema).message).toBe(
      'severity: "SEV0" is not a severity of this incident; use one of SEV1, SEV2, SEV3',
    );
  });
});

describe("roles", () => {
  it("assigns with PATCH and /incident role: the holder joins, is mentioned, and takes the role's waiting items", async () => {
    const incident = await startRun("Roles");
    const before = await mentionCount(carol, { teamId: team.id, channelId: incident.channel_id });
    const res = await alice.patch(`${API}/incidents/${incident.id}`, { roles: { scribe: carol.user.id } }, incidentAnswerSchema);
    expect(res.body.roles).toEqual({ scribe: carol.user.id, comms: "" });
    expect(itemTitled(res.body, "Page the DBA").assignee_user_id).toBe(carol.user.id);
    expect((await lastPost(carol, incident.channel_id))?.message).toBe(
      `@${alice.user.username} assigned the role scribe to @${carol.user.username} (and the items "Page the DBA")`,
    );
    expect(await mentionCount(carol, { teamId: team.id, channelId: incident.channel_id })).toBe(before + 1);

    expect((await command(bob, incident, `/incident role comms @${bob.user.username}`)).text).toBe("");
    expect((await command(bob, incident, "/incident role comms none")).text).toBe("");
    expect((await command(bob, incident, `/incident role boss @${bob.user.username}`)).body).toMatchObject({
      message: "role.boss: not a role of this incident; its roles are commander, scribe, comms",
    });
    expect((await command(bob, incident, `/incident role commander @${bob.user.username}`)).text).toBe("");
    expect((await get(alice, incident.id)).commander_user_id).toBe(bob.user.id);
    const roleEntries = (await timelineOf(alice, incident.id)).filter((e) => e.type === "role_changed");
    expect(roleEntries.map((e) => e.details)).toEqual([
      { role: "scribe", from_user_id: "", to_user_id: carol.user.id },
      { role: "comms", from_user_id: "", to_user_id: bob.user.id },
      { role: "comms", from_user_id: bob.user.id, to_user_id: "" },
    ]);
  });

  it("refuses an unknown role or a holder outside the team, changing nothing of the request", async () => {
    const incident = await startRun("Roles refused");
    const unknown = await alice.patch(`${API}/incidents/${incident.id}`, {
      severity: "SEV1",
      roles: { scribe: bob.user.id, nope: bob.user.id },
    });
    expect(unknown.status).toBe(400);
    expect(expectBody(unknown, apiErrorBodySchema).message).toBe(
      "roles.nope: not a role of this incident; its roles are commander, scribe, comms",
    );
    expect(await get(alice, incident.id)).toMatchObject({ severity: "SEV2", roles: { scribe: "", comms: "" } });
    const outsider = await alice.patch(`${API}/incidents/${incident.id}`, { roles: { comms: olga.user.id } });
    expect(outsider.status).toBe(400);
    expect(expectBody(outsider, apiErrorBodySchema).message).toBe(
      `roles.comms: @${olga.user.username} is not a member of the incident's team`,
    );
    const notId = await alice.patch(`${API}/incidents/${incident.id}`, { roles: { comms: "bob" } });
    expect(notId.status).toBe(400);
    expect(expectBody(notId, apiErrorBodySchema).message).toBe(
      'roles.comms: must be a user id (26 lowercase letters and digits) or "" for nobody',
    );
  });
});

describe("checklist assignees and due times", () => {
  it("assigns with PUT and /incident assign, mentioning the assignee; sets and clears due times", async () => {
    const incident = await startRun("Assign");
    const item = itemTitled(incident, "Assess impact");
    const before = await mentionCount(carol, { teamId: team.id, channelId: incident.channel_id });
    const put = await alice.put(
      `${API}/incidents/${incident.id}/checklist/${item.id}`,
      { assignee_user_id: carol.user.id },
      incidentAnswerSchema,
    );
    expect(itemTitled(put.body, "Assess impact").assignee_user_id).toBe(carol.user.id);
    expect((await lastPost(carol, incident.channel_id))?.message).toBe(
      `@${alice.user.username} assigned item 1 "Assess impact" to @${carol.user.username}`,
    );
    expect(await mentionCount(carol, { teamId: team.id, channelId: incident.channel_id })).toBe(before + 1);

    expect((await command(bob, incident, `/incident assign 1 @${bob.user.username}`)).text).toBe("");
    expect((await command(bob, incident, "/incident assign 1 none")).text).toBe("");
    expect((await command(bob, incident, "/incident assign 9 none")).body).toMatchObject({
      message: expect.stringMatching(/^item: there is no item 9; the checklist now has 1 "Assess impact", 2 /),
    });
    const due = incident.create_at + 3_600_000;
    const withDue = await bob.put(
      `${API}/incidents/${incident.id}/checklist/${item.id}`,
      { due_at: due, checked: true },
      incidentAnswerSchema,
    );
    expect(itemTitled(withDue.body, "Assess impact")).toMatchObject({ due_at: due, checked: true, assignee_user_id: "" });
    const assigned = (await timelineOf(alice, incident.id)).filter((e) => e.type === "checklist_item_assigned");
    expect(assigned.map((e) => e.details.assignee_user_id)).toEqual([carol.user.id, bob.user.id, ""]);
  });

  it("refuses a bad body with the field and reason", async () => {
    const incident = await startRun("Assign refused");
    const item = itemTitled(incident, "Assess impact");
    const path = `${API}/incidents/${incident.id}/checklist/${item.id}`;
    const cases: Array<[unknown, string]> = [
      [{}, "body: give checked, assignee_user_id or due_at"],
      [{ due_at: -5 }, "due_at: must be 0 or more"],
      [{ due_at: "soon" }, "due_at: must be a time in ms since the epoch, or 0 for none"],
      [{ assignee_user_id: olga.user.id }, `assignee_user_id: @${olga.user.username} is not a member of the incident's team`],
      [{ assignee_user_id: "bob" }, 'assignee_user_id: must be a user id (26 lowercase letters and digits) or "" for nobody'],
    ];
    for (const [body, message] of cases) {
      const res = await alice.put(path, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(expectBody(res, apiErrorBodySchema).message).toBe(message);
    }
  });
});

describe("who may change the response", () => {
  it("members, the commander and system admins may; a team member outside the channel gets 403, an outsider 404", async () => {
    const pub = await startRun("Who public");
    const priv = await startRun("Who private", { private: true });
    const changes = (incident: Incident): Array<[string, string, unknown]> => [
      ["PATCH", `${API}/incidents/${incident.id}`, { severity: "SEV1" }],
      ["PATCH", `${API}/incidents/${incident.id}`, { roles: { scribe: bob.user.id } }],
      ["PUT", `${API}/incidents/${incident.id}/checklist/${itemTitled(incident, "Assess impact").id}`, { assignee_user_id: bob.user.id }],
      ["POST", `${API}/incidents/${incident.id}/status-updates`, { message: "Checking" }],
    ];
    const call = (client: TestClient, [method, path, body]: [string, string, unknown]) =>
      method === "PATCH" ? client.patch(path, body) : method === "PUT" ? client.put(path, body) : client.post(path, body);
    for (const change of changes(pub)) {
      const refused = await call(carol, change);
      expect(refused.status, `${change[0]} ${change[1]} by a non-member`).toBe(403);
      expect(expectBody(refused, apiErrorBodySchema).message).toBe(
        `You must be a member of ~${pub.channel_name} to change the incident "${pub.name}"; join the channel first.`,
      );
      expect((await call(olga, change)).status, "not on the team").toBe(404);
    }
    for (const change of changes(priv)) {
      const hidden = await call(carol, change);
      expect(hidden.status, `${change[0]} ${change[1]} on a private incident by a non-member`).toBe(404);
      expect(expectBody(hidden, apiErrorBodySchema).message).toBe(`incident: no incident with id ${priv.id}`);
    }
    for (const [who, client] of [
      ["the commander", alice],
      ["a member", bob],
      ["a system admin outside the channel", admin],
    ] as const)
      for (const change of changes(priv)) {
        const res = await call(client, change);
        expect([200, 201], `${change[0]} ${change[1]} by ${who}: ${JSON.stringify(res.body)}`).toContain(res.status);
      }
  });

  it("answers 409 once the incident has ended", async () => {
    const incident = await startRun("Ended");
    expect((await alice.post(`${API}/incidents/${incident.id}/end`)).status).toBe(200);
    for (const res of [
      await alice.patch(`${API}/incidents/${incident.id}`, { severity: "SEV1" }),
      await alice.post(`${API}/incidents/${incident.id}/status-updates`, { message: "late" }),
      await alice.put(`${API}/incidents/${incident.id}/checklist/${itemTitled(incident, "Assess impact").id}`, {
        assignee_user_id: bob.user.id,
      }),
    ]) {
      expect(res.status).toBe(409);
      expect(expectBody(res, apiErrorBodySchema).message).toBe(`incident "Ended" has ended; it can no longer be changed`);
    }
  });
});
