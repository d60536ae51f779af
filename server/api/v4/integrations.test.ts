/**
 * ChatOps receive side against a real receiver run in the test: outgoing
 * webhooks (trigger words, a channel, form and JSON payloads, the answer
 * posted back), custom slash commands (POST and GET, ephemeral and
 * in_channel), one trigger word per command (409s), and the built-in commands.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { apiErrorBodySchema, postListSchema } from "#common/wire-schemas.ts";
import type { Channel, Post, Team, User } from "#common/wire.ts";
import { eventually, startTestServer, type TestClient, type TestServer } from "#testing";

type Client = TestClient & { user: User };

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

let server: TestServer;
let alice: Client;
let bob: Client;
let team: Team;
let ops: Channel;
let receiver: http.Server;
let receiverUrl: string;
const received: Received[] = [];
/** What the receiver answers next, by path. */
const answers = new Map<string, { status?: number; body: unknown }>();

const hookSchema = z.looseObject({
  id: z.string(),
  token: z.string(),
  trigger_words: z.array(z.string()),
  callback_urls: z.array(z.string()),
});
const commandSchema = z.looseObject({ id: z.string(), token: z.string(), trigger: z.string(), method: z.string() });

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      received.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      const answer = answers.get((req.url ?? "").split("?")[0] ?? "") ?? { body: "" };
      res.statusCode = answer.status ?? 200;
      res.setHeader("content-type", typeof answer.body === "string" ? "text/plain" : "application/json");
      res.end(typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const port = (receiver.address() as AddressInfo).port;
  receiverUrl = `http://127.0.0.1:${port}`;
  server = await startTestServer();
  const admin = await server.admin();
  // The receiver is on loopback: outbound calls reach it only because it is listed.
  expect(
    (await admin.put("/api/v4/config/patch", { ServiceSettings: { AllowedUntrustedInternalConnections: `127.0.0.1:${port}` } })).status,
  ).toBe(200);
  alice = await server.createUser();
  bob = await server.createUser();
  team = await server.createTeam(alice);
  await alice.post(`/api/v4/teams/${team.id}/members`, { user_id: bob.user.id });
  ops = await server.createChannel(alice, { teamId: team.id, name: "ops", type: "O" });
  await server.addToChannel(alice, { channel: ops, user: bob.user });
});
afterAll(async () => {
  await server.close();
  await new Promise((resolve) => receiver.close(resolve));
});

async function latestPosts(client: Client, channelId: string, n = 1): Promise<Post[]> {
  const list = await client.get(`/api/v4/channels/${channelId}/posts?per_page=${n}`, postListSchema);
  return list.body.order.map((id) => list.body.posts[id]).filter((p): p is Post => p !== undefined);
}

describe("outgoing webhooks", () => {
  it("POSTs a trigger-word post to the callback URL as a form with the token, and posts the JSON answer back", async () => {
    answers.set("/deploy-bot", { body: { text: "deploying <@" + bob.user.id + ">", username: "deploybot", icon_url: "https://x/i.png" } });
    const created = await alice.post(
      "/api/v4/hooks/outgoing",
      { team_id: team.id, trigger_words: ["deploy"], callback_urls: [`${receiverUrl}/deploy-bot`], display_name: "Deployer" },
      hookSchema,
    );
    expect(created.status).toBe(201);
    const before = received.length;
    expect((await bob.post("/api/v4/posts", { channel_id: ops.id, message: "deploy api now" })).status).toBe(201);
    await eventually(async () => expect((await latestPosts(bob, ops.id))[0]?.props.override_username).toBe("deploybot"));
    const call = received.slice(before).find((r) => r.url === "/deploy-bot");
    expect(call?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    const form = new URLSearchParams(call?.body ?? "");
    expect(Object.fromEntries(form)).toMatchObject({
      token: created.body.token,
      team_id: team.id,
      team_domain: team.name,
      channel_id: ops.id,
      channel_name: "ops",
      user_id: bob.user.id,
      user_name: bob.user.username,
      text: "deploy api now",
      trigger_word: "deploy",
    });
    const [answer] = await latestPosts(bob, ops.id);
    expect(answer).toMatchObject({ user_id: alice.user.id, props: { from_webhook: "true", override_icon_url: "https://x/i.png" } });
    expect(answer?.message).toBe("deploying <@" + bob.user.id + ">");
    // A post that does not start with the word, and the hook's own answer, fire nothing.
    const quiet = received.length;
    await bob.post("/api/v4/posts", { channel_id: ops.id, message: "please deploy" });
    await new Promise((r) => setTimeout(r, 200));
    expect(received.length).toBe(quiet);
  });

  it("fires on every post of its channel, with a JSON payload, and answers as a thread reply for response_type comment", async () => {
    const watched = await server.createChannel(alice, { teamId: team.id, name: "watched", type: "O" });
    answers.set("/watcher", { body: { text: "seen", response_type: "comment" } });
    const created = await alice.post(
      "/api/v4/hooks/outgoing",
      { team_id: team.id, channel_id: watched.id, callback_urls: [`${receiverUrl}/watcher`], content_type: "application/json" },
      hookSchema,
    );
    expect(created.status).toBe(201);
    const before = received.length;
    const posted = await alice.post(
      "/api/v4/posts",
      { channel_id: watched.id, message: "anything at all" },
      z.looseObject({ id: z.string() }),
    );
    await eventually(async () => expect((await latestPosts(alice, watched.id))[0]?.message).toBe("seen"));
    const call = received.slice(before).find((r) => r.url === "/watcher");
    expect(call?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(call?.body ?? "{}")).toMatchObject({
      token: created.body.token,
      text: "anything at all",
      trigger_word: "",
      post_id: posted.body.id,
    });
    expect((await latestPosts(alice, watched.id))[0]?.root_id).toBe(posted.body.id);
  });

  it("matches a prefix with trigger_when 1; refuses overlapping words (409), no triggers (400) and private channels", async () => {
    answers.set("/prefix", { body: { text: "prefix seen" } });
    const prefix = await alice.post(
      "/api/v4/hooks/outgoing",
      { team_id: team.id, trigger_words: ["!st"], trigger_when: 1, callback_urls: [`${receiverUrl}/prefix`] },
      hookSchema,
    );
    expect(prefix.status).toBe(201);
    await bob.post("/api/v4/posts", { channel_id: ops.id, message: "!status db" });
    await eventually(async () => expect((await latestPosts(bob, ops.id))[0]?.message).toBe("prefix seen"));
    const overlap = await bob.post(
      "/api/v4/hooks/outgoing",
      { team_id: team.id, trigger_words: ["deploy"], callback_urls: [`${receiverUrl}/x`] },
      apiErrorBodySchema,
    );
    expect(overlap.status).toBe(409);
    expect(overlap.body.message).toBe('trigger_words: "deploy" is already a trigger word of another outgoing webhook here');
    const none = await bob.post("/api/v4/hooks/outgoing", { team_id: team.id, callback_urls: [`${receiverUrl}/x`] }, apiErrorBodySchema);
    expect(none.status).toBe(400);
    expect(none.body.message).toBe("trigger_words: give trigger words, a channel_id, or both");
    const secret = await server.createChannel(alice, { teamId: team.id, type: "P" });
    const priv = await alice.post(
      "/api/v4/hooks/outgoing",
      { team_id: team.id, channel_id: secret.id, callback_urls: [`${receiverUrl}/x`] },
      apiErrorBodySchema,
    );
    expect(priv.status).toBe(400);
    expect(priv.body.message).toBe("channel_id: outgoing webhooks listen in public channels only");
    const badUrl = await alice.post(
      "/api/v4/hooks/outgoing",
      { team_id: team.id, trigger_words: ["zz"], callback_urls: ["ftp://x"] },
      apiErrorBodySchema,
    );
    expect(badUrl.status).toBe(400);
    expect(badUrl.body.message).toBe("callback_urls.0: must be an http or https URL");
  });

  it("lists, reads, changes, regenerates the token of and deletes a hook; others get 404", async () => {
    const created = await alice.post(
      "/api/v4/hooks/outgoing",
      { team_id: team.id, trigger_words: ["crud"], callback_urls: [`${receiverUrl}/crud`] },
      hookSchema,
    );
    const id = created.body.id;
    expect(
      (await alice.get(`/api/v4/hooks/outgoing?team_id=${team.id}&per_page=200`, z.array(hookSchema))).body.map((h) => h.id),
    ).toContain(id);
    expect((await bob.get(`/api/v4/hooks/outgoing/${id}`, apiErrorBodySchema)).body.message).toBe("outgoing webhook not found");
    const changed = await alice.put(
      `/api/v4/hooks/outgoing/${id}`,
      { id, trigger_words: ["crud2"], callback_urls: [`${receiverUrl}/crud`] },
      hookSchema,
    );
    expect(changed.status).toBe(200);
    expect(changed.body.trigger_words).toEqual(["crud2"]);
    const regen = await alice.post(`/api/v4/hooks/outgoing/${id}/regen_token`, {}, hookSchema);
    expect(regen.status).toBe(200);
    expect(regen.body.token).not.toBe(created.body.token);
    expect((await bob.delete(`/api/v4/hooks/outgoing/${id}`)).status).toBe(404);
    expect((await alice.delete(`/api/v4/hooks/outgoing/${id}`)).body).toEqual({ status: "OK" });
    expect((await alice.get(`/api/v4/hooks/outgoing/${id}`)).status).toBe(404);
  });
});

describe("custom slash commands", () => {
  it("POSTs Mattermost's form payload with the token and posts an in_channel answer", async () => {
    answers.set("/deploy", { body: { response_type: "in_channel", text: "Deploying api", username: "ci" } });
    const created = await alice.post(
      "/api/v4/commands",
      {
        team_id: team.id,
        trigger: "deploy",
        url: `${receiverUrl}/deploy`,
        method: "P",
        auto_complete: true,
        auto_complete_desc: "Deploy a service",
      },
      commandSchema,
    );
    expect(created.status).toBe(201);
    const before = received.length;
    const res = await bob.post("/api/v4/commands/execute", { channel_id: ops.id, team_id: team.id, command: "/deploy api --env prod" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ response_type: "in_channel", text: "Deploying api" });
    const call = received.slice(before).find((r) => r.url === "/deploy");
    expect(call?.method).toBe("POST");
    expect(call?.headers.authorization).toBe(`Token ${created.body.token}`);
    expect(Object.fromEntries(new URLSearchParams(call?.body ?? ""))).toMatchObject({
      channel_id: ops.id,
      channel_name: "ops",
      command: "/deploy",
      team_domain: team.name,
      team_id: team.id,
      text: "api --env prod",
      token: created.body.token,
      user_id: bob.user.id,
      user_name: bob.user.username,
    });
    const [post] = await latestPosts(bob, ops.id);
    expect(post).toMatchObject({
      message: "Deploying api",
      user_id: bob.user.id,
      props: { override_username: "ci", from_webhook: "true" },
    });
  });

  it("GETs with the payload in the query and answers a plain-text body ephemerally", async () => {
    answers.set("/status", { body: "all green" });
    const created = await alice.post(
      "/api/v4/commands",
      { team_id: team.id, trigger: "status", url: `${receiverUrl}/status`, method: "G" },
      commandSchema,
    );
    expect(created.status).toBe(201);
    const before = received.length;
    const res = await bob.post("/api/v4/commands/execute", { channel_id: ops.id, team_id: team.id, command: "/status db" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ response_type: "ephemeral", text: "all green" });
    const call = received.slice(before).find((r) => r.url.startsWith("/status?"));
    expect(call?.method).toBe("GET");
    expect(new URL(call?.url ?? "", receiverUrl).searchParams.get("text")).toBe("db");
    answers.set("/status", { status: 500, body: "down" });
    const failed = await bob.post(
      "/api/v4/commands/execute",
      { channel_id: ops.id, team_id: team.id, command: "/status" },
      apiErrorBodySchema,
    );
    expect(failed.status).toBe(400);
    expect(failed.body.message).toBe(`/status failed: 127.0.0.1:${new URL(receiverUrl).port} answered 500`);
  });

  it("goes through the internal-address rule: an unlisted loopback URL is refused", async () => {
    const created = await alice.post(
      "/api/v4/commands",
      { team_id: team.id, trigger: "local", url: "http://127.0.0.1:9/x" },
      commandSchema,
    );
    expect(created.status).toBe(201);
    const res = await bob.post("/api/v4/commands/execute", { channel_id: ops.id, team_id: team.id, command: "/local" }, apiErrorBodySchema);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^\/local failed: http\.fetch: 127\.0\.0\.1 port 9 is an internal address/);
  });

  it("gives a trigger word to one command: built-ins, plugin, workflow and custom triggers are 409s", async () => {
    for (const trigger of ["me", "join", "deploy"]) {
      const res = await alice.post("/api/v4/commands", { team_id: team.id, trigger, url: `${receiverUrl}/x` }, apiErrorBodySchema);
      expect(res.status, trigger).toBe(409);
    }
    const taken = await alice.post(
      "/api/v4/commands",
      { team_id: team.id, trigger: "deploy", url: `${receiverUrl}/x` },
      apiErrorBodySchema,
    );
    expect(taken.body.message).toBe("trigger: /deploy is already a custom command of this team");
    const builtin = await alice.post("/api/v4/commands", { team_id: team.id, trigger: "/ME", url: `${receiverUrl}/x` }, apiErrorBodySchema);
    expect(builtin.body.message).toBe("trigger: /me is already registered by host");
    expect(() =>
      server.host.commands.register("test", { trigger: "deploy", teamId: team.id, description: "", execute: () => ({}) }),
    ).toThrow("trigger: /deploy is already registered by a team's custom command");
    server.host.commands.register("test", { trigger: "plugged", description: "a plugin's", execute: () => ({}) });
    const plugged = await alice.post(
      "/api/v4/commands",
      { team_id: team.id, trigger: "plugged", url: `${receiverUrl}/x` },
      apiErrorBodySchema,
    );
    expect(plugged.status).toBe(409);
    expect(plugged.body.message).toBe("trigger: /plugged is already registered by test");
  });

  it("lists a team's commands, reads, changes, regenerates and deletes one (freeing its trigger); others get 404", async () => {
    const created = await alice.post("/api/v4/commands", { team_id: team.id, trigger: "crud", url: `${receiverUrl}/crud` }, commandSchema);
    const id = created.body.id;
    expect((await alice.get(`/api/v4/teams/${team.id}/commands`, z.array(commandSchema))).body.map((c) => c.trigger)).toContain("crud");
    expect((await bob.get(`/api/v4/teams/${team.id}/commands`, z.array(commandSchema))).body).toEqual([]);
    expect((await bob.get(`/api/v4/commands/${id}`, apiErrorBodySchema)).body.message).toBe("command not found");
    const changed = await alice.put(
      `/api/v4/commands/${id}`,
      { id, trigger: "crud2", url: `${receiverUrl}/crud`, method: "G" },
      commandSchema,
    );
    expect(changed.body).toMatchObject({ trigger: "crud2", method: "G" });
    const regen = await alice.put(`/api/v4/commands/${id}/regen_token`, {}, z.object({ token: z.string() }));
    expect(regen.body.token).not.toBe(created.body.token);
    const offered = await bob.get(`/api/v4/teams/${team.id}/commands/autocomplete`, z.array(commandSchema));
    expect(offered.body.find((c) => c.trigger === "deploy")).toMatchObject({
      token: "",
      auto_complete: true,
      auto_complete_desc: "Deploy a service",
    });
    expect(offered.body.find((c) => c.trigger === "crud2")).toBeUndefined(); // not offered in autocomplete
    expect((await alice.delete(`/api/v4/commands/${id}`)).body).toEqual({ status: "OK" });
    const again = await alice.post("/api/v4/commands", { team_id: team.id, trigger: "crud2", url: `${receiverUrl}/crud` }, commandSchema);
    expect(again.status).toBe(201);
  });
});

describe("built-in slash commands", () => {
  const run = (client: Client, channel: Channel, command: string) =>
    client.post("/api/v4/commands/execute", { channel_id: channel.id, team_id: team.id, command });

  it("/me, /shrug and /echo post as the caller", async () => {
    expect((await run(bob, ops, "/me waves")).status).toBe(200);
    expect((await latestPosts(bob, ops.id))[0]).toMatchObject({ message: "*waves*", user_id: bob.user.id });
    await run(bob, ops, "/shrug oh well");
    expect((await latestPosts(bob, ops.id))[0]?.message).toBe("oh well ¯\\\\\\_(ツ)\\_/¯");
    await run(bob, ops, '/echo "hello there"');
    expect((await latestPosts(bob, ops.id))[0]?.message).toBe("hello there");
  });

  it("/join, /leave, /invite and /kick change membership as the REST routes would", async () => {
    const lobby = await server.createChannel(alice, { teamId: team.id, name: "lobby", type: "O" });
    const joined = await run(bob, ops, "/join ~lobby");
    expect(joined.body).toMatchObject({ goto_location: `/${team.name}/channels/lobby` });
    expect(
      (await bob.get(`/api/v4/channels/${lobby.id}/members`, z.array(z.looseObject({ user_id: z.string() })))).body.map((m) => m.user_id),
    ).toContain(bob.user.id);
    expect((await run(bob, lobby, "/leave")).status).toBe(200);
    const carol = await server.createUser();
    await alice.post(`/api/v4/teams/${team.id}/members`, { user_id: carol.user.id });
    const invited = await run(alice, lobby, `/invite @${carol.user.username}`);
    expect(invited.body).toMatchObject({ text: `@${carol.user.username} added to ~lobby.` });
    const kicked = await run(alice, lobby, `/kick @${carol.user.username}`);
    expect(kicked.body).toMatchObject({ text: `@${carol.user.username} was removed from the channel.` });
    const hidden = await server.createChannel(alice, { teamId: team.id, name: "hidden", type: "P" });
    const refused = await run(bob, ops, "/join ~hidden");
    expect(refused.status).toBe(400);
    expect((refused.body as { message: string }).message).toBe("text: no channel ~hidden you can see in this team");
    expect(hidden.id).toBeTruthy();
  });

  it("/header and /purpose change the channel; /msg opens a direct message; /search and /help answer ephemerally", async () => {
    expect((await run(alice, ops, "/header On call: @alice")).status).toBe(200);
    await run(alice, ops, "/purpose Operations");
    const channel = await alice.get(`/api/v4/channels/${ops.id}`, z.looseObject({ header: z.string(), purpose: z.string() }));
    expect(channel.body).toMatchObject({ header: "On call: @alice", purpose: "Operations" });
    const msg = await run(alice, ops, `/msg @${bob.user.username} ping from alice`);
    expect(msg.body).toMatchObject({ goto_location: `/${team.name}/messages/@${bob.user.username}` });
    const direct = await bob.post("/api/v4/channels/direct", [bob.user.id, alice.user.id], z.looseObject({ id: z.string() }));
    expect((await latestPosts(bob, direct.body.id))[0]?.message).toBe("ping from alice");
    await alice.post("/api/v4/posts", { channel_id: ops.id, message: "zebracorn sighting" });
    const search = await run(alice, ops, "/search zebracorn");
    expect((search.body as { text: string }).text).toMatch(/^Messages matching "zebracorn":\n- \[zebracorn sighting\]\(/);
    const help = await run(alice, ops, "/help");
    expect((help.body as { text: string }).text).toContain("- `/shrug [message]` Adds");
  });
});
