import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiErrorBodySchema, channelMemberSchema, channelSchema, postListSchema, postSchema } from "#common/wire-schemas.ts";
import type { Channel, Post, PostList, Team, User } from "#common/wire.ts";
import { startTestServer, type TestClient, type TestServer } from "#testing";

type Client = TestClient & { user: User };

let server: TestServer;
let admin: Client;
/** Alice owns the team and both channels; Bob is on the team and in the public channel; Olga is not on the team. */
let alice: Client;
let bob: Client;
let olga: Client;
let team: Team;
let pub: Channel;
let priv: Channel;

const NO_CHANNEL = "channel_id: channel not found, or you do not have access to it";
const NO_POST = "post not found, or you do not have access to it";

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.admin();
  ({ alice, bob, olga, team, pub, priv } = await server.seedTeam());
});
afterAll(async () => server.close());

describe("POST /api/v4/posts", () => {
  it("creates a post with props and attachments for a member", async () => {
    const res = await bob.post(
      "/api/v4/posts",
      {
        channel_id: pub.id,
        message: "**deploy** done",
        props: { attachments: [{ text: "details" }] },
      },
      postSchema,
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      channel_id: pub.id,
      user_id: bob.user.id,
      message: "**deploy** done",
      type: "",
      root_id: "",
      edit_at: 0,
      delete_at: 0,
    });
    expect(res.body.props).toEqual({ attachments: [{ text: "details" }] });
    expect(res.body.id).toMatch(/^[a-z0-9]{26}$/);
    expect(res.body.create_at).toBeGreaterThan(0);
  });

  it("strips webhook-only props, so a person cannot pose as a webhook sender", async () => {
    const res = await bob.post(
      "/api/v4/posts",
      {
        channel_id: pub.id,
        message: "firing",
        props: { from_webhook: "true", override_username: "alertmanager", webhook_display_name: "AM", keep: 1 },
      },
      postSchema,
    );
    expect(res.status).toBe(201);
    expect(res.body.props).toEqual({ keep: 1 });
  });

  it("hides a private channel from its non-members: 404, as for a channel that does not exist", async () => {
    const hidden = await bob.post("/api/v4/posts", { channel_id: priv.id, message: "let me in" }, apiErrorBodySchema);
    expect(hidden.status).toBe(404);
    expect(hidden.body.message).toBe(NO_CHANNEL);
    const missing = await bob.post("/api/v4/posts", { channel_id: "m".repeat(26), message: "hi" }, apiErrorBodySchema);
    expect(missing.status).toBe(404);
    // The same answer but for the request id, which is each request's own.
    expect({ ...missing.body, request_id: "" }).toEqual({ ...hidden.body, request_id: "" });
    const outsider = await olga.post("/api/v4/posts", { channel_id: pub.id, message: "hi" }, apiErrorBodySchema);
    expect(outsider.status).toBe(404);
    expect(outsider.body.message).toBe(NO_CHANNEL);
  });

  it("refuses a team member who has not joined a public channel with 403", async () => {
    const other = await server.createChannel(alice, { teamId: team.id, type: "O" });
    const res = await bob.post("/api/v4/posts", { channel_id: other.id, message: "hi" }, apiErrorBodySchema);
    expect(res.status).toBe(403);
    expect(res.body.message).toBe("You must be a member of this channel to post in it.");
  });

  it("lets a system admin post in any channel", async () => {
    const res = await admin.post("/api/v4/posts", { channel_id: priv.id, message: "compliance notice" }, postSchema);
    expect(res.status).toBe(201);
    expect(res.body.user_id).toBe(admin.user.id);
  });

  it("validates the message, naming the field", async () => {
    const tooLong = await bob.post("/api/v4/posts", { channel_id: pub.id, message: "x".repeat(16384) }, apiErrorBodySchema);
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.message).toBe("message: must be at most 16383 characters");
    expect(tooLong.body.status_code).toBe(400);
    const longest = await bob.post("/api/v4/posts", { channel_id: pub.id, message: "x".repeat(16383) });
    expect(longest.status).toBe(201);
    const empty = await bob.post("/api/v4/posts", { channel_id: pub.id, message: "   " }, apiErrorBodySchema);
    expect(empty.status).toBe(400);
    expect(empty.body.message).toBe("message: must not be empty");
    const badChannel = await bob.post("/api/v4/posts", { channel_id: "short", message: "hi" }, apiErrorBodySchema);
    expect(badChannel.status).toBe(400);
    expect(badChannel.body.message).toBe("channel_id: must be a 26-character id");
    const systemType = await bob.post(
      "/api/v4/posts",
      { channel_id: pub.id, message: "hi", type: "system_join_channel" },
      apiErrorBodySchema,
    );
    expect(systemType.status).toBe(400);
    expect(systemType.body.message).toBe('type: "system_join_channel" is reserved for the system and plugins');
    const forgedCard = await bob.post(
      "/api/v4/posts",
      {
        channel_id: pub.id,
        message: "@bob ended the incident",
        type: "custom_incident_update",
        props: { action: "ended" },
      },
      apiErrorBodySchema,
    );
    expect(forgedCard.status).toBe(400);
    expect(forgedCard.body.message).toBe('type: "custom_incident_update" is reserved for the system and plugins');
    const notJson = await bob.request("POST", "/api/v4/posts", "{nope", { "content-type": "application/json" }, apiErrorBodySchema);
    expect(notJson.status).toBe(400);
    expect(notJson.body.message).toMatch(/^body: is not valid JSON/);
  });

  it("commits concurrent posts together and counts every one (group commit)", async () => {
    const channel = await server.createChannel(alice, { teamId: team.id, type: "O" });
    await server.addToChannel(alice, { channel, user: bob.user });
    const results = await Promise.all(
      Array.from({ length: 24 }, (_, i) => (i % 2 ? alice : bob).post("/api/v4/posts", { channel_id: channel.id, message: `burst ${i}` })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(24).fill(201));
    // The 24 and the system post of bob's joining, which alice made by adding him.
    const list = await alice.get(`/api/v4/channels/${channel.id}/posts?per_page=100`, postListSchema);
    expect(list.body.order).toHaveLength(25);
    expect((await alice.get(`/api/v4/channels/${channel.id}`, channelSchema)).body.total_msg_count).toBe(25);
    // Each author has read their own posts, none of the other's; both have read the post of bob's joining.
    expect((await alice.get(`/api/v4/channels/${channel.id}/members/me`, channelMemberSchema)).body.msg_count).toBe(13);
    expect((await bob.get(`/api/v4/channels/${channel.id}/members/me`, channelMemberSchema)).body.msg_count).toBe(13);
  });

  it("refuses anonymous callers", async () => {
    const res = await server.anonymous.post("/api/v4/posts", { channel_id: pub.id, message: "hi" }, apiErrorBodySchema);
    expect(res.status).toBe(401);
    expect(res.body.message).toBe("You must be signed in to do that.");
  });
});

describe("GET /api/v4/posts/{id}", () => {
  it("reads a post in a readable channel; 404 for a private channel's non-members", async () => {
    const open = await server.createPost(alice, { channelId: pub.id, message: "open" });
    const secret = await server.createPost(alice, { channelId: priv.id, message: "secret" });
    const seen = await bob.get(`/api/v4/posts/${open.id}`, postSchema);
    expect(seen.status).toBe(200);
    expect(seen.body.message).toBe("open");
    const hidden = await bob.get(`/api/v4/posts/${secret.id}`, apiErrorBodySchema);
    expect(hidden.status).toBe(404);
    expect(hidden.body.message).toBe(NO_POST);
    const missing = await bob.get(`/api/v4/posts/${"p".repeat(26)}`, apiErrorBodySchema);
    expect(missing.status).toBe(404);
    // The same answer but for the request id, which is each request's own.
    expect({ ...missing.body, request_id: "" }).toEqual({ ...hidden.body, request_id: "" });
    const byAdmin = await admin.get(`/api/v4/posts/${secret.id}`, postSchema);
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body.message).toBe("secret");
    const anon = await server.anonymous.get(`/api/v4/posts/${open.id}`, apiErrorBodySchema);
    expect(anon.status).toBe(401);
    expect(anon.body.message).toBe("You must be signed in to do that.");
  });
});

describe("GET /api/v4/channels/{id}/posts", () => {
  let channel: Channel;
  let all: PostList;
  beforeAll(async () => {
    channel = await server.createChannel(alice, { teamId: team.id, type: "O" });
    await server.addToChannel(alice, { channel, user: bob.user });
    for (let i = 1; i <= 5; i++) await server.createPost(alice, { channelId: channel.id, message: `m${i}` });
    all = (await bob.get(`/api/v4/channels/${channel.id}/posts`, postListSchema)).body;
  });

  it("answers {order, posts}, newest first", () => {
    // Five posts and the system post of bob's joining.
    expect(all.order).toHaveLength(6);
    expect(Object.keys(all.posts).sort()).toEqual([...all.order].sort());
    const times = all.order.map((id) => all.posts[id]?.create_at ?? 0);
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(all.posts[all.order[0] ?? ""]).toMatchObject({ channel_id: channel.id, user_id: alice.user.id });
  });

  it("pages with page and per_page", async () => {
    const pages: string[][] = [];
    for (let page = 0; page < 3; page++) {
      const res = await bob.get(`/api/v4/channels/${channel.id}/posts?page=${page}&per_page=2`, postListSchema);
      expect(res.status).toBe(200);
      pages.push(res.body.order);
    }
    expect(pages).toEqual([all.order.slice(0, 2), all.order.slice(2, 4), all.order.slice(4)]);
    const first = await bob.get(`/api/v4/channels/${channel.id}/posts?page=0&per_page=2`, postListSchema);
    // As Mattermost: the post just before the page, not the page's own oldest.
    expect(first.body.prev_post_id).toBe(all.order[2]);
  });

  it("pages with before and after a post id", async () => {
    const before = await bob.get(`/api/v4/channels/${channel.id}/posts?before=${all.order[2]}&per_page=10`, postListSchema);
    expect(before.status).toBe(200);
    expect(before.body.order).toEqual(all.order.slice(3));
    const after = await bob.get(`/api/v4/channels/${channel.id}/posts?after=${all.order[2]}&per_page=10`, postListSchema);
    expect(after.status).toBe(200);
    expect(after.body.order).toEqual(all.order.slice(0, 2));
    const afterOne = await bob.get(`/api/v4/channels/${channel.id}/posts?after=${all.order[4]}&per_page=1`, postListSchema);
    expect(afterOne.body.order).toEqual([all.order[3]]);
    expect(afterOne.body.has_next).toBe(true);
  });

  it("reads paging as Mattermost does and validates anchors, naming the parameter", async () => {
    // Issue 11: per_page over 200 is 200, a zero per_page the default, a negative page 0 — never a 400.
    const first = await bob.get(`/api/v4/channels/${channel.id}/posts?page=0`, postListSchema);
    for (const query of ["per_page=201", "per_page=0", "page=-1"]) {
      const res = await bob.get(`/api/v4/channels/${channel.id}/posts?${query}`, postListSchema);
      expect(res.status, query).toBe(200);
      expect(res.body.order, query).toEqual(first.body.order);
    }
    const unknown = await bob.get(`/api/v4/channels/${channel.id}/posts?before=${"u".repeat(26)}`, apiErrorBodySchema);
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toBe("before: no post with this id in this channel");
    // A post of another channel is no anchor: its existence is not revealed.
    const secret = await server.createPost(alice, { channelId: priv.id, message: "secret" });
    const foreign = await bob.get(`/api/v4/channels/${channel.id}/posts?after=${secret.id}`, apiErrorBodySchema);
    expect(foreign.status).toBe(400);
    expect(foreign.body.message).toBe("after: no post with this id in this channel");
  });

  it("answers 404 to a private channel's non-members and lets system admins read it", async () => {
    await server.createPost(alice, { channelId: priv.id, message: "private" });
    const hidden = await bob.get(`/api/v4/channels/${priv.id}/posts`, apiErrorBodySchema);
    expect(hidden.status).toBe(404);
    expect(hidden.body.message).toBe("channel not found, or you do not have access to it");
    const outsider = await olga.get(`/api/v4/channels/${channel.id}/posts`, apiErrorBodySchema);
    expect(outsider.status).toBe(404);
    expect(outsider.body.message).toBe("channel not found, or you do not have access to it");
    const byAdmin = await admin.get(`/api/v4/channels/${priv.id}/posts`, postListSchema);
    expect(byAdmin.status).toBe(200);
    expect(Object.values(byAdmin.body.posts).map((p: Post) => p.message)).toContain("private");
    const anon = await server.anonymous.get(`/api/v4/channels/${channel.id}/posts`, apiErrorBodySchema);
    expect(anon.status).toBe(401);
    expect(anon.body.message).toBe("You must be signed in to do that.");
  });
});
