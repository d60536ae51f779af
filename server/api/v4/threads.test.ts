/**
 * Threads, edits and deletes (DESIGN.md section 9) through the official
 * `@mattermost/client` Client4 and WebSocketClient, and the rules of who may
 * do what: anonymous, non-member, member, author, system admin, a bot's post
 * and a webhook's post.
 */
import mm from "@mattermost/client";
import { WebSocket as NodeWebSocket } from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { LIMITS } from "#common/limits.ts";
import {
  apiErrorBodySchema,
  postDeletedEventDataSchema,
  postEditedEventDataSchema,
  postedEventDataSchema,
  postListSchema,
  postSchema,
  statusOkSchema,
  userSchema,
} from "#common/wire-schemas.ts";
import type { Post } from "#common/wire.ts";
import {
  channelPosts,
  eventually,
  expectBody,
  officialWebSocket,
  startTestServer,
  TestSocket,
  uniqueName,
  UserClient,
  type TeamSeed,
  type TestServer,
} from "#testing";
import { botEnsurer } from "../../services/users.ts";
import { postCreator } from "../../services/posts.ts";
import { postDeleter, postPatcher } from "../../services/post-edits.ts";

const { Client4, WebSocketClient } = mm;

let server: TestServer;
let seed: TeamSeed;
// Node 20 has no global WebSocket; the client library reads `WebSocket.OPEN` from it.
const hadGlobalWebSocket = "WebSocket" in globalThis;
beforeAll(async () => {
  if (!hadGlobalWebSocket) Object.assign(globalThis, { WebSocket: NodeWebSocket });
  server = await startTestServer();
  await server.admin();
  seed = await server.seedTeam();
});
afterAll(async () => {
  await server.close();
  if (!hadGlobalWebSocket) Reflect.deleteProperty(globalThis, "WebSocket");
});

/** A Client4 signed in with a test user's token. */
function client4(token: string | undefined): InstanceType<typeof Client4> {
  const client = new Client4();
  client.setUrl(server.url);
  client.setToken(token ?? "");
  return client;
}

/** Assert an error answer: its status and its message. */
function expectError(res: { status: number; body: unknown }, status: number, message: string | RegExp): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  const body = expectBody(res, apiErrorBodySchema);
  if (typeof message === "string") expect(body.message).toBe(message);
  else expect(body.message).toMatch(message);
}

const NOT_FOUND = "post not found, or you do not have access to it";

describe("threads, edits and deletes with @mattermost/client", () => {
  it("replies with root_id, reads the thread, edits and deletes, and the WebSocketClient hears posted, post_edited and post_deleted", async () => {
    const { alice, bob, pub } = seed;
    const aliceClient = client4(alice.token);
    const bobClient = client4(bob.token);

    const wsClient = new WebSocketClient({ newWebSocketFn: officialWebSocket });
    const heard: Array<{ event?: string; data?: unknown }> = [];
    wsClient.addMessageListener((msg) => void heard.push(msg));
    const quiet = console.log;
    console.log = () => {};
    try {
      wsClient.initialize(`${server.url.replace("http", "ws")}/api/v4/websocket`, bob.token);
      await eventually(() => heard.some((m) => m.event === "hello"), { what: "hello" });

      const root = await aliceClient.createPost({ channel_id: pub.id, message: "db is slow" });
      expect(root).toMatchObject({ root_id: "", reply_count: 0 });
      const reply = await bobClient.createPost({ channel_id: pub.id, message: "looking", root_id: root.id });
      expect(reply).toMatchObject({ root_id: root.id, channel_id: pub.id, user_id: bob.user.id, reply_count: 1 });

      const postedReply = await eventually(() =>
        heard.flatMap((m) => (m.event === "posted" ? [postedEventDataSchema.parse(m.data).post] : [])).find((p) => p.id === reply.id),
      );
      expect(postedReply).toMatchObject({ root_id: root.id, message: "looking" });

      const thread = await bobClient.getPostThread(root.id);
      expect(thread.order).toEqual([root.id, reply.id]);
      expect(thread.posts[root.id]).toMatchObject({ message: "db is slow", reply_count: 1 });
      expect(thread.posts[reply.id]).toMatchObject({ message: "looking", reply_count: 1 });
      // Asked for by a reply's id, the same posts, the asked-for one first (as Mattermost answers).
      expect((await bobClient.getPostThread(reply.id)).order).toEqual([reply.id, root.id]);
      expect((await bobClient.getPosts(pub.id, 0, 60)).posts[root.id]?.reply_count).toBe(1);

      const edited = await aliceClient.patchPost({ id: root.id, message: "db is slow (primary)" });
      expect(edited).toMatchObject({ id: root.id, message: "db is slow (primary)", create_at: root.create_at });
      expect(edited.edit_at).toBeGreaterThan(0);
      expect(edited.update_at).toBeGreaterThan(root.update_at);
      expect((await bobClient.getPost(root.id)).message).toBe("db is slow (primary)");
      const editedEvent = await eventually(() => heard.find((m) => m.event === "post_edited"));
      expect(postEditedEventDataSchema.parse(editedEvent.data).post).toMatchObject({ id: root.id, message: "db is slow (primary)" });

      expect(await aliceClient.deletePost(root.id)).toEqual({ status: "OK" });
      const deletedEvent = await eventually(() => heard.find((m) => m.event === "post_deleted"));
      const deleted = postDeletedEventDataSchema.parse(deletedEvent.data);
      expect(deleted.post.id).toBe(root.id);
      expect(deleted.post.delete_at).toBeGreaterThan(0);
      expect(deleted.delete_by).toBe(alice.user.id);
      await expect(bobClient.getPost(root.id)).rejects.toMatchObject({ status_code: 404, message: NOT_FOUND });
      await expect(bobClient.getPost(reply.id)).rejects.toMatchObject({ status_code: 404, message: NOT_FOUND });
      await expect(bobClient.getPostThread(root.id)).rejects.toMatchObject({ status_code: 404, message: NOT_FOUND });
    } finally {
      wsClient.close();
      console.log = quiet;
    }
  });
});

describe("POST /api/v4/posts with root_id", () => {
  it("refuses a reply to a reply, to a post of another channel and to no post, naming root_id, and stores nothing", async () => {
    const { alice, pub, priv } = seed;
    const root = await server.createPost(alice, { channelId: pub.id, message: "root" });
    const reply = expectBody(await alice.post("/api/v4/posts", { channel_id: pub.id, message: "r", root_id: root.id }), postSchema);
    const before = (await channelPosts(alice, pub.id)).length;
    expectError(
      await alice.post("/api/v4/posts", { channel_id: pub.id, message: "nested", root_id: reply.id }),
      400,
      "root_id: is a reply; reply to the thread's root post instead",
    );
    const other = await server.createPost(alice, { channelId: priv.id, message: "elsewhere" });
    for (const rootId of [other.id, "x".repeat(26)]) {
      expectError(
        await alice.post("/api/v4/posts", { channel_id: pub.id, message: "lost", root_id: rootId }),
        400,
        "root_id: no post with this id in this channel",
      );
    }
    expect((await channelPosts(alice, pub.id)).length).toBe(before);
  });

  it("keeps reply_count up to date on the root and its replies as replies come and go", async () => {
    const { alice, bob, pub } = seed;
    const root = await server.createPost(alice, { channelId: pub.id, message: "count me" });
    const replies: Post[] = [];
    for (const message of ["one", "two", "three"])
      replies.push(expectBody(await bob.post("/api/v4/posts", { channel_id: pub.id, message, root_id: root.id }), postSchema));
    expect(replies.map((r) => r.reply_count)).toEqual([1, 2, 3]);
    expect(expectBody(await alice.get(`/api/v4/posts/${root.id}`), postSchema).reply_count).toBe(3);
    const [first] = replies;
    if (!first) throw new Error("no reply");
    expect(expectBody(await bob.delete(`/api/v4/posts/${first.id}`), statusOkSchema)).toEqual({ status: "OK" });
    expect(expectBody(await alice.get(`/api/v4/posts/${root.id}`), postSchema).reply_count).toBe(2);
    const list = await channelPosts(alice, pub.id);
    expect(list.find((p) => p.id === root.id)?.reply_count).toBe(2);
    expect(list.some((p) => p.id === first.id)).toBe(false);
    const thread = expectBody(await alice.get(`/api/v4/posts/${root.id}/thread?direction=up`), postListSchema);
    // The asked-for post first, then the thread newest first.
    expect(thread.order).toEqual([root.id, replies[2]?.id, replies[1]?.id]);
    expect(Object.values(thread.posts).map((p) => p.reply_count)).toEqual([2, 2, 2]);
    // An ordinary post counts nothing.
    const lone = await server.createPost(alice, { channelId: pub.id, message: "alone" });
    expect(expectBody(await alice.get(`/api/v4/posts/${lone.id}`), postSchema).reply_count).toBe(0);
  });
});

describe("GET /api/v4/posts/{id}/thread paging (Client4 getPaginatedPostThread)", () => {
  /** A root and five replies, three of them created at the same millisecond (so pages break ties by id). */
  async function threadOfSix(): Promise<{ root: Post; replies: Post[] }> {
    const { alice, bob, pub } = seed;
    const root = await server.createPost(alice, { channelId: pub.id, message: "paged root" });
    const made: Post[] = [];
    for (const n of [1, 2, 3, 4, 5])
      made.push(expectBody(await bob.post("/api/v4/posts", { channel_id: pub.id, message: `reply ${n}`, root_id: root.id }), postSchema));
    const tie = (made[4]?.create_at ?? 0) + 10;
    const tied = made.slice(1, 4).map((r) => r.id);
    await server.host.db.updateTable("posts").set({ create_at: tie }).where("id", "in", tied).execute();
    await server.host.db
      .updateTable("posts")
      .set({ create_at: tie + 10 })
      .where("id", "=", made[4]?.id ?? "")
      .execute();
    const replies = made
      .map((r) => ({ ...r, create_at: tied.includes(r.id) ? tie : r.id === made[4]?.id ? tie + 10 : r.create_at }))
      .sort((a, b) => a.create_at - b.create_at || (a.id < b.id ? -1 : 1));
    return { root, replies };
  }

  /** Every page from the first, following has_next from each page's last post, as a client pages. */
  async function allPages(rootId: string, direction: "up" | "down"): Promise<string[][]> {
    const client = client4(seed.bob.token);
    const pages: string[][] = [];
    let from: { fromCreateAt?: number; fromPost?: string } = {};
    for (;;) {
      const page = await client.getPaginatedPostThread(rootId, { perPage: 2, direction, ...from });
      pages.push(page.order);
      const lastId = page.order[page.order.length - 1] ?? "";
      const last = page.posts[lastId];
      if (!page.has_next || !last) return pages;
      from = { fromCreateAt: last.create_at, fromPost: last.id };
    }
  }

  it("pages down, oldest first, the asked-for post first on every page, each post once, has_next until the last page", async () => {
    const { root, replies } = await threadOfSix();
    const ids = replies.map((r) => r.id);
    expect(await allPages(root.id, "down")).toEqual([
      [root.id, ids[0]],
      [root.id, ids[1], ids[2]],
      [root.id, ids[3], ids[4]],
    ]);
  });

  it("pages up, newest first, down to the root", async () => {
    const { root, replies } = await threadOfSix();
    const ids = replies.map((r) => r.id).reverse();
    expect(await allPages(root.id, "up")).toEqual([
      [root.id, ids[0], ids[1]],
      [root.id, ids[2], ids[3]],
      [root.id, ids[4]],
    ]);
  });

  it("answers the whole thread without perPage (fetchAll), and only the post with skipFetchThreads", async () => {
    const { root, replies } = await threadOfSix();
    const client = client4(seed.bob.token);
    const all = await client.getPaginatedPostThread(root.id, { fetchAll: true, direction: "down" });
    expect(all.order).toEqual([root.id, ...replies.map((r) => r.id)]);
    expect(all.has_next).toBe(false);
    const alone = await client.getPaginatedPostThread(replies[2]?.id ?? "", { fetchThreads: false });
    expect(alone.order).toEqual([replies[2]?.id]);
    const list = expectBody(await seed.bob.get(`/api/v4/posts/${root.id}/thread?perPage=1&direction=down`), postListSchema);
    expect(list).toMatchObject({ order: [root.id], next_post_id: "", prev_post_id: "", has_next: true });
  });

  it("refuses bad paging with a 400 naming the parameter", async () => {
    const { root } = await threadOfSix();
    const bad = async (query: string) => {
      const res = await seed.bob.get(`/api/v4/posts/${root.id}/thread?${query}`, apiErrorBodySchema);
      return [res.status, res.body.message];
    };
    expect(await bad("perPage=201")).toEqual([400, "perPage: must be 0 (all) to 200"]);
    expect(await bad("perPage=-1")).toEqual([400, "perPage: must be 0 (all) to 200"]);
    expect(await bad("perPage=lots")).toEqual([400, "perPage: must be a number"]);
    expect(await bad(`fromPost=${root.id}`)).toEqual([400, "fromCreateAt: is required with fromPost"]);
    expect(await bad("fromCreateAt=soon")).toEqual([400, "fromCreateAt: must be a number"]);
    expect(await bad("direction=sideways")).toEqual([400, "direction: must be up or down"]);
  });
});

describe("who may read a thread, edit and delete", () => {
  it("answers anonymous callers 401 on the thread, edit and delete", async () => {
    const post = await server.createPost(seed.alice, { channelId: seed.pub.id });
    for (const res of [
      await server.anonymous.get(`/api/v4/posts/${post.id}/thread`),
      await server.anonymous.put(`/api/v4/posts/${post.id}/patch`, { message: "x" }),
      await server.anonymous.delete(`/api/v4/posts/${post.id}`),
    ])
      expectError(res, 401, "You must be signed in to do that.");
  });

  it("answers 404 to who cannot read a private channel: no thread, no edit, no delete, nothing changed", async () => {
    const { alice, bob, olga, priv } = seed;
    const post = await server.createPost(alice, { channelId: priv.id, message: "secret" });
    for (const outsider of [bob, olga]) {
      expectError(await outsider.get(`/api/v4/posts/${post.id}/thread`), 404, NOT_FOUND);
      expectError(await outsider.put(`/api/v4/posts/${post.id}/patch`, { message: "mine now" }), 404, NOT_FOUND);
      expectError(await outsider.delete(`/api/v4/posts/${post.id}`), 404, NOT_FOUND);
    }
    expect(expectBody(await alice.get(`/api/v4/posts/${post.id}`), postSchema)).toMatchObject({ message: "secret", edit_at: 0 });
  });

  it("lets only the author edit; a member who is not the author gets 403 on edit and delete", async () => {
    const { alice, bob, pub } = seed;
    const post = await server.createPost(alice, { channelId: pub.id, message: "alice's words" });
    expectError(await bob.put(`/api/v4/posts/${post.id}/patch`, { message: "bob's words" }), 403, "Only the author may edit a post.");
    expectError(await bob.delete(`/api/v4/posts/${post.id}`), 403, "Only the author or a system admin may delete a post.");
    const edited = expectBody(await alice.put(`/api/v4/posts/${post.id}/patch`, { message: "alice's better words" }), postSchema);
    expect(edited).toMatchObject({ message: "alice's better words", user_id: alice.user.id });
    expect(edited.edit_at).toBeGreaterThanOrEqual(post.create_at);
  });

  it("lets a system admin delete others' posts but not edit them", async () => {
    const { alice, pub } = seed;
    const admin = await server.admin();
    const post = await server.createPost(alice, { channelId: pub.id, message: "admin target" });
    expectError(await admin.put(`/api/v4/posts/${post.id}/patch`, { message: "rewritten" }), 403, "Only the author may edit a post.");
    expect(expectBody(await alice.get(`/api/v4/posts/${post.id}`), postSchema).message).toBe("admin target");
    expect(expectBody(await admin.delete(`/api/v4/posts/${post.id}`), statusOkSchema)).toEqual({ status: "OK" });
    expectError(await alice.get(`/api/v4/posts/${post.id}`), 404, NOT_FOUND);
  });

  it("lets nobody edit a bot's post or a webhook's post", async () => {
    const { alice, pub } = seed;
    const admin = await server.admin();
    const bot = await botEnsurer(server.host, {
      pluginId: "test-plugin",
      username: uniqueName("bot").replace(/-/g, ""),
      displayName: "Bot",
    });
    const botPost = await postCreator(server.host, {
      input: { channel_id: pub.id, message: "incident started" },
      author: { user: bot, via: "plugin", trusted: true },
    });
    for (const caller of [alice, admin])
      expectError(
        await caller.put(`/api/v4/posts/${botPost.id}/patch`, { message: "never happened" }),
        403,
        "Nobody edits a bot's post: it is the record of what happened.",
      );
    const hook = await alice.post("/api/v4/hooks/incoming", { channel_id: pub.id, display_name: "Alerts" });
    const hookId = z.object({ id: z.string() }).parse(hook.body).id;
    expect((await server.anonymous.post(`/hooks/${hookId}`, { text: "disk full on db-1" })).status).toBe(200);
    const hookPost = (await channelPosts(alice, pub.id)).find((p) => p.message === "disk full on db-1");
    if (!hookPost) throw new Error("the webhook's post is missing");
    expectError(await alice.put(`/api/v4/posts/${hookPost.id}/patch`, { message: "all fine" }), 403, "Nobody edits a webhook's post.");
    expect(expectBody(await alice.get(`/api/v4/posts/${botPost.id}`), postSchema).message).toBe("incident started");
  });
});

describe("a bot account's own posts (PUT /api/v4/posts/{id}, as mattermost-client's editPost sends it)", () => {
  it("lets a bot a person owns edit its own posts signed in as itself, and nobody else", async () => {
    const { alice, pub } = seed;
    const admin = await server.admin();
    const made = await admin.post("/api/v4/bots", { username: uniqueName("ops").replace(/-/g, ""), display_name: "Ops" });
    const botId = z.object({ user_id: z.string() }).parse(made.body).user_id;
    const tokenAnswer = await admin.post(`/api/v4/users/${botId}/tokens`, { description: "ops" });
    const token = z.object({ token: z.string() }).parse(tokenAnswer.body).token;
    await server.addToChannel(admin, { channel: pub, user: expectBody(await admin.get(`/api/v4/users/${botId}`), userSchema) });
    const bot = new UserClient(server.url, token, expectBody(await admin.get(`/api/v4/users/${botId}`), userSchema));
    const post = await server.createPost(bot, { channelId: pub.id, message: "deploy 1/3" });

    const updated = await bot.put(`/api/v4/posts/${post.id}`, { id: post.id, message: "deploy 2/3" });
    expect(updated.status).toBe(200);
    expect(expectBody(updated, postSchema)).toMatchObject({ id: post.id, message: "deploy 2/3" });
    expect(expectBody(updated, postSchema).edit_at).toBeGreaterThan(0);
    const patched = await bot.put(`/api/v4/posts/${post.id}/patch`, { message: "deploy 3/3" });
    expect(expectBody(patched, postSchema).message).toBe("deploy 3/3");

    expectError(await bot.put(`/api/v4/posts/${post.id}`, { id: pub.id, message: "x" }), 400, "id: must be the id of the post in the URL");
    expectError(await bot.put(`/api/v4/posts/${post.id}`, { message: "x" }), 400, "id: must be the post's id");
    for (const caller of [alice, admin])
      expectError(
        await caller.put(`/api/v4/posts/${post.id}`, { id: post.id, message: "taken over" }),
        403,
        "Nobody edits a bot's post: it is the record of what happened.",
      );
  });
});

describe("a plugin's ctx.posts.update and ctx.posts.delete (postPatcher / postDeleter as a plugin)", () => {
  it("change only the posts of the plugin's own bot", async () => {
    const { alice, pub } = seed;
    const bot = await botEnsurer(server.host, {
      pluginId: "owner-plugin",
      username: uniqueName("own").replace(/-/g, ""),
      displayName: "Own",
    });
    const card = await postCreator(server.host, {
      input: { channel_id: pub.id, message: "card" },
      author: { user: bot, via: "plugin", trusted: true },
    });
    const person = await server.createPost(alice, { channelId: pub.id, message: "a person's words" });
    for (const [post, pluginId] of [
      [card, "other-plugin"],
      [person, "owner-plugin"],
    ] as const) {
      await expect(postPatcher(server.host, { post, changer: { pluginId }, patch: { message: "changed" } })).rejects.toMatchObject({
        status: 403,
        message: "Only the author may edit a post.",
      });
      await expect(postDeleter(server.host, { post, changer: { pluginId } })).rejects.toMatchObject({
        status: 403,
        message: "Only the author or a system admin may delete a post.",
      });
    }
    const edited = await postPatcher(server.host, {
      post: card,
      changer: { pluginId: "owner-plugin" },
      patch: { message: "card, updated" },
    });
    expect(edited).toMatchObject({ id: card.id, message: "card, updated" });
    expect(expectBody(await alice.get(`/api/v4/posts/${person.id}`), postSchema).message).toBe("a person's words");
    await postDeleter(server.host, { post: edited, changer: { pluginId: "owner-plugin" } });
    expectError(await alice.get(`/api/v4/posts/${card.id}`), 404, NOT_FOUND);
  });
});

describe("PUT /api/v4/posts/{id}/patch", () => {
  it("applies the limits of a new post, naming the field, and changes nothing when refused", async () => {
    const { alice, pub } = seed;
    const post = await server.createPost(alice, { channelId: pub.id, message: "keep me" });
    expectError(
      await alice.put(`/api/v4/posts/${post.id}/patch`, { message: "x".repeat(LIMITS.postMessageMax + 1) }),
      400,
      `message: must be at most ${LIMITS.postMessageMax} characters`,
    );
    expectError(await alice.put(`/api/v4/posts/${post.id}/patch`, { message: "   " }), 400, "message: must not be empty");
    expectError(await alice.put(`/api/v4/posts/${post.id}/patch`, { message: 42 }), 400, /^message: /);
    expect(expectBody(await alice.get(`/api/v4/posts/${post.id}`), postSchema)).toMatchObject({ message: "keep me", edit_at: 0 });
  });

  it("does not let a person's edit claim the post came from a webhook", async () => {
    const { alice, pub } = seed;
    const post = await server.createPost(alice, { channelId: pub.id, message: "plain" });
    const edited = expectBody(
      await alice.put(`/api/v4/posts/${post.id}/patch`, { props: { from_webhook: "true", override_username: "CEO", note: "kept" } }),
      postSchema,
    );
    expect(edited.props).toEqual({ note: "kept" });
  });
});

describe("a deleted post", () => {
  it("answers 404 on every route, takes its replies with it, and cannot be edited or deleted again", async () => {
    const { alice, bob, pub } = seed;
    const root = await server.createPost(alice, { channelId: pub.id, message: "take it back" });
    const reply = expectBody(await bob.post("/api/v4/posts", { channel_id: pub.id, message: "re", root_id: root.id }), postSchema);
    expect(expectBody(await alice.delete(`/api/v4/posts/${root.id}`), statusOkSchema)).toEqual({ status: "OK" });
    for (const id of [root.id, reply.id]) {
      expectError(await bob.get(`/api/v4/posts/${id}`), 404, NOT_FOUND);
      expectError(await bob.get(`/api/v4/posts/${id}/thread`), 404, NOT_FOUND);
    }
    expectError(await alice.put(`/api/v4/posts/${root.id}/patch`, { message: "again" }), 404, NOT_FOUND);
    expectError(await alice.delete(`/api/v4/posts/${root.id}`), 404, NOT_FOUND);
    expectError(await bob.put(`/api/v4/posts/${reply.id}/patch`, { message: "again" }), 404, NOT_FOUND);
    const ids = (await channelPosts(bob, pub.id)).map((p) => p.id);
    expect(ids).not.toContain(root.id);
    expect(ids).not.toContain(reply.id);
    expectError(
      await bob.post("/api/v4/posts", { channel_id: pub.id, message: "late", root_id: root.id }),
      400,
      "root_id: no post with this id in this channel",
    );
  });
});

describe("events of edits and deletes", () => {
  it("reach the channel's members only: an outsider of a private channel hears nothing", async () => {
    const { alice, olga, priv } = seed;
    const member = await TestSocket.open(server.url, { token: alice.token });
    const outsider = await TestSocket.open(server.url, { token: olga.token });
    try {
      const post = await server.createPost(alice, { channelId: priv.id, message: "private words" });
      expect((await alice.put(`/api/v4/posts/${post.id}/patch`, { message: "private words, fixed" })).status).toBe(200);
      expect((await alice.delete(`/api/v4/posts/${post.id}`)).status).toBe(200);
      const edited = await member.waitFor("post_edited");
      expect(postEditedEventDataSchema.parse(edited.data).post).toMatchObject({ id: post.id, message: "private words, fixed" });
      const deleted = await member.waitFor("post_deleted");
      expect(postDeletedEventDataSchema.parse(deleted.data).post.id).toBe(post.id);
      // The outsider's socket is live (it hears its own channel) but heard nothing of the private one.
      const own = await server.createChannel(olga, { teamId: (await server.createTeam(olga)).id });
      await server.createPost(olga, { channelId: own.id, message: "olga's" });
      await outsider.waitFor("posted");
      expect(outsider.text()).not.toContain(post.id);
    } finally {
      member.ws.close();
      outsider.ws.close();
    }
  });
});
