/**
 * `unusedChannelRemover` (a plugin's `ctx.channels.deleteUnused`): a channel
 * nobody but bots has used goes for good; one a person posted in stays.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, TestSocket, type TeamSeed, type TestServer } from "#testing";
import { unusedChannelRemover } from "./channel-management.ts";
import { channelMemberAdder, getChannel } from "./channels.ts";
import { postCreator } from "./posts.ts";
import { botEnsurer } from "./users.ts";

let server: TestServer;
let seed: TeamSeed;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  server = await startTestServer();
  seed = await server.seedTeam();
});
afterAll(async () => {
  for (const socket of sockets) await socket.close();
  await server?.close();
});

/** A private channel of Alice's with Bob in it and a bot's post, as a plugin's start leaves it. */
async function botOnlyChannel() {
  const channel = await server.createChannel(seed.alice, { teamId: seed.team.id, type: "P" });
  await channelMemberAdder(server.host, { channelId: channel.id, userId: seed.bob.user.id });
  const bot = await botEnsurer(server.host, { pluginId: "tests", username: "cleanup-bot", displayName: "Cleanup" });
  await channelMemberAdder(server.host, { channelId: channel.id, userId: bot.id });
  const post = await postCreator(server.host, {
    input: { channel_id: channel.id, message: "opening message" },
    author: { user: bot, via: "plugin", trusted: true },
  });
  return { channel, post };
}

describe("unusedChannelRemover", () => {
  it("removes a channel only bots posted in: its row, members, posts and reactions, telling its members", async () => {
    const { channel, post } = await botOnlyChannel();
    const reacted = await seed.bob.post("/api/v4/reactions", { user_id: seed.bob.user.id, post_id: post.id, emoji_name: "eyes" });
    expect(reacted.status).toBe(200);
    const bob = await TestSocket.open(server.url, { token: seed.bob.token });
    sockets.push(bob);

    expect(await unusedChannelRemover(server.host, { channelId: channel.id })).toBe(true);
    const deleted = await bob.waitFor((f) => f.event === "channel_deleted");
    expect(deleted.data).toMatchObject({ channel_id: channel.id, team_id: seed.team.id });
    expect(await getChannel(server.host, channel.id)).toBeNull();
    const db = server.host.db;
    expect(await db.selectFrom("channels").select("id").where("id", "=", channel.id).execute()).toEqual([]);
    expect(await db.selectFrom("channel_members").select("user_id").where("channel_id", "=", channel.id).execute()).toEqual([]);
    expect(await db.selectFrom("posts").select("id").where("channel_id", "=", channel.id).execute()).toEqual([]);
    expect(await db.selectFrom("reactions").select("post_id").where("channel_id", "=", channel.id).execute()).toEqual([]);
    // Its name is free again.
    const again = await seed.alice.post("/api/v4/channels", {
      team_id: seed.team.id,
      name: channel.name,
      display_name: "Again",
      type: "O",
    });
    expect(again.status).toBe(201);
    // Gone twice is still gone.
    expect(await unusedChannelRemover(server.host, { channelId: channel.id })).toBe(true);
  });

  it("keeps a channel a person posted in, unchanged", async () => {
    const { channel } = await botOnlyChannel();
    await server.createPost(seed.bob, { channelId: channel.id, message: "I was here" });
    expect(await unusedChannelRemover(server.host, { channelId: channel.id })).toBe(false);
    expect(await getChannel(server.host, channel.id)).toMatchObject({ id: channel.id, name: channel.name });
    // The membership changes' system posts ("@bob added to the channel by @alice.") aside.
    const posts = await server.host.db
      .selectFrom("posts")
      .select("message")
      .where("channel_id", "=", channel.id)
      .where("type", "not like", "system_%")
      .execute();
    expect(posts.map((p) => p.message).sort()).toEqual(["I was here", "opening message"]);
  });

  it("refuses a team's Town Square", async () => {
    const town = await server.host.db
      .selectFrom("channels")
      .select("id")
      .where("team_id", "=", seed.team.id)
      .where("name", "=", "town-square")
      .executeTakeFirstOrThrow();
    await expect(unusedChannelRemover(server.host, { channelId: town.id })).rejects.toMatchObject({
      status: 400,
      message: "channel: Town Square cannot be deleted",
    });
  });
});
