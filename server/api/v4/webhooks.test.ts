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

describe("POST /hooks/{id}", () => {
  it("posts a Slack payload's text, attachments, username and icon_url, without authentication", async () => {
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
    const post = await latestPost(alerts.id);
    expect(post.message).toBe("FIRING: CPU");
    expect(post.user_id).toBe(alice.user.id);
    expect(post.props).toMatchObject({
      from_webhook: "true",
      webhook_display_name: "Alertmanager",
      override_username: "alertmanager",
      override_icon_url: "https://example.com/a.png",
      attachments,
    });
  });

  it("posts to another channel named by `channel`, unless the webhook is locked", async () => {
    const hook = await createHook();
    const moved = await server.anonymous.post(`/hooks/${hook.id}`, { text: "to status", channel: "status" });
    expect(moved.status).toBe(200);
    expect((await latestPost(status.id)).message).toBe("to status");
    const hashed = await server.anonymous.post(`/hooks/${hook.id}`, { text: "to status again", channel: "#status" });
    expect(hashed.status).toBe(200);
    expect((await latestPost(status.id)).message).toBe("to status again");
    const locked = await createHook({ channel_locked: true });
    const stays = await server.anonymous.post(`/hooks/${locked.id}`, { text: "stays put", channel: "status" });
    expect(stays.status).toBe(200);
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
    expect(post.props).toMatchObject({ override_username: "alertmanager", attachments: [attachment] });
    const tooLong = await server.anonymous.post(`/hooks/${hook.id}`, { text: "x", channel: `#${longName}x` }, apiErrorBodySchema);
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.message).toBe("channel: must be at most 64 characters after an optional # or ~");
  });

  it("refuses a `channel` the webhook's owner cannot post in", async () => {
    const bobsChannel = await server.createChannel(bob, { teamId: team.id, name: "bobs-private", type: "P" });
    const hook = await createHook();
    const res = await server.anonymous.post(`/hooks/${hook.id}`, { text: "leak", channel: bobsChannel.name }, apiErrorBodySchema);
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('channel: "bobs-private" not found, or the webhook\'s owner cannot post there');
    const missing = await server.anonymous.post(`/hooks/${hook.id}`, { text: "x", channel: "nowhere" }, apiErrorBodySchema);
    expect(missing.status).toBe(400);
    expect(missing.body.message).toBe('channel: "nowhere" not found, or the webhook\'s owner cannot post there');
  });

  it("accepts application/x-www-form-urlencoded with a payload field", async () => {
    const hook = await createHook();
    const body = new URLSearchParams({ payload: JSON.stringify({ text: "from a form", username: "jenkins" }) }).toString();
    const res = await server.anonymous.request("POST", `/hooks/${hook.id}`, body, { "content-type": "application/x-www-form-urlencoded" });
    expect(res.status).toBe(200);
    const post = await latestPost(alerts.id);
    expect(post.message).toBe("from a form");
    expect(post.props.override_username).toBe("jenkins");
    const broken = await server.anonymous.request(
      "POST",
      `/hooks/${hook.id}`,
      "payload=%7Bnope",
      {
        "content-type": "application/x-www-form-urlencoded",
      },
      apiErrorBodySchema,
    );
    expect(broken.status).toBe(400);
    expect(broken.body.message).toBe("payload: is not valid JSON");
  });

  it("refuses an empty or invalid payload, naming the field", async () => {
    const hook = await createHook();
    const empty = await server.anonymous.post(`/hooks/${hook.id}`, { username: "x" }, apiErrorBodySchema);
    expect(empty.status).toBe(400);
    expect(empty.body.message).toBe("text: no text or attachments were given");
    const long = await server.anonymous.post(`/hooks/${hook.id}`, { text: "x".repeat(16384) }, apiErrorBodySchema);
    expect(long.status).toBe(400);
    expect(long.body.message).toBe("text: must be at most 16383 characters");
    const wrongType = await server.anonymous.post(`/hooks/${hook.id}`, { text: 42 }, apiErrorBodySchema);
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.message).toBe("text: Invalid input: expected string, received number");
  });

  it("answers 404 for an unknown webhook", async () => {
    const res = await server.anonymous.post(`/hooks/${"h".repeat(26)}`, { text: "hi" }, apiErrorBodySchema);
    expect(res.status).toBe(404);
    expect(res.body.message).toBe("no incoming webhook with this id");
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
