/**
 * Edits and deletes across two real Sitrep processes on one PostgreSQL schema
 * (DESIGN.md section 9, "every open browser"): an edit or a delete made
 * through one process reaches a WebSocket client of the other, and the other
 * process answers with the edited post, then a 404.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiErrorBodySchema, postDeletedEventDataSchema, postEditedEventDataSchema, postSchema } from "#common/wire-schemas.ts";
import type { Channel, User } from "#common/wire.ts";
import {
  eventually,
  startTestServer,
  testDatabaseUrl,
  testDialect,
  TestClient,
  TestSocket,
  type SocketFrame,
  type TestServer,
} from "#testing";

const root = path.resolve(import.meta.dirname, "../..");

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** Whether a frame is `event` about the post `postId` (its `data.post` parsed with the event's schema). */
function about(event: "post_edited" | "post_deleted", postId: string): (frame: SocketFrame) => boolean {
  const schema = event === "post_edited" ? postEditedEventDataSchema : postDeletedEventDataSchema;
  return (frame) => frame.event === event && schema.safeParse(frame.data).data?.post.id === postId;
}

describe.skipIf(testDialect !== "postgres")("edits and deletes across two Sitrep processes on one PostgreSQL", () => {
  let server: TestServer;
  let child: ChildProcess;
  let childUrl: string;
  let childOutput = "";
  let tmp: string;
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

    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sitrep-edits-"));
    fs.mkdirSync(path.join(tmp, "prepackaged"));
    const port = await freePort();
    childUrl = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, [path.join(root, "bin/sitrep.mjs"), "serve"], {
      cwd: root,
      env: {
        ...process.env,
        NODE_ENV: "production",
        PORT: String(port),
        SITREP_HOST: "127.0.0.1",
        DATABASE_URL: testDatabaseUrl,
        SITREP_PG_SCHEMA: server.config.pgSchema,
        SITREP_DATA_DIR: path.join(tmp, "data"),
        SITREP_PREPACKAGED_PLUGINS_DIR: path.join(tmp, "prepackaged"),
        SITREP_PLAYBOOKS_DIR: path.join(tmp, "no-playbooks"),
        SITREP_WORKFLOWS_DIR: path.join(tmp, "no-workflows"),
        SITREP_LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (chunk: Buffer) => (childOutput += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (childOutput += chunk.toString()));
    await eventually(
      () => {
        if (child.exitCode !== null) throw new Error(`the second process exited (${child.exitCode}):\n${childOutput}`);
        return childOutput.includes("listening");
      },
      { ms: 45_000, intervalMs: 50, what: () => `the second process to start:\n${childOutput}` },
    );
  });

  afterAll(async () => {
    for (const socket of sockets) await socket.close();
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await server?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("delivers an edit made in this process to a WebSocket on the other, and the other serves the edited post", async () => {
    const onChild = await TestSocket.open(childUrl, { token: bob.token });
    sockets.push(onChild);
    const post = await server.createPost(alice, { channelId: channel.id, message: "typo in hre" });
    const edited = await alice.put(`/api/v4/posts/${post.id}/patch`, { message: "typo in here" }, postSchema);
    expect(edited.status).toBe(200);
    const frame = await onChild.waitFor(about("post_edited", post.id), 10_000);
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
    const edited = await onHere.waitFor(about("post_edited", made.body.id), 10_000);
    expect(postEditedEventDataSchema.parse(edited.data).post.message).toBe("edited there");
    expect((await viaChild.delete(`/api/v4/posts/${made.body.id}`)).status).toBe(200);
    const deleted = await onHere.waitFor(about("post_deleted", made.body.id), 10_000);
    expect(postDeletedEventDataSchema.parse(deleted.data).delete_by).toBe(alice.user.id);
    for (const client of [bob, new TestClient(childUrl, bob.token, bob.user)]) {
      const gone = await client.get(`/api/v4/posts/${made.body.id}`, apiErrorBodySchema);
      expect(gone.status).toBe(404);
      expect(gone.body.message).toBe("post not found, or you do not have access to it");
    }
  });
});
