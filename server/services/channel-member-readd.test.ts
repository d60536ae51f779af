/**
 * Re-adding someone who is a member already is a no-op even when this
 * process's member list does not know it yet (another process added them, or
 * a concurrent add won): no second `user_added`, no second membership post.
 * Under a burst of joins (a load test's set-up on two processes) every
 * repeated `user_added` crossed the bus and went to every member.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Channel, Team } from "#common/wire.ts";
import { channelPosts, postEvent, startTestServer, TestSocket, type TestClient, type TestServer } from "#testing";
import type { User } from "#common/wire.ts";
import { channelMemberIds } from "./channels.ts";

let server: TestServer;
let alice: TestClient & { user: User };
let team: Team;
let channel: Channel;
let watcher: TestSocket;

beforeAll(async () => {
  server = await startTestServer();
  alice = await server.createUser();
  team = await server.createTeam(alice);
  channel = await server.createChannel(alice, { teamId: team.id });
  watcher = await TestSocket.of(alice);
});
afterAll(async () => {
  await watcher.close();
  await server.close();
});

/** `user_added` events for `userId` seen by Alice's socket, once a later post has reached it (delivery keeps order). */
async function userAddedSeen(userId: string): Promise<number> {
  const marker = await server.createPost(alice, { channelId: channel.id, message: `marker for ${userId}` });
  await watcher.waitFor(postEvent("posted", marker.id));
  return watcher.frames.filter((f) => f.event === "user_added" && f.data?.user_id === userId && f.data.channel_id === channel.id).length;
}

const joinPosts = async (userId: string) =>
  (await channelPosts(alice, channel.id)).filter((p) => p.type === "system_add_to_channel" && p.props?.addedUserId === userId).length;

describe("adding a member who is one already", () => {
  it("announces nothing when this process's member list was stale", async () => {
    const bob = await server.createUser();
    expect((await alice.post(`/api/v4/teams/${team.id}/members`, { team_id: team.id, user_id: bob.user.id })).status).toBe(201);
    // This process holds the member list without Bob; then Bob becomes a member behind its back (as another process would add him).
    expect((await channelMemberIds(server.host, channel.id)).has(bob.user.id)).toBe(false);
    await server.host.db
      .insertInto("channel_members")
      .values({
        channel_id: channel.id,
        user_id: bob.user.id,
        roles: "channel_user",
        last_viewed_at: 0,
        msg_count: 0,
        create_at: Date.now(),
      })
      .execute();

    const again = await alice.post(`/api/v4/channels/${channel.id}/members`, { user_id: bob.user.id });
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ channel_id: channel.id, user_id: bob.user.id });
    expect(await userAddedSeen(bob.user.id)).toBe(0);
    expect(await joinPosts(bob.user.id)).toBe(0);
    // The stale list was dropped: Bob is a member here now.
    expect((await channelMemberIds(server.host, channel.id)).has(bob.user.id)).toBe(true);
  });

  it("announces a member once when several adds race", async () => {
    const carol = await server.createUser();
    expect((await alice.post(`/api/v4/teams/${team.id}/members`, { team_id: team.id, user_id: carol.user.id })).status).toBe(201);
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => alice.post(`/api/v4/channels/${channel.id}/members`, { user_id: carol.user.id })),
    );
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201]);
    expect(await userAddedSeen(carol.user.id)).toBe(1);
    expect(await joinPosts(carol.user.id)).toBe(1);
  });
});
