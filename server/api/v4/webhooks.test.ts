import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { apiErrorBodySchema, postListSchema } from "#common/wire-schemas.ts";
import type { Channel, Post, Team, User } from "#common/wire.ts";
import { expectBody, incomingHookSchema, startTestServer, type TestClient, type TestServer } from "#testing";

type Client = TestClient & { user: User };

let server: TestServer;
/** Alice owns the team and channels; Bob is on the team but in no channel. */
let alice: Client;
let bob: Client;
let team: Team;
let alerts: Channel;
let status: Channel;
let secret: Channel;

beforeAll(async () => {
  server = await startTestServer();
  alice = await server.createUser();
  bob = await server.createUser();
  team = await server.createTeam(alice);
  await alice.post(`/api/v4/teams/${team.id}/members`, { user_id: bob.user.id });
  alerts = await server.createChannel(alice, { teamId: team.id, name: "alerts", type: "O" });
  status = await server.createChannel(alice, { teamId: team.id, name: "status", type: "O" });
  secret = await server.createChannel(alice, { teamId: team.id, name: "secret", type: "P" });
});
afterAll(async () => server.close());

async function latestPost(channelId: string): Promise<Post> {
  const list = await alice.get(`/api/v4/channels/${channelId}/posts?per_page=1`, postListSchema);
  const post = list.body.posts[list.body.order[0] ?? ""];
  if (!post) throw new Error(`no post in ${channelId}`);
  return post;
}

async function createHook(body: Record<string, unknown> = {}): Promise<{ id: string }> {
  const res = await alice.post("/api/v4/hooks/incoming", { channel_id: alerts.id, display_name: "Alertmanager", ...body });
  expect(res.status).toBe(201);
  return expectBody(res, incomingHookSchema);
}

describe("POST /api/v4/hooks/incoming", () => {
  it("creates a webhook for a channel member", async () => {
    const res = await alice.post(
      "/api/v4/hooks/incoming",
      {
        channel_id: alerts.id,
        display_name: "Grafana",
        description: "dashboards",
        username: "grafana",
      },
      incomingHookSchema,
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      channel_id: alerts.id,
      team_id: team.id,
      user_id: alice.user.id,
      display_name: "Grafana",
      username: "grafana",
      channel_locked: false,
    });
    expect(res.body.id).toMatch(/^[a-z0-9]{26}$/);
    const list = await alice.get("/api/v4/hooks/incoming", z.array(incomingHookSchema));
    expect(list.status).toBe(200);
    expect(list.body.map((h: { id: string }) => h.id)).toContain(res.body.id);
    expect((await bob.get("/api/v4/hooks/incoming")).body).toEqual([]);
  });

  it("refuses non-members: 403 in a public channel, 404 in a private one", async () => {
    const pub = await bob.post("/api/v4/hooks/incoming", { channel_id: alerts.id }, apiErrorBodySchema);
    expect(pub.status).toBe(403);
    expect(pub.body.message).toBe("You must be a member of the channel to create a webhook for it.");
    const priv = await bob.post("/api/v4/hooks/incoming", { channel_id: secret.id }, apiErrorBodySchema);
    expect(priv.status).toBe(404);
    expect(priv.body.message).toBe("channel not found, or you do not have access to it");
  });

  it("validates the body and refuses anonymous callers", async () => {
    const bad = await alice.post("/api/v4/hooks/incoming", { display_name: "x" }, apiErrorBodySchema);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe("channel_id: Invalid input: expected string, received undefined");
    const anon = await server.anonymous.post("/api/v4/hooks/incoming", { channel_id: alerts.id }, apiErrorBodySchema);
    expect(anon.status).toBe(401);
    expect(anon.body.message).toBe("You must be signed in to do that.");
  });
});

/** POST raw bytes to a hook with a content type (or none). */
async function sendRaw(hookId: string, body: string, contentType?: string) {
  return server.anonymous.request("POST", `/hooks/${hookId}`, body, contentType === undefined ? {} : { "content-type": contentType });
}

describe("POST /hooks/{id}", () => {
  it("posts a Slack payload's text, attachments, username and icon_url, without authentication, answering text/plain ok", async () => {
    const hook = await createHook();
    const attachments = [
      {
        fallback: "CPU high",
        color: "#ff0000",
        title: "CPU high on db-prod",
        text: "95% for 5m",
        fields: [{ title: "host", value: "db-1", short: true }],
      },
    ];
    const res = await server.anonymous.post(`/hooks/${hook.id}`, {
      text: "FIRING: CPU",
      attachments,
      username: "alertmanager",
      icon_url: "https://example.com/a.png",
    });
    expect(res.status).toBe(200);
    expect(res.body).toBe("ok");
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    const post = await latestPost(alerts.id);
    expect(post.message).toBe("FIRING: CPU");
    expect(post.user_id).toBe(alice.user.id);
    expect(post.type).toBe("slack_attachment");
    expect(post.props).toMatchObject({
      from_webhook: "true",
      webhook_display_name: "Alertmanager",
      override_username: "alertmanager",
      override_icon_url: "https://example.com/a.png",
      attachments,
    });
  });

  it("posts to another channel named by `channel`; a locked webhook aimed elsewhere answers 403", async () => {
    const hook = await createHook();
    const moved = await server.anonymous.post(`/hooks/${hook.id}`, { text: "to status", channel: "status" });
    expect(moved.status).toBe(200);
    expect((await latestPost(status.id)).message).toBe("to status");
    const hashed = await server.anonymous.post(`/hooks/${hook.id}`, { text: "to status again", channel: "#status" });
    expect(hashed.status).toBe(200);
    expect((await latestPost(status.id)).message).toBe("to status again");
    const locked = await createHook({ channel_locked: true });
    const refused = await server.anonymous.post(`/hooks/${locked.id}`, { text: "moved", channel: "status" }, apiErrorBodySchema);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({
      id: "web.incoming_webhook.channel_locked.app_error",
      message: "channel: this webhook is locked to its own channel",
    });
    expect((await latestPost(status.id)).message).toBe("to status again");
    const own = await server.anonymous.post(`/hooks/${locked.id}`, { text: "stays put", channel: "alerts" });
    expect(own.status).toBe(200);
    expect((await latestPost(alerts.id)).message).toBe("stays put");
  });

  it("accepts Alertmanager's slack_configs payload as sent, keeping Slack keys it does not use", async () => {
    // The body prometheus-alertmanager 0.25 POSTs (captured from the real binary); `#` + a 64-character channel name is 65 characters.
    const longName = `a${"l".repeat(63)}`;
    const longChannel = await server.createChannel(alice, { teamId: team.id, name: longName, type: "O" });
    const hook = await createHook();
    const attachment = {
      title: "[FIRING:1] HighLatency on db-prod",
      title_link: "http://127.0.0.1:9093/#/alerts?receiver=sitrep",
      text: "*critical* p99 latency above 2s",
      fallback: "[FIRING:1] HighLatency db-prod (critical)",
      callback_id: "",
      fields: [{ title: "instance", value: "db-prod", short: true }],
      actions: [{ type: "button", text: "Runbook", url: "http://127.0.0.1/runbooks/HighLatency" }],
      footer: "",
      color: "danger",
      mrkdwn_in: ["fallback", "pretext", "text"],
    };
    const res = await server.anonymous.post(`/hooks/${hook.id}`, {
      channel: `#${longName}`,
      username: "alertmanager",
      icon_emoji: ":rotating_light:",
      link_names: true,
      attachments: [attachment],
    });
    expect(res.status).toBe(200);
    expect(res.body).toBe("ok");
    const post = await latestPost(longChannel.id);
    expect(post.message).toBe("");
    expect(post.props).toMatchObject({
      override_username: "alertmanager",
      override_icon_emoji: ":rotating_light:",
      attachments: [attachment],
    });
    const tooLong = await server.anonymous.post(`/hooks/${hook.id}`, { text: "x", channel: `#${longName}x` }, apiErrorBodySchema);
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.message).toBe("channel: must be at most 64 characters after an optional #, ~ or @");
  });

  it("answers one 404 for a missing channel and one the owner cannot post in, so no private channel leaks", async () => {
    const bobsChannel = await server.createChannel(bob, { teamId: team.id, name: "bobs-private", type: "P" });
    const hook = await createHook();
    const hidden = await server.anonymous.post(`/hooks/${hook.id}`, { text: "leak", channel: bobsChannel.name }, apiErrorBodySchema);
    const missing = await server.anonymous.post(`/hooks/${hook.id}`, { text: "x", channel: "bobs-privatf" }, apiErrorBodySchema);
    for (const res of [hidden, missing]) {
      expect(res.status).toBe(404);
      expect(res.body.id).toBe("web.incoming_webhook.channel.app_error");
    }
    expect(hidden.body.message).toBe('channel: "bobs-private" not found, or the webhook\'s owner cannot post there');
    expect(missing.body.message).toBe('channel: "bobs-privatf" not found, or the webhook\'s owner cannot post there');
    // A locked hook aimed at the hidden channel answers the same 404, not the 403 that would confirm it exists.
    const locked = await createHook({ channel_locked: true });
    const lockedHidden = await server.anonymous.post(`/hooks/${locked.id}`, { text: "x", channel: bobsChannel.name }, apiErrorBodySchema);
    expect(lockedHidden.status).toBe(404);
    expect(lockedHidden.body.id).toBe("web.incoming_webhook.channel.app_error");
  });

  it('posts a direct message from the hook\'s owner for `channel: "@username"`', async () => {
    const hook = await createHook();
    const res = await server.anonymous.post(`/hooks/${hook.id}`, { text: "psst", channel: `@${bob.user.username}` });
    expect(res.status).toBe(200);
    const direct = await bob.post(
      "/api/v4/channels/direct",
      [bob.user.id, alice.user.id],
      z.looseObject({ id: z.string(), type: z.string() }),
    );
    expect(direct.body.type).toBe("D");
    const list = await bob.get(`/api/v4/channels/${direct.body.id}/posts?per_page=1`, postListSchema);
    const post = list.body.posts[list.body.order[0] ?? ""];
    expect(post).toMatchObject({ message: "psst", user_id: alice.user.id });
    const nobody = await server.anonymous.post(`/hooks/${hook.id}`, { text: "x", channel: "@nobody-here" }, apiErrorBodySchema);
    expect(nobody.status).toBe(400);
    expect(nobody.body).toMatchObject({
      id: "web.incoming_webhook.user.app_error",
      message: "channel: no active user @nobody-here to send a direct message to",
    });
  });

  it("converts Slack markup: links, announcements and user mentions, in text and attachments", async () => {
    const hook = await createHook();
    const text = `<!channel> deploy <https://ci.example.com/1|#1> by <@${bob.user.id}> at <https://ci.example.com>; <!here> <@nosuchuser1>`;
    const res = await server.anonymous.post(`/hooks/${hook.id}`, {
      text,
      attachments: [
        { pretext: "<!here>", text: "see <http://x.example/a|logs>", title: "<!everyone>", fields: [{ value: "<@" + bob.user.id + ">" }] },
      ],
    });
    expect(res.status).toBe(200);
    const post = await latestPost(alerts.id);
    expect(post.message).toBe(
      `@channel deploy [#1](https://ci.example.com/1) by @${bob.user.username} at https://ci.example.com; @here <@nosuchuser1>`,
    );
    expect(post.props.attachments).toEqual([
      { pretext: "@here", text: "see [logs](http://x.example/a)", title: "@all", fields: [{ value: `@${bob.user.username}` }] },
    ]);
  });

  it("reads JSON whatever the content type, and with none", async () => {
    const hook = await createHook();
    for (const contentType of ["text/plain", "application/octet-stream", undefined]) {
      const res = await sendRaw(hook.id, JSON.stringify({ text: `as ${contentType ?? "nothing"}` }), contentType);
      expect(res.status, String(contentType)).toBe(200);
      expect((await latestPost(alerts.id)).message).toBe(`as ${contentType ?? "nothing"}`);
    }
  });

  it("decodes a form's payload field and plain form fields", async () => {
    const hook = await createHook();
    const body = new URLSearchParams({ payload: JSON.stringify({ text: "from a form", username: "jenkins" }) }).toString();
    const res = await sendRaw(hook.id, body, "application/x-www-form-urlencoded");
    expect(res.status).toBe(200);
    const post = await latestPost(alerts.id);
    expect(post.message).toBe("from a form");
    expect(post.props.override_username).toBe("jenkins");
    const fields = await sendRaw(hook.id, "text=plain+fields&username=cron", "application/x-www-form-urlencoded");
    expect(fields.status).toBe(200);
    expect(await latestPost(alerts.id)).toMatchObject({ message: "plain fields", props: { override_username: "cron" } });
    const broken = await server.anonymous.request(
      "POST",
      `/hooks/${hook.id}`,
      "payload=%7Bnope",
      { "content-type": "application/x-www-form-urlencoded" },
      apiErrorBodySchema,
    );
    expect(broken.status).toBe(400);
    expect(broken.body.id).toBe("web.incoming_webhook.parse.app_error");
    expect(broken.body.message).toMatch(/^payload: is not valid JSON/);
  });

  it("decodes multipart/form-data fields and a multipart payload field", async () => {
    const hook = await createHook();
    const form = new FormData();
    form.set("text", "from multipart");
    form.set("username", "uploader");
    const res = await server.anonymous.request("POST", `/hooks/${hook.id}`, form);
    expect(res.status).toBe(200);
    expect(await latestPost(alerts.id)).toMatchObject({ message: "from multipart", props: { override_username: "uploader" } });
    const withPayload = new FormData();
    withPayload.set("payload", JSON.stringify({ text: "multipart payload" }));
    expect((await server.anonymous.request("POST", `/hooks/${hook.id}`, withPayload)).status).toBe(200);
    expect((await latestPost(alerts.id)).message).toBe("multipart payload");
  });

  it("tolerates raw control characters inside JSON strings", async () => {
    const hook = await createHook();
    const res = await sendRaw(hook.id, '{"text": "line one\nline two\tend"}', "application/json");
    expect(res.status).toBe(200);
    expect((await latestPost(alerts.id)).message).toBe("line one\nline two\tend");
    const broken = await sendRaw(hook.id, '{"text": "x"', "application/json");
    expect(broken.status).toBe(400);
    expect(expectBody(broken, apiErrorBodySchema).message).toMatch(/^body: is not valid JSON/);
  });

  it("reads null as empty, string booleans as booleans and field values as strings", async () => {
    const hook = await createHook();
    const res = await server.anonymous.post(`/hooks/${hook.id}`, {
      text: "nulls",
      username: null,
      icon_url: null,
      props: null,
      attachments: [
        { text: "a", fields: null },
        null,
        { fields: [{ title: "count", value: 42, short: "true" }, { value: true, short: "false" }, null] },
      ],
    });
    expect(res.status).toBe(200);
    const post = await latestPost(alerts.id);
    expect(post.props.override_username).toBe("webhook");
    expect(post.props.attachments).toEqual([
      { text: "a" },
      {
        fields: [
          { title: "count", value: "42", short: true },
          { value: "true", short: false },
        ],
      },
    ]);
    const onlyNulls = await server.anonymous.post(`/hooks/${hook.id}`, { text: null, attachments: null }, apiErrorBodySchema);
    expect(onlyNulls.status).toBe(400);
    expect(onlyNulls.body.message).toBe("text: no text or attachments were given");
  });

  it("splits text over the post limit into several posts, the attachments on the last", async () => {
    const hook = await createHook();
    const text = "a".repeat(16383) + "b".repeat(16383) + "c".repeat(10);
    const res = await server.anonymous.post(`/hooks/${hook.id}`, { text, attachments: [{ text: "att" }] });
    expect(res.status).toBe(200);
    const list = await alice.get(`/api/v4/channels/${alerts.id}/posts?per_page=3`, postListSchema);
    const [last, middle, first] = list.body.order.map((id) => list.body.posts[id]);
    expect(first?.message).toBe("a".repeat(16383));
    expect(middle?.message).toBe("b".repeat(16383));
    expect(last?.message).toBe("c".repeat(10));
    expect(first?.props.attachments).toBeUndefined();
    expect(last?.props.attachments).toEqual([{ text: "att" }]);
  });

  it("keeps icon_emoji, a custom_ type and priority; falls back to the username 'webhook'", async () => {
    const hook = await createHook();
    const res = await server.anonymous.post(`/hooks/${hook.id}`, {
      text: "typed",
      icon_emoji: ":fire:",
      type: "custom_deploy",
      priority: { priority: "urgent", requested_ack: "true" },
    });
    expect(res.status).toBe(200);
    const post = await latestPost(alerts.id);
    expect(post.type).toBe("custom_deploy");
    expect(post.props).toMatchObject({
      override_icon_emoji: ":fire:",
      override_username: "webhook",
      priority: { priority: "urgent", requested_ack: true },
    });
    const badType = await server.anonymous.post(`/hooks/${hook.id}`, { text: "x", type: "system_join_channel" }, apiErrorBodySchema);
    expect(badType.status).toBe(400);
    expect(badType.body.message).toBe('type: must start with "custom_"');
    const named = await createHook({ username: "grafana" });
    expect((await server.anonymous.post(`/hooks/${named.id}`, { text: "named" })).status).toBe(200);
    expect((await latestPost(alerts.id)).props.override_username).toBe("grafana");
  });

  it("refuses an empty or invalid payload, naming the field", async () => {
    const hook = await createHook();
    const empty = await server.anonymous.post(`/hooks/${hook.id}`, { username: "x" }, apiErrorBodySchema);
    expect(empty.status).toBe(400);
    expect(empty.body.message).toBe("text: no text or attachments were given");
    const long = await server.anonymous.post(`/hooks/${hook.id}`, { text: "x".repeat(163831) }, apiErrorBodySchema);
    expect(long.status).toBe(400);
    expect(long.body.message).toBe("text: must be at most 163830 characters");
    const wrongType = await server.anonymous.post(`/hooks/${hook.id}`, { text: 42 }, apiErrorBodySchema);
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.message).toBe("text: Invalid input: expected string, received number");
  });

  it("answers 400 web.incoming_webhook.invalid.app_error for an unknown webhook", async () => {
    const res = await server.anonymous.post(`/hooks/${"h".repeat(26)}`, { text: "hi" }, apiErrorBodySchema);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ id: "web.incoming_webhook.invalid.app_error", message: "id: no incoming webhook with this id" });
  });

  it("stops posting once its owner is deactivated", async () => {
    const carol = await server.createUser();
    const channel = await server.createChannel(alice, { teamId: team.id, type: "O" });
    await server.addToChannel(alice, { channel, user: carol.user });
    const created = await carol.post("/api/v4/hooks/incoming", { channel_id: channel.id }, incomingHookSchema);
    expect(created.status).toBe(201);
    const admin = await server.admin();
    expect((await admin.delete(`/api/v4/users/${carol.user.id}`)).status).toBe(200);
    const res = await server.anonymous.post(`/hooks/${created.body.id}`, { text: "ghost" }, apiErrorBodySchema);
    expect(res.status).toBe(403);
    expect(res.body.message).toBe("The owner of this webhook has been deactivated.");
  });
});

describe("GET/PUT/DELETE /api/v4/hooks/incoming/{id}", () => {
  it("reads, changes and deletes a hook for its owner; others get 404", async () => {
    const hook = await createHook({ description: "before" });
    const read = await alice.get(`/api/v4/hooks/incoming/${hook.id}`, incomingHookSchema);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: hook.id, description: "before" });
    const other = await bob.get(`/api/v4/hooks/incoming/${hook.id}`, apiErrorBodySchema);
    expect(other.status).toBe(404);
    expect(other.body.message).toBe("incoming webhook not found");
    const changed = await alice.put(
      `/api/v4/hooks/incoming/${hook.id}`,
      { id: hook.id, channel_id: status.id, description: "after", channel_locked: true },
      incomingHookSchema,
    );
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ channel_id: status.id, description: "after", channel_locked: true });
    expect((await server.anonymous.post(`/hooks/${hook.id}`, { text: "moved hook" })).status).toBe(200);
    expect((await latestPost(status.id)).message).toBe("moved hook");
    const wrongId = await alice.put(`/api/v4/hooks/incoming/${hook.id}`, { id: "x".repeat(26) }, apiErrorBodySchema);
    expect(wrongId.status).toBe(400);
    expect(wrongId.body.message).toBe("id: must be the id in the path");
    expect((await bob.put(`/api/v4/hooks/incoming/${hook.id}`, { description: "mine" })).status).toBe(404);
    expect((await bob.delete(`/api/v4/hooks/incoming/${hook.id}`)).status).toBe(404);
    const deleted = await alice.delete(`/api/v4/hooks/incoming/${hook.id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ status: "OK" });
    expect((await alice.get(`/api/v4/hooks/incoming/${hook.id}`)).status).toBe(404);
    expect((await server.anonymous.post(`/hooks/${hook.id}`, { text: "gone" })).status).toBe(400);
  });

  it("pages GET /hooks/incoming and filters it by team_id", async () => {
    const dave = await server.createUser();
    const daveTeam = await server.createTeam(dave);
    const daveChannel = await server.createChannel(dave, { teamId: daveTeam.id, type: "O" });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await dave.post("/api/v4/hooks/incoming", { channel_id: daveChannel.id }, incomingHookSchema)).body.id);
    const pages = [];
    for (let page = 0; page < 3; page++)
      pages.push((await dave.get(`/api/v4/hooks/incoming?per_page=2&page=${page}`, z.array(incomingHookSchema))).body.map((h) => h.id));
    expect(pages).toEqual([ids.slice(0, 2), ids.slice(2), []]);
    const inTeam = await dave.get(`/api/v4/hooks/incoming?team_id=${daveTeam.id}`, z.array(incomingHookSchema));
    expect(inTeam.body.map((h) => h.id)).toEqual(ids);
    expect((await dave.get(`/api/v4/hooks/incoming?team_id=${team.id}`)).status).toBe(404);
    expect(
      (await alice.get(`/api/v4/hooks/incoming?team_id=${team.id}`, z.array(incomingHookSchema))).body.every((h) => h.team_id === team.id),
    ).toBe(true);
  });
});
