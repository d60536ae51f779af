/**
 * A channel is told who joined, was added, left or was removed (issue 12
 * defect 11), with Mattermost's system post types, through the real API.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { channelPosts, startTestServer, type TestServer } from "#testing";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe("membership posts", () => {
  it("post system_join_channel, system_add_to_channel, system_leave_channel and system_remove_from_channel", async () => {
    const alice = await server.createUser();
    const bob = await server.createUser();
    const carol = await server.createUser();
    const team = await server.createTeam(alice);
    for (const user of [bob, carol])
      expect((await alice.post(`/api/v4/teams/${team.id}/members`, { team_id: team.id, user_id: user.user.id })).status).toBe(201);
    const channel = await server.createChannel(alice, { teamId: team.id });
    const before = (await channelPosts(alice, channel.id)).length;

    const joined = await bob.post(`/api/v4/channels/${channel.id}/members`, { user_id: bob.user.id });
    expect(joined.status).toBe(201);
    expect((await alice.post(`/api/v4/channels/${channel.id}/members`, { user_id: carol.user.id })).status).toBe(201);
    // Adding a member again changes nothing and posts nothing.
    expect((await alice.post(`/api/v4/channels/${channel.id}/members`, { user_id: carol.user.id })).status).toBe(201);
    expect((await bob.delete(`/api/v4/channels/${channel.id}/members/${bob.user.id}`)).status).toBe(200);
    expect((await alice.delete(`/api/v4/channels/${channel.id}/members/${carol.user.id}`)).status).toBe(200);

    const posts = (await channelPosts(alice, channel.id)).slice(before);
    expect(posts.map((p) => [p.type, p.user_id, p.message])).toEqual([
      ["system_join_channel", bob.user.id, `@${bob.user.username} joined the channel.`],
      ["system_add_to_channel", alice.user.id, `@${carol.user.username} added to the channel by @${alice.user.username}.`],
      ["system_leave_channel", bob.user.id, `@${bob.user.username} left the channel.`],
      ["system_remove_from_channel", alice.user.id, `@${carol.user.username} was removed from the channel.`],
    ]);
    expect(posts[1]?.props).toEqual({
      userId: alice.user.id,
      username: alice.user.username,
      addedUserId: carol.user.id,
      addedUsername: carol.user.username,
    });
  });
});
