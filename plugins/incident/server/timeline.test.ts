/**
 * The timeline (DESIGN.md section 10): every change recorded with its time,
 * actor and post, forwarded messages included; posts added from the post
 * menu (only posts the incident's readers may read), removable — and only
 * those; entries follow the posts they quote; never shown to outsiders.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiErrorBodySchema, channelSchema } from "#common/wire-schemas.ts";
import type { Channel, Team, User } from "#common/wire.ts";
import { eventually, expectBody, TestSocket, type TestClient, type TestServer } from "#testing";
import { timelineEntryAnswerSchema, type Incident } from "../common/types.ts";
import { API, applyPlaybook, slash, startIncident, startIncidentServer, teamWithMembers, timelineOf } from "./test-server.ts";

type Client = TestClient & { user: User };
let server: TestServer;
let team: Team;
let town: Channel;
let alice: Client;
let bob: Client;
/** On the team, not in the private channels. */
let carol: Client;
let olga: Client;
let secret: Channel;

beforeAll(async () => {
  server = await startIncidentServer();
  const made = await teamWithMembers(server, 3);
  ({ team, town } = made);
  [alice, bob, carol] = made.users as [Client, Client, Client];
  olga = await server.createUser();
  secret = await server.createChannel(alice, { teamId: team.id, type: "P" });
});
afterAll(async () => server?.close());

const entryPath = (incident: Incident) => `${API}/incidents/${incident.id}/timeline`;

describe("the timeline", () => {
  it("records every change with its time, actor and post, in order", async () => {
    const incident = await startIncident(alice, { name: "Recorded", team_id: team.id });
    const channel = { ...town, id: incident.channel_id };
    await alice.patch(`${API}/incidents/${incident.id}`, { current_stage: "next", severity: "SEV2", commander_user_id: bob.user.id });
    await slash(bob, { channel, command: "/incident add Check the graphs" });
    await slash(bob, { channel, command: "/incident check 1" });
    await slash(bob, { channel, command: "/incident uncheck 1" });
    await slash(bob, { channel, command: `/incident assign 1 @${alice.user.username}` });
    await slash(bob, { channel, command: "/incident update All calm" });
    await slash(bob, { channel, command: "/incident remove 1" });
    await bob.post(`${API}/incidents/${incident.id}/end`);
    const entries = await timelineOf(bob, incident.id);
    expect(entries.map((e) => [e.type, e.actor_user_id === alice.user.id ? "alice" : "bob"])).toEqual([
      ["incident_started", "alice"],
      ["commander_changed", "alice"],
      ["stage_changed", "alice"],
      ["severity_changed", "alice"],
      ["checklist_item_added", "bob"],
      ["checklist_item_checked", "bob"],
      ["checklist_item_unchecked", "bob"],
      ["checklist_item_assigned", "bob"],
      ["status_update", "bob"],
      ["checklist_item_removed", "bob"],
      ["incident_ended", "bob"],
    ]);
    for (const entry of entries) {
      expect(entry.post_id, entry.type).toMatch(/^[a-z0-9]{26}$/);
      expect(entry.create_at, entry.type).toBeGreaterThanOrEqual(incident.create_at);
    }
    expect(entries.map((e) => e.create_at)).toEqual([...entries.map((e) => e.create_at)].sort((a, b) => a - b));
    expect(entries[2]).toMatchObject({
      summary: `@${alice.user.username} changed the stage from Triage to Investigating`,
      details: { from: "Triage", to: "Investigating" },
    });
    const slashTimeline = await slash(bob, { channel, command: "/incident timeline" });
    expect(JSON.stringify(slashTimeline.body)).toContain("changed the stage from Triage to Investigating");
  });

  it("takes posts of the incident channel and the team's public channels; refuses private channels, DMs and unreadable posts", async () => {
    const incident = await startIncident(alice, { name: "Added", team_id: team.id });
    const inChannel = await server.createPost(alice, { channelId: incident.channel_id, message: "Saw 500s from 10:02" });
    const inTown = await server.createPost(bob, { channelId: town.id, message: "Customers report checkout errors" });
    const inSecret = await server.createPost(alice, { channelId: secret.id, message: "private-4kq chatter" });
    const dm = expectBody(await alice.post("/api/v4/channels/direct", [alice.user.id, bob.user.id]), channelSchema);
    const inDm = await server.createPost(alice, { channelId: dm.id, message: "dm-8zz" });

    const added = await alice.post(entryPath(incident), { post_id: inChannel.id }, timelineEntryAnswerSchema);
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({
      type: "event_from_post",
      actor_user_id: alice.user.id,
      post_id: inChannel.id,
      summary: `@${alice.user.username}: Saw 500s from 10:02`,
    });
    // A member adds a teammate's post from a public channel; the same post twice is one entry.
    const fromTown = await alice.post(entryPath(incident), { post_id: inTown.id }, timelineEntryAnswerSchema);
    expect(fromTown.body.summary).toBe(`@${bob.user.username}: Customers report checkout errors`);
    expect((await alice.post(entryPath(incident), { post_id: inTown.id }, timelineEntryAnswerSchema)).body.id).toBe(fromTown.body.id);

    for (const post of [inSecret, inDm]) {
      const refused = await alice.post(entryPath(incident), { post_id: post.id });
      expect(refused.status).toBe(403);
      expect(expectBody(refused, apiErrorBodySchema).message).toMatch(
        /^post_id: only posts of the incident channel or of the team's public channels can go on the incident's timeline/,
      );
    }
    // Carol cannot read ~secret: the same answer as for no post at all.
    await server.addToChannel(alice, { channel: { ...town, id: incident.channel_id }, user: carol.user });
    for (const postId of [inSecret.id, "a".repeat(26)]) {
      const hidden = await carol.post(entryPath(incident), { post_id: postId });
      expect(hidden.status).toBe(404);
      expect(expectBody(hidden, apiErrorBodySchema).message).toBe(`post_id: no post with id ${postId} that you can read`);
    }
    const badId = await alice.post(entryPath(incident), { post_id: "nope" });
    expect(badId.status).toBe(400);
    expect(expectBody(badId, apiErrorBodySchema).message).toBe("post_id: must be an id (26 lowercase letters and digits)");
    const text = JSON.stringify(await timelineOf(alice, incident.id));
    expect(text).not.toContain("private-4kq");
    expect(text).not.toContain("dm-8zz");
  });

  it("removes entries added from posts, and only those; after the end too; a deleted post takes its entry", async () => {
    const incident = await startIncident(alice, { name: "Removed", team_id: team.id });
    const post = await server.createPost(alice, { channelId: incident.channel_id, message: "Noted" });
    const other = await server.createPost(alice, { channelId: incident.channel_id, message: "Deleted later" });
    const entry = (await alice.post(entryPath(incident), { post_id: post.id }, timelineEntryAnswerSchema)).body;
    const doomed = (await alice.post(entryPath(incident), { post_id: other.id }, timelineEntryAnswerSchema)).body;
    const started = (await timelineOf(alice, incident.id)).find((e) => e.type === "incident_started");
    const record = await alice.delete(`${entryPath(incident)}/${started?.id}`);
    expect(record.status).toBe(400);
    expect(expectBody(record, apiErrorBodySchema).message).toBe(
      "entry_id: this incident_started entry is a record of the incident and cannot be removed; only entries added from posts (event_from_post) can",
    );
    expect((await bob.delete(`${entryPath(incident)}/${entry.id}`)).status).toBe(403);
    expect((await alice.post(`${API}/incidents/${incident.id}/end`)).status).toBe(200);
    const removed = await alice.delete(`${entryPath(incident)}/${entry.id}`);
    expect(removed.status).toBe(200);
    expect(removed.body).toEqual({ status: "OK" });
    expect((await alice.delete(`${entryPath(incident)}/${entry.id}`)).status).toBe(404);
    expect((await alice.delete(`/api/v4/posts/${other.id}`)).status).toBe(200);
    await eventually(async () => !(await timelineOf(alice, incident.id)).some((e) => e.id === doomed.id), {
      what: "the entry to follow its post",
    });
    // Additions go on after the end.
    const late = await server.createPost(alice, { channelId: incident.channel_id, message: "Postmortem note" });
    expect((await alice.post(entryPath(incident), { post_id: late.id })).status).toBe(201);
  });

  it('records forwarded messages (from: ["*"] as well as "*"), by their author', async () => {
    const playbookId = await applyPlaybook(alice, {
      teamId: team.id,
      source: `name: Forwards\nforwarding:\n  - from: ["*"]\n    keywords: [kafka-9x]\n`,
    });
    const incident = await startIncident(alice, { name: "Forwarding", team_id: team.id, playbook_id: playbookId });
    expect(incident.forwarding[0]?.from).toBe("*");
    await server.createPost(bob, { channelId: town.id, message: "kafka-9x lag is growing" });
    const entry = await eventually(async () => (await timelineOf(alice, incident.id)).find((e) => e.type === "message_forwarded"), {
      what: "the forwarded message on the timeline",
    });
    expect(entry).toMatchObject({
      actor_user_id: bob.user.id,
      summary: `Forwarded from ~${town.name} by @${bob.user.username}: kafka-9x lag is growing`,
    });
  });

  it("is served and sent live to those who may see the incident only", async () => {
    const incident = await startIncident(alice, { name: "Hidden", team_id: team.id, private: true });
    const [insider, outsider] = await Promise.all([TestSocket.of(alice), TestSocket.of(carol)]);
    await alice.patch(`${API}/incidents/${incident.id}`, { severity: "SEV1" });
    await insider.waitFor("custom_incident_timeline_entry_added");
    await new Promise((r) => setTimeout(r, 200));
    expect(outsider.frames.map((f) => f.event)).not.toContain("custom_incident_timeline_entry_added");
    await Promise.all([insider.close(), outsider.close()]);
    for (const client of [carol, olga]) {
      const res = await client.get(entryPath(incident));
      expect(res.status).toBe(404);
      expect(expectBody(res, apiErrorBodySchema).message).toBe(`incident: no incident with id ${incident.id}`);
    }
    const pub = await startIncident(alice, { name: "Open", team_id: team.id });
    expect((await carol.get(entryPath(pub))).status).toBe(200);
    expect((await olga.get(entryPath(pub))).status).toBe(404);
  });
});
