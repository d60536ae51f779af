/**
 * Mentions, as the official client reads them: `@username`, `@channel`,
 * `@all` and `@here` raise the mentioned members' `mention_count` in
 * Client4 `getMyChannelMembers`, every DM message mentions the other member,
 * viewing the channel resets it, `posted` carries `mentions` (a JSON string
 * of ids), and `autocompleteUsers` lists only the people the caller may see.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiErrorBodySchema, channelSchema, postedEventDataSchema, userAutocompleteSchema } from "#common/wire-schemas.ts";
import type { Channel, Team, User } from "#common/wire.ts";
import { eventually, officialClient, officialSocket, startTestServer, TestSocket, type TestClient, type TestServer } from "#testing";

type Client = TestClient & { user: User };

let server: TestServer;
let admin: Client;
let alice: Client;
let bob: Client;
let carol: Client;
/** On the team, not in the channel. */
let dora: Client;
let team: Team;
let town: Channel;

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.admin();
  [alice, bob, carol, dora] = [await server.createUser(), await server.createUser(), await server.createUser(), await server.createUser()];
  team = await server.createTeam(alice);
  town = await server.createChannel(alice, { teamId: team.id });
  for (const u of [bob, carol]) await server.addToChannel(alice, { channel: town, user: u.user });
  const joined = await alice.post(`/api/v4/teams/${team.id}/members`, { team_id: team.id, user_id: dora.user.id });
  expect(joined.status).toBe(201);
});
afterAll(async () => {
  await server?.close();
});

/** The user's membership of a channel, as Client4 getMyChannelMembers lists it. */
async function membership(user: Client, channelId: string) {
  const members = await officialClient(user).getMyChannelMembers(team.id);
  const member = members.find((m) => m.channel_id === channelId);
  if (!member) throw new Error(`no membership of ${channelId} for ${user.user.username}`);
  return member;
}

/** Everyone in town reads it, so each test starts at no mentions. */
async function readAll(channelId: string): Promise<void> {
  for (const u of [alice, bob, carol]) await officialClient(u).viewMyChannel(channelId);
}

describe("mention counts", () => {
  it("@username raises that member's mention_count and msg_count stays Mattermost's read count; viewing resets it", async () => {
    await readAll(town.id);
    const before = await membership(bob, town.id);
    expect(before.mention_count).toBe(0);
    await server.createPost(alice, { channelId: town.id, message: `@${bob.user.username}, can you look at the db?` });
    await server.createPost(alice, { channelId: town.id, message: `ping @${bob.user.username.toUpperCase()}.` });
    await server.createPost(alice, { channelId: town.id, message: "no one mentioned here" });
    const after = await membership(bob, town.id);
    expect(after.mention_count).toBe(2);
    // msg_count is what the member has read: the channel's count only moves ahead of it.
    expect(after.msg_count).toBe(before.msg_count);
    expect((await membership(carol, town.id)).mention_count).toBe(0);
    // The author is never mentioned, not even by their own @channel.
    expect((await membership(alice, town.id)).mention_count).toBe(0);

    const viewed = await officialClient(bob).viewMyChannel(town.id);
    expect(viewed).toMatchObject({ status: "OK" });
    const reset = await membership(bob, town.id);
    expect(reset.mention_count).toBe(0);
    expect(reset.last_viewed_at).toBeGreaterThanOrEqual(after.last_viewed_at);
    const channel = await alice.get(`/api/v4/channels/${town.id}`, channelSchema);
    expect(reset.msg_count).toBe(channel.body.total_msg_count);
  });

  it("@channel and @all mention every member but the author; code and email addresses mention nobody; non-members never", async () => {
    await readAll(town.id);
    await server.createPost(bob, { channelId: town.id, message: "@channel deploy freeze" });
    await server.createPost(bob, { channelId: town.id, message: "@all thanks" });
    await server.createPost(bob, {
      channelId: town.id,
      message: `\`@${carol.user.username}\` and mail ${carol.user.username}@example.com`,
    });
    await server.createPost(bob, { channelId: town.id, message: `@${dora.user.username} is not in here` });
    expect((await membership(alice, town.id)).mention_count).toBe(2);
    expect((await membership(carol, town.id)).mention_count).toBe(2);
    expect((await membership(bob, town.id)).mention_count).toBe(0);
    const doraIn = await dora.get(`/api/v4/channels/${town.id}/members/${dora.user.id}`, apiErrorBodySchema);
    expect(doraIn.status).toBe(404);
  });

  it("@here mentions the members online (an open WebSocket) only", async () => {
    await readAll(town.id);
    const carolSocket = await TestSocket.open(server.url, { token: carol.token });
    try {
      const status = await eventually(
        async () => (await officialClient(alice).getStatusesByIds([carol.user.id])).find((s) => s.status === "online"),
        { what: "carol online" },
      );
      expect(status.user_id).toBe(carol.user.id);
      await server.createPost(alice, { channelId: town.id, message: "@here who is around?" });
      expect((await membership(carol, town.id)).mention_count).toBe(1);
      expect((await membership(bob, town.id)).mention_count).toBe(0);
    } finally {
      await carolSocket.close();
    }
  });

  it("counts every message of a DM as a mention for the other member", async () => {
    const dm = await officialClient(alice).createDirectChannel([alice.user.id, bob.user.id]);
    await officialClient(bob).viewMyChannel(dm.id);
    await server.createPost(alice, { channelId: dm.id, message: "hey" });
    await server.createPost(alice, { channelId: dm.id, message: "are you there?" });
    expect((await membership(bob, dm.id)).mention_count).toBe(2);
    expect((await membership(alice, dm.id)).mention_count).toBe(0);
    await officialClient(bob).viewMyChannel(dm.id);
    expect((await membership(bob, dm.id)).mention_count).toBe(0);
  });
});

describe("posted carries mentions", () => {
  it("a JSON string of the mentioned members' ids on the official WebSocketClient, and no field when nobody is mentioned", async () => {
    const socket = await officialSocket(carol);
    try {
      const mentioning = await server.createPost(alice, {
        channelId: town.id,
        message: `@${carol.user.username} @${bob.user.username} @${dora.user.username} look`,
      });
      const quiet = await server.createPost(alice, { channelId: town.id, message: "nobody" });
      const posted = await socket.waitFor("posted", (e) => JSON.stringify(e.data).includes(mentioning.id));
      expect(postedEventDataSchema.parse(posted.data).mentions).toEqual([bob.user.id, carol.user.id].sort());
      const plain = await socket.waitFor("posted", (e) => JSON.stringify(e.data).includes(quiet.id));
      expect(postedEventDataSchema.parse(plain.data).mentions).toBeUndefined();
    } finally {
      socket.close();
    }
  });
});

describe("users/autocomplete", () => {
  it("Client4 autocompleteUsers: the channel's members matching the name, and the team's others as out_of_channel", async () => {
    const prefix = bob.user.username.slice(0, 4);
    const result = await officialClient(alice).autocompleteUsers(prefix, team.id, town.id);
    expect(result.users.map((u) => u.id)).toContain(bob.user.id);
    expect(result.users.map((u) => u.id)).not.toContain(dora.user.id);
    expect(result.out_of_channel?.map((u) => u.id)).toContain(dora.user.id);
    expect(result.out_of_channel?.map((u) => u.id)).not.toContain(bob.user.id);
    // Another person's email stays hidden, as everywhere.
    expect(result.users.find((u) => u.id === bob.user.id)?.email).toBe("");
    const exact = await officialClient(alice).autocompleteUsers(`@${bob.user.username}`, team.id, "");
    expect(exact.users.map((u) => u.id)).toEqual([bob.user.id]);
    expect(exact.out_of_channel).toBeUndefined();
  });

  it("answers only about teams and channels the caller may see, and refuses bad input", async () => {
    const outsider = await server.createUser();
    const team404 = await outsider.get(`/api/v4/users/autocomplete?in_team=${team.id}&name=a`, apiErrorBodySchema);
    expect(team404.status).toBe(404);
    expect(team404.body.message).toBe("in_team: team not found, or you are not a member of it");
    const dm = await alice.post("/api/v4/channels/direct", [alice.user.id, bob.user.id], channelSchema);
    for (const caller of [carol, admin]) {
      const res = await caller.get(`/api/v4/users/autocomplete?in_channel=${dm.body.id}&name=`, apiErrorBodySchema);
      expect(res.status).toBe(404);
      expect(res.body.message).toBe("in_channel: channel not found, or you do not have access to it");
    }
    const member = await bob.get(`/api/v4/users/autocomplete?in_channel=${dm.body.id}&name=`, userAutocompleteSchema);
    expect(member.body.users.map((u) => u.id).sort()).toEqual([alice.user.id, bob.user.id].sort());
    expect(member.body.out_of_channel).toEqual([]);
    const limit = await alice.get("/api/v4/users/autocomplete?name=a&limit=0", apiErrorBodySchema);
    expect(limit.status).toBe(400);
    expect(limit.body.message).toContain("must be 1 to 100");
    const anonymous = await server.anonymous.get("/api/v4/users/autocomplete?name=a", apiErrorBodySchema);
    expect(anonymous.status).toBe(401);
  });
});
