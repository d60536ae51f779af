/**
 * The WebSocket events and actions Mattermost's clients rely on, driven by the
 * official `@mattermost/client` WebSocketClient: `posted` with `mentions` and
 * `set_online`, `user_typing` relayed as `typing`, `get_statuses` and
 * `get_statuses_by_ids` answered with data, `multiple_channels_viewed` to
 * every connection of the user who read a channel, `server_hostname` in
 * `hello`, `channel_created` to its creator only, and a reconnect that resumes
 * (every missed event, in order, no hello) until the connection's buffer
 * (`SITREP_WS_RESUME_BUFFER`) overflows, then a fresh hello.
 */
import { hostname } from "node:os";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Post } from "#common/wire.ts";
import { eventually, officialSocket, startTestServer, type OfficialEvent, type TeamSeed, type TestServer } from "#testing";

/** The resume buffer of this test's server: the reconnect tests miss exactly this many events, then one more. */
const BUFFER = 20;

let server: TestServer;
let seed: TeamSeed;
const opened: { close(): void }[] = [];

beforeAll(async () => {
  server = await startTestServer({ wsResumeBuffer: BUFFER });
  seed = await server.seedTeam();
});
afterEach(() => {
  for (const socket of opened.splice(0)) socket.close();
});
afterAll(async () => {
  await server.close();
});

async function socketOf(user: TeamSeed["bob"]): Promise<Awaited<ReturnType<typeof officialSocket>>> {
  const socket = await officialSocket(user);
  opened.push(socket);
  return socket;
}

const dataOf = (e: OfficialEvent) => z.record(z.string(), z.unknown()).parse(e.data);
const postOf = (e: OfficialEvent) => JSON.parse(String(dataOf(e).post)) as Post;
const isPost = (message: string) => (e: OfficialEvent) => postOf(e).message === message;

/** A reply to an action of the official client: `{status, seq_reply, data | error}`. */
const replySchema = z.object({
  status: z.string(),
  seq_reply: z.number(),
  data: z.record(z.string(), z.unknown()).optional(),
  error: z.object({ id: z.string(), message: z.string() }).optional(),
});

/** Send an action through one of the client's own methods and resolve on the server's reply. */
function replyTo(send: (callback: (msg?: unknown) => void) => void): Promise<z.infer<typeof replySchema>> {
  return new Promise((resolve) => send((msg?: unknown) => resolve(replySchema.parse(msg))));
}

describe("events and actions as Mattermost's WebSocketClient expects them", () => {
  it("sends hello with the server's version, a connection id and its hostname", async () => {
    const bob = await socketOf(seed.bob);
    expect(dataOf(await bob.waitFor("hello"))).toEqual({
      server_version: expect.any(String),
      connection_id: expect.stringMatching(/^[a-z0-9]{26}$/),
      server_hostname: hostname(),
    });
  });

  it("sends posted with the mentioned members' ids as a JSON list, and set_online", async () => {
    const bob = await socketOf(seed.bob);
    await server.createPost(seed.alice, { channelId: seed.pub.id, message: `@${seed.bob.user.username} look` });
    const mentioned = dataOf(await bob.waitFor("posted", isPost(`@${seed.bob.user.username} look`)));
    expect(JSON.parse(String(mentioned.mentions))).toEqual([seed.bob.user.id]);
    expect(mentioned.set_online).toBe(true);
    // A post that mentions nobody has no mentions field, as Mattermost sends it.
    await server.createPost(seed.alice, { channelId: seed.pub.id, message: "nobody in particular" });
    const plain = dataOf(await bob.waitFor("posted", isPost("nobody in particular")));
    expect(plain).not.toHaveProperty("mentions");
    expect(plain.set_online).toBe(true);
  });

  it("relays user_typing as typing to the channel's other members, not to the typist or outsiders", async () => {
    const alice = await socketOf(seed.alice);
    const bob = await socketOf(seed.bob);
    const olga = await socketOf(seed.olga);
    const reply = await replyTo((cb) => bob.client.userTyping(seed.pub.id, "", cb));
    expect(reply).toMatchObject({ status: "OK" });
    const typing = await alice.waitFor("typing");
    expect(typing).toMatchObject({
      data: { parent_id: "", user_id: seed.bob.user.id },
      broadcast: { channel_id: seed.pub.id, omit_users: { [seed.bob.user.id]: true } },
    });
    // Bob typing "into" the private channel he is not in tells nobody.
    await replyTo((cb) => bob.client.userTyping(seed.priv.id, "", cb));
    await server.createPost(seed.alice, { channelId: seed.pub.id, message: "after typing" });
    await alice.waitFor("posted", isPost("after typing"));
    await bob.waitFor("posted", isPost("after typing"));
    expect(alice.events.filter((e) => e.event === "typing")).toHaveLength(1);
    expect(bob.events.filter((e) => e.event === "typing")).toEqual([]);
    expect(olga.events.filter((e) => e.event === "typing")).toEqual([]);
  });

  it("answers get_statuses and get_statuses_by_ids with each user's status by id", async () => {
    const carol = await server.createUser(); // never connected: offline
    const bob = await socketOf(seed.bob);
    await socketOf(seed.alice);
    await eventually(async () => (await replyTo((cb) => bob.client.getStatuses(cb))).data?.[seed.alice.user.id] === "online", {
      what: "Alice online in get_statuses",
    });
    const all = await replyTo((cb) => bob.client.getStatuses(cb));
    expect(all).toMatchObject({ status: "OK", data: { [seed.alice.user.id]: "online", [seed.bob.user.id]: "online" } });
    expect(all.data).not.toHaveProperty(carol.user.id);
    const some = await replyTo((cb) => bob.client.getStatusesByIds([seed.alice.user.id, carol.user.id], cb));
    expect(some).toEqual({
      status: "OK",
      seq_reply: expect.any(Number),
      data: { [seed.alice.user.id]: "online", [carol.user.id]: "offline" },
    });
    const none = await replyTo((cb) => bob.client.getStatusesByIds([], cb));
    expect(none).toEqual({
      status: "FAIL",
      seq_reply: expect.any(Number),
      error: { id: "api.websocket_handler.invalid_param.app_error", message: "Invalid user_ids parameter: must list at least one user id" },
    });
  });

  it("sends multiple_channels_viewed to every connection of the user who read a channel, and nobody else", async () => {
    const phone = await socketOf(seed.bob);
    const laptop = await socketOf(seed.bob);
    const alice = await socketOf(seed.alice);
    const viewed = await seed.bob.post(
      "/api/v4/channels/members/me/view",
      { channel_id: seed.pub.id },
      z.object({ status: z.literal("OK"), last_viewed_at_times: z.record(z.string(), z.number()) }),
    );
    expect(viewed.status).toBe(200);
    const at = viewed.body.last_viewed_at_times[seed.pub.id];
    for (const socket of [phone, laptop])
      expect(await socket.waitFor("multiple_channels_viewed")).toMatchObject({
        data: { channel_times: { [seed.pub.id]: at } },
        broadcast: { user_id: seed.bob.user.id },
      });
    await server.createPost(seed.bob, { channelId: seed.pub.id, message: "after viewing" });
    await alice.waitFor("posted", isPost("after viewing"));
    expect(alice.events.filter((e) => e.event === "multiple_channels_viewed")).toEqual([]);
  });

  it("sends channel_created to its creator only, even for a public channel", async () => {
    const alice = await socketOf(seed.alice);
    const bob = await socketOf(seed.bob);
    const open = await server.createChannel(seed.alice, { teamId: seed.team.id, type: "O" });
    expect(await alice.waitFor("channel_created", (e) => dataOf(e).channel_id === open.id)).toMatchObject({
      data: { channel_id: open.id, team_id: seed.team.id },
      broadcast: { user_id: seed.alice.user.id },
    });
    await server.createPost(seed.alice, { channelId: seed.pub.id, message: "after creating" });
    await bob.waitFor("posted", isPost("after creating"));
    expect(bob.events.filter((e) => e.event === "channel_created")).toEqual([]);
  });
});

describe("a reconnect of the official WebSocketClient", () => {
  /**
   * Bob's client (with a second socket of his keeping him online, so no
   * status_change of his own joins what he misses) goes away; `count` posts
   * he may see are made and delivered; it reconnects with its connection id and sequence
   * number. Answers its events, its URLs, and how often it was told to reload.
   */
  async function missWhileAway(tag: string, count: number) {
    await socketOf(seed.bob);
    const watcher = await socketOf(seed.alice);
    const bob = await socketOf(seed.bob);
    const connectionId = String(dataOf(await bob.waitFor("hello")).connection_id);
    await server.createPost(seed.alice, { channelId: seed.pub.id, message: `${tag} before` });
    await bob.waitFor("posted", isPost(`${tag} before`));
    const before = server.host.realtime.connectionCount;
    bob.client.close();
    await eventually(() => server.host.realtime.connectionCount < before, { what: "the server to see the close" });
    for (let n = 1; n <= count; n++) await server.createPost(seed.alice, { channelId: seed.pub.id, message: `${tag} missed ${n}` });
    // Delivered (to the kept connection's queue too) once Alice's socket has the last: deliveries keep their order.
    await watcher.waitFor("posted", isPost(`${tag} missed ${count}`));
    const seenBefore = bob.events.length;
    bob.client.initialize(`${server.url.replace(/^http/, "ws")}/api/v4/websocket`, seed.bob.token ?? "");
    // Signed in again: resumed (what it missed sent first) or given a fresh hello.
    await eventually(() => server.host.realtime.connectionCount === before, { what: "the reconnect to sign in" });
    await server.createPost(seed.alice, { channelId: seed.pub.id, message: `${tag} live` });
    await bob.waitFor("posted", isPost(`${tag} live`));
    return { connectionId, urls: bob.urls, after: bob.events.slice(seenBefore), reloads: bob.reloads };
  }

  it(`gets all ${BUFFER} events missed while away, in order, with no new hello`, async () => {
    const { connectionId, urls, after, reloads } = await missWhileAway("blip", BUFFER);
    expect(urls[1]).toMatch(new RegExp(`connection_id=${connectionId}&sequence_number=\\d+`));
    expect(after.map((e) => e.event)).toEqual(Array.from({ length: BUFFER + 1 }, () => "posted"));
    expect(after.map((e) => postOf(e).message)).toEqual([...Array.from({ length: BUFFER }, (_, i) => `blip missed ${i + 1}`), "blip live"]);
    expect(reloads()).toBe(0);
  });

  it("gets a fresh hello with a new connection id once more events were missed than its buffer holds", async () => {
    const { connectionId, after, reloads } = await missWhileAway("overflow", BUFFER + 1);
    const hello = after.find((e) => e.event === "hello");
    expect(hello).toMatchObject({ seq: 0, broadcast: { user_id: seed.bob.user.id } });
    expect(dataOf(hello ?? {}).connection_id).toMatch(/^[a-z0-9]{26}$/);
    expect(dataOf(hello ?? {}).connection_id).not.toBe(connectionId);
    // Nothing of what it missed is replayed: the client reloads instead (its missed-message listeners fire).
    expect(after.filter((e) => e.event === "posted").map((e) => postOf(e).message)).toEqual(["overflow live"]);
    expect(reloads()).toBe(1);
  });
});
