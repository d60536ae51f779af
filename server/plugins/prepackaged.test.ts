import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "#common/ids.ts";
import { commandResponseSchema, pluginListSchema, userSchema } from "#common/wire-schemas.ts";
import { dropPgSchema } from "../db/index.ts";
import {
  eventually,
  exampleBundle,
  expectBody,
  makeBundle,
  startTestServer,
  TestClient,
  testDatabaseUrl,
  testDialect,
  upload,
  type TestServer,
} from "#testing";

const tmpDirs: string[] = [];
const schemas: string[] = [];
function tmpDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tmpDirs.push(dir);
  return dir;
}
function sharedSchema(): string | undefined {
  if (testDialect !== "postgres") return undefined;
  const schema = `t_${newId()}`;
  schemas.push(schema);
  return schema;
}
afterAll(async () => {
  for (const dir of tmpDirs) fs.rmSync(dir, { recursive: true, force: true });
  for (const schema of schemas) await dropPgSchema(testDatabaseUrl, schema);
});

async function login(server: TestServer, username: string): Promise<TestClient> {
  const res = await server.anonymous.post("/api/v4/users/login", { login_id: username, password: "password-123" });
  expect(res.status).toBe(200);
  return new TestClient(server.url, res.headers.get("token")!, expectBody(res, userSchema));
}

const tiny = (version: string) => makeBundle({ manifest: { id: "tiny", name: "Tiny", version, server: { entry: "server/index.js" } } });

async function states(client: TestClient): Promise<Record<string, string>> {
  const { body } = await client.get("/api/v4/plugins", pluginListSchema);
  const all = [...body.active, ...body.inactive];
  return Object.fromEntries(
    all.map((p) => [p.id, `${p.version} ${p.active ? "active" : "inactive"} ${p.enabled ? "enabled" : "disabled"}`]),
  );
}

describe("prepackaged plugins", () => {
  it("are installed and enabled on first start, stay as the admin left them, and upgrade keeping that state", async () => {
    // One workspace (data directory, or PostgreSQL schema) across restarts.
    const config = { dataDir: tmpDir("sitrep-prepack-data-"), prepackagedPluginsDir: tmpDir("sitrep-prepack-"), pgSchema: sharedSchema() };
    fs.writeFileSync(path.join(config.prepackagedPluginsDir, "example.tar.gz"), await exampleBundle());
    fs.writeFileSync(path.join(config.prepackagedPluginsDir, "tiny.tar.gz"), tiny("1.0.0"));
    fs.writeFileSync(path.join(config.prepackagedPluginsDir, "broken.tar.gz"), Buffer.from("not a bundle"));

    let server = await startTestServer(config);
    const admin = await server.admin();
    expect(await states(admin)).toEqual({ example: "1.0.0 active enabled", tiny: "1.0.0 active enabled" });
    expect((await admin.post("/api/v4/plugins/example/disable")).status).toBe(200);
    await server.close();

    // Restart: a disabled prepackaged plugin stays disabled; a newer bundle upgrades, keeping state.
    fs.writeFileSync(path.join(config.prepackagedPluginsDir, "tiny.tar.gz"), tiny("1.1.0"));
    server = await startTestServer(config);
    let again = await login(server, admin.user!.username);
    expect(await states(again)).toEqual({ example: "1.0.0 inactive disabled", tiny: "1.1.0 active enabled" });
    expect((await again.post("/api/v4/plugins/tiny/disable")).status).toBe(200);
    expect((await again.delete("/api/v4/plugins/example")).status).toBe(200);
    await server.close();

    // An older bundle never downgrades; an uninstalled one is not reinstalled.
    fs.writeFileSync(path.join(config.prepackagedPluginsDir, "tiny.tar.gz"), tiny("1.0.5"));
    server = await startTestServer(config);
    again = await login(server, admin.user!.username);
    expect(await states(again)).toEqual({ tiny: "1.1.0 inactive disabled" });
    await server.close();

    fs.writeFileSync(path.join(config.prepackagedPluginsDir, "tiny.tar.gz"), tiny("2.0.0"));
    server = await startTestServer(config);
    again = await login(server, admin.user!.username);
    expect(await states(again)).toEqual({ tiny: "2.0.0 inactive disabled" });
    // Uploading a removed prepackaged plugin by hand brings it back.
    expect((await upload(again, await exampleBundle())).status).toBe(201);
    await server.close();
    server = await startTestServer(config);
    again = await login(server, admin.user!.username);
    expect(await states(again)).toEqual({ example: "1.0.0 inactive disabled", tiny: "2.0.0 inactive disabled" });
    await server.close();
  }, 60_000);
});

describe.runIf(testDialect === "postgres")("several processes on one PostgreSQL", () => {
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    const pgSchema = sharedSchema();
    a = await startTestServer({ pgSchema });
    b = await startTestServer({ pgSchema });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it("converge: a plugin enabled, replaced, disabled or uninstalled on one is so on the other", async () => {
    const adminA = await a.admin();
    const adminB = await login(b, adminA.user!.username);
    const team = await a.createTeam(adminA);
    const channel = await a.createChannel(adminA, { teamId: team.id });
    const run = (client: TestClient) => client.post("/api/v4/commands/execute", { channel_id: channel.id, command: "/example" });

    expect((await upload(adminA, await exampleBundle())).status).toBe(201);
    expect((await adminA.post("/api/v4/plugins/example/enable")).status).toBe(200);
    await eventually(async () => (await run(adminB)).status === 200, { ms: 5000, intervalMs: 50, what: "example active on B" });
    expect(expectBody(await run(adminB), commandResponseSchema).text).toBe(`hello, ${adminA.user!.username}`);
    expect((await adminB.get("/plugins/example/api/v1/state")).status).toBe(200);

    await adminA.put("/api/v4/plugins/example/settings", { greeting: "howdy" });
    await eventually(async () => expectBody(await run(adminB), commandResponseSchema).text === `howdy, ${adminA.user!.username}`, {
      ms: 5000,
      intervalMs: 50,
      what: "settings reach B",
    });

    expect((await adminB.post("/api/v4/plugins/example/disable")).status).toBe(200);
    await eventually(async () => (await run(adminA)).status === 404, { ms: 5000, intervalMs: 50, what: "example inactive on A" });
    expect((await adminA.get("/plugins/example/api/v1/state")).status).toBe(404);

    await adminA.post("/api/v4/plugins/example/enable");
    await eventually(async () => (await run(adminB)).status === 200, { ms: 5000, intervalMs: 50, what: "example active on B again" });
    await adminA.delete("/api/v4/plugins/example?purge=true");
    await eventually(async () => (await run(adminB)).status === 404, { ms: 5000, intervalMs: 50, what: "example gone from B" });
    expect((await adminB.get("/api/v4/plugins")).body).toEqual({ active: [], inactive: [] });
  }, 60_000);
});
