/**
 * The web app's thread, edit/delete and reaction stores against a real
 * in-process server: loading a thread, replies arriving (in the open thread,
 * counted on the root), the updates applied from `post_edited` /
 * `post_deleted` / `reaction_*` events, the Up-arrow target, and the
 * server's refusals passed on with their status and message.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postSchema } from "#common/wire-schemas.ts";
import type { Channel, Post, Team } from "#common/wire.ts";
import { startTestServer, type TestServer, type UserClient } from "#testing";
import { ApiClient, ApiError } from "../api/client.ts";
import { channelsLoader } from "./channels.ts";
import {
  isPostDeletable,
  isPostEditable,
  lastEditablePost,
  latestPostsLoader,
  postEditOpener,
  postEditor,
  postReceiver,
  postRemover,
  postSender,
  withoutPost,
  withPostEdited,
} from "./posts.ts";
import { reactionGroups, reactionToggler, withoutReaction, withReaction } from "./reactions.ts";
import { initialState, type AppState } from "./state.ts";
import { Store } from "./store.ts";
import { threadLoader, threadOpener } from "./threads.ts";

let server: TestServer;
let alice: UserClient;
let bob: UserClient;
let team: Team;
let channel: Channel;

/** The app's services as one browser has them, signed in as `client`. */
async function appFor(client: UserClient) {
  const api = new ApiClient({
    baseUrl: server.url,
    fetch: (input, init) =>
      fetch(input, { ...init, headers: { ...Object.fromEntries(new Headers(init?.headers)), authorization: `Bearer ${client.token}` } }),
  });
  const app = { api, store: new Store<AppState>({ ...initialState, me: client.user, users: { [client.user.id]: client.user } }) };
  await channelsLoader(app, team.id);
  return app;
}

async function reply(author: UserClient, root: Post, message: string): Promise<Post> {
  return (await author.post("/api/v4/posts", { channel_id: root.channel_id, root_id: root.id, message }, postSchema)).body;
}

beforeAll(async () => {
  server = await startTestServer();
  alice = await server.createUser();
  bob = await server.createUser();
  team = await server.createTeam(alice);
  channel = await server.createChannel(alice, { teamId: team.id });
  await server.addToChannel(alice, { channel, user: bob.user });
});
afterAll(() => server.close());

describe("threads", () => {
  it("threadLoader loads the root and its replies oldest first; a thread the user may not read is missing with a message", async () => {
    const root = await server.createPost(alice, { channelId: channel.id, message: "root" });
    const first = await reply(bob, root, "first");
    const second = await reply(alice, root, "second");
    const app = await appFor(bob);
    await threadLoader(app, root.id);
    const state = app.store.get();
    expect(state.threads[root.id]).toEqual({ order: [root.id, first.id, second.id], status: "loaded" });
    expect(state.posts[root.id]?.reply_count).toBe(2);

    const secret = await server.createChannel(alice, { teamId: team.id, type: "P" });
    const hidden = await server.createPost(alice, { channelId: secret.id, message: "private" });
    await threadLoader(app, hidden.id);
    expect(app.store.get().threads[hidden.id]).toEqual({
      order: [],
      status: "missing",
      message: "This thread does not exist, or you do not have access to it.",
    });
  });

  it("a reply sent or received goes into the open thread and raises the root's count once; the channel keeps it out of view", async () => {
    const root = await server.createPost(alice, { channelId: channel.id, message: "root for replies" });
    const app = await appFor(alice);
    await latestPostsLoader(app, channel.id);
    threadOpener(app, root);
    expect(app.store.get().rhs).toEqual({ kind: "thread", rootId: root.id });
    await threadLoader(app, root.id);

    const mine = await postSender(app, { channelId: channel.id, rootId: root.id, message: "sent from the thread box" });
    expect(mine.root_id).toBe(root.id);
    postReceiver(app, mine); // the `posted` event of one's own reply, after the answer
    const theirs = await reply(bob, root, "from bob");
    postReceiver(app, theirs);
    const state = app.store.get();
    expect(state.threads[root.id]?.order).toEqual([root.id, mine.id, theirs.id]);
    expect(state.posts[root.id]?.reply_count).toBe(2);
    // The channel's list holds what the server lists (replies too); the view shows roots only.
    expect(state.postsByChannel[channel.id]?.order).toContain(theirs.id);

    // A thread not open and a channel not loaded: nothing to update.
    const elsewhere = await appFor(alice);
    postReceiver(elsewhere, theirs);
    expect(elsewhere.store.get().posts).toEqual({});
  });

  it("a deleted reply leaves the thread and lowers the count; a deleted root takes its replies and marks its thread deleted", async () => {
    const root = await server.createPost(alice, { channelId: channel.id, message: "root to delete" });
    const keep = await reply(alice, root, "keep");
    const drop = await reply(alice, root, "drop");
    const app = await appFor(alice);
    await latestPostsLoader(app, channel.id);
    await threadLoader(app, root.id);

    await postRemover(app, drop);
    let state = app.store.get();
    expect(state.threads[root.id]?.order).toEqual([root.id, keep.id]);
    expect(state.posts[root.id]?.reply_count).toBe(1);
    expect((await alice.get(`/api/v4/posts/${drop.id}`)).status).toBe(404);
    // The event of the same delete arrives after: the count it carries wins, nothing else changes.
    const again = withoutPost(state, { post: { ...drop, reply_count: 1 }, replyCount: 1 });
    expect(again.posts[root.id]?.reply_count).toBe(1);

    postEditOpener(app, { postId: keep.id, location: "rhs" });
    app.store.update((s) => withoutPost(s, { post: root }));
    state = app.store.get();
    expect(state.threads[root.id]).toEqual({ order: [], status: "deleted" });
    expect(state.posts[root.id]).toBeUndefined();
    expect(state.posts[keep.id]).toBeUndefined();
    expect(state.postsByChannel[channel.id]?.order).not.toContain(keep.id);
    expect(state.editing).toBeNull();
  });

  it("latestPostsLoader drops a post deleted while the browser was not listening", async () => {
    const gone = await server.createPost(alice, { channelId: channel.id, message: "deleted elsewhere" });
    const app = await appFor(bob);
    await latestPostsLoader(app, channel.id);
    expect(app.store.get().posts[gone.id]).toBeDefined();
    expect((await alice.delete(`/api/v4/posts/${gone.id}`)).status).toBe(200);
    await latestPostsLoader(app, channel.id);
    expect(app.store.get().posts[gone.id]).toBeUndefined();
    expect(app.store.get().postsByChannel[channel.id]?.order).not.toContain(gone.id);
  });
});

describe("edit and delete", () => {
  it("postEditor shows the edit at once; an edit event keeps the post's reactions; another's post is refused with the server's message", async () => {
    const post = await server.createPost(alice, { channelId: channel.id, message: "typo hre" });
    const app = await appFor(alice);
    await latestPostsLoader(app, channel.id);
    await reactionToggler(app, { postId: post.id, emojiName: "eyes" });
    const edited = await postEditor(app, { postId: post.id, message: "typo here" });
    expect(edited.edit_at).toBeGreaterThan(0);
    const shown = app.store.get().posts[post.id];
    expect(shown?.message).toBe("typo here");
    expect(shown?.metadata?.reactions?.map((r) => r.emoji_name)).toEqual(["eyes"]);
    // `post_edited` carries no reactions: they stay.
    app.store.update((s) => withPostEdited(s, { ...edited, message: "typo here!", metadata: undefined }));
    expect(app.store.get().posts[post.id]?.metadata?.reactions).toHaveLength(1);
    expect(withPostEdited(initialState, edited)).toBe(initialState); // a post not loaded is left alone

    const bobs = await appFor(bob);
    const error = await postEditor(bobs, { postId: post.id, message: "hijacked" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 403, message: "Only the author may edit a post." });
    const refused = await postRemover(bobs, post).catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 403, message: "Only the author or a system admin may delete a post." });
  });

  it("Up edits the last own root post of the channel, or the last own post of the thread; who may edit and delete follows the server", async () => {
    const quiet = await server.createChannel(alice, { teamId: team.id });
    await server.addToChannel(alice, { channel: quiet, user: bob.user });
    const mineRoot = await server.createPost(alice, { channelId: quiet.id, message: "my root" });
    const myReply = await reply(alice, mineRoot, "my reply");
    await server.createPost(bob, { channelId: quiet.id, message: "bob's, last" });
    const app = await appFor(alice);
    await latestPostsLoader(app, quiet.id);
    await threadLoader(app, mineRoot.id);
    const state = app.store.get();
    expect(lastEditablePost(state, { channelId: quiet.id })?.id).toBe(mineRoot.id);
    expect(lastEditablePost(state, { channelId: quiet.id, rootId: mineRoot.id })?.id).toBe(myReply.id);

    const admin = await server.admin();
    const bobsPost = state.posts[state.postsByChannel[quiet.id]?.order.at(-1) ?? ""];
    if (!bobsPost) throw new Error("bob's post is not loaded");
    expect(isPostEditable(bobsPost, { me: alice.user, author: bob.user })).toBe(false);
    expect(isPostEditable(mineRoot, { me: alice.user, author: alice.user })).toBe(true);
    expect(isPostEditable(mineRoot, { me: alice.user, author: { ...alice.user, is_bot: true } })).toBe(false);
    expect(isPostEditable({ ...mineRoot, props: { from_webhook: "true" } }, { me: alice.user, author: alice.user })).toBe(false);
    expect(isPostDeletable(bobsPost, alice.user)).toBe(false);
    expect(isPostDeletable(bobsPost, admin.user)).toBe(true);
    expect(isPostDeletable({ ...mineRoot, id: "local-1" }, alice.user)).toBe(false);
  });
});

describe("reactions", () => {
  it("reactionToggler adds and takes back one's own; events apply once; groups keep first-use order", async () => {
    const post = await server.createPost(alice, { channelId: channel.id, message: "react to me" });
    const app = await appFor(alice);
    await latestPostsLoader(app, channel.id);
    await reactionToggler(app, { postId: post.id, emojiName: "+1" });
    const [added] = app.store.get().posts[post.id]?.metadata?.reactions ?? [];
    if (!added) throw new Error("no reaction stored");
    expect(added).toMatchObject({ user_id: alice.user.id, post_id: post.id, emoji_name: "+1" });
    expect(withReaction(app.store.get(), added)).toBe(app.store.get()); // the event of one's own reaction changes nothing

    const bobs = await appFor(bob);
    await latestPostsLoader(bobs, channel.id);
    await reactionToggler(bobs, { postId: post.id, emojiName: "fire" });
    await reactionToggler(bobs, { postId: post.id, emojiName: "+1" });
    const bobView = bobs.store.get().posts[post.id];
    if (!bobView) throw new Error("post not loaded");
    expect(reactionGroups(bobView)).toEqual([
      { emojiName: "+1", userIds: [alice.user.id, bob.user.id] },
      { emojiName: "fire", userIds: [bob.user.id] },
    ]);
    await reactionToggler(bobs, { postId: post.id, emojiName: "+1" });
    expect((await alice.get(`/api/v4/posts/${post.id}/reactions`)).body).toMatchObject([
      { user_id: alice.user.id, emoji_name: "+1" },
      { user_id: bob.user.id, emoji_name: "fire" },
    ]);

    await reactionToggler(app, { postId: post.id, emojiName: "+1" });
    const after = app.store.get().posts[post.id];
    expect(after?.metadata?.reactions).toEqual([]);
    expect(after?.has_reactions).toBe(false);
    expect(withoutReaction(app.store.get(), added)).toBe(app.store.get());
  });
});
