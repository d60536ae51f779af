/**
 * The web app's channel management, direct messages and presence stores
 * against a real in-process server, with the app's own ApiClient and Store
 * (signed in with a token instead of the browser's cookie).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Team, User } from "#common/wire.ts";
import { startTestServer, type TestClient, type TestServer } from "#testing";
import { ApiClient, ApiError } from "../api/client.ts";
import {
  channelMemberRemover,
  channelMembersAdder,
  channelMembersLoader,
  channelPatcher,
  channelPrivacyChanger,
} from "./channel-management.ts";
import { channelsLoader, withoutChannel } from "./channels.ts";
import { directChannelOpener } from "./direct-channels.ts";
import { initialState, withPosts, type AppState } from "./state.ts";
import { statusesLoader } from "./statuses.ts";
import { Store } from "./store.ts";

let server: TestServer;
let alice: TestClient & { user: User };
let bob: TestClient & { user: User };
let carol: TestClient & { user: User };
let team: Team;
let team2: Team;

/** The app's services as one browser has them, signed in as `client`. */
function appFor(client: TestClient & { user: User }) {
  const api = new ApiClient({
    baseUrl: server.url,
    fetch: (input, init) =>
      fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), authorization: `Bearer ${client.token}` } }),
  });
  return { api, store: new Store<AppState>({ ...initialState, me: client.user }) };
}

beforeAll(async () => {
  server = await startTestServer();
  alice = await server.createUser({ username: "alicem" });
  bob = await server.createUser({ username: "bobm" });
  carol = await server.createUser({ username: "carolm" });
  team = await server.createTeam(alice);
  team2 = await server.createTeam(alice);
  for (const t of [team, team2])
    for (const user of [bob, carol]) {
      const res = await alice.post(`/api/v4/teams/${t.id}/members`, { team_id: t.id, user_id: user.user.id });
      expect(res.status).toBe(201);
    }
});
afterAll(() => server.close());

describe("direct and group messages", () => {
  it("a DM opens once, shows in every loaded team named after the other person, and a GM after the others", async () => {
    const app = appFor(alice);
    await channelsLoader(app, team.id);
    await channelsLoader(app, team2.id);
    const dm = await directChannelOpener(app, { userIds: [bob.user.id] });
    expect(dm.type).toBe("D");
    const again = await directChannelOpener(app, { userIds: [bob.user.id, alice.user.id] });
    expect(again.id).toBe(dm.id);
    for (const t of [team, team2]) expect(app.store.get().channels[t.id]?.find((c) => c.id === dm.id)?.display_name).toBe("bobm");
    expect(app.store.get().members[dm.id]).toMatchObject({ user_id: alice.user.id, mention_count: 0 });

    const gm = await directChannelOpener(app, { userIds: [bob.user.id, carol.user.id] });
    expect(gm.type).toBe("G");
    expect(app.store.get().channels[team.id]?.find((c) => c.id === gm.id)?.display_name).toBe("bobm, carolm");
    // Loaded afresh by bob, the names are from his side.
    const bobs = appFor(bob);
    const listed = await channelsLoader(bobs, team.id);
    expect(listed.find((c) => c.id === dm.id)?.display_name).toBe("alicem");
    expect(listed.find((c) => c.id === gm.id)?.display_name).toBe("alicem, carolm");
  });

  it("statusesLoader reads presence (nobody has a socket here: offline)", async () => {
    const app = appFor(alice);
    await statusesLoader(app, [bob.user.id, carol.user.id, bob.user.id]);
    expect(app.store.get().statuses).toEqual({ [bob.user.id]: "offline", [carol.user.id]: "offline" });
  });
});

describe("channel management", () => {
  it("a patch and a privacy change update the lists; members load, are added and removed", async () => {
    const channel = await server.createChannel(alice, { teamId: team.id, name: "mgmt-one" });
    const app = appFor(alice);
    await channelsLoader(app, team.id);
    await channelPatcher(app, { channelId: channel.id, patch: { display_name: "Renamed", header: "see **runbook**" } });
    expect(app.store.get().channels[team.id]?.find((c) => c.id === channel.id)).toMatchObject({
      display_name: "Renamed",
      header: "see **runbook**",
    });
    await channelPrivacyChanger(app, { channelId: channel.id, privacy: "P" });
    expect(app.store.get().channels[team.id]?.find((c) => c.id === channel.id)?.type).toBe("P");

    expect(await channelMembersLoader(app, channel.id)).toEqual([alice.user.id]);
    await channelMembersAdder(app, { channelId: channel.id, userIds: [bob.user.id, carol.user.id] });
    expect(app.store.get().channelMemberIds[channel.id]).toEqual([alice.user.id, bob.user.id, carol.user.id]);
    await channelMemberRemover(app, { channelId: channel.id, userId: bob.user.id });
    expect(app.store.get().channelMemberIds[channel.id]).toEqual([alice.user.id, carol.user.id]);
    expect((await channelMembersLoader(appFor(alice), channel.id)).sort()).toEqual([alice.user.id, carol.user.id].sort());
  });

  it("a refused change rejects with the server's status and message and changes nothing here", async () => {
    const channel = await server.createChannel(alice, { teamId: team.id, name: "mgmt-two" });
    const app = appFor(bob);
    await channelsLoader(app, team.id);
    const error = await channelPatcher(app, { channelId: channel.id, patch: { display_name: "Taken over" } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 403, message: "You must be a member of the channel to change it." });
    const empty = await channelPatcher(appFor(alice), { channelId: channel.id, patch: { display_name: "  " } }).catch((e: unknown) => e);
    expect(empty).toMatchObject({ status: 400 });
    expect(String((empty as Error).message)).toContain("display_name");
  });

  it("withoutChannel drops a lost channel from every list, and with dropPosts its posts and open thread too", async () => {
    const channel = await server.createChannel(alice, { teamId: team.id, name: "mgmt-three" });
    const post = await server.createPost(alice, { channelId: channel.id, message: "secret" });
    const app = appFor(alice);
    await channelsLoader(app, team.id);
    const state: AppState = { ...withPosts(app.store.get(), channel.id, [post]), rhs: { kind: "thread", rootId: post.id } };
    const kept = withoutChannel(state, { channelId: channel.id, dropPosts: false });
    expect(kept.channels[team.id]?.some((c) => c.id === channel.id)).toBe(false);
    expect(kept.members[channel.id]).toBeUndefined();
    expect(kept.posts[post.id]?.message).toBe("secret");
    const dropped = withoutChannel(state, { channelId: channel.id, dropPosts: true });
    expect(dropped.posts[post.id]).toBeUndefined();
    expect(dropped.postsByChannel[channel.id]).toBeUndefined();
    expect(dropped.rhs).toBeNull();
  });
});
