/**
 * Issue 11's posts through the official `@mattermost/client` Client4, as the
 * web app calls them: every post with Mattermost's fields (`metadata`,
 * `is_pinned`, `reply_count`, `hashtags`, `original_id`, `pending_post_id`
 * echoed on create), PostList cursors as Mattermost computes them (`before`,
 * `after`, `since`, `page`, `collapsedThreads`), pinned posts with their
 * `post_edited` events, `getPostsByIds`, `getPostsUnread` and mark as unread
 * — each with who may not, and what they are told.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postEditedEventDataSchema } from "#common/wire-schemas.ts";
import {
  channelPosts,
  clientRefusal,
  officialClient,
  officialSocket,
  startTestServer,
  type TeamSeed,
  type TestServer,
  type UserClient,
} from "#testing";
import { parseHashtags } from "../../services/posts.ts";

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

/** Posts in a channel one after the other (so each has its own time), oldest first. */
async function postMany(author: UserClient, channelId: string, messages: string[]) {
  const client = officialClient(author);
  const posts: Array<Awaited<ReturnType<typeof client.createPost>>> = [];
  for (const message of messages) {
    posts.push(await client.createPost({ channel_id: channelId, message }));
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return posts;
}

describe("post fields", () => {
  it("echoes pending_post_id on create and gives every post Mattermost's fields", async () => {
    const ac = officialClient(seed.alice);
    const pending = `${seed.alice.user.id}:${Date.now()}`;
    const created = await ac.createPost({
      channel_id: seed.pub.id,
      message: "db down #incident #db-01 and #incident again, not #1 nor x#y",
      pending_post_id: pending,
    });
    expect(created).toMatchObject({
      pending_post_id: pending,
      is_pinned: false,
      reply_count: 0,
      hashtags: "#incident #db-01",
      original_id: "",
      metadata: {},
    });
    const read = await ac.getPost(created.id);
    expect(read).toMatchObject({ id: created.id, is_pinned: false, hashtags: "#incident #db-01", original_id: "", metadata: {} });
    // Only the create answer (and its event) echoes the client's id; a read post has it empty, as in Mattermost.
    expect(read.pending_post_id).toBe("");
    // An edit works the hashtags out again, in its answer and when read.
    const edited = await ac.patchPost({ id: created.id, message: "now #resolved" });
    expect(edited).toMatchObject({ hashtags: "#resolved", is_pinned: false });
    expect((await ac.getPost(created.id)).hashtags).toBe("#resolved");
  });

  it("embeds a post's attachments as Mattermost's metadata does", async () => {
    const ac = officialClient(seed.alice);
    const post = await ac.createPost({
      channel_id: seed.pub.id,
      message: "",
      props: { attachments: [{ text: "disk 95%" }] },
    });
    expect((await ac.getPost(post.id)).metadata).toEqual({ embeds: [{ type: "message_attachment" }] });
  });

  it("parses hashtags as Mattermost does", () => {
    expect(parseHashtags("#a1 #über-cool. (#paren) #9 #-x ##y #tail_ #ok.ok")).toBe("#a1 #über-cool #paren #tail #ok.ok");
    expect(parseHashtags("no tags here")).toBe("");
    expect(parseHashtags(Array.from({ length: 400 }, (_, i) => `#tag${i}`).join(" ")).length).toBeLessThanOrEqual(1000);
  });
});

describe("PostList cursors", () => {
  it("answers before, after, page and since as Mattermost computes them", async () => {
    const channel = await server.createChannel(seed.alice, { teamId: seed.team.id, name: "cursors" });
    const ac = officialClient(seed.alice);
    const [p1, p2, p3, p4, p5] = await postMany(seed.alice, channel.id, ["1", "2", "3", "4", "5"]);
    if (!p1 || !p2 || !p3 || !p4 || !p5) throw new Error("posts missing");

    const newest = await ac.getPosts(channel.id, 0, 2);
    expect([newest.order, newest.next_post_id, newest.prev_post_id]).toEqual([[p5.id, p4.id], "", p3.id]);
    const second = await ac.getPosts(channel.id, 1, 2);
    expect([second.order, second.next_post_id, second.prev_post_id]).toEqual([[p3.id, p2.id], p4.id, p1.id]);

    // before=X: next_post_id is X on its first page; prev_post_id the post just older than the page.
    const before = await ac.getPostsBefore(channel.id, p4.id, 0, 2);
    expect([before.order, before.next_post_id, before.prev_post_id]).toEqual([[p3.id, p2.id], p4.id, p1.id]);
    const beforePage1 = await ac.getPostsBefore(channel.id, p4.id, 1, 2);
    expect([beforePage1.order, beforePage1.next_post_id, beforePage1.prev_post_id]).toEqual([[p1.id], p2.id, ""]);

    // after=X: prev_post_id is X on its first page; listed newest first.
    const after = await ac.getPostsAfter(channel.id, p1.id, 0, 2);
    expect([after.order, after.next_post_id, after.prev_post_id]).toEqual([[p3.id, p2.id], p4.id, p1.id]);
    const afterPage1 = await ac.getPostsAfter(channel.id, p1.id, 1, 2);
    expect([afterPage1.order, afterPage1.next_post_id, afterPage1.prev_post_id]).toEqual([[p5.id, p4.id], "", p3.id]);

    // since: by update_at (an edit counts), deleted posts listed (emptied), no cursors.
    const since = p5.create_at;
    await ac.patchPost({ id: p2.id, message: "2 (edited)" });
    await ac.deletePost(p3.id);
    const changed = await ac.getPostsSince(channel.id, since);
    expect([...changed.order].sort()).toEqual([p2.id, p3.id].sort());
    expect([changed.next_post_id, changed.prev_post_id]).toEqual(["", ""]);
    expect(changed.posts[p2.id]).toMatchObject({ message: "2 (edited)" });
    expect(changed.posts[p3.id]).toMatchObject({ message: "", delete_at: expect.any(Number) as number });
    expect(changed.posts[p3.id]?.delete_at).toBeGreaterThan(0);

    const unknown = await clientRefusal(ac.getPostsBefore(channel.id, seed.pub.id, 0, 2));
    expect(unknown).toMatchObject({ status_code: 400, message: "before: no post with this id in this channel" });
  });

  it("leaves replies out with collapsedThreads=true and sends a reply's root beside it otherwise", async () => {
    const channel = await server.createChannel(seed.alice, { teamId: seed.team.id, name: "collapsed" });
    const ac = officialClient(seed.alice);
    const [old, root] = await postMany(seed.alice, channel.id, ["old", "root"]);
    if (!old || !root) throw new Error("posts missing");
    const reply = await ac.createPost({ channel_id: channel.id, root_id: root.id, message: "reply" });

    const collapsed = await ac.getPosts(channel.id, 0, 1, true, true);
    expect([collapsed.order, collapsed.prev_post_id]).toEqual([[root.id], old.id]);
    expect(collapsed.posts[root.id]).toMatchObject({ reply_count: 1 });

    const flat = await ac.getPosts(channel.id, 0, 1);
    expect(flat.order).toEqual([reply.id]);
    // The root of a listed reply is in `posts`, not in `order`, so a client can show what it answers.
    expect(Object.keys(flat.posts).sort()).toEqual([reply.id, root.id].sort());
    const skipped = await ac.getPosts(channel.id, 0, 1, false);
    expect(Object.keys(skipped.posts)).toEqual([reply.id]);
  });
});

describe("pinned posts", () => {
  it("pins and unpins for members, counts and lists the pins, and sends post_edited with is_pinned", async () => {
    const [ac, bc] = [officialClient(seed.alice), officialClient(seed.bob)];
    const channel = await server.createChannel(seed.alice, { teamId: seed.team.id, name: "pins" });
    await server.addToChannel(seed.alice, { channel, user: seed.bob.user });
    const [first, second] = await postMany(seed.alice, channel.id, ["first", "second"]);
    if (!first || !second) throw new Error("posts missing");
    const bobWs = await officialSocket(seed.bob);
    try {
      expect(await bc.pinPost(first.id)).toEqual({ status: "OK" });
      const edited = await bobWs.waitFor("post_edited", (e) => postEditedEventDataSchema.safeParse(e.data).data?.post.id === first.id);
      expect(postEditedEventDataSchema.parse(edited.data).post).toMatchObject({ id: first.id, is_pinned: true, edit_at: 0 });
      await ac.pinPost(second.id);
      expect((await ac.getPost(first.id)).is_pinned).toBe(true);
      const pinned = await ac.getPinnedPosts(channel.id);
      expect(pinned.order).toEqual([second.id, first.id]);
      // The count Mattermost's channel header shows: the channel stats' pinnedpost_count.
      expect(await bc.getChannelStats(channel.id)).toMatchObject({ channel_id: channel.id, pinnedpost_count: 2 });

      await ac.unpinPost(second.id);
      expect((await ac.getPinnedPosts(channel.id)).order).toEqual([first.id]);
      expect((await ac.getPost(second.id)).is_pinned).toBe(false);
      expect((await bc.getChannelStats(channel.id)).pinnedpost_count).toBe(1);
    } finally {
      bobWs.close();
    }
  });

  it("refuses outsiders: a public channel's non-member gets 403, a private channel's outsider 404", async () => {
    const [ac, bc, oc] = [officialClient(seed.alice), officialClient(seed.bob), officialClient(seed.olga)];
    const [pubPost] = await postMany(seed.alice, seed.pub.id, ["pin me"]);
    const [privPost] = await postMany(seed.alice, seed.priv.id, ["secret"]);
    if (!pubPost || !privPost) throw new Error("posts missing");
    const outsider = await server.createUser();
    await seed.alice.post(`/api/v4/teams/${seed.team.id}/members`, { team_id: seed.team.id, user_id: outsider.user.id });
    expect(await clientRefusal(officialClient(outsider).pinPost(pubPost.id))).toMatchObject({
      status_code: 403,
      message: "You must be a member of the channel to pin its posts.",
    });
    for (const call of [() => bc.pinPost(privPost.id), () => oc.unpinPost(privPost.id)])
      expect(await clientRefusal(call())).toMatchObject({ status_code: 404, message: "post not found, or you do not have access to it" });
    expect(await clientRefusal(bc.getPinnedPosts(seed.priv.id))).toMatchObject({
      status_code: 404,
      message: "channel not found, or you do not have access to it",
    });
    expect((await ac.getPinnedPosts(seed.priv.id)).order).toEqual([]);
  });
});

describe("getPostsByIds", () => {
  it("answers the readable posts of the list, newest first, leaving out what the caller may not read", async () => {
    const [ac, bc] = [officialClient(seed.alice), officialClient(seed.bob)];
    const [a, b] = await postMany(seed.alice, seed.pub.id, ["a", "b"]);
    const [secret] = await postMany(seed.alice, seed.priv.id, ["secret"]);
    if (!a || !b || !secret) throw new Error("posts missing");
    expect((await ac.getPostsByIds([a.id, secret.id, b.id])).map((p) => p.id)).toEqual([secret.id, b.id, a.id]);
    expect((await bc.getPostsByIds([a.id, secret.id, b.id, "nosuchpost"])).map((p) => p.id)).toEqual([b.id, a.id]);
    const empty = await seed.bob.post("/api/v4/posts/ids", []);
    expect([empty.status, (empty.body as { message?: string }).message]).toEqual([400, "body: must list at least one post id"]);
  });
});

describe("mark as unread and the first unread post", () => {
  it("puts the member back to just before the post, recounting mentions, and opens the channel there", async () => {
    const channel = await server.createChannel(seed.alice, { teamId: seed.team.id, name: "unread" });
    await server.addToChannel(seed.alice, { channel, user: seed.bob.user });
    const [ac, bc] = [officialClient(seed.alice), officialClient(seed.bob)];
    const posts = await postMany(seed.alice, channel.id, ["one", "two", `three @${seed.bob.user.username}`, "four"]);
    const [one, two, three, four] = posts;
    if (!one || !two || !three || !four) throw new Error("posts missing");
    await bc.viewMyChannel(channel.id);
    const bobWs = await officialSocket(seed.bob);
    try {
      const state = await bc.markPostAsUnread(seed.bob.user.id, two.id);
      expect(state).toMatchObject({
        channel_id: channel.id,
        team_id: seed.team.id,
        user_id: seed.bob.user.id,
        last_viewed_at: two.create_at - 1,
        mention_count: 1,
        mention_count_root: 1,
        urgent_mention_count: 0,
      });
      const event = await bobWs.waitFor("post_unread");
      expect(event.data).toMatchObject({ post_id: two.id, channel_id: channel.id, mention_count: 1 });
      const member = await bc.getMyChannelMember(channel.id);
      expect(member).toMatchObject({ last_viewed_at: two.create_at - 1, mention_count: 1, mention_count_root: 1 });
      const total = (await ac.getChannel(channel.id)).total_msg_count;
      expect(member.msg_count).toBe(total - 3);

      // Before "one" is the system post of Bob's joining ("@bob added to the channel by @alice."): the page's cursor back.
      const added = (await channelPosts(seed.alice, channel.id)).find((p) => p.type === "system_add_to_channel");
      expect(added?.props).toMatchObject({ addedUserId: seed.bob.user.id });
      const around = await bc.getPostsUnread(channel.id, seed.bob.user.id, 2, 1);
      expect([around.order, around.next_post_id, around.prev_post_id]).toEqual([[three.id, two.id, one.id], four.id, added?.id]);
    } finally {
      bobWs.close();
    }
    expect(await clientRefusal(bc.markPostAsUnread(seed.alice.user.id, two.id))).toMatchObject({
      status_code: 403,
      message: "You may mark posts unread only for yourself.",
    });
    expect(await clientRefusal(officialClient(seed.olga).getPostsUnread(seed.priv.id, seed.olga.user.id))).toMatchObject({
      status_code: 404,
      message: "channel not found, or you do not have access to it",
    });
  });

  it("answers the newest page when nothing is unread", async () => {
    const channel = await server.createChannel(seed.alice, { teamId: seed.team.id, name: "allread" });
    const [one, two] = await postMany(seed.alice, channel.id, ["one", "two"]);
    if (!one || !two) throw new Error("posts missing");
    const list = await officialClient(seed.alice).getPostsUnread(channel.id, seed.alice.user.id, 60, 60);
    expect([list.order, list.next_post_id]).toEqual([[two.id, one.id], ""]);
  });
});
