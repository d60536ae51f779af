import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiErrorBodySchema } from "#common/wire-schemas.ts";
import { makeBundle, startTestServer, upload, type TestClient, type TestServer } from "#testing";

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
