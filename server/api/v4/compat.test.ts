/**
 * Compatibility with the official Mattermost client: `@mattermost/client`'s
 * Client4 and WebSocketClient drive a real Sitrep server, unchanged.
 */
import mm from "@mattermost/client";
import { WebSocket as NodeWebSocket } from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Post } from "#common/wire.ts";
import { eventually, officialShapes, officialWebSocket, startTestServer, TestSocket, uniqueName, type TestServer } from "#testing";

const { Client4, WebSocketClient } = mm;

interface WsMessage {
  event?: string;
  data?: Record<string, unknown>;
  seq?: number;
}

let server: TestServer;
// Node 20 has no global WebSocket; the client library reads `WebSocket.OPEN` from it.
const hadGlobalWebSocket = "WebSocket" in globalThis;
beforeAll(async () => {
  if (!hadGlobalWebSocket) Object.assign(globalThis, { WebSocket: NodeWebSocket });
  server = await startTestServer();
  await server.admin();
});
afterAll(async () => {
  await server.close();
  if (!hadGlobalWebSocket) Reflect.deleteProperty(globalThis, "WebSocket");
});

/** A Client4 signed in as a new user. */
async function signedInClient(): Promise<{ client: InstanceType<typeof Client4>; userId: string; username: string }> {
  const client = new Client4();
  client.setUrl(server.url);
  const username = uniqueName("mm").replace(/-/g, "");
  const created = await client.createUser(
    officialShapes.user({ username, email: `${username}@example.com`, password: "password-123" }),
    "",
    "",
  );
  expect(created.username).toBe(username);
  const me = await client.login(username, "password-123");
  expect(me.id).toBe(created.id);
  expect(client.getToken()).toMatch(/^[a-z0-9]{26}$/);
  return { client, userId: created.id, username };
}

describe("@mattermost/client Client4", () => {
  it("creates a user, logs in, creates a team, a channel and a post, and reads it back", async () => {
    const { client, userId } = await signedInClient();
    const team = await client.createTeam(officialShapes.team({ name: uniqueName("compat"), display_name: "Compat", type: "O" }));
    expect(team.id).toMatch(/^[a-z0-9]{26}$/);
    const channel = await client.createChannel({ team_id: team.id, name: uniqueName("town"), display_name: "Town", type: "O" });
    expect(channel.team_id).toBe(team.id);
    const post = await client.createPost({
      channel_id: channel.id,
      message: "hello from Client4",
      pending_post_id: `${userId}:${Date.now()}`,
      create_at: 0,
    });
    expect(post).toMatchObject({ channel_id: channel.id, user_id: userId, message: "hello from Client4" });
    const list = await client.getPosts(channel.id, 0, 30);
    expect(list.order).toEqual([post.id]);
    expect(list.posts[post.id]?.message).toBe("hello from Client4");
    const me = await client.getMe();
    expect(me.id).toBe(userId);
    const teams = await client.getMyTeams();
    expect(teams.map((t) => t.id)).toContain(team.id);
    const byName = await client.getChannelByName(team.id, channel.name);
    expect(byName.id).toBe(channel.id);
  });

  it("executes a slash command registered through the host", async () => {
    const registration = server.host.commands.register("test", {
      trigger: "compat",
      description: "A command for the Client4 test",
      execute: (args) => ({ response_type: "ephemeral", text: `args: ${args.args.join(",")}` }),
    });
    try {
      const { client } = await signedInClient();
      const team = await client.createTeam(officialShapes.team({ name: uniqueName("cmd"), display_name: "Cmd", type: "O" }));
      const channel = await client.createChannel({ team_id: team.id, name: uniqueName("c"), display_name: "C", type: "O" });
      const response = await client.executeCommand('/compat one "two words"', { channel_id: channel.id, team_id: team.id });
      expect(response).toMatchObject({ response_type: "ephemeral", text: "args: one,two words" });
      // Errors reach the client as a ClientError with the server's message and status.
      await expect(client.executeCommand("/nope", { channel_id: channel.id, team_id: team.id })).rejects.toMatchObject({
        message: "Command with a trigger of '/nope' not found.",
        status_code: 404,
        server_error_id: "api.command.execute_command.not_found.app_error",
      });
    } finally {
      registration.dispose();
    }
  });

  it("receives hello and then posted (data.post a JSON string) over the WebSocket", async () => {
    const { client, userId } = await signedInClient();
    const team = await client.createTeam(officialShapes.team({ name: uniqueName("ws"), display_name: "WS", type: "O" }));
    const channel = await client.createChannel({ team_id: team.id, name: uniqueName("live"), display_name: "Live", type: "O" });

    // The test kit's socket, speaking the protocol by hand: authentication_challenge (seq 1), then hello.
    const raw = await TestSocket.open(server.url, { token: client.getToken() });
    const rawMessages: WsMessage[] = raw.frames;
    expect(rawMessages[0]).toMatchObject({ status: "OK", seq_reply: 1 });
    expect(rawMessages[1]).toMatchObject({ event: "hello", seq: 0, broadcast: { user_id: userId } });

    // The official WebSocketClient, which checks the seq of every event.
    const wsClient = new WebSocketClient({ newWebSocketFn: officialWebSocket });
    const official: WsMessage[] = [];
    wsClient.addMessageListener((msg) => void official.push(msg as WsMessage));
    const quiet = console.log;
    console.log = () => {};
    try {
      wsClient.initialize(`${server.url.replace("http", "ws")}/api/v4/websocket`, client.getToken());
      await eventually(() => official.some((m) => m.event === "hello"), { ms: 5000, what: "hello on the official client" });

      const post = await client.createPost({ channel_id: channel.id, message: "live!" });
      await eventually(() => rawMessages.some((m) => m.event === "posted") && official.some((m) => m.event === "posted"), {
        ms: 5000,
        what: "posted on both sockets",
      });
      for (const messages of [rawMessages, official]) {
        const posted = messages.find((m) => m.event === "posted")!;
        expect(typeof posted.data!.post).toBe("string");
        const parsed = JSON.parse(posted.data!.post as string) as Post;
        expect(parsed).toMatchObject({ id: post.id, message: "live!", channel_id: channel.id, user_id: userId });
        expect(posted.data).toMatchObject({ channel_name: channel.name, channel_type: "O", team_id: team.id });
        expect(posted).toMatchObject({ broadcast: { channel_id: channel.id } });
        // Events are numbered 0, 1, 2... per connection (hello is 0; on PostgreSQL the
        // channel_created of the setup may still be crossing the bus and come first).
        const seqs = messages.filter((m) => m.seq !== undefined).map((m) => m.seq);
        expect(seqs).toEqual(seqs.map((_, i) => i));
        expect(posted.seq).toBeGreaterThanOrEqual(1);
      }
      // The official client's seq check held: it is still connected, never reconnected.
      expect(official.filter((m) => m.event === "hello")).toHaveLength(1);
    } finally {
      wsClient.close();
      await raw.close();
      console.log = quiet;
    }
  });
});
