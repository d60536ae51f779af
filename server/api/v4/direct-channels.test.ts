/**
 * Direct and group messages: the official Client4 opens them (idempotent, 201
 * as Mattermost answers), the members get `direct_added` / `group_added` on
 * the official WebSocketClient, they are listed with the user's team
 * channels, and nobody else — a third user, a system admin, an anonymous
 * caller — reads them over REST or the WebSocket.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { apiErrorBodySchema, channelMemberSchema, channelSchema, directAddedEventDataSchema } from "#common/wire-schemas.ts";
import type { Team, User } from "#common/wire.ts";
import { officialClient, officialSocket, startTestServer, TestSocket, type TestClient, type TestServer } from "#testing";

type Client = TestClient & { user: User };

const NOT_FOUND = "channel not found, or you do not have access to it";

let server: TestServer;
let admin: Client;
let alice: Client;
let bob: Client;
let carol: Client;
let team: Team;

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.admin();
  [alice, bob, carol] = [await server.createUser(), await server.createUser(), await server.createUser()];
  team = await server.createTeam(alice);
  for (const u of [bob, carol]) {
    const joined = await alice.post(`/api/v4/teams/${team.id}/members`, { team_id: team.id, user_id: u.user.id });
    expect(joined.status).toBe(201);
  }
});
afterAll(async () => {
  await server?.close();
});

describe("direct messages", () => {
  it("Client4 createDirectChannel opens a type D channel with no team, named by the sorted ids, the same one every time", async () => {
    const [dave, erin] = [await server.createUser(), await server.createUser()];
    const erinSocket = await officialSocket(erin);
    try {
      const channel = await officialClient(dave).createDirectChannel([dave.user.id, erin.user.id]);
      expect(channel).toMatchObject({
        type: "D",
        team_id: "",
        display_name: "",
        name: [dave.user.id, erin.user.id].sort().join("__"),
      });
      // The other member's official client hears of it.
      const added = await erinSocket.waitFor("direct_added");
      expect(directAddedEventDataSchema.parse(added.data)).toMatchObject({ creator_id: dave.user.id, teammate_id: erin.user.id });
      // From either side, in either order: the same channel, 201 as Mattermost answers, and no second event.
      const again = await erin.post("/api/v4/channels/direct", [erin.user.id, dave.user.id], channelSchema);
      expect(again.status).toBe(201);
      expect(again.body.id).toBe(channel.id);
      const members = await dave.get(`/api/v4/channels/${channel.id}/members`, z.array(channelMemberSchema));
      expect(members.status).toBe(200);
      expect(members.body.map((m) => m.user_id).sort()).toEqual([dave.user.id, erin.user.id].sort());
      expect(erinSocket.events.filter((m) => m.event === "direct_added")).toHaveLength(1);
    } finally {
      erinSocket.close();
    }
  });

  it("opens a channel with oneself for notes", async () => {
    const res = await alice.post("/api/v4/channels/direct", [alice.user.id, alice.user.id], channelSchema);
    expect(res.status).toBe(201);
    expect(res.body.name).toBe(`${alice.user.id}__${alice.user.id}`);
    const members = await alice.get(`/api/v4/channels/${res.body.id}/members`, z.array(channelMemberSchema));
    expect(members.body.map((m) => m.user_id)).toEqual([alice.user.id]);
  });

  it("refuses bad input with a 400 naming the field, and stores nothing", async () => {
    const one = await alice.post("/api/v4/channels/direct", [bob.user.id], apiErrorBodySchema);
    expect(one.status).toBe(400);
    expect(one.body.message).toContain("must list exactly two user ids");
    const short = await alice.post("/api/v4/channels/direct", [alice.user.id, "abc"], apiErrorBodySchema);
    expect(short.status).toBe(400);
    expect(short.body.message).toContain("must be a 26-character id");
    const ghost = "g".repeat(26);
    const unknown = await alice.post("/api/v4/channels/direct", [alice.user.id, ghost], apiErrorBodySchema);
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toBe(`user_ids: no active user ${ghost}`);
    const row = await server.host.db
      .selectFrom("channels")
      .select("id")
      .where("name", "=", [alice.user.id, ghost].sort().join("__"))
      .executeTakeFirst();
    expect(row).toBeUndefined();
  });

  it("lets nobody, system admins included, open a direct channel of two others", async () => {
    for (const caller of [carol, admin]) {
      const res = await caller.post("/api/v4/channels/direct", [alice.user.id, bob.user.id], apiErrorBodySchema);
      expect(res.status).toBe(403);
      expect(res.body.message).toBe("You may open only a direct channel you are one of the two members of.");
    }
    const anonymous = await server.anonymous.post("/api/v4/channels/direct", [alice.user.id, bob.user.id], apiErrorBodySchema);
    expect(anonymous.status).toBe(401);
  });
});

describe("group messages", () => {
  it("Client4 createGroupChannel opens a type G channel of 3–8 people, the caller added, named as Mattermost names it", async () => {
    const bobSocket = await officialSocket(bob);
    try {
      const channel = await officialClient(alice).createGroupChannel([bob.user.id, carol.user.id]);
      const ids = [alice.user.id, bob.user.id, carol.user.id];
      const hash = createHash("sha1");
      for (const id of [...ids].sort()) hash.update(id);
      expect(channel).toMatchObject({
        type: "G",
        team_id: "",
        name: hash.digest("hex"),
        display_name: [alice.user.username, bob.user.username, carol.user.username].sort().join(", "),
      });
      const added = await bobSocket.waitFor("group_added");
      expect(directAddedEventDataSchema.parse(added.data).teammate_ids?.sort()).toEqual([...ids].sort());
      const again = await carol.post("/api/v4/channels/group", [alice.user.id, bob.user.id, carol.user.id], channelSchema);
      expect(again.status).toBe(201);
      expect(again.body.id).toBe(channel.id);
    } finally {
      bobSocket.close();
    }
  });

  it("refuses fewer than 3 or more than 8 members, and ids that are not active users", async () => {
    const two = await alice.post("/api/v4/channels/group", [alice.user.id, bob.user.id], apiErrorBodySchema);
    expect(two.status).toBe(400);
    expect(two.body.message).toBe("user_ids: a group message has 3 to 8 different members, you included (got 2)");
    const many = await alice.post(
      "/api/v4/channels/group",
      Array.from({ length: 9 }, (_, i) => String(i).repeat(26)),
      apiErrorBodySchema,
    );
    expect(many.status).toBe(400);
    expect(many.body.message).toContain("must list at most 8 users");
    const ghost = "h".repeat(26);
    const unknown = await alice.post("/api/v4/channels/group", [bob.user.id, ghost], apiErrorBodySchema);
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toBe(`user_ids: no active user ${ghost}`);
  });
});

describe("a direct message, seen by anyone but its two members", () => {
  it("is 404 everywhere for a third user and for a system admin, and never shows on their sockets", async () => {
    const dm = await alice.post("/api/v4/channels/direct", [alice.user.id, bob.user.id], channelSchema);
    expect(dm.status).toBe(201);
    const sockets = {
      carol: await TestSocket.open(server.url, { token: carol.token }),
      admin: await TestSocket.open(server.url, { token: admin.token }),
    };
    const bobSocket = await TestSocket.open(server.url, { token: bob.token });
    try {
      const post = await server.createPost(alice, { channelId: dm.body.id, message: "just between us: swordfish" });
      await bobSocket.waitFor((f) => f.event === "posted" && JSON.stringify(f.data).includes(post.id));

      for (const outsider of [carol, admin]) {
        for (const path of [
          `/api/v4/channels/${dm.body.id}`,
          `/api/v4/channels/${dm.body.id}/posts`,
          `/api/v4/channels/${dm.body.id}/members`,
          `/api/v4/channels/${dm.body.id}/members/${alice.user.id}`,
        ]) {
          const res = await outsider.get(path, apiErrorBodySchema);
          expect({ path, status: res.status }).toEqual({ path, status: 404 });
          expect(res.body.message).toBe(NOT_FOUND);
        }
        const one = await outsider.get(`/api/v4/posts/${post.id}`, apiErrorBodySchema);
        expect(one.status).toBe(404);
        expect(one.body.message).toBe("post not found, or you do not have access to it");
        const write = await outsider.post("/api/v4/posts", { channel_id: dm.body.id, message: "let me in" }, apiErrorBodySchema);
        expect(write.status).toBe(404);
        expect(write.body.message).toBe(`channel_id: ${NOT_FOUND}`);
        const join = await outsider.post(`/api/v4/channels/${dm.body.id}/members`, { user_id: outsider.user.id }, apiErrorBodySchema);
        expect(join.status).toBe(404);
        expect(join.body.message).toBe(NOT_FOUND);
        const view = await outsider.post("/api/v4/channels/members/me/view", { channel_id: dm.body.id }, apiErrorBodySchema);
        expect(view.status).toBe(404);
        const users = await outsider.get(`/api/v4/users?in_channel=${dm.body.id}`, apiErrorBodySchema);
        expect(users.status).toBe(404);
      }
      // A member cannot add a third person either: a DM's members are fixed.
      const add = await alice.post(`/api/v4/channels/${dm.body.id}/members`, { user_id: carol.user.id }, apiErrorBodySchema);
      expect(add.status).toBe(400);
      expect(add.body.message).toBe("channel: the members of a direct or group message are fixed when it is made");
      // Anonymous callers are asked to sign in.
      const anonymous = await server.anonymous.get(`/api/v4/channels/${dm.body.id}`, apiErrorBodySchema);
      expect(anonymous.status).toBe(401);

      // Something the outsiders may see, so their sockets are known to be live after the DM's events.
      const pub = await server.createChannel(alice, { teamId: team.id });
      await server.addToChannel(alice, { channel: pub, user: carol.user });
      const marker = await server.createPost(alice, { channelId: pub.id, message: "marker" });
      await sockets.carol.waitFor((f) => f.event === "posted" && JSON.stringify(f.data).includes(marker.id));
      for (const socket of Object.values(sockets)) {
        expect(socket.text()).not.toContain(dm.body.id);
        expect(socket.text()).not.toContain("swordfish");
      }
    } finally {
      for (const socket of [...Object.values(sockets), bobSocket]) await socket.close();
    }
  });

  it("is listed with the member's channels of any team, and never among a team's public channels", async () => {
    const dm = await alice.post("/api/v4/channels/direct", [alice.user.id, carol.user.id], channelSchema);
    const mine = await officialClient(alice).getMyChannels(team.id);
    expect(mine.map((c) => c.id)).toContain(dm.body.id);
    const memberships = await officialClient(alice).getMyChannelMembers(team.id);
    expect(memberships.map((m) => m.channel_id)).toContain(dm.body.id);
    const bobs = await bob.get(`/api/v4/users/me/teams/${team.id}/channels`, z.array(channelSchema));
    expect(bobs.body.map((c) => c.id)).not.toContain(dm.body.id);
    const browse = await alice.get(`/api/v4/teams/${team.id}/channels?per_page=200`, z.array(channelSchema));
    expect(browse.status).toBe(200);
    expect(browse.body.map((c) => c.type)).not.toContain("D");
    expect(browse.body.map((c) => c.id)).not.toContain(dm.body.id);
  });
});
