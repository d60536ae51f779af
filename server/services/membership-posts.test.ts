/**
 * A channel is told who joined, was added, left or was removed (issue 12
 * defect 11), with Mattermost's system post types, through the real API.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { channelPosts, expectBody, startTestServer, type TestServer } from "#testing";

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

/** A database trigger that aborts every insert of a `system_add_to_channel` post: a real failed write, on either database. */
async function refuseAddPosts(on: boolean): Promise<void> {
  const { db, dialect } = server.host;
  if (dialect === "sqlite") {
    if (on)
      await sql`CREATE TRIGGER refuse_add_posts BEFORE INSERT ON posts WHEN NEW.type = 'system_add_to_channel' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`.execute(
        db,
      );
    else await sql`DROP TRIGGER refuse_add_posts`.execute(db);
    return;
  }
  if (on) {
    await sql`CREATE FUNCTION refuse_add_posts() RETURNS trigger AS $$ BEGIN IF NEW.type = 'system_add_to_channel' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`.execute(
      db,
    );
    await sql`CREATE TRIGGER refuse_add_posts BEFORE INSERT ON posts FOR EACH ROW EXECUTE FUNCTION refuse_add_posts()`.execute(db);
  } else {
    await sql`DROP TRIGGER refuse_add_posts ON posts`.execute(db);
    await sql`DROP FUNCTION refuse_add_posts()`.execute(db);
  }
}

const memberReadState = z.object({ msg_count: z.number(), mention_count: z.number(), last_viewed_at: z.number() });
const channelCounters = z.object({ total_msg_count: z.number() });

describe("adding a member", () => {
  it("writes the member, the post of their arrival and their read mark in one transaction: when the post fails, none is there", async () => {
    const alice = await server.createUser();
    const dave = await server.createUser();
    const team = await server.createTeam(alice);
    expect((await alice.post(`/api/v4/teams/${team.id}/members`, { team_id: team.id, user_id: dave.user.id })).status).toBe(201);
    const channel = await server.createChannel(alice, { teamId: team.id });
    await refuseAddPosts(true);
    try {
      const refused = await alice.post(`/api/v4/channels/${channel.id}/members`, { user_id: dave.user.id });
      expect(refused.status).toBe(500);
    } finally {
      await refuseAddPosts(false);
    }
    expect((await alice.get(`/api/v4/channels/${channel.id}/members/${dave.user.id}`)).status).toBe(404);
    expect((await channelPosts(alice, channel.id)).filter((p) => p.type === "system_add_to_channel")).toEqual([]);

    const added = await alice.post(`/api/v4/channels/${channel.id}/members`, { user_id: dave.user.id });
    expect(added.status).toBe(201);
    const [post] = (await channelPosts(alice, channel.id)).filter((p) => p.type === "system_add_to_channel");
    const read = expectBody(await dave.get(`/api/v4/channels/${channel.id}/members/${dave.user.id}`), memberReadState);
    const counters = expectBody(await dave.get(`/api/v4/channels/${channel.id}`), channelCounters);
    expect(read.msg_count).toBe(counters.total_msg_count);
    expect(read.mention_count).toBe(0);
    expect(read.last_viewed_at).toBeGreaterThanOrEqual(post?.create_at ?? Number.POSITIVE_INFINITY);
  });

  it("announces a member added by several requests at once only once", async () => {
    const alice = await server.createUser();
    const erin = await server.createUser();
    const team = await server.createTeam(alice);
    expect((await alice.post(`/api/v4/teams/${team.id}/members`, { team_id: team.id, user_id: erin.user.id })).status).toBe(201);
    const channel = await server.createChannel(alice, { teamId: team.id });
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => alice.post(`/api/v4/channels/${channel.id}/members`, { user_id: erin.user.id })),
    );
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201]);
    const announced = (await channelPosts(alice, channel.id)).filter((p) => p.type === "system_add_to_channel");
    expect(announced.map((p) => p.props)).toEqual([expect.objectContaining({ addedUserId: erin.user.id })]);
  });
});
