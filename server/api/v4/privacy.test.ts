/**
 * An adversarial review of the core API, written as tests: an outsider — on
 * the team, but not in the private channel — tries every route and every
 * realtime event that could show the channel, its posts or its members; then
 * sessions (deactivation, demotion, logout), admin-only routes, and the
 * cookie's CSRF and HttpOnly rules.
 */
import { WebSocket } from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { apiErrorBodySchema, postListSchema, userSchema } from "#common/wire-schemas.ts";
import type { Channel, Post, Team, User } from "#common/wire.ts";
import { accessTokenSchema, eventually, incomingHookSchema, startTestServer, TestClient, TestSocket, type TestServer } from "#testing";

type Client = TestClient & { user: User };

const NOT_FOUND = "channel not found, or you do not have access to it";

let server: TestServer;
let admin: Client;
/** Insider: member of the private channel. Outsider: on the team only. */
let insider: Client;
let outsider: Client;
let team: Team;
let town: Channel;
let secret: Channel;
let secretPost: Post;

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.admin();
  insider = await server.createUser();
  outsider = await server.createUser();
  team = await server.createTeam(admin);
  town = await server.createChannel(admin, { teamId: team.id });
  for (const u of [insider, outsider]) await server.addToChannel(admin, { channel: town, user: u.user });
  secret = await server.createChannel(insider, { teamId: team.id, name: "secret-plans", type: "P" });
  secretPost = await server.createPost(insider, { channelId: secret.id, message: "the launch code is swordfish" });
});

afterAll(async () => {
  await server?.close();
});

describe("a private channel, seen by a team member who is not in it", () => {
  it("is not found by id, by name, nor among the team's channels", async () => {
    const byId = await outsider.get(`/api/v4/channels/${secret.id}`, apiErrorBodySchema);
    expect(byId.status).toBe(404);
    expect(byId.body.message).toBe(NOT_FOUND);
    const byName = await outsider.get(`/api/v4/teams/${team.id}/channels/name/${secret.name}`, apiErrorBodySchema);
    expect(byName.status).toBe(404);
    expect(byName.body.message).toBe(NOT_FOUND);
    // The same answer as a name that does not exist: no oracle.
    const missing = await outsider.get(`/api/v4/teams/${team.id}/channels/name/no-such-channel`, apiErrorBodySchema);
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe(byName.body.message);
    const browse = await outsider.get(`/api/v4/teams/${team.id}/channels?per_page=200`);
    expect(browse.status).toBe(200);
    expect(JSON.stringify(browse.body)).not.toContain(secret.id);
    const mine = await outsider.get(`/api/v4/users/me/teams/${team.id}/channels`);
    expect(JSON.stringify(mine.body)).not.toContain(secret.id);
  });

  it("does not list another user's channels or memberships", async () => {
    for (const path of [
      `/api/v4/users/${insider.user.id}/teams/${team.id}/channels`,
      `/api/v4/users/${insider.user.id}/teams/${team.id}/channels/members`,
    ]) {
      const res = await outsider.get(path, apiErrorBodySchema);
      expect(res.status).toBe(403);
      expect(res.body.message).toMatch(/only your own/);
    }
  });

  it("shows none of its posts: list, one by id (the permalink's request), paging anchors", async () => {
    const list = await outsider.get(`/api/v4/channels/${secret.id}/posts`, apiErrorBodySchema);
    expect(list.status).toBe(404);
    expect(list.body.message).toBe(NOT_FOUND);
    const one = await outsider.get(`/api/v4/posts/${secretPost.id}`, apiErrorBodySchema);
    expect(one.status).toBe(404);
    expect(one.body.message).toBe("post not found, or you do not have access to it");
    expect(JSON.stringify(one.body)).not.toContain("swordfish");
    // A private post as the anchor of a public channel's page says nothing about it.
    const anchored = await outsider.get(`/api/v4/channels/${town.id}/posts?before=${secretPost.id}`, apiErrorBodySchema);
    expect(anchored.status).toBe(400);
    expect(anchored.body.message).toBe("before: no post with this id in this channel");
  });

  it("shows none of its members, directly or through the user list", async () => {
    const members = await outsider.get(`/api/v4/channels/${secret.id}/members`, apiErrorBodySchema);
    expect(members.status).toBe(404);
    expect(members.body.message).toBe(NOT_FOUND);
    const member = await outsider.get(`/api/v4/channels/${secret.id}/members/${insider.user.id}`);
    expect(member.status).toBe(404);
    for (const filter of ["in_channel", "not_in_channel"]) {
      const users = await outsider.get(`/api/v4/users?${filter}=${secret.id}`, apiErrorBodySchema);
      expect(users.status, filter).toBe(404);
      expect(users.body.message).toBe(`${filter}: ${NOT_FOUND}`);
    }
    // Members and admins still use both filters.
    const asMember = await insider.get(`/api/v4/users?in_channel=${secret.id}`, z.array(userSchema));
    expect(asMember.status).toBe(200);
    expect(asMember.body.map((u: User) => u.id)).toEqual([insider.user.id]);
    const asAdmin = await admin.get(`/api/v4/users?not_in_channel=${secret.id}&in_team=${team.id}`, z.array(userSchema));
    expect(asAdmin.status).toBe(200);
    expect(asAdmin.body.map((u: User) => u.id)).toContain(outsider.user.id);
  });

  it("does not list the members of a team the caller is not in", async () => {
    const closed = await server.createTeam(admin, { type: "I" });
    const stranger = await server.createUser();
    const users = await stranger.get(`/api/v4/users?in_team=${closed.id}`, apiErrorBodySchema);
    expect(users.status).toBe(404);
    expect(users.body.message).toBe("in_team: team not found, or you are not a member of it");
    const own = await outsider.get(`/api/v4/users?in_team=${team.id}`, z.array(userSchema));
    expect(own.status).toBe(200);
    expect(own.body.map((u: User) => u.id)).toContain(insider.user.id);
  });

  it("cannot be joined, posted in, marked read, or hooked", async () => {
    const join = await outsider.post(`/api/v4/channels/${secret.id}/members`, { user_id: outsider.user.id }, apiErrorBodySchema);
    expect(join.status).toBe(404);
    expect(join.body.message).toBe(NOT_FOUND);
    const post = await outsider.post("/api/v4/posts", { channel_id: secret.id, message: "let me in" }, apiErrorBodySchema);
    expect(post.status).toBe(404);
    expect(post.body.message).toBe(`channel_id: ${NOT_FOUND}`);
    const view = await outsider.post("/api/v4/channels/members/me/view", { channel_id: secret.id });
    expect(view.status).toBe(404);
    const hook = await outsider.post("/api/v4/hooks/incoming", { channel_id: secret.id, display_name: "peek" }, apiErrorBodySchema);
    expect(hook.status).toBe(404);
    expect(hook.body.message).toBe(NOT_FOUND);
    const posts = await insider.get(`/api/v4/channels/${secret.id}/posts`, postListSchema);
    expect(Object.values(posts.body.posts as Record<string, Post>).map((p) => p.message)).toEqual(["the launch code is swordfish"]);
  });

  it("answers a slash command sent with its channel_id as if it did not exist", async () => {
    const res = await outsider.post(
      "/api/v4/commands/execute",
      { channel_id: secret.id, team_id: team.id, command: "/echo hi" },
      apiErrorBodySchema,
    );
    expect(res.status).toBe(404);
    expect(res.body.message).toBe(NOT_FOUND);
  });

  it("cannot be reached through a reply whose root is a private post", async () => {
    const reply = await outsider.post(
      "/api/v4/posts",
      { channel_id: town.id, message: "replying", root_id: secretPost.id },
      apiErrorBodySchema,
    );
    expect(reply.status).toBe(400);
    expect(reply.body.message).toBe("root_id: no post with this id in this channel");
  });
});

describe("incoming webhooks and private channels", () => {
  it("never post into a private channel the hook's owner is not in, whatever the payload names", async () => {
    const hook = await outsider.post("/api/v4/hooks/incoming", { channel_id: town.id, display_name: "alerts" }, incomingHookSchema);
    expect(hook.status).toBe(201);
    for (const channel of [secret.name, `#${secret.name}`, `~${secret.name}`]) {
      const res = await server.anonymous.post(`/hooks/${hook.body.id}`, { text: "injected", channel }, apiErrorBodySchema);
      expect(res.status, channel).toBe(404);
      expect(res.body.message).toBe(`channel: "${channel}" not found, or the webhook's owner cannot post there`);
    }
    // A channel that does not exist gets the same answer: the hook is no oracle for names.
    const missing = await server.anonymous.post(
      `/hooks/${hook.body.id}`,
      { text: "injected", channel: "no-such-channel" },
      apiErrorBodySchema,
    );
    expect(missing.body.message).toBe(`channel: "no-such-channel" not found, or the webhook's owner cannot post there`);
    const posts = await insider.get(`/api/v4/channels/${secret.id}/posts`);
    expect(JSON.stringify(posts.body)).not.toContain("injected");
  });

  it("keep working for the hook's own channel", async () => {
    const hook = await insider.post("/api/v4/hooks/incoming", { channel_id: secret.id, display_name: "inside" }, incomingHookSchema);
    expect(hook.status).toBe(201);
    const res = await server.anonymous.post(`/hooks/${hook.body.id}`, { text: "from inside" });
    expect(res.status).toBe(200);
    // The outsider cannot list or read another user's hooks.
    const listed = await outsider.get("/api/v4/hooks/incoming");
    expect(JSON.stringify(listed.body)).not.toContain(hook.body.id);
  });
});

describe("realtime: the outsider's socket", () => {
  it("receives no event about a private channel while insiders act in it", async () => {
    const watcher = await TestSocket.open(server.url, { token: outsider.token });
    const member = await TestSocket.open(server.url, { token: insider.token });
    const other = await server.createUser();
    await server.addToChannel(admin, { channel: town, user: other.user });
    // Insiders make a private channel, add someone, and both post in it.
    const hidden = await server.createChannel(insider, { teamId: team.id, name: "hidden-ops", type: "P" });
    await server.addToChannel(insider, { channel: hidden, user: other.user });
    await server.createPost(insider, { channelId: hidden.id, message: "whisper-7f3 in the hidden channel" });
    await server.createPost(other, { channelId: hidden.id, message: "whisper-7f3 again" });
    // A public post after all of it: deliveries keep their order, so when it arrives, everything before has.
    await server.createPost(insider, { channelId: town.id, message: "public-marker" });
    await eventually(() => watcher.text().includes("public-marker"), { ms: 5000, what: "the public marker" });
    await eventually(() => member.text().includes("public-marker"), { ms: 5000, what: "the insider's public marker" });
    expect(watcher.text()).not.toContain(hidden.id);
    expect(watcher.text()).not.toContain("whisper-7f3");
    expect(watcher.text()).not.toContain("hidden-ops");
    // The insider did see them: the probe works.
    expect(member.text()).toContain("whisper-7f3");
    expect(member.frames.some((f) => f.event === "channel_created" && f.data?.channel_id === hidden.id)).toBe(true);
    expect(watcher.frames.some((f) => f.event === "channel_created" && f.data?.channel_id === hidden.id)).toBe(false);
    expect(watcher.frames.some((f) => f.event === "user_added" && f.data?.channel_id === hidden.id)).toBe(false);
    await watcher.close();
    await member.close();
  });

  it("cannot sign in with someone else's cookie from another site", async () => {
    const login = await server.anonymous.post("/api/v4/users/login", { login_id: insider.user.username, password: "password-123" });
    const token = login.headers.get("token")!;
    const ws = new WebSocket(`${server.url.replace("http", "ws")}/api/v4/websocket`, {
      headers: { cookie: `MMAUTHTOKEN=${token}`, origin: "https://evil.example" },
    });
    const status = await new Promise<number>((resolve) => {
      ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.on("open", () => resolve(101));
    });
    expect(status).toBe(403);
  });
});

describe("sessions end at once", () => {
  it("a deactivated user's session and personal token stop working, and their socket closes", async () => {
    const victim = await server.createUser();
    const pat = await victim.post(`/api/v4/users/${victim.user.id}/tokens`, { description: "ci" }, accessTokenSchema);
    expect(pat.status).toBe(201);
    const patClient = new TestClient(server.url, pat.body.token);
    expect((await patClient.get("/api/v4/users/me")).status).toBe(200);
    const socket = await TestSocket.open(server.url, { token: victim.token });
    const off = await admin.delete(`/api/v4/users/${victim.user.id}`);
    expect(off.status).toBe(200);
    for (const client of [victim, patClient]) {
      const me = await client.get("/api/v4/users/me", apiErrorBodySchema);
      expect(me.status).toBe(401);
      expect(me.body.message).toBe("You must be signed in to do that.");
    }
    await eventually(() => socket.closed !== null, { ms: 5000, what: "the socket to close" });
    expect(socket.closed?.code).toBe(4001);
    // A new socket with the old token is never signed in.
    const again = await TestSocket.open(server.url);
    const replies = again.frames;
    again.send("authentication_challenge", { token: victim.token });
    await eventually(() => replies.length > 0, { ms: 5000, what: "a reply" });
    expect(replies[0]).toMatchObject({ status: "FAIL", seq_reply: 1 });
    await again.close();
    const login = await server.anonymous.post(
      "/api/v4/users/login",
      { login_id: victim.user.username, password: "password-123" },
      apiErrorBodySchema,
    );
    expect(login.status).toBe(401);
    expect(login.body.message).toBe("Login failed because your account has been deactivated.");
  });

  it("a demoted admin loses admin routes at once", async () => {
    const deputy = await server.createUser({ admin: true });
    expect((await deputy.get("/api/v4/plugins")).status).toBe(200);
    expect((await admin.put(`/api/v4/users/${deputy.user.id}/roles`, { roles: "system_user" })).status).toBe(200);
    const res = await deputy.get("/api/v4/plugins", apiErrorBodySchema);
    expect(res.status).toBe(403);
    expect(res.body.message).toBe("Only system admins may do that.");
    // Nor can they read private channels any longer.
    expect((await deputy.get(`/api/v4/channels/${secret.id}`)).status).toBe(404);
  });

  it("logout ends the session and its socket", async () => {
    const leaver = await server.createUser();
    const socket = await TestSocket.open(server.url, { token: leaver.token });
    expect((await leaver.post("/api/v4/users/logout")).status).toBe(200);
    expect((await leaver.get("/api/v4/users/me")).status).toBe(401);
    await eventually(() => socket.closed !== null, { ms: 5000, what: "the socket to close" });
  });
});

describe("admin-only routes", () => {
  it("refuse a signed-in user who is not a system admin, and anonymous callers", async () => {
    const routes: Array<[string, string, unknown?]> = [
      ["GET", "/api/v4/plugins"],
      ["POST", "/api/v4/plugins/incident/enable"],
      ["POST", "/api/v4/plugins/incident/disable"],
      ["DELETE", "/api/v4/plugins/incident?purge=true"],
      ["GET", "/api/v4/plugins/incident/settings"],
      ["PUT", "/api/v4/plugins/incident/settings", { x: 1 }],
      ["PUT", `/api/v4/users/${outsider.user.id}/roles`, { roles: "system_admin system_user" }],
    ];
    for (const [method, path, body] of routes) {
      const res = await outsider.request(method, path, body, {}, apiErrorBodySchema);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.message).toBe("Only system admins may do that.");
      const anon = await server.anonymous.request(method, path, body);
      expect(anon.status, `anonymous ${method} ${path}`).toBe(401);
    }
    const form = new FormData();
    form.append("plugin", new Blob([new Uint8Array([1, 2, 3])]), "x.tar.gz");
    const upload = await outsider.request("POST", "/api/v4/plugins", form);
    expect(upload.status).toBe(403);
    expect((await outsider.get("/api/v4/users/me", userSchema)).body.roles).toBe("system_user");
  });

  it("nobody becomes an admin or a bot by asking at sign-up, or by granting themselves the role", async () => {
    const res = await server.anonymous.post(
      "/api/v4/users",
      {
        username: "climber",
        email: "climber@example.com",
        password: "password-123",
        roles: "system_admin system_user",
        is_bot: true,
        id: "a".repeat(26),
      },
      userSchema,
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ username: "climber", roles: "system_user", is_bot: false });
    expect(res.body.id).not.toBe("a".repeat(26));
    const self = await outsider.put(`/api/v4/users/${outsider.user.id}/roles`, { roles: "system_admin" });
    expect(self.status).toBe(403);
    expect((await outsider.get("/api/v4/users/me", userSchema)).body.roles).toBe("system_user");
  });

  it("a user cannot deactivate, or mint tokens for, someone else", async () => {
    const del = await outsider.delete(`/api/v4/users/${insider.user.id}`, apiErrorBodySchema);
    expect(del.status).toBe(403);
    expect(del.body.message).toBe("Only system admins may deactivate other users.");
    const token = await outsider.post(`/api/v4/users/${insider.user.id}/tokens`, { description: "mine now" }, apiErrorBodySchema);
    expect(token.status).toBe(403);
    expect(token.body.message).toBe("You may create tokens only for yourself.");
  });

  it("hides other people's email addresses", async () => {
    const one = await outsider.get(`/api/v4/users/${insider.user.id}`, userSchema);
    expect(one.body.email).toBe("");
    const many = await outsider.post("/api/v4/users/ids", [insider.user.id], z.array(userSchema));
    expect(many.body[0]?.email).toBe("");
    const listed = await outsider.get(`/api/v4/users?in_team=${team.id}`, z.array(userSchema));
    expect(listed.body.filter((u: User) => u.id !== outsider.user.id).every((u: User) => u.email === "")).toBe(true);
  });
});

describe("the session cookie", () => {
  async function cookieLogin(client: Client): Promise<{ cookies: string[]; header: string; csrf: string }> {
    const res = await fetch(`${server.url}/api/v4/users/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ login_id: client.user.username, password: "password-123" }),
    });
    const cookies = res.headers.getSetCookie();
    const value = (name: string) =>
      cookies
        .find((c) => c.startsWith(`${name}=`))
        ?.split(";")[0]
        ?.split("=")[1] ?? "";
    return { cookies, header: `MMAUTHTOKEN=${value("MMAUTHTOKEN")}; MMCSRF=${value("MMCSRF")}`, csrf: value("MMCSRF") };
  }

  it("is HttpOnly; the CSRF cookie is readable by the page", async () => {
    const { cookies } = await cookieLogin(insider);
    const session = cookies.find((c) => c.startsWith("MMAUTHTOKEN="))!;
    expect(session).toMatch(/;\s*HttpOnly/i);
    expect(session).toMatch(/;\s*SameSite=Lax/i);
    const csrf = cookies.find((c) => c.startsWith("MMCSRF="))!;
    expect(csrf).not.toMatch(/HttpOnly/i);
  });

  const me = (cookie: string) => fetch(`${server.url}/api/v4/users/me`, { headers: { cookie } });

  // Issue 11: refused with Mattermost's own refusal, a 401 api.context.session_expired.app_error (was a 403);
  // X-Requested-With, which Mattermost accepts by default, is not enough (a deliberate difference).
  it("signs in reads, but writes need the X-CSRF-Token header", async () => {
    const { header, csrf } = await cookieLogin(insider);
    const read = await fetch(`${server.url}/api/v4/channels/${secret.id}`, { headers: { cookie: header } });
    expect(read.status).toBe(200);
    const body = JSON.stringify({ channel_id: secret.id, message: "forged" });
    const refusals: Array<Record<string, string>> = [
      {},
      { "x-csrf-token": "wrong" },
      { "x-csrf-token": "" },
      { "x-requested-with": "XMLHttpRequest" },
    ];
    for (const extra of refusals) {
      const res = await fetch(`${server.url}/api/v4/posts`, {
        method: "POST",
        headers: { cookie: header, "content-type": "application/json", ...extra },
        body,
      });
      expect(res.status).toBe(401);
      expect((await res.json()) as unknown).toMatchObject({
        id: "api.context.session_expired.app_error",
        message: "X-CSRF-Token: missing or does not match the session; requests signed in by cookie must send it.",
        status_code: 401,
        request_id: res.headers.get("x-request-id"),
      });
    }
    // Plugin routes and deletes are writes too.
    const del = await fetch(`${server.url}/api/v4/users/${insider.user.id}`, { method: "DELETE", headers: { cookie: header } });
    expect(del.status).toBe(401);
    const plugin = await fetch(`${server.url}/plugins/incident/api/v1/incidents`, {
      method: "POST",
      headers: { cookie: header, "content-type": "application/json" },
      body: JSON.stringify({ name: "x", team_id: team.id }),
    });
    expect(plugin.status).toBe(401);
    expect((await me(header)).status).toBe(200);
    const ok = await fetch(`${server.url}/api/v4/posts`, {
      method: "POST",
      headers: { cookie: header, "content-type": "application/json", "x-csrf-token": csrf },
      body,
    });
    expect(ok.status).toBe(201);
    // Another session's CSRF token does not do.
    const other = await cookieLogin(outsider);
    const mixed = await fetch(`${server.url}/api/v4/posts`, {
      method: "POST",
      headers: { cookie: header, "content-type": "application/json", "x-csrf-token": other.csrf },
      body,
    });
    expect(mixed.status).toBe(401);
  });
});
