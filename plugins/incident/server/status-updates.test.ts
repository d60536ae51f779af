/**
 * Status updates (DESIGN.md section 10): `/incident update`, the API, the
 * card in the incident channel, the copies in the playbook's broadcast
 * channels — a private incident's only in private ones, each skipped
 * channel named with its reason in the incident channel — and the list.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiErrorBodySchema, commandResponseSchema, userSchema } from "#common/wire-schemas.ts";
import type { Channel, Team, User } from "#common/wire.ts";
import { channelPosts, expectBody, pageOf, type TestClient, type TestServer } from "#testing";
import { incidentAnswerSchema, statusUpdateAnswerSchema, type Incident } from "../common/types.ts";
import { API, applyPlaybook, slash, startIncident, startIncidentServer, teamWithMembers, timelineOf } from "./test-server.ts";

type Client = TestClient & { user: User };
let server: TestServer;
let team: Team;
let town: Channel;
let alice: Client;
let bob: Client;
/** On the team, in none of the private channels. */
let carol: Client;
/** Public. */
let status: Channel;
/** Private; the bot is a member. */
let leadership: Channel;
/** Private; the bot is not a member. */
let board: Channel;
let playbookId: string;

beforeAll(async () => {
  server = await startIncidentServer();
  const made = await teamWithMembers(server, 3);
  ({ team, town } = made);
  [alice, bob, carol] = made.users as [Client, Client, Client];
  status = await server.createChannel(alice, { teamId: team.id, name: `status-${team.name}`.slice(0, 60) });
  leadership = await server.createChannel(alice, { teamId: team.id, type: "P", name: `leadership-${team.name}`.slice(0, 60) });
  board = await server.createChannel(alice, { teamId: team.id, type: "P", name: `board-${team.name}`.slice(0, 60) });
  await server.addToChannel(alice, { channel: status, user: carol.user });
  playbookId = await applyPlaybook(alice, {
    teamId: team.id,
    source: `name: Broadcast\nbroadcast: [${status.name}, ${leadership.name}, ${board.name}, no-such-channel]\n`,
  });
  // The bot exists once the plugin is active: add it to ~leadership as an admin of it would.
  const bot = expectBody(await alice.get("/api/v4/users/username/incident"), userSchema);
  await server.addToChannel(alice, { channel: leadership, user: bot });
});
afterAll(async () => server?.close());

const cards = async (client: TestClient, channelId: string) =>
  (await channelPosts(client, channelId)).filter((p) => p.type === "custom_incident_status_update");

describe("status updates", () => {
  it("/incident update posts the card in the channel and copies it to the public broadcast channel; skips the rest with a note", async () => {
    const incident = await startIncident(alice, { name: "Public run", team_id: team.id, playbook_id: playbookId, invite: [bob.user.id] });
    const res = await slash(bob, {
      channel: { ...town, id: incident.channel_id },
      command: "/incident update Payments are **back**\nWatching.",
    });
    expect(res.status).toBe(200);
    const text = commandResponseSchema.parse(res.body).text ?? "";
    expect(text).toContain(`Copied to ~${status.name}, ~${leadership.name}.`);
    expect(text).toContain(`~${board.name} (the bot is not a member of this private channel; add @incident to it)`);
    expect(text).toContain("~no-such-channel (no channel of that name in the team)");
    const [card] = await cards(bob, incident.channel_id);
    expect(card?.message).toContain("Payments are **back**\nWatching.");
    expect(card?.props).toMatchObject({ incident_id: incident.id, author_user_id: bob.user.id, severity: "SEV3", broadcast: false });
    const [copy] = await cards(carol, status.id);
    expect(copy?.message).toBe(card?.message);
    expect(copy?.props).toMatchObject({ incident_id: incident.id, broadcast: true });
    const notes = (await channelPosts(bob, incident.channel_id)).map((p) => p.message);
    expect(notes).toContain(
      `The status update was not copied to ~${board.name}: the bot is not a member of this private channel; add @incident to it\nThe status update was not copied to ~no-such-channel: no channel of that name in the team`,
    );
    const after = expectBody(await bob.get(`${API}/incidents/${incident.id}`), incidentAnswerSchema);
    expect(after.last_status_update_at).toBeGreaterThanOrEqual(after.create_at);
    const entry = (await timelineOf(bob, incident.id)).find((e) => e.type === "status_update");
    expect(entry).toMatchObject({
      actor_user_id: bob.user.id,
      post_id: card?.id,
      summary: `@${bob.user.username} posted a status update: Payments are **back** Watching.`,
    });
  });

  it("sends a private incident's updates to private broadcast channels only, never to the public one", async () => {
    const incident = await startIncident(alice, { name: "Quiet run", team_id: team.id, playbook_id: playbookId, private: true });
    const res = await alice.post(
      `${API}/incidents/${incident.id}/status-updates`,
      { message: "secret-7f3 contained" },
      statusUpdateAnswerSchema,
    );
    expect(res.status).toBe(201);
    expect(res.body.broadcast.map((b) => [b.channel_name, b.status, b.reason])).toEqual([
      [status.name, "skipped", "a private incident's updates go only to private channels, and this one is public"],
      [leadership.name, "posted", ""],
      [board.name, "skipped", "the bot is not a member of this private channel; add @incident to it"],
      ["no-such-channel", "skipped", "no channel of that name in the team"],
    ]);
    expect((await channelPosts(carol, status.id)).map((p) => p.message).join("\n")).not.toContain("secret-7f3");
    expect((await cards(alice, leadership.id)).map((p) => p.message).join("\n")).toContain("secret-7f3 contained");
    // Outsiders of the incident neither read nor post its updates.
    const hidden = await carol.get(`${API}/incidents/${incident.id}/status-updates`);
    expect(hidden.status).toBe(404);
    expect((await carol.post(`${API}/incidents/${incident.id}/status-updates`, { message: "x" })).status).toBe(404);
  });

  it("lists updates newest first, paged; refuses an empty message naming the field", async () => {
    const incident: Incident = await startIncident(alice, { name: "Listed", team_id: team.id });
    for (const message of ["first", "second", "third"])
      expect((await alice.post(`${API}/incidents/${incident.id}/status-updates`, { message })).status).toBe(201);
    const page = await bob.get(`${API}/incidents/${incident.id}/status-updates?per_page=2`, pageOf(statusUpdateAnswerSchema));
    expect(page.body.total_count).toBe(3);
    expect(page.body.items.map((u) => u.message)).toEqual(["third", "second"]);
    expect(page.body.items[0]).toMatchObject({ author_user_id: alice.user.id, stage: "Triage", broadcast: [] });
    const empty = await alice.post(`${API}/incidents/${incident.id}/status-updates`, { message: "   " });
    expect(empty.status).toBe(400);
    expect(expectBody(empty, apiErrorBodySchema).message).toBe("message: must not be empty");
    // Paging is read as Mattermost reads it (issue 11): a zero per_page is the default.
    const zeroPage = await alice.get(`${API}/incidents/${incident.id}/status-updates?per_page=0`, pageOf(statusUpdateAnswerSchema));
    expect(zeroPage.status).toBe(200);
    expect(zeroPage.body.items).toHaveLength(3);
  });
});
