/**
 * Any channel, and from a message (DESIGN.md section 10): `/incident start
 * --here` and `POST /incidents {channel_id}` run an incident in an existing
 * channel (members only, one active incident per channel, never a private
 * incident in a public channel); the post menu's "Start incident from this
 * message" opens the dialog with the message quoted and puts it on the
 * timeline.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  apiErrorBodySchema,
  channelSchema,
  commandResponseSchema,
  dialogSubmitResultSchema,
  openDialogEventDataSchema,
} from "#common/wire-schemas.ts";
import type { Channel, Team, User } from "#common/wire.ts";
import { expectBody, pageOf, TestSocket, type TestClient, type TestServer } from "#testing";
import { incidentAnswerSchema } from "../common/types.ts";
import { API, slash, startIncident, startIncidentServer, teamWithMembers, timelineOf } from "./test-server.ts";

type Client = TestClient & { user: User };
let server: TestServer;
let team: Team;
let alice: Client;
let bob: Client;
let carol: Client;

beforeAll(async () => {
  server = await startIncidentServer();
  const made = await teamWithMembers(server, 3);
  team = made.team;
  [alice, bob, carol] = made.users as [Client, Client, Client];
});
afterAll(async () => server?.close());

const channel = (type: "O" | "P" = "O"): Promise<Channel> => server.createChannel(alice, { teamId: team.id, type });
const incidentsOf = async (channelId: string) =>
  (await alice.get(`${API}/incidents?channel_id=${channelId}&status=all`, pageOf(incidentAnswerSchema))).body.items;

describe("an incident in an existing channel", () => {
  it("/incident start --here runs it in the channel; a second one is refused, naming the first", async () => {
    const ops = await channel();
    const res = await slash(alice, { channel: ops, command: '/incident start "Queue stuck" --here --severity SEV2' });
    expect(res.status).toBe(200);
    expect(commandResponseSchema.parse(res.body).text).toBe(`Started incident **Queue stuck** in ~${ops.name}.`);
    const [incident] = await incidentsOf(ops.id);
    expect(incident).toMatchObject({ name: "Queue stuck", channel_id: ops.id, channel_created: false, private: false, severity: "SEV2" });
    const again = await alice.post(`${API}/incidents`, { name: "Second", team_id: team.id, channel_id: ops.id });
    expect(again.status).toBe(409);
    expect(expectBody(again, apiErrorBodySchema)).toMatchObject({
      message: `channel_id: ~${ops.name} already runs the active incident "Queue stuck" (#${incident?.seq}); end it first, or start this one in another channel`,
      details: { incident_id: incident?.id },
    });
    const bySlash = await slash(alice, { channel: ops, command: "/incident start Third --here" });
    expect(expectBody(bySlash, apiErrorBodySchema).message).toMatch(/^--here: ~.* already runs the active incident "Queue stuck"/);
    // Ended, the channel takes a new one; the commands act on the active one.
    expect((await alice.post(`${API}/incidents/${incident?.id}/end`)).status).toBe(200);
    const next = await startIncident(alice, { name: "Next", team_id: team.id, channel_id: ops.id });
    expect(next.channel_id).toBe(ops.id);
    const info = await slash(alice, { channel: ops, command: "/incident info" });
    expect(commandResponseSchema.parse(info.body).text).toContain("**Next**");
  });

  it("refuses a channel the caller is not in, a private incident in a public channel, and a direct message", async () => {
    const ops = await channel();
    const notMember = await carol.post(`${API}/incidents`, { name: "X", team_id: team.id, channel_id: ops.id });
    expect(notMember.status).toBe(403);
    expect(expectBody(notMember, apiErrorBodySchema).message).toBe(
      `channel_id: you must be a member of ~${ops.name} to run an incident in it; join it first`,
    );
    const publicPrivate = await alice.post(`${API}/incidents`, { name: "X", team_id: team.id, channel_id: ops.id, private: true });
    expect(publicPrivate.status).toBe(400);
    expect(expectBody(publicPrivate, apiErrorBodySchema).message).toBe(
      `private: a private incident cannot run in the public channel ~${ops.name}, which the whole team can read; start it in a new channel or in a private one`,
    );
    const bySlash = await slash(alice, { channel: ops, command: "/incident start X --here --private" });
    expect(expectBody(bySlash, apiErrorBodySchema).message).toMatch(/^--private: a private incident cannot run in the public channel/);
    const hidden = await channel("P");
    const unreadable = await carol.post(`${API}/incidents`, { name: "X", team_id: team.id, channel_id: hidden.id });
    expect(unreadable.status).toBe(404);
    expect(expectBody(unreadable, apiErrorBodySchema).message).toBe(`channel_id: no channel with id ${hidden.id} that you can read`);
    const dm = await alice.post("/api/v4/channels/direct", [alice.user.id, bob.user.id]);
    const dmId = expectBody(dm, channelSchema).id;
    const inDm = await alice.post(`${API}/incidents`, { name: "X", team_id: team.id, channel_id: dmId });
    expect(inDm.status).toBe(400);
    expect(expectBody(inDm, apiErrorBodySchema).message).toBe(
      "channel_id: an incident cannot run in a direct or group message; start it in a channel",
    );
    expect(await incidentsOf(ops.id)).toEqual([]);
  });

  it("a private channel's incident is private, seen by its members only", async () => {
    const war = await channel("P");
    const incident = await startIncident(alice, { name: "Quiet", team_id: team.id, channel_id: war.id });
    expect(incident).toMatchObject({ private: true, channel_created: false });
    expect((await bob.get(`${API}/incidents/${incident.id}`)).status).toBe(404);
  });
});

describe("starting from a message", () => {
  it("opens the dialog with the message quoted; the started incident has the message on its timeline", async () => {
    const town = await channel();
    await server.addToChannel(alice, { channel: town, user: bob.user });
    const post = await server.createPost(bob, { channelId: town.id, message: "Checkout is returning 502s\nsince 10:04" });
    const socket = await TestSocket.of(alice);
    const opened = await alice.post(`${API}/incidents/dialog`, { team_id: team.id, channel_id: town.id, post_id: post.id });
    expect(opened.status).toBe(200);
    const { dialog } = openDialogEventDataSchema.parse((await socket.waitFor("open_dialog")).data);
    await socket.close();
    expect(dialog.title).toBe("Start incident from a message");
    expect(dialog.introduction_text).toBe("> Checkout is returning 502s\n> since 10:04");
    expect(dialog.elements.find((e) => e.name === "name")?.default).toBe("Checkout is returning 502s");
    const done = await alice.post(
      "/api/v4/actions/dialogs/submit",
      {
        callback_id: dialog.callback_id,
        submission: { name: "Checkout 502s", playbook: "none", severity: "SEV1", drill: "false", here: "false" },
      },
      dialogSubmitResultSchema,
    );
    expect(done.body).toEqual({});
    const list = await alice.get(`${API}/incidents?team_id=${team.id}&per_page=200`, pageOf(incidentAnswerSchema));
    const incident = list.body.items.find((i) => i.name === "Checkout 502s");
    expect(incident).toMatchObject({ severity: "SEV1", channel_created: true });
    const entries = await timelineOf(alice, incident?.id ?? "");
    expect(entries.map((e) => e.type)).toEqual(["incident_started", "event_from_post"]);
    expect(entries[1]).toMatchObject({
      post_id: post.id,
      actor_user_id: alice.user.id,
      summary: `@${bob.user.username}: Checkout is returning 502s since 10:04`,
    });
  });

  it("refuses a message of a private channel (its readers are not the incident's), creating nothing", async () => {
    const secret = await channel("P");
    const post = await server.createPost(alice, { channelId: secret.id, message: "secret-2mm" });
    const before = (await alice.get(`${API}/incidents?team_id=${team.id}&per_page=200`, pageOf(incidentAnswerSchema))).body.total_count;
    const res = await alice.post(`${API}/incidents`, { name: "From secret", team_id: team.id, post_id: post.id });
    expect(res.status).toBe(403);
    expect(expectBody(res, apiErrorBodySchema).message).toMatch(
      /^post_id: only posts of the incident channel or of the team's public channels/,
    );
    expect((await alice.post(`${API}/incidents/dialog`, { team_id: team.id, channel_id: secret.id, post_id: "b".repeat(26) })).status).toBe(
      404,
    );
    const after = (await alice.get(`${API}/incidents?team_id=${team.id}&per_page=200`, pageOf(incidentAnswerSchema))).body.total_count;
    expect(after).toBe(before);
    // Run in that private channel itself, its message may go on the timeline.
    const here = await startIncident(alice, { name: "In secret", team_id: team.id, channel_id: secret.id, post_id: post.id });
    expect((await timelineOf(alice, here.id)).map((e) => e.type)).toEqual(["incident_started", "event_from_post"]);
  });
});
