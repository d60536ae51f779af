/**
 * The wire schemas against the real server: each schema parses what the
 * server actually answers or sends, so a change on either side that makes
 * them disagree fails here (and not in a browser).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { exampleBundle, startTestServer, TestSocket, upload, type TestClient, type TestServer } from "#testing";
import type { Channel, Team, User } from "./wire.ts";
import {
  apiErrorBodySchema,
  channelMemberSchema,
  channelSchema,
  slashCommandSchema,
  commandResponseSchema,
  dialogSubmitResultSchema,
  jsonStringOf,
  membershipEventDataSchema,
  openDialogEventDataSchema,
  pluginListSchema,
  pluginManifestSummarySchema,
  postedEventDataSchema,
  postListSchema,
  postSchema,
  teamMemberSchema,
  teamSchema,
  userSchema,
  webappPluginSchema,
  webSocketEventSchema,
} from "./wire-schemas.ts";

type Client = TestClient & { user: User };

/** Parses `value` with `schema`; on a mismatch the test fails listing the issues. */
function parsed<T>(schema: z.ZodMiniType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  expect(result.success ? [] : result.error.issues).toEqual([]);
  return result.data as T;
}

let server: TestServer;
let admin: Client;
let alice: Client;
let bob: Client;
let team: Team;
let channel: Channel;

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.admin();
  alice = await server.createUser();
  bob = await server.createUser();
  team = await server.createTeam(alice);
  channel = await server.createChannel(alice, { teamId: team.id });
});
afterAll(async () => server.close());

describe("wire schemas parse what the server answers", () => {
  it("User: sign-up, login, me, by id and username, lists, and another person's (email hidden)", async () => {
    const created = await server.anonymous.post("/api/v4/users", {
      username: "wireuser",
      email: "wireuser@example.com",
      password: "password-123",
    });
    expect(created.status).toBe(201);
    parsed(userSchema, created.body);
    const login = await server.anonymous.post("/api/v4/users/login", { login_id: "wireuser", password: "password-123" });
    expect(login.status).toBe(200);
    expect(parsed(userSchema, login.body).username).toBe("wireuser");
    expect(parsed(userSchema, (await alice.get("/api/v4/users/me")).body).id).toBe(alice.user.id);
    const other = parsed(userSchema, (await alice.get(`/api/v4/users/${bob.user.id}`)).body);
    expect(other.email).toBe("");
    parsed(userSchema, (await alice.get(`/api/v4/users/username/${bob.user.username}`)).body);
    expect(parsed(z.array(userSchema), (await alice.get("/api/v4/users?per_page=200")).body).length).toBeGreaterThanOrEqual(4);
    parsed(z.array(userSchema), (await alice.get(`/api/v4/users?in_team=${team.id}&per_page=200`)).body);
    expect(parsed(z.array(userSchema), (await alice.post("/api/v4/users/ids", [bob.user.id, admin.user.id])).body)).toHaveLength(2);
  });

  it("Team and TeamMember: create, lists, by name and id, join, members", async () => {
    const created = await alice.post("/api/v4/teams", { name: "wire-team", display_name: "Wire team", type: "O" });
    expect(created.status).toBe(201);
    const wireTeam = parsed(teamSchema, created.body);
    parsed(z.array(teamSchema), (await alice.get("/api/v4/users/me/teams")).body);
    parsed(z.array(teamSchema), (await bob.get("/api/v4/teams")).body);
    parsed(teamSchema, (await alice.get("/api/v4/teams/name/wire-team")).body);
    parsed(teamSchema, (await alice.get(`/api/v4/teams/${wireTeam.id}`)).body);
    const joined = await bob.post(`/api/v4/teams/${wireTeam.id}/members`, { team_id: wireTeam.id, user_id: bob.user.id });
    expect(joined.status).toBe(201);
    parsed(teamMemberSchema, joined.body);
    expect(parsed(z.array(teamMemberSchema), (await alice.get(`/api/v4/teams/${wireTeam.id}/members`)).body)).toHaveLength(2);
  });

  it("Channel and ChannelMember: create, by id and name, lists, join, members, unread state", async () => {
    const created = await alice.post("/api/v4/channels", {
      team_id: team.id,
      name: "wire-private",
      display_name: "Wire private",
      type: "P",
      purpose: "for the schema test",
    });
    expect(created.status).toBe(201);
    const priv = parsed(channelSchema, created.body);
    expect(priv.type).toBe("P");
    parsed(channelSchema, (await alice.get(`/api/v4/channels/${channel.id}`)).body);
    parsed(channelSchema, (await alice.get(`/api/v4/teams/${team.id}/channels/name/${channel.name}`)).body);
    parsed(z.array(channelSchema), (await alice.get(`/api/v4/users/me/teams/${team.id}/channels`)).body);
    parsed(z.array(channelSchema), (await alice.get(`/api/v4/teams/${team.id}/channels?per_page=200`)).body);
    await bob.post(`/api/v4/teams/${team.id}/members`, { team_id: team.id, user_id: bob.user.id });
    const joined = await bob.post(`/api/v4/channels/${channel.id}/members`, { user_id: bob.user.id });
    expect(joined.status).toBe(201);
    parsed(channelMemberSchema, joined.body);
    parsed(z.array(channelMemberSchema), (await bob.get(`/api/v4/users/me/teams/${team.id}/channels/members`)).body);
    parsed(z.array(channelMemberSchema), (await alice.get(`/api/v4/channels/${channel.id}/members`)).body);
    parsed(channelMemberSchema, (await alice.get(`/api/v4/channels/${channel.id}/members/${bob.user.id}`)).body);
  });

  it("Post and PostList: create (with props), by id, a channel's pages", async () => {
    const created = await alice.post("/api/v4/posts", {
      channel_id: channel.id,
      message: "schema check",
      props: { attachments: [{ title: "CPU high", text: "on db-prod" }] },
    });
    expect(created.status).toBe(201);
    const post = parsed(postSchema, created.body);
    parsed(postSchema, (await bob.get(`/api/v4/posts/${post.id}`)).body);
    for (let i = 0; i < 3; i++) await server.createPost(alice, { channelId: channel.id, message: `page ${i}` });
    const page = parsed(postListSchema, (await bob.get(`/api/v4/channels/${channel.id}/posts?per_page=2`)).body);
    expect(page.order).toHaveLength(2);
    expect(page.prev_post_id).not.toBe("");
    parsed(postListSchema, (await bob.get(`/api/v4/channels/${channel.id}/posts?before=${page.order[1]}&per_page=60`)).body);
  });

  it("ApiErrorBody: 400, 401, 403, 404 and 409 (with details)", async () => {
    const bad = await alice.post("/api/v4/channels", { team_id: team.id, name: "x", display_name: "X", type: "O" });
    expect(bad.status).toBe(400);
    expect(parsed(apiErrorBodySchema, bad.body).message).toMatch(/^name: /);
    const anonymous = await server.anonymous.get("/api/v4/users/me");
    expect(anonymous.status).toBe(401);
    parsed(apiErrorBodySchema, anonymous.body);
    parsed(apiErrorBodySchema, (await alice.get("/api/v4/plugins")).body);
    parsed(apiErrorBodySchema, (await alice.get("/api/v4/posts/aaaaaaaaaaaaaaaaaaaaaaaaaa")).body);
    const unknown = await alice.post("/api/v4/commands/execute", { channel_id: channel.id, team_id: team.id, command: "/nosuchcommand" });
    expect(unknown.status).toBe(404);
    expect(parsed(apiErrorBodySchema, unknown.body).message).toBe("Command with a trigger of '/nosuchcommand' not found.");
  });

  it("plugins: the upload's manifest, the admin list, the web bundles; commands, their answers and dialogs", async () => {
    const uploaded = await upload(admin, await exampleBundle());
    expect(uploaded.status).toBe(201);
    expect(parsed(pluginManifestSummarySchema, uploaded.body).id).toBe("example");
    expect(parsed(pluginListSchema, (await admin.get("/api/v4/plugins")).body).inactive.map((p) => p.id)).toEqual(["example"]);
    expect((await admin.post("/api/v4/plugins/example/enable")).status).toBe(200);
    const list = parsed(pluginListSchema, (await admin.get("/api/v4/plugins")).body);
    expect(list.active.map((p) => p.id)).toEqual(["example"]);
    const webapps = parsed(z.array(webappPluginSchema), (await alice.get("/api/v4/plugins/webapp")).body);
    expect(webapps.map((p) => p.id)).toEqual(["example"]);

    const autocomplete = parsed(z.array(slashCommandSchema), (await alice.get("/api/v4/commands/autocomplete")).body);
    expect(autocomplete.find((c) => c.trigger === "example")?.autocomplete_data?.SubCommands.length).toBeGreaterThan(0);
    parsed(z.array(slashCommandSchema), (await alice.get(`/api/v4/teams/${team.id}/commands/autocomplete`)).body);
    const execute = (command: string) => alice.post("/api/v4/commands/execute", { channel_id: channel.id, team_id: team.id, command });
    expect(parsed(commandResponseSchema, (await execute("/example ephemeral")).body).response_type).toBe("ephemeral");
    expect(parsed(commandResponseSchema, (await execute("/example channel wire-made")).body).goto_location).toBe(
      `/${team.name}/channels/wire-made`,
    );

    const socket = await TestSocket.open(alice.baseUrl, { headers: { authorization: `Bearer ${alice.token}` }, waitForHello: true });
    try {
      expect((await execute("/example dialog")).status).toBe(200);
      const opened = parsed(webSocketEventSchema, await socket.waitFor("open_dialog"));
      const { dialog } = parsed(openDialogEventDataSchema, opened.data);
      expect(dialog.elements.map((e) => e.name)).toEqual(["summary"]);
      const submit = (summary: string) =>
        alice.post("/api/v4/actions/dialogs/submit", {
          callback_id: dialog.callback_id,
          channel_id: channel.id,
          team_id: team.id,
          submission: { summary },
        });
      expect(parsed(dialogSubmitResultSchema, (await submit("bad")).body).errors).toEqual({ summary: "Summary must not be bad." });
      expect(parsed(dialogSubmitResultSchema, (await submit("fine")).body)).toEqual({});
    } finally {
      await socket.close();
    }
    expect((await admin.post("/api/v4/plugins/example/disable")).status).toBe(200);
  });

  it("WebSocket: the envelope of every event the web app reads, and each one's data", async () => {
    const socket = await TestSocket.open(alice.baseUrl, { headers: { authorization: `Bearer ${alice.token}` }, waitForHello: true });
    try {
      parsed(webSocketEventSchema, await socket.waitFor("hello"));
      const post = await server.createPost(bob, { channelId: channel.id, message: "over the socket" });
      const posted = parsed(webSocketEventSchema, await socket.waitFor("posted"));
      expect(parsed(postedEventDataSchema, posted.data).post).toEqual(post);

      await alice.post("/api/v4/channels", { team_id: team.id, name: "wire-public", display_name: "Wire public", type: "O" });
      parsed(membershipEventDataSchema, parsed(webSocketEventSchema, await socket.waitFor("channel_created")).data);

      const carol = await server.createUser();
      const other = await server.createTeam(carol);
      await carol.post(`/api/v4/teams/${other.id}/members`, { team_id: other.id, user_id: alice.user.id });
      const added = parsed(membershipEventDataSchema, parsed(webSocketEventSchema, await socket.waitFor("added_to_team")).data);
      expect(added).toMatchObject({ team_id: other.id, user_id: alice.user.id });
      const town = await alice.get(`/api/v4/teams/${other.id}/channels/name/town-square`, channelSchema);
      const carolChannel = await server.createChannel(carol, { teamId: other.id });
      await carol.post(`/api/v4/channels/${carolChannel.id}/members`, { user_id: alice.user.id });
      const userAdded = parsed(membershipEventDataSchema, parsed(webSocketEventSchema, await socket.waitFor("user_added")).data);
      expect([town.body.id, carolChannel.id]).toContain(userAdded.channel_id);
    } finally {
      await socket.close();
    }
  });
});

describe("wire schemas refuse drift", () => {
  it("keeps fields they do not name, refuses a missing or mistyped one", async () => {
    const me = (await alice.get("/api/v4/users/me")).body as Record<string, unknown>;
    expect(userSchema.parse({ ...me, locale: "en", timezone: { useAutomaticTimezone: "true" } })).toMatchObject({ locale: "en" });
    const { nickname: _, ...missing } = me;
    expect(userSchema.safeParse(missing).error?.issues.map((i) => i.path.join("."))).toEqual(["nickname"]);
    expect(userSchema.safeParse({ ...me, create_at: String(me.create_at) }).error?.issues.map((i) => i.path.join("."))).toEqual([
      "create_at",
    ]);
    expect(teamSchema.safeParse({ ...team, type: "X" }).success).toBe(false);
  });

  it("reads a post inside a WebSocket event only when it is JSON of a post", () => {
    const post = {
      id: "p",
      channel_id: "c",
      user_id: "u",
      root_id: "",
      message: "hi",
      type: "",
      props: {},
      create_at: 1,
      update_at: 1,
      edit_at: 0,
      delete_at: 0,
    };
    expect(jsonStringOf(postSchema).parse(JSON.stringify(post))).toEqual(post);
    expect(jsonStringOf(postSchema).safeParse("{not json").error?.issues[0]?.message).toBe("is not valid JSON");
    expect(jsonStringOf(postSchema).safeParse(JSON.stringify({ ...post, id: 1 })).success).toBe(false);
    expect(postedEventDataSchema.safeParse({ post }).success).toBe(false);
  });
});
