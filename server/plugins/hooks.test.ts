import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { apiErrorBodySchema, pluginListSchema } from "#common/wire-schemas.ts";
import { captureLog, expectBody, makeBundle, startTestServer, upload, type TestClient, type TestServer, type UserClient } from "#testing";
import { ManualClock } from "../clock.ts";

let server: TestServer;
let admin: TestClient;

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.admin();
});
afterAll(async () => server.close());

/** A plugin whose onTeamCreated hooks record the team, throw, and hang. */
const teamWatcher = makeBundle({
  manifest: { id: "teamwatch", name: "Team watch", version: "1.0.0", server: { entry: "server/index.js" } },
  server: [
    "export function activate(ctx) {",
    "  ctx.hooks.onTeamCreated(() => { throw new Error('broken hook'); });",
    "  ctx.hooks.onTeamCreated(() => new Promise(() => {}));",
    "  ctx.hooks.onTeamCreated(async (team) => { await ctx.kv.set(`team:${team.name}`, { id: team.id, display_name: team.display_name }); });",
    "}",
    "",
  ].join("\n"),
});

async function recorded(): Promise<Array<{ key: string; value: string }>> {
  return server.host.db.selectFrom("plugin_kv").select(["key", "value"]).where("plugin_id", "=", "teamwatch").orderBy("key").execute();
}

describe("onTeamCreated", () => {
  it("runs after a team is created, despite a throwing or hanging hook, and is disposed on plugin disable", async () => {
    expect((await upload(admin, teamWatcher)).status).toBe(201);
    expect((await admin.post("/api/v4/plugins/teamwatch/enable")).body).toEqual({ status: "OK" });

    const started = Date.now();
    const team = await server.createTeam(admin, { name: "watched" });
    expect(Date.now() - started).toBeLessThan(400); // not held up by the hanging hook
    await server.host.hooks.idle();
    expect((await recorded()).map((r) => ({ key: r.key, value: JSON.parse(r.value) }))).toEqual([
      { key: "team:watched", value: { id: team.id, display_name: "watched" } },
    ]);

    // A refused team fires nothing.
    const taken = await admin.post("/api/v4/teams", { name: "watched", display_name: "Again", type: "O" }, apiErrorBodySchema);
    expect(taken.status).toBe(409);
    expect(taken.body.message).toBe('name: a team named "watched" already exists');

    expect((await admin.post("/api/v4/plugins/teamwatch/disable")).body).toEqual({ status: "OK" });
    await server.createTeam(admin, { name: "unwatched" });
    await server.host.hooks.idle();
    expect((await recorded()).map((r) => r.key)).toEqual(["team:watched"]);
  });
});

/** A plugin whose messageWillBePosted hook never settles, counting its calls (`GET /plugins/hang/calls`). */
const hangingHook = makeBundle({
  manifest: { id: "hang", name: "Hang", version: "1.0.0", server: { entry: "server/index.js" } },
  server: [
    "let calls = 0;",
    "export function activate(ctx) {",
    "  ctx.hooks.messageWillBePosted(() => { calls += 1; return new Promise(() => {}); });",
    "  ctx.http.route({ method: 'GET', path: '/calls', policy: 'signed-in', handler: () => ({ calls }) });",
    "}",
    "",
  ].join("\n"),
});
/** A plugin whose messageWillBePosted hook marks every message, so we see the others still run. */
const markingHook = makeBundle({
  manifest: { id: "mark", name: "Mark", version: "1.0.0", server: { entry: "server/index.js" } },
  server:
    "export function activate(ctx) { ctx.hooks.messageWillBePosted((post) => ({ post: { ...post, message: post.message + ' [marked]' } })); }\n",
});

describe("the messageWillBePosted budget", () => {
  const clock = new ManualClock();
  const log = captureLog();
  let budgeted: TestServer;
  let alice: UserClient;
  let channelId: string;
  beforeAll(async () => {
    budgeted = await startTestServer({
      clock,
      hookTimeoutMs: 100,
      hookCooldownMs: 60_000,
      logLevel: "warn",
      logDestination: log.destination,
    });
    const owner = await budgeted.admin();
    for (const bundle of [hangingHook, markingHook]) expect((await upload(owner, bundle)).status).toBe(201);
    for (const id of ["hang", "mark"]) expect((await owner.post(`/api/v4/plugins/${id}/enable`)).status).toBe(200);
    alice = await budgeted.createUser();
    const team = await budgeted.createTeam(alice);
    channelId = (await budgeted.createChannel(alice, { teamId: team.id })).id;
  });
  afterAll(async () => budgeted?.close());

  const calls = async () => expectBody(await alice.get("/plugins/hang/calls"), z.object({ calls: z.number() })).calls;
  const post = async (message: string) => (await budgeted.createPost(alice, { channelId, message })).message;
  const hangStatus = async () => {
    const list = expectBody(await (await budgeted.admin()).get("/api/v4/plugins"), pluginListSchema);
    return list.active.find((p) => p.id === "hang");
  };

  it("skips a hook that timed out twice in a row for the cool-down, says so in the log and the plugin list, then tries it again", async () => {
    expect(await post("one")).toBe("one [marked]");
    expect(await calls()).toBe(1);
    expect(log.find("messageWillBePosted hook timed out; post goes through unchanged")).toEqual([
      expect.objectContaining({ level: "warn", plugin_id: "hang" }),
    ]);
    expect((await hangStatus())?.before_post_hook_skipped_until).toBeUndefined();

    expect(await post("two")).toBe("two [marked]");
    expect(await calls()).toBe(2);
    expect(log.find("messageWillBePosted hook timed out 2 times in a row; it is skipped for 60 s, posts go through unchanged")).toEqual([
      expect.objectContaining({ level: "warn", plugin_id: "hang", skipped_until: new Date(clock.now() + 60_000).toISOString() }),
    ]);
    expect((await hangStatus())?.before_post_hook_skipped_until).toBe(clock.now() + 60_000);

    // During the cool-down the hook is not called at all, and the other plugin's hook still runs.
    for (const message of ["three", "four", "five"]) expect(await post(message)).toBe(`${message} [marked]`);
    expect(await calls()).toBe(2);

    // After it, the hook runs again; timing out once more starts the next cool-down at once.
    await clock.advance(60_000);
    expect((await hangStatus())?.before_post_hook_skipped_until).toBeUndefined();
    expect(await post("six")).toBe("six [marked]");
    expect(await calls()).toBe(3);
    expect((await hangStatus())?.before_post_hook_skipped_until).toBe(clock.now() + 60_000);
    expect(await post("seven")).toBe("seven [marked]");
    expect(await calls()).toBe(3);
  });

  it("starts afresh when the plugin is enabled again", async () => {
    const owner = await budgeted.admin();
    expect((await owner.post("/api/v4/plugins/hang/disable")).status).toBe(200);
    expect((await owner.post("/api/v4/plugins/hang/enable")).status).toBe(200);
    expect((await hangStatus())?.before_post_hook_skipped_until).toBeUndefined();
    const before = await calls();
    expect(await post("eight")).toBe("eight [marked]");
    expect(await calls()).toBe(before + 1);
  });
});
