/**
 * Emoji reactions through the official Client4 (`addReaction`,
 * `getReactionsForPost`, `removeReaction`) and WebSocketClient
 * (`reaction_added`, `reaction_removed`), on both dialects: who may react
 * (members, as themselves), one 404 for posts the caller may not read,
 * idempotent adds and removes, names validated as Mattermost does, and
 * `has_reactions` / `metadata.reactions` on read posts.
 */
import mm from "@mattermost/client";
import { WebSocket as NodeWebSocket } from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Channel, Post, Team, User } from "#common/wire.ts";
import {
  apiErrorBodySchema,
  postListSchema,
  postSchema,
  postSearchResultsSchema,
  reactionEventDataSchema,
  reactionSchema,
} from "#common/wire-schemas.ts";
import { eventually, expectBody, officialWebSocket, startTestServer, TestSocket, type TestClient, type TestServer } from "#testing";

const { Client4, WebSocketClient } = mm;
type Person = TestClient & { user: User };

let server: TestServer;
let admin: Person;
let alice: Person;
let bob: Person;
let carol: Person;
let olga: Person;
let team: Team;
let pub: Channel;
let priv: Channel;
let pubPost: Post;
let privPost: Post;

function client4(person: Person): InstanceType<typeof Client4> {
  const client = new Client4();
  client.setUrl(server.url);
  client.setToken(person.token ?? "");
  return client;
}

/** The status and message of a refused request. */
async function refusal(res: Promise<{ status: number; body: unknown }>): Promise<{ status: number; message: string }> {
  const answer = await res;
  return { status: answer.status, message: expectBody(answer, apiErrorBodySchema).message };
}

const hadGlobalWebSocket = "WebSocket" in globalThis;
beforeAll(async () => {
  if (!hadGlobalWebSocket) Object.assign(globalThis, { WebSocket: NodeWebSocket });
  server = await startTestServer();
  admin = await server.admin();
  ({ alice, bob, olga, team, pub, priv } = await server.seedTeam());
  carol = await server.createUser();
  // Carol is on the team, but not in the public channel: she may read it, not react in it.
  expect((await alice.post(`/api/v4/teams/${team.id}/members`, { team_id: team.id, user_id: carol.user.id })).status).toBe(201);
  pubPost = await server.createPost(alice, { channelId: pub.id, message: "deploy done" });
  privPost = await server.createPost(alice, { channelId: priv.id, message: "private plans" });
});
afterAll(async () => {
  await server?.close();
  if (!hadGlobalWebSocket) Reflect.deleteProperty(globalThis, "WebSocket");
});

describe("reactions (Client4 and WebSocketClient)", () => {
  it("adds, lists and removes reactions, and every member's socket hears of it", async () => {
    const wsClient = new WebSocketClient({ newWebSocketFn: officialWebSocket });
    const official: Array<{ event?: string; data?: unknown }> = [];
    wsClient.addMessageListener((msg: { event?: string; data?: unknown }) => void official.push(msg));
    const carolSocket = await TestSocket.open(server.url, { token: carol.token });
    const quiet = console.log;
    console.log = () => {};
    try {
      wsClient.initialize(`${server.url.replace("http", "ws")}/api/v4/websocket`, alice.token);
      await eventually(() => official.some((m) => m.event === "hello"), { what: "hello on the official client" });

      const bobs = client4(bob);
      const added = await bobs.addReaction(bob.user.id, pubPost.id, "+1");
      expect(reactionSchema.parse(added)).toEqual({
        user_id: bob.user.id,
        post_id: pubPost.id,
        emoji_name: "+1",
        channel_id: pub.id,
        create_at: expect.any(Number),
      });
      // Adding again is the same reaction, and no new event.
      expect(await bobs.addReaction(bob.user.id, pubPost.id, "+1")).toEqual(added);
      const alices = await client4(alice).addReaction(alice.user.id, pubPost.id, "white_check_mark");

      const reactions = await client4(alice).getReactionsForPost(pubPost.id);
      expect(z.array(reactionSchema).parse(reactions)).toEqual([added, alices]);

      const addedEvents = () =>
        official.filter((m) => m.event === "reaction_added").map((m) => reactionEventDataSchema.parse(m.data).reaction);
      await eventually(() => addedEvents().length === 2, { what: "two reaction_added on the official client" });
      expect(addedEvents()).toEqual([added, alices]);

      expect(await bobs.removeReaction(bob.user.id, pubPost.id, "+1")).toEqual({ status: "OK" });
      // Removing what is not there is OK too, and sends nothing.
      expect(await bobs.removeReaction(bob.user.id, pubPost.id, "+1")).toEqual({ status: "OK" });
      const removed = await eventually(() => official.find((m) => m.event === "reaction_removed"), { what: "reaction_removed" });
      expect(reactionEventDataSchema.parse(removed.data).reaction).toEqual(added);
      expect(z.array(reactionSchema).parse(await client4(alice).getReactionsForPost(pubPost.id))).toEqual([alices]);

      // Wait for a later event, then count: exactly one of each per change reached the channel's member.
      await client4(alice).removeReaction(alice.user.id, pubPost.id, "white_check_mark");
      await eventually(() => official.filter((m) => m.event === "reaction_removed").length === 2, { what: "the second reaction_removed" });
      expect(addedEvents()).toHaveLength(2);
      // Carol is not a member of the channel: she hears nothing of it.
      expect(carolSocket.events("reaction_added")).toEqual([]);
      expect(carolSocket.events("reaction_removed")).toEqual([]);
    } finally {
      wsClient.close();
      console.log = quiet;
      await carolSocket.close();
    }
  });

  it("marks read posts with has_reactions and metadata.reactions, and leaves others as they were", async () => {
    const post = await server.createPost(alice, { channelId: pub.id, message: "react to me" });
    const plain = await server.createPost(alice, { channelId: pub.id, message: "not me" });
    const reaction = await client4(bob).addReaction(bob.user.id, post.id, "eyes");
    const read = expectBody(await bob.get(`/api/v4/posts/${post.id}`), postSchema);
    expect(read).toMatchObject({ id: post.id, has_reactions: true, metadata: { reactions: [reaction] } });
    const untouched = expectBody(await bob.get(`/api/v4/posts/${plain.id}`), postSchema);
    expect(untouched).toEqual(plain);
    const list = expectBody(await bob.get(`/api/v4/channels/${pub.id}/posts`), postListSchema);
    expect(list.posts[post.id]).toMatchObject({ has_reactions: true, metadata: { reactions: [reaction] } });
    expect(list.posts[plain.id]).toEqual(plain);
    const search = expectBody(await bob.post(`/api/v4/teams/${team.id}/posts/search`, { terms: '"react to me"' }), postSearchResultsSchema);
    expect(search.posts[post.id]).toMatchObject({ has_reactions: true, metadata: { reactions: [reaction] } });
  });
});

describe("who may react", () => {
  it("answers 401 to anonymous callers", async () => {
    expect(
      await refusal(server.anonymous.post("/api/v4/reactions", { user_id: bob.user.id, post_id: pubPost.id, emoji_name: "+1" })),
    ).toEqual({
      status: 401,
      message: "You must be signed in to do that.",
    });
  });

  it("refuses reacting, or taking back a reaction, for someone else with a 403", async () => {
    expect(await refusal(bob.post("/api/v4/reactions", { user_id: alice.user.id, post_id: pubPost.id, emoji_name: "+1" }))).toEqual({
      status: 403,
      message: "user_id: you may only add your own reactions.",
    });
    await client4(alice).addReaction(alice.user.id, pubPost.id, "heart");
    expect(await refusal(bob.delete(`/api/v4/users/${alice.user.id}/posts/${pubPost.id}/reactions/heart`))).toEqual({
      status: 403,
      message: "You may only remove your own reactions.",
    });
    expect(await refusal(admin.delete(`/api/v4/users/${alice.user.id}/posts/${pubPost.id}/reactions/heart`))).toEqual({
      status: 403,
      message: "You may only remove your own reactions.",
    });
    expect(
      z
        .array(reactionSchema)
        .parse(await client4(alice).getReactionsForPost(pubPost.id))
        .map((r) => r.emoji_name),
    ).toContain("heart");
  });

  it("answers 404 for a private channel's post to non-members, on every route, as for a post that does not exist", async () => {
    const notFound = { status: 404, message: "post not found, or you do not have access to it" };
    for (const person of [bob, carol, olga]) {
      expect(await refusal(person.post("/api/v4/reactions", { user_id: person.user.id, post_id: privPost.id, emoji_name: "+1" }))).toEqual(
        notFound,
      );
      expect(await refusal(person.get(`/api/v4/posts/${privPost.id}/reactions`))).toEqual(notFound);
      expect(await refusal(person.delete(`/api/v4/users/me/posts/${privPost.id}/reactions/+1`))).toEqual(notFound);
    }
    expect(await refusal(bob.post("/api/v4/reactions", { user_id: bob.user.id, post_id: "x".repeat(26), emoji_name: "+1" }))).toEqual(
      notFound,
    );
    expect(await refusal(bob.get(`/api/v4/posts/${"x".repeat(26)}/reactions`))).toEqual(notFound);
  });

  it("answers 404 for a DM's post to a third user and to a system admin", async () => {
    const dm = await client4(alice).createDirectChannel([alice.user.id, bob.user.id]);
    const whisper = await server.createPost(alice, { channelId: dm.id, message: "between us" });
    expect(await client4(bob).addReaction(bob.user.id, whisper.id, "eyes")).toMatchObject({ post_id: whisper.id, channel_id: dm.id });
    const notFound = { status: 404, message: "post not found, or you do not have access to it" };
    for (const person of [carol, admin]) {
      expect(await refusal(person.post("/api/v4/reactions", { user_id: person.user.id, post_id: whisper.id, emoji_name: "+1" }))).toEqual(
        notFound,
      );
      expect(await refusal(person.get(`/api/v4/posts/${whisper.id}/reactions`))).toEqual(notFound);
    }
  });

  it("lets a team member outside a public channel read its reactions but not react (403)", async () => {
    const reactions = await carol.get(`/api/v4/posts/${pubPost.id}/reactions`);
    expect(reactions.status).toBe(200);
    expect(await refusal(carol.post("/api/v4/reactions", { user_id: carol.user.id, post_id: pubPost.id, emoji_name: "+1" }))).toEqual({
      status: 403,
      message: "You must be a member of this channel to react to its posts.",
    });
    expect(await refusal(olga.get(`/api/v4/posts/${pubPost.id}/reactions`))).toEqual({
      status: 404,
      message: "post not found, or you do not have access to it",
    });
  });

  it("lets a private channel's member and a system admin react", async () => {
    const mine = await client4(alice).addReaction(alice.user.id, privPost.id, "rocket");
    expect(mine).toMatchObject({ post_id: privPost.id, emoji_name: "rocket" });
    const admins = await admin.post("/api/v4/reactions", { user_id: admin.user.id, post_id: privPost.id, emoji_name: "rocket" });
    expect(admins.status).toBe(200);
    expect(expectBody(admins, reactionSchema)).toMatchObject({ user_id: admin.user.id, emoji_name: "rocket" });
  });

  it("answers 404 once the post is deleted", async () => {
    const post = await server.createPost(alice, { channelId: pub.id, message: "soon gone" });
    await client4(alice).addReaction(alice.user.id, post.id, "wave");
    await server.host.db.updateTable("posts").set({ delete_at: Date.now() }).where("id", "=", post.id).execute();
    expect(await refusal(alice.get(`/api/v4/posts/${post.id}/reactions`))).toEqual({
      status: 404,
      message: "post not found, or you do not have access to it",
    });
    expect(await refusal(alice.post("/api/v4/reactions", { user_id: alice.user.id, post_id: post.id, emoji_name: "tada" }))).toEqual({
      status: 404,
      message: "post not found, or you do not have access to it",
    });
  });
});

describe("bad input", () => {
  it("names the field and the reason, and stores nothing", async () => {
    const emoji = "emoji_name: must be 1 to 64 letters, digits, '_', '+' or '-' (an emoji name such as +1 or white_check_mark)";
    const add = (body: unknown) => refusal(bob.post("/api/v4/reactions", body));
    expect(await add({ user_id: bob.user.id, post_id: pubPost.id, emoji_name: "" })).toEqual({ status: 400, message: emoji });
    expect(await add({ user_id: bob.user.id, post_id: pubPost.id, emoji_name: "x".repeat(65) })).toEqual({ status: 400, message: emoji });
    expect(await add({ user_id: bob.user.id, post_id: pubPost.id, emoji_name: "<script>" })).toEqual({ status: 400, message: emoji });
    expect(await add({ user_id: bob.user.id, post_id: pubPost.id, emoji_name: "thumbs up" })).toEqual({ status: 400, message: emoji });
    expect(await add({ post_id: pubPost.id, emoji_name: "+1" })).toEqual({ status: 400, message: "user_id: is required" });
    expect(await add({ user_id: bob.user.id, emoji_name: "+1" })).toEqual({ status: 400, message: "post_id: is required" });
    expect(await add({ user_id: bob.user.id, post_id: pubPost.id, emoji_name: 1 })).toEqual({
      status: 400,
      message: "emoji_name: must be a string",
    });
    expect(await add({ user_id: bob.user.id, post_id: pubPost.id })).toEqual({ status: 400, message: "emoji_name: is required" });
    expect(await refusal(bob.delete(`/api/v4/users/me/posts/${pubPost.id}/reactions/${encodeURIComponent("no way")}`))).toEqual({
      status: 400,
      message: emoji.replace("emoji_name", "emojiName"),
    });
    const stored = await server.host.db.selectFrom("reactions").select("emoji_name").where("user_id", "=", bob.user.id).execute();
    expect(stored.map((r) => r.emoji_name)).not.toContain("thumbs up");
    expect(stored.every((r) => /^[a-zA-Z0-9_+-]{1,64}$/.test(r.emoji_name))).toBe(true);
  });
});
