import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  apiErrorBodySchema,
  channelSchema,
  slashCommandSchema,
  commandResponseSchema,
  pluginListSchema,
  postSchema,
  webappPluginSchema,
} from "#common/wire-schemas.ts";
import type { Channel, Team } from "#common/wire.ts";
import { sql } from "../db/index.ts";
import { exampleBundle, expectBody, startTestServer, TestSocket, upload, type TestClient, type TestServer } from "#testing";

/** The example plugin's notes, as its routes answer them. */
const noteSchema = z.looseObject({ id: z.string(), text: z.string(), tags: z.optional(z.array(z.string())) });
const notesSchema = z.looseObject({ items: z.array(noteSchema), count: z.number() });
/** `GET /plugins/example/api/v1/state`: what the plugin saw at activation. */
const stateSchema = z.looseObject({ bot_id: z.string() });

let server: TestServer;
let admin: TestClient;
let team: Team;
let channel: Channel;

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.admin();
  team = await server.createTeam(admin);
  channel = await server.createChannel(admin, { teamId: team.id });
});
afterAll(async () => server.close());

const command = (client: TestClient, line: string, channelId = channel.id) =>
  client.post("/api/v4/commands/execute", { channel_id: channelId, team_id: team.id, command: line });

async function tables(): Promise<string[]> {
  const rows =
    server.host.dialect === "postgres"
      ? (
          await sql<{
            name: string;
          }>`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()`.execute(server.host.db)
        ).rows
      : (await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table'`.execute(server.host.db)).rows;
  return rows
    .map((r) => r.name)
    .filter((n) => n.includes("example"))
    .sort();
}

async function kvKeys(): Promise<string[]> {
  const rows = await server.host.db.selectFrom("plugin_kv").select("key").where("plugin_id", "=", "example").orderBy("key").execute();
  return rows.map((r) => r.key);
}

/** Installed (replacing any version) and enabled. */
async function installEnabled(): Promise<void> {
  const up = await upload(admin, await exampleBundle(), { force: true });
  expect(up.status).toBe(201);
  const enabled = await admin.post("/api/v4/plugins/example/enable");
  expect(enabled.status).toBe(200);
}

describe("plugin lifecycle", () => {
  it("uploads, enables, runs, disables, re-enables, uninstalls, reinstalls and purges, keeping data until the purge", async () => {
    const socket = await TestSocket.of(admin);
    const up = await upload(admin, await exampleBundle());
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({
      id: "example",
      name: "Example",
      version: "1.0.0",
      server: { entry: "server/index.js" },
      web: { entry: "web/index.js" },
    });
    let list = await admin.get("/api/v4/plugins");
    expect(list.status).toBe(200);
    expect(expectBody(list, pluginListSchema).active).toEqual([]);
    expect(expectBody(list, pluginListSchema).inactive).toEqual([
      {
        id: "example",
        name: "Example",
        version: "1.0.0",
        description: expect.stringContaining("Exercises"),
        active: false,
        enabled: false,
      },
    ]);

    // Enable: activate() runs, registrations appear, browsers are told.
    expect((await admin.post("/api/v4/plugins/example/enable")).body).toEqual({ status: "OK" });
    expect((await socket.waitFor("plugin_enabled")).data?.manifest).toMatchObject({ id: "example", version: "1.0.0" });
    list = await admin.get("/api/v4/plugins");
    expect(expectBody(list, pluginListSchema).active.map((p: { id: string }) => p.id)).toEqual(["example"]);

    const hello = await command(admin, "/example");
    expect(hello.status).toBe(200);
    expect(expectBody(hello, commandResponseSchema).text).toBe(`hello, ${admin.user!.username}`);
    const noted = await command(admin, '/example note "first note"');
    expect(noted.status).toBe(200);
    expect(expectBody(noted, commandResponseSchema).text).toMatch(/^noted n/);
    const created = await admin.post("/plugins/example/api/v1/notes", { text: "second note", tags: ["db"] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ text: "second note", author_id: admin.user!.id });
    const notes = await admin.get("/plugins/example/api/v1/notes");
    expect(notes.status).toBe(200);
    expect(expectBody(notes, notesSchema).items.map((n: { text: string }) => n.text)).toEqual(["first note", "second note"]);
    expect(expectBody(notes, notesSchema).items[1]?.tags).toEqual(["db"]);
    expect(expectBody(notes, notesSchema).count).toBe(2);
    expect((await admin.get("/plugins/example/api/v1/notes/latest", noteSchema)).body.id).toBe(expectBody(created, noteSchema).id);
    expect((await admin.get(`/plugins/example/api/v1/notes/${expectBody(created, noteSchema).id}`, noteSchema)).body.text).toBe(
      "second note",
    );

    const post = await server.createPost(admin, { channelId: channel.id, message: "seen by the hook" });
    await server.host.hooks.idle();
    expect((await admin.get("/plugins/example/api/v1/kv/posted:last")).body).toEqual({ value: post.id });
    expect(await tables()).toEqual(["example_notes", "example_tags", "migrations_plugin_example"]);

    // Disable: every registration goes, deactivate() ran, data stays.
    socket.forget();
    expect((await admin.post("/api/v4/plugins/example/disable")).body).toEqual({ status: "OK" });
    expect((await socket.waitFor("plugin_disabled")).data?.manifest).toMatchObject({ id: "example" });
    const gone = await command(admin, "/example");
    expect(gone.status).toBe(404);
    expect(expectBody(gone, apiErrorBodySchema).message).toBe("Command with a trigger of '/example' not found.");
    const route = await admin.get("/plugins/example/api/v1/notes");
    expect(route.status).toBe(404);
    expect(route.body).toMatchObject({
      id: "app.plugin.not_found",
      message: 'Plugin "example" is not installed or not enabled.',
      status_code: 404,
    });
    const unseen = await server.createPost(admin, { channelId: channel.id, message: "no hook sees this" });
    await server.host.hooks.idle();
    const lastSeen = await server.host.db
      .selectFrom("plugin_kv")
      .select("value")
      .where("plugin_id", "=", "example")
      .where("key", "=", "posted:last")
      .executeTakeFirstOrThrow();
    expect(JSON.parse(lastSeen.value)).toBe(post.id);
    expect(JSON.parse(lastSeen.value)).not.toBe(unseen.id);
    expect(await kvKeys()).toContain("deactivated_at");
    expect(
      (await admin.get("/api/v4/commands/autocomplete", z.array(slashCommandSchema))).body.map((c: { trigger: string }) => c.trigger),
    ).not.toContain("example");

    // Enable again: the data is all there; the tracked disposable was disposed once.
    expect((await admin.post("/api/v4/plugins/example/enable")).status).toBe(200);
    expect((await admin.get("/plugins/example/api/v1/notes", notesSchema)).body.count).toBe(2);
    const state = await admin.get("/plugins/example/api/v1/state");
    expect(state.body).toMatchObject({
      activations: 2,
      tracked_disposals: 1,
      manifest_id: "example",
      dialect: server.host.dialect,
      site_url: server.config.siteUrl,
    });

    // Uninstall keeps data; a reinstall finds it.
    socket.forget();
    expect((await admin.delete("/api/v4/plugins/example")).body).toEqual({ status: "OK" });
    await socket.waitFor("plugin_disabled");
    list = await admin.get("/api/v4/plugins");
    expect(list.body).toEqual({ active: [], inactive: [] });
    expect((await admin.get("/plugins/example/api/v1/notes")).status).toBe(404);
    expect(await tables()).toContain("example_notes");
    expect(await kvKeys()).toContain("notes:count");
    const again = await upload(admin, await exampleBundle());
    expect(again.status).toBe(201);
    expect((await admin.post("/api/v4/plugins/example/enable")).status).toBe(200);
    expect((await admin.get("/plugins/example/api/v1/notes", notesSchema)).body.items.map((n: { text: string }) => n.text)).toEqual([
      "first note",
      "second note",
    ]);

    // Purge: tables, migration bookkeeping and KV rows go.
    expect((await admin.delete("/api/v4/plugins/example?purge=true")).body).toEqual({ status: "OK" });
    expect(await tables()).toEqual([]);
    expect(await kvKeys()).toEqual([]);
    await installEnabled();
    expect((await admin.get("/plugins/example/api/v1/notes")).body).toEqual({ items: [], count: 0 });
    await socket.close();
  });

  it("answers 404 naming the plugin when uninstalling or enabling one that is not installed", async () => {
    for (const [method, path] of [
      ["POST", "/api/v4/plugins/nothere/enable"],
      ["POST", "/api/v4/plugins/nothere/disable"],
      ["DELETE", "/api/v4/plugins/nothere"],
      ["DELETE", "/api/v4/plugins/nothere?purge=true"],
    ] as const) {
      const res = await admin.request(method, path);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({
        id: "app.plugin.not_installed.app_error",
        message: 'Plugin "nothere" is not installed.',
        status_code: 404,
      });
    }
  });
});

describe("hooks", () => {
  beforeAll(installEnabled);

  it("posts through a throwing or hanging messageWillBePosted hook, unchanged and quickly", async () => {
    for (const message of ["hook:throw here", "hook:hang here"]) {
      const started = Date.now();
      const res = await admin.post("/api/v4/posts", { channel_id: channel.id, message });
      expect(res.status).toBe(201);
      expect(expectBody(res, postSchema).message).toBe(message);
      expect(Date.now() - started).toBeLessThan(1500);
    }
  });

  it("posts at once despite a throwing or hanging onMessagePosted hook", async () => {
    for (const message of ["posted:throw here", "posted:hang here"]) {
      const started = Date.now();
      const res = await admin.post("/api/v4/posts", { channel_id: channel.id, message });
      expect(res.status).toBe(201);
      expect(Date.now() - started).toBeLessThan(400);
    }
    const started = Date.now();
    await server.host.hooks.idle();
    expect(Date.now() - started).toBeLessThan(1500);
    expect((await admin.get(`/api/v4/channels/${channel.id}/posts`)).status).toBe(200);
  });

  it("lets a hook reject a post with its message, or change it per the plugin's settings", async () => {
    const rejected = await admin.post("/api/v4/posts", { channel_id: channel.id, message: "a forbidden-word" });
    expect(rejected.status).toBe(400);
    expect(rejected.body).toMatchObject({
      id: "api.post.rejected_by_plugin",
      message: "The example plugin does not allow forbidden-word.",
      details: { plugin_id: "example" },
    });
    expect((await admin.post("/api/v4/posts", { channel_id: channel.id, message: "shout: quiet" }, postSchema)).body.message).toBe(
      "shout: quiet",
    );
    const settings = await admin.put("/api/v4/plugins/example/settings", { shout: true, greeting: "hi" });
    expect(settings.status).toBe(200);
    expect(settings.body).toEqual({ shout: true, greeting: "hi" });
    expect((await admin.get("/plugins/example/api/v1/settings")).body).toEqual({ shout: true, greeting: "hi" });
    expect((await admin.post("/api/v4/posts", { channel_id: channel.id, message: "shout: loud" }, postSchema)).body.message).toBe(
      "SHOUT: LOUD",
    );
    expect(expectBody(await command(admin, "/example"), commandResponseSchema).text).toBe(`hi, ${admin.user!.username}`);
    const bad = await admin.put("/api/v4/plugins/example/settings", { shout: "yes", colour: "red" }, apiErrorBodySchema);
    expect(bad.status).toBe(400);
    expect(expectBody(bad, apiErrorBodySchema).message).toBe("shout: must be a boolean; colour: is not a setting of example");
    expect((await admin.put("/api/v4/plugins/example/settings", {})).body).toEqual({ greeting: "hello", shout: false });
  });

  it("runs onChannelMemberAdded hooks", async () => {
    const bob = await server.createUser();
    await server.addToChannel(admin, { channel, user: bob.user });
    await server.host.hooks.idle();
    expect((await admin.get(`/plugins/example/api/v1/kv/member:${channel.id}:${bob.user.id}`)).body).toEqual({ value: true });
  });
});

describe("plugin context", () => {
  beforeAll(installEnabled);

  it("creates channels as the bot (with a suggestion when taken), posts as the bot, and answers ephemerally", async () => {
    const name = `ex-${Date.now().toString(36)}`;
    const made = await command(admin, `/example channel ${name}`);
    expect(made.status).toBe(200);
    expect(made.body).toMatchObject({ text: `created ~${name}`, goto_location: `/${team.name}/channels/${name}` });
    const created = await admin.get(`/api/v4/teams/${team.id}/channels/name/${name}`);
    expect(created.status).toBe(200);
    const state = (await admin.get("/plugins/example/api/v1/state", stateSchema)).body;
    expect(expectBody(created, channelSchema).creator_id).toBe(state.bot_id);
    const taken = await command(admin, `/example channel ${name}`);
    expect(taken.status).toBe(409);
    expect(expectBody(taken, apiErrorBodySchema).message).toBe(
      `name: a channel named "${name}" already exists in this team; try "${name}-2"`,
    );
    const invalid = await command(admin, "/example channel Not_Valid!");
    expect(invalid.status).toBe(400);
    expect(expectBody(invalid, apiErrorBodySchema).message).toMatch(/^name: /);

    const socket = await TestSocket.of(admin);
    const posted = await command(admin, "/example post status is green");
    expect(posted.status).toBe(200);
    const postId = expectBody(posted, commandResponseSchema).text.replace("posted ", "");
    const stored = await admin.get(`/api/v4/posts/${postId}`);
    expect(stored.body).toMatchObject({
      message: "status is green",
      type: "custom_example",
      user_id: state.bot_id,
      props: { source: "example" },
    });
    expect((await admin.get(`/plugins/example/api/v1/posts/${postId}`, postSchema)).body.id).toBe(postId);
    const missing = await admin.get(`/plugins/example/api/v1/posts/${"x".repeat(26)}`, apiErrorBodySchema);
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe("no post");
    // The answer to `/example post` reaches the socket too; let it land before listening afresh.
    await socket.waitFor("ephemeral_message");
    socket.forget();
    await command(admin, "/example ephemeral");
    const ephemeral = JSON.parse(String((await socket.waitFor("ephemeral_message")).data?.post)) as { message: string; user_id: string };
    expect(ephemeral).toMatchObject({ message: "only you can see this", user_id: state.bot_id });
    await socket.close();
  });

  it("answers a PluginError from a command with its status and message", async () => {
    const res = await command(admin, "/example fail");
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ id: "example.command.fail", message: "The example command failed on purpose.", status_code: 400 });
  });

  it("opens dialogs and hands the submission to the plugin", async () => {
    const socket = await TestSocket.of(admin);
    expect((await command(admin, "/example dialog")).status).toBe(200);
    const opened = (await socket.waitFor("open_dialog")).data ?? {};
    expect(opened).toMatchObject({ plugin_id: "example", dialog: { title: "Example" } });
    const callbackId = (opened.dialog as { callback_id: string }).callback_id;
    const refused = await admin.post("/api/v4/actions/dialogs/submit", { callback_id: callbackId, submission: { summary: "bad" } });
    expect(refused.body).toEqual({ errors: { summary: "Summary must not be bad." } });
    const done = await admin.post("/api/v4/actions/dialogs/submit", { callback_id: callbackId, submission: { summary: "all good" } });
    expect(done.status).toBe(200);
    expect((await admin.get("/plugins/example/api/v1/kv/dialog:last")).body).toEqual({
      value: { summary: "all good", user_id: admin.user!.id },
    });
    await socket.close();
  });

  it("drops a disabled plugin's open dialogs", async () => {
    const socket = await TestSocket.of(admin);
    await command(admin, "/example dialog");
    const callbackId = ((await socket.waitFor("open_dialog")).data?.dialog as { callback_id: string }).callback_id;
    await admin.post("/api/v4/plugins/example/disable");
    const res = await admin.post(
      "/api/v4/actions/dialogs/submit",
      { callback_id: callbackId, submission: { summary: "late" } },
      apiErrorBodySchema,
    );
    expect(res.status).toBe(404);
    expect(expectBody(res, apiErrorBodySchema).message).toBe("callback_id: this dialog has expired or was already submitted");
    await admin.post("/api/v4/plugins/example/enable");
    await socket.close();
  });

  it("sends plugin realtime events as custom_<id>_<event> to the scope only", async () => {
    const bob = await server.createUser();
    const mine = await TestSocket.of(admin);
    const theirs = await TestSocket.of(bob);
    const res = await admin.post("/plugins/example/api/v1/events");
    expect(res.body).toEqual({ sent: true });
    expect((await mine.waitFor("custom_example_pinged")).data).toEqual({ by: admin.user!.id });
    await new Promise((r) => setTimeout(r, 100));
    expect(theirs.frames.map((e) => e.event)).not.toContain("custom_example_pinged");
    await mine.close();
    await theirs.close();
  });

  it("reads users, teams and channels with the caller's permissions", async () => {
    const bob = await server.createUser();
    const privateChannel = await server.createChannel(admin, { teamId: team.id, type: "P" });
    const state = (await admin.get("/plugins/example/api/v1/state", stateSchema)).body;
    const probe = await bob.get(
      `/plugins/example/api/v1/probe?channel_id=${privateChannel.id}&team_id=${team.id}&username=${admin.user!.username}`,
    );
    expect(probe.status).toBe(200);
    expect(probe.body).toEqual({
      user: bob.user.username,
      by_username: admin.user!.id,
      many: [bob.user.id, state.bot_id].sort(),
      team: team.name,
      team_by_name: team.id,
      team_member: false,
      team_admin: false,
      channel: privateChannel.name,
      channel_by_name: privateChannel.id,
      channel_member: false,
      member_ids: [admin.user!.id],
      can_read: false,
      can_post: false,
    });
    const mine = await admin.get(`/plugins/example/api/v1/probe?channel_id=${privateChannel.id}&team_id=${team.id}&username=nobody`);
    // The admin created the team, so holds its team_admin role.
    expect(mine.body).toMatchObject({
      by_username: null,
      team_member: true,
      team_admin: true,
      channel_member: true,
      can_read: true,
      can_post: true,
    });
  });

  it("serves routes with params, JSON and {status, body} answers, 401 for anonymous callers and PluginError 4xx", async () => {
    const anonymous = await server.anonymous.get("/plugins/example/api/v1/notes");
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({
      id: "api.context.session_expired",
      message: "You must be signed in to do that.",
      status_code: 401,
    });
    const open = await server.anonymous.get("/plugins/example/api/v1/public?x=1&x=2&y=z");
    expect(open.status).toBe(200);
    expect(open.body).toEqual({ ok: true, user_id: null, query: { x: "2", y: "z" } });
    const invalid = await admin.post("/plugins/example/api/v1/notes", { text: "" });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({
      id: "example.note.invalid",
      message: "text: is required",
      status_code: 400,
      details: [{ field: "text", reason: "is required" }],
    });
    const missing = await admin.get("/plugins/example/api/v1/notes/nope");
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ id: "example.note.not_found", message: "No note nope.", status_code: 404 });
    const noRoute = await admin.get("/plugins/example/api/v2/nothing");
    expect(noRoute.status).toBe(404);
    expect(noRoute.body).toMatchObject({
      id: "api.plugin.route.not_found",
      message: 'Plugin "example" has no route GET /api/v2/nothing.',
      status_code: 404,
    });
    const wrongMethod = await admin.patch("/plugins/example/api/v1/notes", {});
    expect(wrongMethod.status).toBe(404);
    const noPlugin = await admin.get("/plugins/ghost/api", apiErrorBodySchema);
    expect(noPlugin.status).toBe(404);
    expect(expectBody(noPlugin, apiErrorBodySchema).message).toBe('Plugin "ghost" is not installed or not enabled.');
  });

  it("keeps a key-value store per plugin with expiry and prefixes", async () => {
    expect((await admin.put("/plugins/example/api/v1/kv/color:sky", { value: "blue" })).status).toBe(200);
    await admin.put("/plugins/example/api/v1/kv/color:grass", { value: { shade: "green" } });
    await admin.put("/plugins/example/api/v1/kv/Color:upper", { value: 1 });
    await admin.put("/plugins/example/api/v1/kv/color_x", { value: 1 });
    await admin.put("/plugins/example/api/v1/kv/color:brief", { value: "soon gone", expire_in_seconds: 0.2 });
    expect((await admin.get("/plugins/example/api/v1/kv/color:grass")).body).toEqual({ value: { shade: "green" } });
    expect((await admin.get("/plugins/example/api/v1/kv?prefix=color:")).body).toEqual({
      keys: ["color:brief", "color:grass", "color:sky"],
    });
    await new Promise((r) => setTimeout(r, 300));
    expect((await admin.get("/plugins/example/api/v1/kv/color:brief")).body).toEqual({ value: null });
    expect((await admin.get("/plugins/example/api/v1/kv?prefix=color:")).body).toEqual({ keys: ["color:grass", "color:sky"] });
    await admin.delete("/plugins/example/api/v1/kv/color:sky");
    expect((await admin.get("/plugins/example/api/v1/kv/color:sky")).body).toEqual({ value: null });
  });

  it("offers automation actions while enabled", async () => {
    expect(server.host.automation.catalog().actions.map((a) => a.name)).toContain("example_note");
    const result = await server.host.automation.runAction("example_note", {
      params: { text: "from a workflow" },
      actorId: admin.user!.id,
      teamId: team.id,
      depth: 0,
    });
    expect(result.note_id).toMatch(/^n/);
    await admin.post("/api/v4/plugins/example/disable");
    expect(server.host.automation.catalog().actions.map((a) => a.name)).not.toContain("example_note");
    await admin.post("/api/v4/plugins/example/enable");
  });

  it("lists the web bundle of enabled plugins and serves only its web files", async () => {
    const webapps = await admin.get("/api/v4/plugins/webapp");
    expect(webapps.status).toBe(200);
    const example = expectBody(webapps, z.array(webappPluginSchema)).find((w: { id: string }) => w.id === "example");
    expect(example).toEqual({
      id: "example",
      version: "1.0.0",
      bundle_path: expect.stringMatching(/^\/static\/plugins\/example\/[a-f0-9]{64}\/web\/index\.js$/),
    });
    if (!example) throw new Error("no example among the web plugins");
    const js = await admin.get(example.bundle_path);
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(String(js.body)).toContain("globalThis.__SITREP__");
    expect(String(js.body)).not.toContain("react.production");
    const base = example.bundle_path.replace(/web\/index\.js$/, "");
    for (const sneaky of ["server/index.js", "plugin.json", "web/..%2Fserver%2Findex.js", "web/%2E%2E/plugin.json"]) {
      const res = await admin.get(base + sneaky);
      expect(res.status, sneaky).toBe(404);
    }
    expect((await admin.get(base.replace(/[a-f0-9]{64}/, "0".repeat(64)) + "web/index.js")).status).toBe(404);
    expect((await server.anonymous.get("/api/v4/plugins/webapp")).status).toBe(401);
  });
});
