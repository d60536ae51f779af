import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiErrorBodySchema, channelSchema, commandResponseSchema } from "#common/wire-schemas.ts";
import type { FiredTrigger } from "#plugin-api";
import type { Channel, Team } from "#common/wire.ts";
import { eventually, incomingHookSchema, startTestServer, uniqueName, type TestServer } from "#testing";
import { claimScheduleTick } from "./schedule.ts";

let server: TestServer;
let team: Team;
let alerts: Channel;
const events: FiredTrigger[] = [];

beforeAll(async () => {
  server = await startTestServer();
  const admin = await server.admin();
  team = await server.createTeam(admin);
  alerts = await server.createChannel(admin, { teamId: team.id, name: uniqueName("alerts") });
  server.host.automation.onTrigger((event) => events.push(event));
});
afterAll(async () => server.close());

const postedEvent = (postId: string) =>
  eventually(() => events.find((e) => e.trigger === "message_posted" && e.values.post_id === postId), {
    ms: 5000,
    what: `message_posted of ${postId}`,
  });

describe("host automation catalog", () => {
  it("offers the host triggers and actions with their parameters", () => {
    const catalog = server.host.automation.catalog();
    const triggers = Object.fromEntries(catalog.triggers.filter((t) => t.plugin_id === "host").map((t) => [t.name, t]));
    expect(Object.keys(triggers).sort()).toEqual(["message_posted", "schedule", "slash_command", "webhook"]);
    expect(Object.keys(triggers.message_posted!.parameters).sort()).toEqual(["channel", "contains", "from_user", "keywords"]);
    expect(Object.keys(triggers.message_posted!.provides)).toEqual(
      expect.arrayContaining(["post_id", "message", "channel_id", "channel_name", "user_id", "username", "team_id"]),
    );
    expect(triggers.schedule!.parameters.cron!.required).toBe(true);
    const actions = catalog.actions
      .filter((a) => a.plugin_id === "host")
      .map((a) => a.name)
      .sort();
    expect(actions).toEqual(["add_user_to_channel", "create_channel", "http_request", "post_message"]);
    // Plain data: no functions leak into the catalog.
    expect(JSON.parse(JSON.stringify(catalog))).toEqual(catalog);
  });
});

describe("message_posted", () => {
  it("fires for a post with its values, and matches channel, contains, keywords and from_user", async () => {
    const admin = await server.admin();
    const post = await server.createPost(admin, { channelId: alerts.id, message: "SEV1: db-prod is down" });
    const event = await postedEvent(post.id);
    expect(event).toMatchObject({ teamId: team.id, channelId: alerts.id, depth: 0 });
    expect(event.values).toMatchObject({
      post_id: post.id,
      message: "SEV1: db-prod is down",
      channel_id: alerts.id,
      channel_name: alerts.name,
      user_id: admin.user.id,
      username: admin.user.username,
      team_id: team.id,
    });
    const m = (where: Record<string, unknown>) => server.host.automation.matches(where, event);
    expect(m({ channel: alerts.name, contains: "sev1" })).toBe(true);
    expect(m({ channel: `~${alerts.name}` })).toBe(true);
    expect(m({ channel: "elsewhere" })).toBe(false);
    expect(m({ contains: "SEV2" })).toBe(false);
    expect(m({ keywords: ["db-prod"] })).toBe(true);
    expect(m({ keywords: ["db"] })).toBe(true);
    expect(m({ keywords: ["prod-db", "SEV"] })).toBe(false);
    expect(m({ keywords: ["sev1"] })).toBe(true);
    expect(m({ from_user: admin.user.username })).toBe(true);
    expect(m({ from_user: "someone-else" })).toBe(false);
  });

  it("reads the text of Slack attachments posted through a webhook", async () => {
    const admin = await server.admin();
    const hook = await admin.post("/api/v4/hooks/incoming", { channel_id: alerts.id, display_name: "alertmanager" }, incomingHookSchema);
    expect(hook.status).toBe(201);
    const sent = await server.anonymous.post(`/hooks/${hook.body.id}`, {
      attachments: [{ title: "Firing", text: "SEV10 on payments", fields: [{ title: "severity", value: "critical" }] }],
    });
    expect(sent.status).toBe(200);
    const event = await eventually(() => events.find((e) => e.trigger === "message_posted" && String(e.values.text).includes("payments")));
    expect(event.values.message).toBe("");
    const m = (where: Record<string, unknown>) => server.host.automation.matches(where, event);
    expect(m({ contains: "critical" })).toBe(true);
    expect(m({ keywords: ["SEV1"] })).toBe(false); // SEV10 is not the whole word SEV1
    expect(m({ keywords: ["sev10"] })).toBe(true);
    expect(m({ from_user: "alertmanager" })).toBe(true);
  });

  it("carries the depth of the action that caused the post", async () => {
    const admin = await server.admin();
    await server.host.automation.runAction("post_message", {
      params: { channel: alerts.name, message: "from a run" },
      actorId: admin.user.id,
      teamId: team.id,
      depth: 2,
    });
    const event = await eventually(() => events.find((e) => e.trigger === "message_posted" && e.values.message === "from a run"));
    expect(event.depth).toBe(3);
  });
});

describe("host actions run with the actor's permissions", () => {
  it("post_message posts as the actor, refuses a non-member and hides private channels", async () => {
    const admin = await server.admin();
    const bob = await server.createUser();
    const run = (actorId: string, params: Record<string, unknown>) =>
      server.host.automation.runAction("post_message", { params, actorId, teamId: team.id, depth: 0 });
    await expect(run(bob.user.id, { channel: alerts.name, message: "hi" })).rejects.toMatchObject({
      status: 400,
      message: `channel: no channel "${alerts.name}" that @${bob.user.username} can read`,
    });
    await admin.post(`/api/v4/teams/${team.id}/members`, { team_id: team.id, user_id: bob.user.id });
    await expect(run(bob.user.id, { channel: alerts.name, message: "hi" })).rejects.toMatchObject({
      status: 403,
      message: `channel: @${bob.user.username} may not post in ~${alerts.name} (not a member)`,
    });
    const secret = await server.createChannel(admin, { teamId: team.id, type: "P" });
    await expect(run(bob.user.id, { channel: secret.name, message: "hi" })).rejects.toMatchObject({
      status: 400,
      message: `channel: no channel "${secret.name}" that @${bob.user.username} can read`,
    });
    await server.addToChannel(admin, { channel: alerts, user: bob.user });
    const out = await run(bob.user.id, { channel: alerts.name, message: "hello from bob" });
    const stored = await admin.get(`/api/v4/posts/${out.post_id}`);
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({ user_id: bob.user.id, message: "hello from bob", channel_id: alerts.id });
  });

  it("create_channel needs team membership; add_user_to_channel needs channel membership", async () => {
    const admin = await server.admin();
    const carol = await server.createUser();
    const dave = await server.createUser();
    const create = (actorId: string, name: string) =>
      server.host.automation.runAction("create_channel", { params: { name, private: true }, actorId, teamId: team.id, depth: 0 });
    await expect(create(carol.user.id, "carols-room")).rejects.toMatchObject({
      status: 403,
      message: "You must be a member of the team to create a channel in it.",
    });
    await admin.post(`/api/v4/teams/${team.id}/members`, { team_id: team.id, user_id: carol.user.id });
    const made = await create(carol.user.id, uniqueName("room"));
    expect(made.channel_name).toMatch(/^room-/);
    const channel = await admin.get(`/api/v4/channels/${made.channel_id}`, channelSchema);
    expect(channel.body.type).toBe("P");
    const add = (actorId: string, params: Record<string, unknown>) =>
      server.host.automation.runAction("add_user_to_channel", { params, actorId, teamId: team.id, depth: 0 });
    await expect(add(carol.user.id, { channel: made.channel_name, username: dave.user.username })).rejects.toMatchObject({
      status: 403,
      message: `username: @${dave.user.username} is not a member of this channel's team`,
    });
    await admin.post(`/api/v4/teams/${team.id}/members`, { team_id: team.id, user_id: dave.user.id });
    await expect(add(dave.user.id, { channel: made.channel_name, username: dave.user.username })).rejects.toMatchObject({ status: 400 });
    const added = await add(carol.user.id, { channel: made.channel_name, username: dave.user.username });
    expect(added.user_id).toBe(dave.user.id);
    expect((await dave.get(`/api/v4/channels/${made.channel_id}`)).status).toBe(200);
  });

  it("refuses a deactivated actor", async () => {
    const admin = await server.admin();
    const gone = await server.createUser();
    await admin.delete(`/api/v4/users/${gone.user.id}`);
    await expect(
      server.host.automation.runAction("post_message", {
        params: { channel: alerts.name, message: "x" },
        actorId: gone.user.id,
        teamId: team.id,
        depth: 0,
      }),
    ).rejects.toMatchObject({
      status: 403,
      message: "run_as: the workflow's user is missing or deactivated.",
    });
  });
});

describe("http_request", () => {
  let target: http.Server;
  let targetUrl: string;
  const received: Array<{ method: string; body: string; token: string | undefined }> = [];
  beforeAll(async () => {
    target = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        received.push({ method: req.method!, body, token: req.headers["x-token"] as string | undefined });
        if (req.url === "/fail") res.writeHead(500).end("boom");
        else res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true, id: 7 }));
      });
    });
    await new Promise<void>((r) => target.listen(0, "127.0.0.1", r));
    targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => target.close(() => r())));

  const setAllowlist = async (list: string[]) => {
    const db = server.host.db;
    await db.deleteFrom("plugins").where("id", "=", "workflow").execute();
    await db
      .insertInto("plugins")
      .values({
        id: "workflow",
        manifest: JSON.stringify({
          id: "workflow",
          name: "Workflow",
          version: "0.1.0",
          settings_schema: { http_allowlist: { type: "string[]", default: [] } },
        }),
        bundle: Buffer.from(""),
        checksum: "test",
        enabled: 0,
        settings: JSON.stringify({ http_allowlist: list }),
        installed_at: Date.now(),
        updated_at: Date.now(),
      })
      .execute();
  };
  const run = async (params: Record<string, unknown>) => {
    const admin = await server.admin();
    return server.host.automation.runAction("http_request", { params, actorId: admin.user.id, teamId: team.id, depth: 0 });
  };

  it("allows nothing until the allow-list names the target", async () => {
    await expect(run({ url: `${targetUrl}/ok` })).rejects.toMatchObject({
      status: 403,
      message: `url: ${new URL(targetUrl).host} is not in the workflow plugin's http_allowlist setting (empty: no target is allowed)`,
    });
    await setAllowlist(["hooks.example.com"]);
    await expect(run({ url: `${targetUrl}/ok` })).rejects.toMatchObject({ status: 403 });
    expect(received).toHaveLength(0);
  });

  it("calls an allowed target with headers and a JSON body, and fails on a 500", async () => {
    await setAllowlist([new URL(targetUrl).host]);
    const out = await run({ url: `${targetUrl}/ok`, headers: { "X-Token": "abc" }, body: { text: "hi" } });
    expect(out).toMatchObject({ status: 200, json: { ok: true, id: 7 } });
    expect(received.at(-1)).toEqual({ method: "POST", body: '{"text":"hi"}', token: "abc" });
    await expect(run({ url: `${targetUrl}/fail`, method: "GET" })).rejects.toMatchObject({
      status: 424,
      message: `http_request: GET ${targetUrl}/fail answered 500 Internal Server Error`,
    });
    await expect(run({ url: `${targetUrl}/ok`, method: "TRACE" })).rejects.toMatchObject({
      status: 400,
      message: "method: must be one of GET, POST, PUT, PATCH, DELETE",
    });
    await expect(run({ url: "file:///etc/passwd" })).rejects.toMatchObject({ status: 400, message: "url: must be http or https" });
  });
});

describe("subscriptions", () => {
  it("slash_command registers the word while subscribed and fires for its team only", async () => {
    const admin = await server.admin();
    const word = uniqueName("deploy").replace(/-/g, "");
    const sub = server.host.automation.subscribe("slash_command", {
      key: "wf-1",
      teamId: team.id,
      where: { trigger: word },
      label: "Deploy",
    });
    const res = await admin.post(
      "/api/v4/commands/execute",
      {
        channel_id: alerts.id,
        team_id: team.id,
        command: `/${word} api "blue green"`,
      },
      commandResponseSchema,
    );
    expect(res.status).toBe(200);
    expect(res.body.text).toBe('Workflow "Deploy" triggered.');
    const event = await eventually(() => events.find((e) => e.trigger === "slash_command" && e.target === "wf-1"));
    expect(event.values).toMatchObject({
      args: ["api", "blue green"],
      text: 'api "blue green"',
      username: admin.user.username,
      channel_name: alerts.name,
    });
    const other = await server.createTeam(admin);
    const elsewhere = await server.createChannel(admin, { teamId: other.id });
    const wrongTeam = await admin.post(
      "/api/v4/commands/execute",
      { channel_id: elsewhere.id, team_id: other.id, command: `/${word}` },
      apiErrorBodySchema,
    );
    // Another team's workflow is not there at all: the same answer as a word nobody registered.
    expect(wrongTeam.status).toBe(404);
    expect(wrongTeam.body.message).toBe(`Command with a trigger of '/${word}' not found.`);
    sub.dispose();
    const gone = await admin.post(
      "/api/v4/commands/execute",
      { channel_id: alerts.id, team_id: team.id, command: `/${word}` },
      apiErrorBodySchema,
    );
    expect(gone.status).toBe(404);
    expect(gone.body.message).toBe(`Command with a trigger of '/${word}' not found.`);
  });

  it("refuses a bad command word and a bad cron expression", () => {
    expect(() =>
      server.host.automation.subscribe("slash_command", { key: "x", teamId: team.id, where: { trigger: "no spaces" }, label: "x" }),
    ).toThrow("where.trigger: must be a command word");
    expect(() =>
      server.host.automation.subscribe("schedule", { key: "x", teamId: team.id, where: { cron: "every day" }, label: "x" }),
    ).toThrow('where.cron: "every day" must have 5 fields');
    expect(() =>
      server.host.automation.subscribe("schedule", { key: "x", teamId: team.id, where: { cron: "99 * * * *" }, label: "x" }),
    ).toThrow('where.cron: "99 * * * *" is not a valid cron expression');
  });

  it("webhook subscriptions fire events addressed to the subscriber", async () => {
    const sub = server.host.automation.subscribe("webhook", { key: "wf-hook", teamId: team.id, where: {}, label: "Hook" });
    sub.fire({ teamId: team.id, values: { status: "firing" } });
    const event = await eventually(() => events.find((e) => e.trigger === "webhook" && e.target === "wf-hook"));
    expect(event).toMatchObject({ values: { status: "firing" }, depth: 0 });
    sub.dispose();
  });

  it("schedule fires on each tick", async () => {
    const sub = server.host.automation.subscribe("schedule", {
      key: "wf-cron",
      teamId: team.id,
      where: { cron: "* * * * * *" },
      label: "Every second",
    });
    const event = await eventually(() => events.find((e) => e.trigger === "schedule" && e.target === "wf-cron"), { ms: 3000 });
    sub.dispose();
    expect(event.values.scheduled_at).toBe(new Date(event.values.scheduled_at_ms as number).toISOString());
    expect((event.values.scheduled_at_ms as number) % 1000).toBe(0);
  });

  it("lets exactly one claimant run a tick, however many race for it", async () => {
    const db = server.host.db as unknown as Kysely<unknown>;
    const tickAt = Date.UTC(2030, 0, 1);
    const wins = await Promise.all(Array.from({ length: 8 }, () => claimScheduleTick(db, { key: "race", tickAt })));
    expect(wins.filter(Boolean)).toHaveLength(1);
    expect(await claimScheduleTick(db, { key: "race", tickAt: tickAt + 1000 })).toBe(true);
  });
});
