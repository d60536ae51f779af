import { WebSocket } from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Channel, Team, User } from "#common/wire.ts";
import { startTestServer, TestSocket, type SocketFrame, type TestClient, type TestServer } from "#testing";

type Client = TestClient & { user: User };

let server: TestServer;
/** Alice and Bob are on the team; only Alice is in the private channel. Olga is not on the team. */
let alice: Client;
let bob: Client;
let olga: Client;
let team: Team;
let pub: Channel;
let priv: Channel;
const probes: TestSocket[] = [];

async function probe(client: Client): Promise<TestSocket> {
  const p = await TestSocket.open(server.url, { token: client.token });
  probes.push(p);
  return p;
}

/** Post in the public channel and wait until each probe has it: everything sent before has arrived. */
async function barrier(...targets: TestSocket[]): Promise<void> {
  const marker = `barrier-${Math.random()}`;
  await server.createPost(alice, { channelId: pub.id, message: marker });
  for (const t of targets) await t.waitFor((f) => f.event === "posted" && String(f.data?.post).includes(marker));
}

beforeAll(async () => {
  server = await startTestServer();
  ({ alice, bob, olga, team, pub, priv } = await server.seedTeam());
});
afterAll(async () => {
  for (const p of probes) await p.close();
  await server.close();
});

describe("authentication", () => {
  it("answers the challenge with OK, then hello at seq 0", async () => {
    const p = await probe(alice);
    expect(p.frames[0]).toEqual({ status: "OK", seq_reply: 1 });
    expect(p.frames[1]).toMatchObject({ event: "hello", seq: 0, broadcast: { user_id: alice.user.id } });
    expect(p.frames[1]?.data).toMatchObject({ server_version: expect.any(String), connection_id: expect.stringMatching(/^[a-z0-9]{26}$/) });
  });

  it("answers a bad token with FAIL and sends no events", async () => {
    const p = await TestSocket.open(server.url);
    probes.push(p);
    p.sendFrame({ seq: 7, action: "authentication_challenge", data: { token: "not-a-token" } });
    const reply = await p.waitFor((f) => f.seq_reply === 7);
    expect(reply).toEqual({
      status: "FAIL",
      seq_reply: 7,
      error: { id: "api.web_socket_router.not_authenticated.app_error", message: "invalid token" },
    });
    await server.createPost(alice, { channelId: pub.id, message: "nobody listening" });
    const witness = await probe(alice);
    await barrier(witness);
    expect(p.frames.filter((f) => f.event)).toEqual([]);
  });

  it("signs in by Authorization header at upgrade, and answers ping with pong", async () => {
    const p = await TestSocket.open(server.url, { headers: { authorization: `Bearer ${bob.token}` } });
    probes.push(p);
    const hello = await p.waitFor("hello");
    expect(hello).toMatchObject({ seq: 0, broadcast: { user_id: bob.user.id } });
    p.sendFrame({ seq: 2, action: "ping" });
    expect(await p.waitFor((f) => f.seq_reply === 2)).toEqual({ status: "OK", seq_reply: 2, data: { text: "pong" } });
    // A challenge on an already signed-in socket is acknowledged without a second hello.
    p.sendFrame({ seq: 3, action: "authentication_challenge", data: { token: bob.token } });
    expect(await p.waitFor((f) => f.seq_reply === 3)).toEqual({ status: "OK", seq_reply: 3 });
    expect(p.events("hello")).toHaveLength(1);
  });

  it("closes the sockets of a session that logs out", async () => {
    const carol = await server.createUser();
    const p = await probe(carol);
    const closed = new Promise<number>((resolve) => p.ws.once("close", (code) => resolve(code)));
    expect((await carol.post("/api/v4/users/logout")).status).toBe(200);
    expect(await closed).toBe(4001);
  });
});

describe("cookie-authenticated upgrades check Origin", () => {
  function upgrade(headers: Record<string, string>): Promise<{ status: number; body: string } | "open"> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${server.url.replace("http", "ws")}/api/v4/websocket`, { headers });
      ws.once("open", () => {
        ws.close();
        resolve("open");
      });
      ws.once("unexpected-response", (_req, res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
      ws.once("error", reject);
    });
  }

  it("refuses a cross-site Origin with 403", async () => {
    const res = await upgrade({ cookie: `MMAUTHTOKEN=${alice.token}`, origin: "https://evil.example" });
    expect(res).not.toBe("open");
    const refused = res as { status: number; body: string };
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toEqual({
      id: "api.web_socket.origin.app_error",
      message: "Origin: a WebSocket signed in by cookie must come from this site.",
      status_code: 403,
    });
    const garbage = await upgrade({ cookie: `MMAUTHTOKEN=${alice.token}`, origin: "null" });
    expect(garbage).toMatchObject({ status: 403 });
  });

  it("accepts the site's own Origin, and bearer tokens from any Origin", async () => {
    const host = new URL(server.url).host;
    expect(await upgrade({ cookie: `MMAUTHTOKEN=${alice.token}`, origin: `http://${host}` })).toBe("open");
    expect(await upgrade({ cookie: `MMAUTHTOKEN=${alice.token}`, origin: server.config.siteUrl })).toBe("open");
    expect(await upgrade({ authorization: `Bearer ${alice.token}`, origin: "https://tool.example" })).toBe("open");
  });

  it("signs in by cookie from the same site", async () => {
    const p = await TestSocket.open(server.url, { headers: { cookie: `MMAUTHTOKEN=${alice.token}`, origin: server.url } });
    probes.push(p);
    expect(await p.waitFor("hello")).toMatchObject({ seq: 0, broadcast: { user_id: alice.user.id } });
  });
});

describe("who receives what", () => {
  it("sends posted of a private channel to its members only", async () => {
    const a = await probe(alice);
    const b = await probe(bob);
    const o = await probe(olga);
    const post = await server.createPost(alice, { channelId: priv.id, message: "private matter" });
    const seen = await a.waitFor((f) => f.event === "posted" && String(f.data?.post).includes(post.id));
    expect(JSON.parse(String(seen.data?.post))).toMatchObject({ id: post.id, message: "private matter" });
    expect(seen.data).toMatchObject({
      channel_type: "P",
      channel_name: priv.name,
      team_id: team.id,
      sender_name: `@${alice.user.username}`,
    });
    await barrier(a, b);
    expect(b.events("posted").map((f) => String(f.data?.post))).not.toContainEqual(expect.stringContaining("private matter"));
    // Olga is on no team of the channel: not even the public post reaches her.
    expect(o.events("posted")).toEqual([]);
  });

  it("sends channel_created to its creator only, public or private, as Mattermost does", async () => {
    const a = await probe(alice);
    const b = await probe(bob);
    const o = await probe(olga);
    const secret = await server.createChannel(alice, { teamId: team.id, type: "P" });
    const open = await server.createChannel(alice, { teamId: team.id, type: "O" });
    expect(await a.waitFor((f) => f.event === "channel_created" && f.data?.channel_id === secret.id)).toMatchObject({
      data: { team_id: team.id },
      broadcast: { user_id: alice.user.id },
    });
    expect(await a.waitFor((f) => f.event === "channel_created" && f.data?.channel_id === open.id)).toMatchObject({
      data: { team_id: team.id },
      broadcast: { user_id: alice.user.id, team_id: "" },
    });
    await barrier(a, b);
    // Bob is on the team but in neither channel: the webapp would fetch a channel he has no member of.
    expect(b.events("channel_created")).toEqual([]);
    expect(o.events("channel_created")).toEqual([]);
  });

  it("sends user_added to the channel's members, the added user included, and nobody else", async () => {
    const carol = await server.createUser();
    await alice.post(`/api/v4/teams/${team.id}/members`, { user_id: carol.user.id });
    const a = await probe(alice);
    const b = await probe(bob);
    const c = await probe(carol);
    const res = await alice.post(`/api/v4/channels/${priv.id}/members`, { user_id: carol.user.id });
    expect(res.status).toBe(201);
    const expected = {
      event: "user_added",
      data: { user_id: carol.user.id, channel_id: priv.id, team_id: team.id },
      broadcast: { channel_id: priv.id },
    };
    // Joining the team added Carol to its Town Square too; that event may still be crossing the bus.
    const addedToPrivate = (f: SocketFrame) => f.event === "user_added" && f.data?.channel_id === priv.id;
    expect(await a.waitFor(addedToPrivate)).toMatchObject(expected);
    expect(await c.waitFor(addedToPrivate)).toMatchObject(expected);
    // Now a member, Carol gets the channel's next post.
    const post = await server.createPost(alice, { channelId: priv.id, message: "welcome carol" });
    await c.waitFor((f) => f.event === "posted" && String(f.data?.post).includes(post.id));
    await barrier(a, b);
    expect(b.events("user_added").filter((f) => f.data?.channel_id === priv.id)).toEqual([]);
    expect(b.events("posted").map((f) => String(f.data?.post))).not.toContainEqual(expect.stringContaining("welcome carol"));
  });

  it("sends ephemeral answers and dialogs to one user", async () => {
    const a = await probe(alice);
    const b = await probe(bob);
    server.host.dialogs.open("test", {
      userId: alice.user.id,
      channelId: pub.id,
      teamId: team.id,
      dialog: { title: "Hi", elements: [] },
      onSubmit: () => {},
    });
    const opened = await a.waitFor("open_dialog");
    expect(opened.data).toMatchObject({
      plugin_id: "test",
      channel_id: pub.id,
      dialog: { title: "Hi", callback_id: expect.stringMatching(/^[a-z0-9]{26}$/) },
    });
    const command = server.host.commands.register("test", {
      trigger: "whisper",
      description: "Answer privately",
      execute: () => ({ text: "only for you" }),
    });
    const res = await alice.post("/api/v4/commands/execute", { channel_id: pub.id, command: "/whisper" });
    command.dispose();
    expect(res.status).toBe(200);
    const ephemeral = await a.waitFor("ephemeral_message");
    expect(JSON.parse(String(ephemeral.data?.post))).toMatchObject({
      message: "only for you",
      type: "system_ephemeral",
      channel_id: pub.id,
    });
    await barrier(a, b);
    expect(b.events("open_dialog")).toEqual([]);
    expect(b.events("ephemeral_message")).toEqual([]);
  });
});

describe("seq", () => {
  it("increments per connection, each connection from 0", async () => {
    const first = await probe(bob);
    await server.createPost(alice, { channelId: pub.id, message: "one" });
    await first.waitFor((f) => f.event === "posted");
    const second = await probe(bob);
    await server.createPost(alice, { channelId: pub.id, message: "two" });
    await server.createPost(alice, { channelId: pub.id, message: "three" });
    await first.waitFor((f) => f.event === "posted" && String(f.data?.post).includes('"three"'));
    await second.waitFor((f) => f.event === "posted" && String(f.data?.post).includes('"three"'));
    expect(first.frames.filter((f) => f.seq !== undefined).map((f) => f.seq)).toEqual([0, 1, 2, 3]);
    expect(second.frames.filter((f) => f.seq !== undefined).map((f) => f.seq)).toEqual([0, 1, 2]);
    expect(second.events("posted").map((f) => (JSON.parse(String(f.data?.post)) as { message: string }).message)).toEqual(["two", "three"]);
  });
});
