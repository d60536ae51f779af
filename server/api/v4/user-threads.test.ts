/**
 * Collapsed reply threads through the official `@mattermost/client` Client4,
 * as the web app (whose default they are) calls them: who follows a thread
 * once a reply is posted, the thread list with its unread counts and totals,
 * one thread, marking one or all read, unread from a post, following and
 * unfollowing — and that nobody reaches another's threads or a thread of a
 * channel they may not read.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientRefusal, officialClient, startTestServer, type TeamSeed, type TestServer } from "#testing";

let server: TestServer;
let seed: TeamSeed;
beforeAll(async () => {
  server = await startTestServer();
  await server.admin();
  seed = await server.seedTeam();
});
afterAll(async () => {
  await server.close();
});

describe("collapsed reply threads", () => {
  it("follows the replier, the root's author and the mentioned, and lists their threads with unread counts", async () => {
    const [ac, bc] = [officialClient(seed.alice), officialClient(seed.bob)];
    const root = await ac.createPost({ channel_id: seed.pub.id, message: "checkout is down" });
    const lonely = await ac.createPost({ channel_id: seed.pub.id, message: "nobody answers this" });
    const reply = await bc.createPost({ channel_id: seed.pub.id, root_id: root.id, message: "looking" });
    const mention = await bc.createPost({
      channel_id: seed.pub.id,
      root_id: root.id,
      message: `@${seed.alice.user.username} it was the db`,
    });

    const alices = await ac.getUserThreads(seed.alice.user.id, seed.team.id, { extended: true });
    expect(alices).toMatchObject({ total: 1, total_unread_threads: 1, total_unread_mentions: 1, total_unread_urgent_mentions: 0 });
    const [thread] = alices.threads;
    expect(thread).toMatchObject({
      id: root.id,
      reply_count: 2,
      last_reply_at: mention.create_at,
      last_viewed_at: 0,
      unread_replies: 2,
      unread_mentions: 1,
      is_following: true,
      post: { id: root.id, message: "checkout is down", is_following: true },
    });
    // extended: the participants are users, their email hidden from others.
    expect(thread?.participants).toEqual([expect.objectContaining({ id: seed.bob.user.id, username: seed.bob.user.username, email: "" })]);
    expect(alices.threads.map((t) => t.id)).not.toContain(lonely.id);

    const bobs = await bc.getUserThreads(seed.bob.user.id, seed.team.id, {});
    expect(bobs).toMatchObject({ total: 1, total_unread_threads: 0, total_unread_mentions: 0 });
    expect(bobs.threads[0]).toMatchObject({ id: root.id, unread_replies: 0, last_viewed_at: mention.create_at });
    expect(bobs.threads[0]?.participants).toEqual([{ id: seed.bob.user.id }]);
    expect(reply.root_id).toBe(root.id);

    expect(await ac.getUserThreads(seed.alice.user.id, seed.team.id, { unread: true, totalsOnly: true })).toMatchObject({
      threads: [],
      total: 1,
    });
  });

  it("marks one thread read up to a time, unread from a post, and all threads read", async () => {
    const [ac, bc] = [officialClient(seed.alice), officialClient(seed.bob)];
    const root = await ac.createPost({ channel_id: seed.pub.id, message: "deploy froze" });
    const first = await bc.createPost({ channel_id: seed.pub.id, root_id: root.id, message: `@${seed.alice.user.username} one` });
    await new Promise((resolve) => setTimeout(resolve, 2));
    const second = await bc.createPost({ channel_id: seed.pub.id, root_id: root.id, message: `@${seed.alice.user.username} two` });

    const halfRead = await ac.updateThreadReadForUser(seed.alice.user.id, seed.team.id, root.id, first.create_at);
    expect(halfRead).toMatchObject({ id: root.id, last_viewed_at: first.create_at, unread_replies: 1, unread_mentions: 1 });
    const unread = await ac.markThreadAsUnreadForUser(seed.alice.user.id, seed.team.id, root.id, first.id);
    expect(unread).toMatchObject({ last_viewed_at: first.create_at - 1, unread_replies: 2, unread_mentions: 2 });
    expect(second.root_id).toBe(root.id);

    expect(await ac.updateThreadsReadForUser(seed.alice.user.id, seed.team.id)).toEqual({ status: "OK" });
    const after = await ac.getUserThreads(seed.alice.user.id, seed.team.id, {});
    expect(after).toMatchObject({ total_unread_threads: 0, total_unread_mentions: 0 });
    expect(await ac.getUserThread(seed.alice.user.id, seed.team.id, root.id)).toMatchObject({ unread_replies: 0, unread_mentions: 0 });
  });

  it("unfollows and follows again", async () => {
    const [ac, bc] = [officialClient(seed.alice), officialClient(seed.bob)];
    const root = await ac.createPost({ channel_id: seed.pub.id, message: "cert expiry" });
    await bc.createPost({ channel_id: seed.pub.id, root_id: root.id, message: "renewing" });
    expect(await ac.updateThreadFollowForUser(seed.alice.user.id, seed.team.id, root.id, false)).toEqual({ status: "OK" });
    expect((await ac.getUserThreads(seed.alice.user.id, seed.team.id, {})).threads.map((t) => t.id)).not.toContain(root.id);
    expect(await ac.getUserThread(seed.alice.user.id, seed.team.id, root.id)).toMatchObject({ is_following: false, unread_replies: 0 });
    await ac.updateThreadFollowForUser(seed.alice.user.id, seed.team.id, root.id, true);
    expect((await ac.getUserThreads(seed.alice.user.id, seed.team.id, {})).threads.map((t) => t.id)).toContain(root.id);
    // A reply by someone who had stopped following makes them follow again.
    await ac.updateThreadFollowForUser(seed.alice.user.id, seed.team.id, root.id, false);
    await ac.createPost({ channel_id: seed.pub.id, root_id: root.id, message: "thanks" });
    expect(await ac.getUserThread(seed.alice.user.id, seed.team.id, root.id)).toMatchObject({ is_following: true });
  });

  it("keeps others' threads and private channels' threads out of reach", async () => {
    const [ac, bc, oc] = [officialClient(seed.alice), officialClient(seed.bob), officialClient(seed.olga)];
    const secret = await ac.createPost({ channel_id: seed.priv.id, message: "secret root" });
    await ac.createPost({ channel_id: seed.priv.id, root_id: secret.id, message: "secret reply" });
    expect(await clientRefusal(bc.getUserThreads(seed.alice.user.id, seed.team.id, {}))).toMatchObject({
      status_code: 403,
      message: "You may act only on your own threads.",
    });
    expect(await clientRefusal(bc.getUserThread(seed.bob.user.id, seed.team.id, secret.id))).toMatchObject({
      status_code: 404,
      message: "post not found, or you do not have access to it",
    });
    expect(await clientRefusal(bc.updateThreadFollowForUser(seed.bob.user.id, seed.team.id, secret.id, true))).toMatchObject({
      status_code: 404,
      message: "post not found, or you do not have access to it",
    });
    expect(await clientRefusal(oc.getUserThreads(seed.olga.user.id, seed.team.id, {}))).toMatchObject({
      status_code: 404,
      message: "team not found, or you are not a member of it",
    });
    // Bob follows nothing he has not taken part in: a thread he never touched is not his.
    const root = await ac.createPost({ channel_id: seed.pub.id, message: "quiet" });
    expect(await clientRefusal(bc.getUserThread(seed.bob.user.id, seed.team.id, root.id))).toMatchObject({
      status_code: 404,
      message: "threadId: you are not a member of this thread",
    });
  });
});
