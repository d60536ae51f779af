/**
 * Edits and deletes across two real Sitrep processes on one PostgreSQL schema
 * (DESIGN.md section 9, "every open browser"): an edit or a delete made
 * through one process reaches a WebSocket client of the other, and the other
 * process answers with the edited post, then a 404.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiErrorBodySchema, postDeletedEventDataSchema, postEditedEventDataSchema, postSchema } from "#common/wire-schemas.ts";
import type { Channel, User } from "#common/wire.ts";
import {
  startSecondProcess,
  startTestServer,
  testDialect,
  TestClient,
  postEvent,
  TestSocket,
  type SecondProcess,
  type TestServer,
} from "#testing";

describe.skipIf(testDialect !== "postgres")("edits and deletes across two Sitrep processes on one PostgreSQL", () => {
  let server: TestServer;
  let second: SecondProcess;
  let childUrl: string;
  let alice: TestClient & { user: User };
  let bob: TestClient & { user: User };
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
    childUrl = second.url;
  });

  afterAll(async () => {
    for (const socket of sockets) await socket.close();
    await second?.close();
    await server?.close();
  });

  it("delivers an edit made in this process to a WebSocket on the other, and the other serves the edited post", async () => {
    const onChild = await TestSocket.open(childUrl, { token: bob.token });
    sockets.push(onChild);
    const post = await server.createPost(alice, { channelId: channel.id, message: "typo in hre" });
    const edited = await alice.put(`/api/v4/posts/${post.id}/patch`, { message: "typo in here" }, postSchema);
    expect(edited.status).toBe(200);
    const frame = await onChild.waitFor(postEvent("post_edited", post.id), 10_000);
    expect(postEditedEventDataSchema.parse(frame.data).post).toMatchObject({ message: "typo in here", edit_at: edited.body.edit_at });
    const viaChild = new TestClient(childUrl, bob.token, bob.user);
    const read = await viaChild.get(`/api/v4/posts/${post.id}`, postSchema);
    expect(read.body).toMatchObject({ message: "typo in here", edit_at: edited.body.edit_at });
  });

  it("delivers an edit and a delete made in the other process to a WebSocket here; the post is gone on both", async () => {
    const onHere = await TestSocket.open(server.url, { token: bob.token });
    sockets.push(onHere);
    const viaChild = new TestClient(childUrl, alice.token, alice.user);
    const made = await viaChild.post("/api/v4/posts", { channel_id: channel.id, message: "made there" }, postSchema);
    expect(made.status).toBe(201);
    expect((await viaChild.put(`/api/v4/posts/${made.body.id}/patch`, { message: "edited there" }, postSchema)).status).toBe(200);
    const edited = await onHere.waitFor(postEvent("post_edited", made.body.id), 10_000);
    expect(postEditedEventDataSchema.parse(edited.data).post.message).toBe("edited there");
    expect((await viaChild.delete(`/api/v4/posts/${made.body.id}`)).status).toBe(200);
    const deleted = await onHere.waitFor(postEvent("post_deleted", made.body.id), 10_000);
    expect(postDeletedEventDataSchema.parse(deleted.data).delete_by).toBe(alice.user.id);
    for (const client of [bob, new TestClient(childUrl, bob.token, bob.user)]) {
      const gone = await client.get(`/api/v4/posts/${made.body.id}`, apiErrorBodySchema);
      expect(gone.status).toBe(404);
      expect(gone.body.message).toBe("post not found, or you do not have access to it");
    }
  });
});
