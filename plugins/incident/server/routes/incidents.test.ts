import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { apiErrorBodySchema, channelSchema, userSchema } from "#common/wire-schemas.ts";
import { incidentAnswerSchema } from "../../common/types.ts";
import type { Channel, Team, User } from "#common/wire.ts";
import type { TestClient, TestServer } from "#testing";
import type { Incident } from "../../common/types.ts";
import { API, startIncident, startIncidentServer, teamWithMembers } from "../test-server.ts";
import { channelPosts, itemAt, pageOf, refusalWith, TestSocket } from "#testing";

type Client = TestClient & { user: User };
let server: TestServer;
let team: Team;
let alice: Client;
let bob: Client;
let carol: Client;
let outsider: Client;
let bot: User;

beforeAll(async () => {
  server = await startIncidentServer();
  const made = await teamWithMembers(server, 3);
  team = made.team;
  alice = itemAt(made.users, 0, "member");
  bob = itemAt(made.users, 1, "member");
  carol = itemAt(made.users, 2, "member");
  outsider = await server.createUser();
  bot = (await alice.get("/api/v4/users/username/incident", userSchema)).body;
});
afterAll(async () => server?.close());

describe("starting an incident through the API", () => {
  it("creates the channel, makes the starter commander, adds the bot and posts the opening message", async () => {
    const incident = await startIncident(alice, { name: "Payments API down", team_id: team.id });
    expect(incident).toMatchObject({
      name: "Payments API down",
      team_id: team.id,
      channel_name: "payments-api-down",
      commander_user_id: alice.user.id,
      playbook_id: "",
      playbook_version: 0,
      current_stage: "Triage",
      stages: [{ name: "Triage" }, { name: "Investigating" }, { name: "Mitigated" }, { name: "Resolved" }],
      checklist: [],
      status: "active",
      end_at: 0,
      private: false,
    });
    expect(incident.seq).toBeGreaterThan(0);
    const channel = (await alice.get(`/api/v4/channels/${incident.channel_id}`)).body as Channel;
    expect(channel).toMatchObject({ name: "payments-api-down", display_name: "Payments API down", type: "O", team_id: team.id });
    const posts = await channelPosts(alice, incident.channel_id);
    const opening = posts.find((p) => p.type === "custom_incident_update")!;
    expect(opening.user_id).toBe(bot.id);
    expect(opening.message).toContain(`@${alice.user.username} started the incident **Payments API down**`);
    expect(opening.message).toContain(`Commander: @${alice.user.username}`);
    expect(opening.message).toContain("Stage: Triage");
    expect(opening.props).toMatchObject({ incident_id: incident.id, action: "started", actor_id: alice.user.id, stage: "Triage" });
  });

  it("takes the channel name the user chooses, and numbers incidents per team", async () => {
    const first = await startIncident(alice, { name: "Checkout slow", team_id: team.id, channel_name: "checkout-slow-1" });
    const second = await startIncident(alice, { name: "Checkout slower", team_id: team.id });
    expect(first.channel_name).toBe("checkout-slow-1");
    expect(second.seq).toBe(first.seq + 1);
  });

  it("refuses a taken channel name with a free suggestion, and an invalid one with a valid suggestion", async () => {
    await startIncident(alice, { name: "Queue stuck", team_id: team.id });
    const taken = await alice.post(
      `${API}/incidents`,
      { name: "Queue stuck", team_id: team.id },
      refusalWith(z.looseObject({ suggestion: z.string() })),
    );
    expect(taken.status).toBe(400);
    expect(taken.body.id).toBe("incident.channel.taken");
    expect(taken.body.message).toMatch(/^channel_name: a channel named "queue-stuck" already exists in this team; try "queue-stuck-\w+"$/);
    expect(taken.body.details.suggestion).toMatch(/^queue-stuck-/);
    const retried = await alice.post(`${API}/incidents`, {
      name: "Queue stuck",
      team_id: team.id,
      channel_name: taken.body.details.suggestion,
    });
    expect(retried.status).toBe(201);

    const bad = await alice.post(`${API}/incidents`, { name: "X", team_id: team.id, channel_name: "Bad Name!" }, apiErrorBodySchema);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe(
      `channel_name: "Bad Name!" may contain only lowercase letters, digits, '-' and '_', and must start with a letter or digit; try "bad-name"`,
    );
  });

  it("validates the body, naming the field and the reason", async () => {
    const empty = await alice.post(`${API}/incidents`, { name: "  ", team_id: team.id }, apiErrorBodySchema);
    expect(empty.status).toBe(400);
    expect(empty.body.message).toBe("name: must not be empty");
    const missing = await alice.post(`${API}/incidents`, { name: "x" }, apiErrorBodySchema);
    expect(missing.status).toBe(400);
    expect(missing.body.message).toBe("team_id: is required");
    const wrongType = await alice.post(`${API}/incidents`, { name: "x", team_id: team.id, private: "yes" }, apiErrorBodySchema);
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.message).toMatch(/^private: /);
  });

  it("requires membership of the team", async () => {
    const res = await outsider.post(`${API}/incidents`, { name: "Not mine", team_id: team.id }, apiErrorBodySchema);
    expect(res.status).toBe(404);
    expect(res.body.message).toBe(`team_id: no team with id ${team.id} that you belong to`);
  });

  it("makes the channel private with private: true", async () => {
    const incident = await startIncident(alice, { name: "Secret", team_id: team.id, private: true });
    expect(incident.private).toBe(true);
    expect((await alice.get(`/api/v4/channels/${incident.channel_id}`, channelSchema)).body.type).toBe("P");
  });
});

describe("listing and reading", () => {
  it("lists newest first with filters and paging, and answers 404 for unknown ids", async () => {
    const other = await server.createTeam(await server.admin());
    await server.addToChannel(await server.admin(), {
      channel: await server.createChannel(await server.admin(), { teamId: other.id }),
      user: bob.user,
    });
    const a = await startIncident(bob, { name: "List one", team_id: other.id });
    const b = await startIncident(bob, { name: "List two", team_id: other.id });
    const c = await startIncident(bob, { name: "List three", team_id: other.id });
    await bob.post(`${API}/incidents/${a.id}/end`);
    const all = await bob.get(`${API}/incidents?team_id=${other.id}`, pageOf(incidentAnswerSchema));
    expect(all.status).toBe(200);
    expect(all.body.total_count).toBe(3);
    expect(all.body.items.map((i: Incident) => i.name)).toEqual(["List three", "List two", "List one"]);
    const active = await bob.get(`${API}/incidents?team_id=${other.id}&status=active`, pageOf(incidentAnswerSchema));
    expect(active.body.items.map((i: Incident) => i.id)).toEqual([c.id, b.id]);
    const ended = await bob.get(`${API}/incidents?team_id=${other.id}&status=ended`, pageOf(incidentAnswerSchema));
    expect(ended.body.items.map((i: Incident) => i.id)).toEqual([a.id]);
    const paged = await bob.get(`${API}/incidents?team_id=${other.id}&per_page=2&page=1`);
    expect(paged.body).toMatchObject({ total_count: 3, items: [{ id: a.id }] });
    const byCommander = await bob.get(`${API}/incidents?team_id=${other.id}&commander_user_id=${alice.user.id}`);
    expect(byCommander.body).toEqual({ items: [], total_count: 0 });
    // Paging is read as Mattermost reads it (issue 11): a zero per_page is the default.
    const zeroPage = await bob.get(`${API}/incidents?team_id=${other.id}&per_page=0`, pageOf(incidentAnswerSchema));
    expect(zeroPage.status).toBe(200);
    expect(zeroPage.body.total_count).toBe(3);
    const badStatus = await bob.get(`${API}/incidents?status=open`, apiErrorBodySchema);
    expect(badStatus.body.message).toBe("status: must be active, ended or all");
    const got = await bob.get(`${API}/incidents/${b.id}`, incidentAnswerSchema);
    expect(got.status).toBe(200);
    expect(got.body.id).toBe(b.id);
    const missing = await bob.get(`${API}/incidents/${"x".repeat(26)}`, apiErrorBodySchema);
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe(`incident: no incident with id ${"x".repeat(26)}`);
  });
});

describe("permissions", () => {
  it("hides a private incident from non-members in list, get and events; members and system admins see it", async () => {
    const carolSocket = await TestSocket.of(carol);
    const bobSocket = await TestSocket.of(bob);
    const incident = await startIncident(alice, { name: "Private breach", team_id: team.id, private: true });
    await alice.post(`/api/v4/channels/${incident.channel_id}/members`, { user_id: bob.user.id });
    await alice.patch(`${API}/incidents/${incident.id}`, { current_stage: "Investigating" });
    const update = await bobSocket.waitFor("custom_incident_incident_updated");
    expect(incidentAnswerSchema.parse(update.data?.incident).private).toBe(true);

    const list = await carol.get(`${API}/incidents?team_id=${team.id}`, pageOf(incidentAnswerSchema));
    expect(list.body.items.map((i: Incident) => i.id)).not.toContain(incident.id);
    const get = await carol.get(`${API}/incidents/${incident.id}`, apiErrorBodySchema);
    expect(get.status).toBe(404);
    expect(get.body.message).toBe(`incident: no incident with id ${incident.id}`);
    const change = await carol.patch(`${API}/incidents/${incident.id}`, { current_stage: "Resolved" });
    expect(change.status).toBe(404);
    expect((await bob.get(`${API}/incidents/${incident.id}`)).status).toBe(200);
    expect((await (await server.admin()).get(`${API}/incidents/${incident.id}`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    const leaked = carolSocket.frames.filter(
      (f) => f.event?.startsWith("custom_incident_") && JSON.stringify(f.data ?? {}).includes(incident.id),
    );
    expect(leaked).toEqual([]);
    await carolSocket.close();
    await bobSocket.close();
  });

  it("shows a public incident to team members outside its channel, who must join to change it", async () => {
    const carolSocket = await TestSocket.of(carol);
    const incident = await startIncident(alice, { name: "Public outage", team_id: team.id });
    const created = await carolSocket.waitFor("custom_incident_incident_created");
    expect(incidentAnswerSchema.parse(created.data?.incident).id).toBe(incident.id);
    expect((await carol.get(`${API}/incidents/${incident.id}`)).status).toBe(200);
    const list = await carol.get(`${API}/incidents?team_id=${team.id}&status=active`, pageOf(incidentAnswerSchema));
    expect(list.body.items.map((i: Incident) => i.id)).toContain(incident.id);
    const change = await carol.patch(`${API}/incidents/${incident.id}`, { current_stage: "Mitigated" }, apiErrorBodySchema);
    expect(change.status).toBe(403);
    expect(change.body.message).toBe(
      `You must be a member of ~${incident.channel_name} to change the incident "Public outage"; join the channel first.`,
    );
    expect((await outsider.get(`${API}/incidents/${incident.id}`)).status).toBe(404);
    await carol.post(`/api/v4/channels/${incident.channel_id}/members`, { user_id: carol.user.id });
    expect((await carol.patch(`${API}/incidents/${incident.id}`, { current_stage: "Mitigated" })).status).toBe(200);
    await carolSocket.close();
  });
});

describe("changing an incident", () => {
  it("changes stage and commander, each posted by the bot naming who did it, with events", async () => {
    const socket = await TestSocket.of(alice);
    const incident = await startIncident(alice, { name: "Stage walk", team_id: team.id });
    const staged = await alice.patch(`${API}/incidents/${incident.id}`, { current_stage: "investigating" }, incidentAnswerSchema);
    expect(staged.status).toBe(200);
    expect(staged.body.current_stage).toBe("Investigating");
    const unknown = await alice.patch(`${API}/incidents/${incident.id}`, { current_stage: "Done" }, apiErrorBodySchema);
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toBe(
      'stage: "Done" is not a stage of this incident; its stages are Triage, Investigating, Mitigated, Resolved (or next, prev)',
    );
    const handed = await alice.patch(`${API}/incidents/${incident.id}`, { commander_user_id: bob.user.id }, incidentAnswerSchema);
    expect(handed.body.commander_user_id).toBe(bob.user.id);
    expect(await alice.get(`/api/v4/channels/${incident.channel_id}`)).toMatchObject({ status: 200 });
    const members = await bob.get(`${API}/incidents/${incident.id}`);
    expect(members.status).toBe(200);
    const strangerCommander = await alice.patch(
      `${API}/incidents/${incident.id}`,
      { commander_user_id: outsider.user.id },
      apiErrorBodySchema,
    );
    expect(strangerCommander.status).toBe(400);
    expect(strangerCommander.body.message).toBe(`commander_user_id: @${outsider.user.username} is not a member of the incident's team`);
    const extra = await alice.patch(`${API}/incidents/${incident.id}`, { stage: "x" }, apiErrorBodySchema);
    expect(extra.status).toBe(400);
    expect(extra.body.message).toBe("body: unknown key(s) stage");

    const updates = (await channelPosts(alice, incident.channel_id)).filter((p) => p.type === "custom_incident_update");
    expect(updates.map((p) => [p.user_id, p.props.action, p.message])).toEqual([
      [bot.id, "started", expect.any(String)],
      [bot.id, "stage_changed", `@${alice.user.username} changed the stage from Triage to Investigating`],
      [bot.id, "commander_changed", `@${alice.user.username} changed the commander from @${alice.user.username} to @${bob.user.username}`],
    ]);
    expect(itemAt(updates, 1, "update post").props).toMatchObject({
      incident_id: incident.id,
      actor_id: alice.user.id,
      from_stage: "Triage",
      to_stage: "Investigating",
    });
    await socket.waitFor("custom_incident_incident_updated");
    const actions = socket
      .events("custom_incident_incident_updated")
      .filter((f) => incidentAnswerSchema.parse(f.data?.incident).id === incident.id)
      .map((f) => f.data?.action);
    expect(actions).toEqual(["started", "stage_changed", "commander_changed"]);
    await socket.close();
  });

  it("adds, checks, unchecks and removes checklist items, each posted with who did it", async () => {
    const incident = await startIncident(alice, { name: "Checklist walk", team_id: team.id });
    const added = await alice.post(`${API}/incidents/${incident.id}/checklist`, { title: "Page the DBA" }, incidentAnswerSchema);
    expect(added.status).toBe(201);
    expect(added.body.checklist).toEqual([
      {
        id: expect.any(String),
        number: 1,
        title: "Page the DBA",
        stage: "Triage",
        checked: false,
        checked_by: "",
        checked_at: 0,
        assignee_user_id: "",
        due_at: 0,
      },
    ]);
    const loose = await alice.post(`${API}/incidents/${incident.id}/checklist`, { title: "Tell customers", stage: null });
    const later = await alice.post(
      `${API}/incidents/${incident.id}/checklist`,
      { title: "Verify fix", stage: "resolved" },
      incidentAnswerSchema,
    );
    expect(later.body.checklist.map((i: { title: string; stage: string | null }) => [i.title, i.stage])).toEqual([
      ["Page the DBA", "Triage"],
      ["Verify fix", "Resolved"],
      ["Tell customers", null],
    ]);
    expect(loose.status).toBe(201);
    const badStage = await alice.post(`${API}/incidents/${incident.id}/checklist`, { title: "x", stage: "Nope" }, apiErrorBodySchema);
    expect(badStage.body.message).toBe(
      'stage: "Nope" is not a stage of this incident; its stages are Triage, Investigating, Mitigated, Resolved',
    );
    const noTitle = await alice.post(`${API}/incidents/${incident.id}/checklist`, {}, apiErrorBodySchema);
    expect(noTitle.body.message).toBe("title: is required");

    const item = itemAt(added.body.checklist, 0, "checklist item");
    const checked = await bob.put(`${API}/incidents/${incident.id}/checklist/${item.id}`, { checked: true });
    expect(checked.status).toBe(403);
    const byAlice = await alice.put(`${API}/incidents/${incident.id}/checklist/${item.id}`, { checked: true }, incidentAnswerSchema);
    expect(byAlice.body.checklist[0]).toMatchObject({ checked: true, checked_by: alice.user.id });
    expect(itemAt(byAlice.body.checklist, 0, "checklist item").checked_at).toBeGreaterThan(0);
    const unchecked = await alice.put(`${API}/incidents/${incident.id}/checklist/${item.id}`, { checked: false }, incidentAnswerSchema);
    expect(unchecked.body.checklist[0]).toMatchObject({ checked: false, checked_by: "", checked_at: 0 });
    const badBody = await alice.put(`${API}/incidents/${incident.id}/checklist/${item.id}`, { checked: "yes" }, apiErrorBodySchema);
    expect(badBody.body.message).toBe("checked: must be true or false");
    const removed = await alice.delete(`${API}/incidents/${incident.id}/checklist/${item.id}`, incidentAnswerSchema);
    expect(removed.body.checklist.map((i: { title: string }) => i.title)).toEqual(["Verify fix", "Tell customers"]);
    const gone = await alice.delete(`${API}/incidents/${incident.id}/checklist/${item.id}`, apiErrorBodySchema);
    expect(gone.status).toBe(404);
    expect(gone.body.message).toBe(`item_id: no checklist item ${item.id} in this incident`);

    const messages = (await channelPosts(alice, incident.channel_id))
      .filter((p) => p.type === "custom_incident_update" && p.user_id === bot.id)
      .map((p) => p.message);
    const who = `@${alice.user.username}`;
    expect(messages.slice(1)).toEqual([
      `${who} added item 1 "Page the DBA" to Triage`,
      `${who} added item 2 "Tell customers" to the checklist (no stage)`,
      `${who} added item 3 "Verify fix" to Resolved`,
      `${who} checked item 1: Page the DBA`,
      `${who} unchecked item 1: Page the DBA`,
      `${who} removed item 1: Page the DBA`,
    ]);
  });

  it("ends an incident with a post, then refuses every change with 409", async () => {
    const socket = await TestSocket.of(alice);
    const incident = await startIncident(alice, { name: "Ending", team_id: team.id });
    const ended = await alice.post(`${API}/incidents/${incident.id}/end`, {}, incidentAnswerSchema);
    expect(ended.status).toBe(200);
    expect(ended.body.status).toBe("ended");
    expect(ended.body.end_at).toBeGreaterThanOrEqual(incident.create_at);
    const event = await socket.waitFor("custom_incident_incident_ended");
    expect(incidentAnswerSchema.parse(event.data?.incident).id).toBe(incident.id);
    const last = (await channelPosts(alice, incident.channel_id)).at(-1)!;
    expect(last).toMatchObject({ user_id: bot.id, type: "custom_incident_update", props: { action: "ended", actor_id: alice.user.id } });
    expect(last.message).toMatch(new RegExp(`^@${alice.user.username} ended the incident \\*\\*Ending\\*\\* after `));
    for (const attempt of [
      alice.post(`${API}/incidents/${incident.id}/end`),
      alice.patch(`${API}/incidents/${incident.id}`, { current_stage: "Resolved" }),
      alice.post(`${API}/incidents/${incident.id}/checklist`, { title: "late" }),
    ]) {
      const res = await attempt;
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ id: "incident.ended", message: 'incident "Ending" has ended; it can no longer be changed' });
    }
    await socket.close();
  });
});
