/**
 * A removed member loses the channel at once on every process (DESIGN.md
 * section 9): two real Sitrep processes on one PostgreSQL schema; the member
 * is removed through one, and the other — which had the channel's members
 * cached — answers 404 and delivers no further `posted` event to them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiErrorBodySchema, postedEventDataSchema, postListSchema, postSchema, statusOkSchema } from "#common/wire-schemas.ts";
import type { Channel } from "#common/wire.ts";
import {
  expectBody,
  startSecondProcess,
  startTestServer,
  testDialect,
  TestClient,
  postEvent,
  TestSocket,
  type SecondProcess,
  type TestServer,
  type UserClient,
} from "#testing";

describe.skipIf(testDialect !== "postgres")("removing a member across two Sitrep processes on one PostgreSQL", () => {
  let server: TestServer;
  let second: SecondProcess;
  let alice: UserClient;
  let bob: UserClient;
  let channel: Channel;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    alice = await server.createUser();
    bob = await server.createUser();
    const team = await server.createTeam(alice);
    channel = await server.createChannel(alice, { teamId: team.id, type: "P" });
    await server.addToChannel(alice, { channel, user: bob.user });
    second = await startSecondProcess(server);
  });

  afterAll(async () => {
    for (const socket of sockets) await socket.close();
    await second?.close();
    await server?.close();
  });

  it("the other process refuses the removed member's reads and posts and sends them no further posted", async () => {
    const bobThere = new TestClient(second.url, bob.token, bob.user);
    const aliceThere = new TestClient(second.url, alice.token, alice.user);
    const bobSocket = await TestSocket.open(second.url, { token: bob.token });
    const aliceSocket = await TestSocket.open(second.url, { token: alice.token });
    sockets.push(bobSocket, aliceSocket);
    // The other process caches the channel's members while Bob still reads and receives.
    expect((await bobThere.get(`/api/v4/channels/${channel.id}/posts`, postListSchema)).status).toBe(200);
    const before = await server.createPost(alice, { channelId: channel.id, message: "before" });
    await bobSocket.waitFor(postEvent("posted", before.id), 10_000);

    expect((await alice.delete(`/api/v4/channels/${channel.id}/members/${bob.user.id}`, statusOkSchema)).status).toBe(200);
    const removed = await bobSocket.waitFor((f) => f.event === "user_removed", 10_000);
    expect(removed.data).toEqual({ channel_id: channel.id, remover_id: alice.user.id });

    const refused = await bobThere.get(`/api/v4/channels/${channel.id}/posts`);
    expect(refused.status).toBe(404);
    expect(expectBody(refused, apiErrorBodySchema).message).toBe("channel not found, or you do not have access to it");
    const post = await bobThere.post("/api/v4/posts", { channel_id: channel.id, message: "still here?" });
    expect(post.status).toBe(404);

    const here = await server.createPost(alice, { channelId: channel.id, message: "after, made here" });
    const there = await aliceThere.post("/api/v4/posts", { channel_id: channel.id, message: "after, made there" }, postSchema);
    await aliceSocket.waitFor(postEvent("posted", here.id), 10_000);
    await aliceSocket.waitFor(postEvent("posted", there.body.id), 10_000);
    expect(bobSocket.frames.filter((f) => f.event === "posted").map((f) => postedEventDataSchema.parse(f.data).post.id)).toEqual([
      before.id,
    ]);
  });
});
