import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { apiErrorBodySchema, channelMemberSchema, channelSchema } from "#common/wire-schemas.ts";
import type { Channel, Team, User } from "#common/wire.ts";
import { startTestServer, uniqueName, type TestClient, type TestServer } from "#testing";

type Client = TestClient & { user: User };

let server: TestServer;
let admin: Client;
/** Alice owns the team and both channels; Bob is on the team, in the public channel only; Olga is not on the team. */
let alice: Client;
let bob: Client;
let olga: Client;
let team: Team;
let pub: Channel;
let priv: Channel;

const NOT_FOUND = "channel not found, or you do not have access to it";

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.admin();
  ({ alice, bob, olga, team, pub, priv } = await server.seedTeam());
});
afterAll(async () => server.close());

describe("POST /api/v4/channels", () => {
  it("creates a public and a private channel for a team member", async () => {
    const name = uniqueName("war-room");
    const res = await bob.post(
      "/api/v4/channels",
      { team_id: team.id, name, display_name: "War room", type: "P", purpose: "p" },
      channelSchema,
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      team_id: team.id,
      name,
      display_name: "War room",
      type: "P",
      purpose: "p",
      creator_id: bob.user.id,
      total_msg_count: 0,
    });
    const member = await bob.get(`/api/v4/channels/${res.body.id}/members/me`, channelMemberSchema);
    expect(member.status).toBe(200);
    expect(member.body.roles).toBe("channel_user channel_admin");
  });

  it("applies Mattermost's name rules, naming the field", async () => {
    const cases: Array<[unknown, string]> = [
      ["a", "name: must be 2 to 64 characters"],
      ["x".repeat(65), "name: must be 2 to 64 characters"],
      ["Has Space", "name: may contain only lowercase letters, digits, '-' and '_', and must start with a letter or digit"],
      ["dots.not.ok", "name: may contain only lowercase letters, digits, '-' and '_', and must start with a letter or digit"],
      ["-leading", "name: may contain only lowercase letters, digits, '-' and '_', and must start with a letter or digit"],
    ];
    for (const [name, message] of cases) {
      const res = await alice.post("/api/v4/channels", { team_id: team.id, name, display_name: "X" }, apiErrorBodySchema);
      expect(res.status, String(name)).toBe(400);
      expect(res.body.message).toBe(message);
      expect(res.body.status_code).toBe(400);
    }
    for (const name of ["ok", "a_b-c", "0day", "x".repeat(64)]) {
      const res = await alice.post("/api/v4/channels", { team_id: team.id, name, display_name: "Valid" });
      expect(res.status, name).toBe(201);
    }
    const noDisplay = await alice.post("/api/v4/channels", { team_id: team.id, name: uniqueName("c") }, apiErrorBodySchema);
    expect(noDisplay.status).toBe(400);
    expect(noDisplay.body.message).toBe("display_name: Invalid input: expected string, received undefined");
    const badType = await alice.post(
      "/api/v4/channels",
      { team_id: team.id, name: uniqueName("c"), display_name: "C", type: "D" },
      apiErrorBodySchema,
    );
    expect(badType.status).toBe(400);
    expect(badType.body.message).toBe("type: must be O (public) or P (private)");
  });

  it("answers a taken name with 409 and a free suggestion", async () => {
    const name = uniqueName("outage");
    await server.createChannel(alice, { teamId: team.id, name });
    await server.createChannel(alice, { teamId: team.id, name: `${name}-2` });
    const res = await bob.post("/api/v4/channels", { team_id: team.id, name, display_name: "Outage" }, apiErrorBodySchema);
    expect(res.status).toBe(409);
    expect(res.body.message).toBe(`name: a channel named "${name}" already exists in this team; try "${name}-3"`);
    expect(res.body.details).toEqual({ suggestion: `${name}-3` });
    const taken = await bob.post("/api/v4/channels", { team_id: team.id, name: `${name}-3`, display_name: "Outage" });
    expect(taken.status).toBe(201);
  });

  it("refuses anonymous callers, outsiders of the team and unknown teams", async () => {
    const anon = await server.anonymous.post(
      "/api/v4/channels",
      { team_id: team.id, name: "anon", display_name: "Anon" },
      apiErrorBodySchema,
    );
    expect(anon.status).toBe(401);
    expect(anon.body.message).toBe("You must be signed in to do that.");
    const outsider = await olga.post(
      "/api/v4/channels",
      { team_id: team.id, name: uniqueName("c"), display_name: "C" },
      apiErrorBodySchema,
    );
    expect(outsider.status).toBe(403);
    expect(outsider.body.message).toBe("You must be a member of the team to create a channel in it.");
    const noTeam = await alice.post(
      "/api/v4/channels",
      { team_id: "z".repeat(26), name: uniqueName("c"), display_name: "C" },
      apiErrorBodySchema,
    );
    expect(noTeam.status).toBe(400);
    expect(noTeam.body.message).toBe("team_id: no team with this id");
    const byAdmin = await admin.post("/api/v4/channels", { team_id: team.id, name: uniqueName("c"), display_name: "C" });
    expect(byAdmin.status).toBe(201);
  });
});

describe("reading channels", () => {
  it("GET /api/v4/channels/{id}: members, team members for public, system admins for all; 404 otherwise", async () => {
    expect((await alice.get(`/api/v4/channels/${priv.id}`, channelSchema)).body.id).toBe(priv.id);
    const bobPublic = await bob.get(`/api/v4/channels/${pub.id}`, channelSchema);
    expect(bobPublic.status).toBe(200);
    expect(bobPublic.body.name).toBe(pub.name);
    const bobPrivate = await bob.get(`/api/v4/channels/${priv.id}`, apiErrorBodySchema);
    expect(bobPrivate.status).toBe(404);
    expect(bobPrivate.body.message).toBe(NOT_FOUND);
    // A private channel answers exactly as a channel that does not exist.
    const missing = await bob.get(`/api/v4/channels/${"q".repeat(26)}`, apiErrorBodySchema);
    expect(missing.status).toBe(404);
    // The same answer but for the request id, which is each request's own.
    expect({ ...missing.body, request_id: "" }).toEqual({ ...bobPrivate.body, request_id: "" });
    const outsider = await olga.get(`/api/v4/channels/${pub.id}`, apiErrorBodySchema);
    expect(outsider.status).toBe(404);
    expect(outsider.body.message).toBe(NOT_FOUND);
    const byAdmin = await admin.get(`/api/v4/channels/${priv.id}`, channelSchema);
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body.id).toBe(priv.id);
    const anon = await server.anonymous.get(`/api/v4/channels/${pub.id}`, apiErrorBodySchema);
    expect(anon.status).toBe(401);
    expect(anon.body.message).toBe("You must be signed in to do that.");
  });

  it("GET /api/v4/users/me/teams/{team_id}/channels lists the caller's channels only", async () => {
    const mine = await bob.get(`/api/v4/users/me/teams/${team.id}/channels`, z.array(channelSchema));
    expect(mine.status).toBe(200);
    const ids = mine.body.map((c: Channel) => c.id);
    expect(ids).toContain(pub.id);
    expect(ids).not.toContain(priv.id);
    expect(
      (await alice.get(`/api/v4/users/me/teams/${team.id}/channels`, z.array(channelSchema))).body.map((c: Channel) => c.id),
    ).toContain(priv.id);
    const outsider = await olga.get(`/api/v4/users/me/teams/${team.id}/channels`, apiErrorBodySchema);
    expect(outsider.status).toBe(404);
    expect(outsider.body.message).toBe("team not found, or you are not a member of it");
    const other = await bob.get(`/api/v4/users/${alice.user.id}/teams/${team.id}/channels`, apiErrorBodySchema);
    expect(other.status).toBe(403);
    expect(other.body.message).toBe("You may list only your own channels.");
    const anon = await server.anonymous.get(`/api/v4/users/me/teams/${team.id}/channels`, apiErrorBodySchema);
    expect(anon.status).toBe(401);
    expect(anon.body.message).toBe("You must be signed in to do that.");
  });

  it("GET /api/v4/teams/{team_id}/channels lists public channels to browse, paged", async () => {
    const res = await bob.get(`/api/v4/teams/${team.id}/channels`, z.array(channelSchema));
    expect(res.status).toBe(200);
    const ids = res.body.map((c: Channel) => c.id);
    expect(ids).toContain(pub.id);
    expect(ids).not.toContain(priv.id);
    expect(res.body.every((c: Channel) => c.type === "O")).toBe(true);
    const page = await bob.get(`/api/v4/teams/${team.id}/channels?page=0&per_page=1`);
    expect(page.status).toBe(200);
    expect(page.body).toHaveLength(1);
    // As Mattermost does, a per_page over 200 is read as 200 (issue 11).
    const clamped = await bob.get(`/api/v4/teams/${team.id}/channels?per_page=500`, z.array(channelSchema));
    expect(clamped.status).toBe(200);
    expect(clamped.body.map((c: Channel) => c.id)).toEqual(ids);
    const outsider = await olga.get(`/api/v4/teams/${team.id}/channels`, apiErrorBodySchema);
    expect(outsider.status).toBe(404);
    expect(outsider.body.message).toBe("team not found, or you are not a member of it");
    const anon = await server.anonymous.get(`/api/v4/teams/${team.id}/channels`, apiErrorBodySchema);
    expect(anon.status).toBe(401);
    expect(anon.body.message).toBe("You must be signed in to do that.");
  });

  it("GET /api/v4/teams/{team_id}/channels/name/{name} hides private channels from non-members", async () => {
    const seen = await bob.get(`/api/v4/teams/${team.id}/channels/name/${pub.name}`, channelSchema);
    expect(seen.status).toBe(200);
    expect(seen.body.id).toBe(pub.id);
    const hidden = await bob.get(`/api/v4/teams/${team.id}/channels/name/${priv.name}`, apiErrorBodySchema);
    expect(hidden.status).toBe(404);
    expect(hidden.body.message).toBe(NOT_FOUND);
    const missing = await bob.get(`/api/v4/teams/${team.id}/channels/name/no-such-channel`, apiErrorBodySchema);
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe(NOT_FOUND);
    expect((await admin.get(`/api/v4/teams/${team.id}/channels/name/${priv.name}`)).status).toBe(200);
    const anon = await server.anonymous.get(`/api/v4/teams/${team.id}/channels/name/${pub.name}`, apiErrorBodySchema);
    expect(anon.status).toBe(401);
    expect(anon.body.message).toBe("You must be signed in to do that.");
  });

  it("GET /api/v4/channels/{id}/members: 404 for a private channel's non-members", async () => {
    const members = await alice.get(`/api/v4/channels/${priv.id}/members`, z.array(channelMemberSchema));
    expect(members.status).toBe(200);
    expect(members.body.map((m: { user_id: string }) => m.user_id)).toEqual([alice.user.id]);
    const hidden = await bob.get(`/api/v4/channels/${priv.id}/members`, apiErrorBodySchema);
    expect(hidden.status).toBe(404);
    expect(hidden.body.message).toBe(NOT_FOUND);
    const hiddenOne = await bob.get(`/api/v4/channels/${priv.id}/members/${alice.user.id}`, apiErrorBodySchema);
    expect(hiddenOne.status).toBe(404);
    expect(hiddenOne.body.message).toBe(NOT_FOUND);
    expect((await admin.get(`/api/v4/channels/${priv.id}/members`)).status).toBe(200);
    const anon = await server.anonymous.get(`/api/v4/channels/${priv.id}/members`, apiErrorBodySchema);
    expect(anon.status).toBe(401);
    expect(anon.body.message).toBe("You must be signed in to do that.");
  });
});

describe("POST /api/v4/channels/{id}/members", () => {
  it("lets a team member join a public channel, and members add team members", async () => {
    const carol = await server.createUser();
    await alice.post(`/api/v4/teams/${team.id}/members`, { user_id: carol.user.id });
    const channel = await server.createChannel(alice, { teamId: team.id, type: "O" });
    const join = await carol.post(`/api/v4/channels/${channel.id}/members`, { user_id: carol.user.id });
    expect(join.status).toBe(201);
    expect(join.body).toMatchObject({ channel_id: channel.id, user_id: carol.user.id, roles: "channel_user" });
    const addBob = await carol.post(`/api/v4/channels/${channel.id}/members`, { user_id: bob.user.id });
    expect(addBob.status).toBe(201);
    // Someone outside the team can't be pulled in by a plain member.
    const addOlga = await carol.post(`/api/v4/channels/${channel.id}/members`, { user_id: olga.user.id }, apiErrorBodySchema);
    expect(addOlga.status).toBe(403);
    expect(addOlga.body.message).toBe("user_id: the user is not a member of this channel's team.");
  });

  it("keeps private channels closed to non-members and public ones to outsiders", async () => {
    const selfJoin = await bob.post(`/api/v4/channels/${priv.id}/members`, { user_id: bob.user.id }, apiErrorBodySchema);
    expect(selfJoin.status).toBe(404);
    expect(selfJoin.body.message).toBe(NOT_FOUND);
    const channel = await server.createChannel(alice, { teamId: team.id, type: "O" });
    const bobAddsAlice = await bob.post(`/api/v4/channels/${channel.id}/members`, { user_id: alice.user.id }, apiErrorBodySchema);
    expect(bobAddsAlice.status).toBe(403);
    expect(bobAddsAlice.body.message).toBe("You must be a member of the channel to add others to it.");
    const outsider = await olga.post(`/api/v4/channels/${pub.id}/members`, { user_id: olga.user.id }, apiErrorBodySchema);
    expect(outsider.status).toBe(404);
    expect(outsider.body.message).toBe(NOT_FOUND);
    const bad = await alice.post(`/api/v4/channels/${priv.id}/members`, {}, apiErrorBodySchema);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe("user_id: is required (or user_ids)");
    const anon = await server.anonymous.post(`/api/v4/channels/${pub.id}/members`, { user_id: bob.user.id }, apiErrorBodySchema);
    expect(anon.status).toBe(401);
    expect(anon.body.message).toBe("You must be signed in to do that.");
  });

  it("lets a member add a team member to a private channel, and a system admin add anyone", async () => {
    const channel = await server.createChannel(alice, { teamId: team.id, type: "P" });
    const addBob = await alice.post(`/api/v4/channels/${channel.id}/members`, { user_id: bob.user.id });
    expect(addBob.status).toBe(201);
    expect((await bob.get(`/api/v4/channels/${channel.id}`)).status).toBe(200);
    const addOlga = await admin.post(`/api/v4/channels/${channel.id}/members`, { user_id: olga.user.id }, channelMemberSchema);
    expect(addOlga.status).toBe(201);
    expect(addOlga.body.user_id).toBe(olga.user.id);
    expect((await olga.get(`/api/v4/channels/${channel.id}`)).status).toBe(200);
  });
});

describe("unread state: POST /api/v4/channels/members/me/view", () => {
  it("catches msg_count up with the channel's total_msg_count", async () => {
    const channel = await server.createChannel(alice, { teamId: team.id, type: "O" });
    await server.addToChannel(alice, { channel, user: bob.user });
    await server.createPost(alice, { channelId: channel.id, message: "one" });
    await server.createPost(alice, { channelId: channel.id, message: "two" });
    // Two posts and the system post of bob's joining ("added to the channel by @alice").
    const total = await bob.get(`/api/v4/channels/${channel.id}`, channelSchema);
    expect(total.body.total_msg_count).toBe(3);
    const before = await bob.get(`/api/v4/channels/${channel.id}/members/me`, channelMemberSchema);
    expect(before.status).toBe(200);
    // Bob has read up to his own arrival: the post of his joining.
    expect(before.body.msg_count).toBe(1);
    // The author has read their own posts.
    expect((await alice.get(`/api/v4/channels/${channel.id}/members/me`, channelMemberSchema)).body.msg_count).toBe(3);
    const mine = await bob.get(`/api/v4/users/me/teams/${team.id}/channels/members`, z.array(channelMemberSchema));
    expect(mine.body.find((m: { channel_id: string }) => m.channel_id === channel.id)?.msg_count).toBe(1);

    const view = await bob.post(
      "/api/v4/channels/members/me/view",
      { channel_id: channel.id, prev_channel_id: "" },
      z.looseObject({ status: z.string(), last_viewed_at_times: z.record(z.string(), z.number()) }),
    );
    expect(view.status).toBe(200);
    expect(view.body.status).toBe("OK");
    expect(view.body.last_viewed_at_times[channel.id]).toBeGreaterThan(0);
    const after = await bob.get(`/api/v4/channels/${channel.id}/members/me`, channelMemberSchema);
    expect(after.body.msg_count).toBe(3);
    expect(after.body.last_viewed_at).toBeGreaterThan(before.body.last_viewed_at);
  });

  it("refuses a private channel's non-members, bad input and anonymous callers", async () => {
    const hidden = await bob.post("/api/v4/channels/members/me/view", { channel_id: priv.id }, apiErrorBodySchema);
    expect(hidden.status).toBe(404);
    expect(hidden.body.message).toBe(NOT_FOUND);
    const bad = await bob.post("/api/v4/channels/members/me/view", {}, apiErrorBodySchema);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe("channel_id: Invalid input: expected string, received undefined");
    const anon = await server.anonymous.post("/api/v4/channels/members/me/view", { channel_id: pub.id }, apiErrorBodySchema);
    expect(anon.status).toBe(401);
    expect(anon.body.message).toBe("You must be signed in to do that.");
  });
});
