/**
 * The web app's stores against a real in-process server: the loaders and
 * senders the pages call, with the app's own ApiClient and Store, signed in
 * with a token instead of the browser's cookie.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Channel, Post, Team } from "#common/wire.ts";
import { startTestServer, type TestClient, type TestServer } from "#testing";
import { ApiError } from "../api/client.ts";
import { channelsLoader, channelViewer } from "./channels.ts";
import { commandsEnsurer } from "./commands.ts";
import { ephemeralPoster, latestPostsLoader, olderPostsLoader, postReceiver, postSender } from "./posts.ts";
import { initialState, isUnread, withPosts } from "./state.ts";
import { Store } from "./store.ts";
import { testApp } from "./test-app.ts";
import { displayName, usersEnsurer } from "./users.ts";

let server: TestServer;
let alice: TestClient & { user: { id: string } };
let team: Team;
let channel: Channel;

/** The app's services, as one browser has them, signed in as `client`. */
function appFor(client: TestClient) {
  return testApp(server.url, client);
}

beforeAll(async () => {
  server = await startTestServer();
  alice = await server.createUser();
  team = await server.createTeam(alice);
  channel = await server.createChannel(alice, { teamId: team.id });
});
afterAll(() => server.close());

describe("Store", () => {
  it("tells subscribers of a change, not of an update that returns the same state", () => {
    const store = new Store({ n: 1 });
    let calls = 0;
    const unsubscribe = store.subscribe(() => calls++);
    store.update((s) => s);
    expect(calls).toBe(0);
    store.update((s) => ({ n: s.n + 1 }));
    expect(store.get()).toEqual({ n: 2 });
    expect(calls).toBe(1);
    unsubscribe();
    store.update(() => ({ n: 3 }));
    expect(calls).toBe(1);
  });
});

describe("posts", () => {
  it("withPosts keeps a channel's posts oldest first without duplicates", () => {
    const post = (id: string, at: number): Post => ({
      id,
      channel_id: "c",
      user_id: "u",
      root_id: "",
      message: id,
      type: "",
      props: {},
      create_at: at,
      update_at: at,
      edit_at: 0,
      delete_at: 0,
    });
    let state = withPosts(initialState, "c", [post("b", 2), post("a", 1)]);
    state = withPosts(state, "c", [post("a", 1), post("c", 3)]);
    expect(state.postsByChannel.c?.order).toEqual(["a", "b", "c"]);
  });

  it("postSender stores what the server answered; latestPostsLoader and olderPostsLoader page back through the channel", async () => {
    const app = appFor(alice);
    const sent = await postSender(app, { channelId: channel.id, message: "first from the web store" });
    expect(sent.message).toBe("first from the web store");
    for (let i = 0; i < 64; i++) await server.createPost(alice, { channelId: channel.id, message: `m${i}` });

    const fresh = appFor(alice);
    await latestPostsLoader(fresh, channel.id);
    const page = fresh.store.get().postsByChannel[channel.id];
    expect(page?.order).toHaveLength(60);
    expect(page?.hasMore).toBe(true);
    await olderPostsLoader(fresh, channel.id);
    const all = fresh.store.get().postsByChannel[channel.id];
    expect(all?.order.map((id) => fresh.store.get().posts[id]?.message)[0]).toBe("first from the web store");
    expect(all?.hasMore).toBe(false);
    expect(all?.loadingOlder).toBe(false);
  });

  it("postReceiver ignores channels not opened yet; ephemeral posts are local and shown only in the open channel", async () => {
    const app = appFor(alice);
    const other = await server.createPost(alice, { channelId: channel.id, message: "arrives" });
    postReceiver(app, other);
    expect(app.store.get().postsByChannel[channel.id]).toBeUndefined();
    await latestPostsLoader(app, channel.id);
    ephemeralPoster(app, { channelId: channel.id, message: "Only you see this" });
    const order = app.store.get().postsByChannel[channel.id]?.order ?? [];
    const last = app.store.get().posts[order[order.length - 1] ?? ""];
    expect(last?.message).toBe("Only you see this");
    expect(last?.type).toBe("system_ephemeral");
    expect(last?.id.startsWith("local-")).toBe(true);
  });

  it("a refused send rejects with the server's status and message, and stores nothing", async () => {
    const app = appFor(alice);
    const error = await postSender(app, { channelId: "x".repeat(26), message: "nowhere" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(404);
    expect((error as ApiError).message).toBe("channel_id: channel not found, or you do not have access to it");
    expect(Object.keys(app.store.get().posts)).toHaveLength(0);
  });
});

describe("slash commands", () => {
  it("commandsEnsurer loads the autocomplete list once per session, shares a load in flight, and reloads on refresh", async () => {
    const app = appFor(alice);
    const autocompletes = () => app.requests.filter((p) => p === "/api/v4/commands/autocomplete").length;
    await Promise.all([commandsEnsurer(app), commandsEnsurer(app)]);
    await commandsEnsurer(app);
    expect(autocompletes()).toBe(1);
    // A server without plugins still has the built-in commands.
    expect(app.store.get().commands?.map((c) => c.trigger)).toEqual(expect.arrayContaining(["me", "help", "join"]));
    await commandsEnsurer(app, { refresh: true });
    expect(autocompletes()).toBe(2);
  });
});

describe("channels and users", () => {
  it("channelsLoader loads the user's channels with unread state; channelViewer marks one read", async () => {
    const bob = await server.createUser();
    await server.addToChannel(await server.admin(), { channel, user: bob.user });
    await server.createPost(alice, { channelId: channel.id, message: "unread for bob" });
    const app = appFor(bob);
    const channels = await channelsLoader(app, team.id);
    const mine = channels.find((c) => c.id === channel.id);
    expect(mine).toBeDefined();
    const before = app.store.get().members[channel.id];
    expect(mine && isUnread(mine, before)).toBe(true);
    await channelViewer(app, channel.id);
    const reloaded = appFor(bob);
    const again = (await channelsLoader(reloaded, team.id)).find((c) => c.id === channel.id);
    expect(again && isUnread(again, reloaded.store.get().members[channel.id])).toBe(false);
  });

  it("usersEnsurer fetches only the users not cached yet, and names them", async () => {
    const app = appFor(alice);
    await usersEnsurer(app, [alice.user.id, alice.user.id, "local-123"]);
    const cached = app.store.get().users[alice.user.id];
    expect(cached?.id).toBe(alice.user.id);
    expect(displayName(cached)).toBe(cached?.username);
    expect(displayName(undefined)).toBe("someone");
    expect(Object.keys(app.store.get().users)).toEqual([alice.user.id]);
  });
});
