/**
 * Two real Sitrep processes on one PostgreSQL schema: realtime events and cache
 * invalidations cross between them through LISTEN/NOTIFY.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiErrorBodySchema, channelSchema, postSchema, statusChangeEventDataSchema, userSchema } from "#common/wire-schemas.ts";
import type { Channel, Team, User } from "#common/wire.ts";
import {
  eventually,
  postEvent,
  startSecondProcess,
  startTestServer,
  testDialect,
  TestClient,
  TestSocket,
  type SecondProcess,
  type TestServer,
} from "#testing";

describe.skipIf(testDialect !== "postgres")("two Sitrep processes on one PostgreSQL", () => {
  let server: TestServer;
  let second: SecondProcess | undefined;
  let childUrl: string;
  let alice: TestClient & { user: User };
  let bob: TestClient & { user: User };
  let team: Team;
  let channel: Channel;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    alice = await server.createUser();
    bob = await server.createUser();
    team = await server.createTeam(alice);
    channel = await server.createChannel(alice, { teamId: team.id, type: "P" });
    await server.addToChannel(alice, { channel, user: bob.user });

    second = await startSecondProcess(server);
    childUrl = second.url;
    const ping = await fetch(`${childUrl}/api/v4/system/ping`);
    expect(ping.status).toBe(200);
  });

  afterAll(async () => {
    for (const socket of sockets) await socket.close();
    await second?.close();
    await server?.close();
  });

  it("serves the same workspace from the second process", async () => {
    const viaChild = new TestClient(childUrl, bob.token, bob.user);
    const me = await viaChild.get("/api/v4/users/me", userSchema);
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(bob.user.id);
    const seen = await viaChild.get(`/api/v4/channels/${channel.id}`, channelSchema);
    expect(seen.status).toBe(200);
    expect(seen.body.name).toBe(channel.name);
  });

  it("delivers a post made in this process to a WebSocket on the other, and back", async () => {
    const onChild = await TestSocket.open(childUrl, { token: bob.token });
    const onHere = await TestSocket.open(server.url, { token: bob.token });
    sockets.push(onChild, onHere);

    const here = await server.createPost(alice, { channelId: channel.id, message: "made in process one" });
    const crossed = await onChild.waitFor(postEvent("posted", here.id), 10_000);
    expect(JSON.parse(String(crossed.data?.post))).toMatchObject({ id: here.id, message: "made in process one", channel_id: channel.id });
    // Numbered per connection, with no gap: hello is 0, then each event (Bob's status_change among them) the next.
    expect(crossed.seq).toBe(onChild.frames.filter((f) => f.event).indexOf(crossed));

    const viaChild = new TestClient(childUrl, alice.token, alice.user);
    const there = await viaChild.post("/api/v4/posts", { channel_id: channel.id, message: "made in process two" }, postSchema);
    expect(there.status).toBe(201);
    const back = await onHere.waitFor(postEvent("posted", there.body.id), 10_000);
    expect(JSON.parse(String(back.data?.post))).toMatchObject({ message: "made in process two", user_id: alice.user.id });
    // Each process also delivers to its own clients.
    await onChild.waitFor(postEvent("posted", there.body.id), 10_000);
    await onHere.waitFor(postEvent("posted", here.id), 10_000);
  });

  it("invalidates the other process's caches: a member added here receives posts made there", async () => {
    const carol = await server.createUser();
    await alice.post(`/api/v4/teams/${team.id}/members`, { user_id: carol.user.id });
    const onChild = await TestSocket.open(childUrl, { token: carol.token });
    sockets.push(onChild);
    const viaChild = new TestClient(childUrl, alice.token, alice.user);
    // The child caches the member list without Carol...
    const before = await viaChild.post("/api/v4/posts", { channel_id: channel.id, message: "before carol" }, postSchema);
    expect(before.status).toBe(201);
    const carolViaChild = new TestClient(childUrl, carol.token, carol.user);
    const hidden = await carolViaChild.get(`/api/v4/channels/${channel.id}`, apiErrorBodySchema);
    expect(hidden.status).toBe(404);
    expect(hidden.body.message).toBe("channel not found, or you do not have access to it");
    // ...and drops it when this process adds her.
    const added = await alice.post(`/api/v4/channels/${channel.id}/members`, { user_id: carol.user.id });
    expect(added.status).toBe(201);
    await onChild.waitFor((f) => f.event === "user_added" && f.data?.user_id === carol.user.id, 10_000);
    const after = await viaChild.post("/api/v4/posts", { channel_id: channel.id, message: "after carol" }, postSchema);
    await onChild.waitFor(postEvent("posted", after.body.id), 10_000);
    expect(onChild.frames.some(postEvent("posted", before.body.id))).toBe(false);
    expect((await carolViaChild.get(`/api/v4/channels/${channel.id}`)).status).toBe(200);
  });

  it("keeps the other process's channel counters current for unread state", async () => {
    const viaChild = new TestClient(childUrl, bob.token, bob.user);
    const before = await viaChild.get(`/api/v4/channels/${channel.id}`, channelSchema);
    expect(before.status).toBe(200);
    const post = await server.createPost(alice, { channelId: channel.id, message: "count me" });
    // Wait for the notification to cross, then the child answers with the new counters.
    const after = await eventually(
      async () => {
        const res = await viaChild.get(`/api/v4/channels/${channel.id}`, channelSchema);
        return res.body.total_msg_count !== before.body.total_msg_count && res;
      },
      { ms: 5000, intervalMs: 20, what: "the new counters on the second process" },
    );
    expect(after.body.total_msg_count).toBe(before.body.total_msg_count + 1);
    expect(after.body.last_post_at).toBe(post.create_at);
  });

  it("tells a direct message's other member here when a user comes online there, and offline when their last socket on either goes", async () => {
    const erin = await server.createUser();
    expect((await alice.post("/api/v4/channels/direct", [alice.user.id, erin.user.id])).status).toBe(201);
    const partner = await TestSocket.open(server.url, { token: alice.token });
    sockets.push(partner);
    const erinStatuses = () =>
      partner.events("status_change").flatMap((e) => {
        const data = statusChangeEventDataSchema.parse(e.data);
        return data.user_id === erin.user.id ? [data.status] : [];
      });
    const onChild = await TestSocket.open(childUrl, { token: erin.token });
    await eventually(() => erinStatuses().length === 1, { ms: 10_000, what: "erin online, from the other process" });
    // A socket here too: Erin was online already (presence is shared), so nobody is told again.
    const presenceRows = async () =>
      (await server.host.db.selectFrom("user_presence").select("process_id").where("user_id", "=", erin.user.id).execute()).length;
    const here = await TestSocket.open(server.url, { token: erin.token });
    await eventually(async () => (await presenceRows()) === 2, { what: "erin's presence on both processes" });
    // Closing the other process's socket leaves her online here; closing this one too takes her offline.
    await onChild.close();
    await eventually(async () => (await presenceRows()) === 1, { what: "erin's presence on this process only" });
    await here.close();
    await eventually(() => erinStatuses().length === 2, { ms: 10_000, what: "erin offline" });
    expect(erinStatuses()).toEqual(["online", "offline"]);
    // Erin's own socket was told she is online (of Alice's own status it may hear too: they share a direct message).
    const ownStatuses = onChild
      .events("status_change")
      .map((e) => statusChangeEventDataSchema.parse(e.data))
      .filter((d) => d.user_id === erin.user.id);
    expect(ownStatuses).toEqual([{ status: "online", user_id: erin.user.id }]);
  });

  it("ends a session everywhere: logging out here closes the socket there", async () => {
    const dave = await server.createUser();
    const onChild = await TestSocket.open(childUrl, { token: dave.token });
    const closed = new Promise<number>((resolve) => onChild.ws.once("close", (code) => resolve(code)));
    expect((await dave.post("/api/v4/users/logout")).status).toBe(200);
    expect(await closed).toBe(4001);
    const viaChild = await fetch(`${childUrl}/api/v4/users/me`, { headers: { authorization: `Bearer ${dave.token}` } });
    expect(viaChild.status).toBe(401);
  });
});
