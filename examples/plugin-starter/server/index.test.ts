/**
 * The starter plugin as an admin would meet it: built with the real build
 * script, uploaded through `POST /api/v4/plugins` to a real server, enabled;
 * then its route, its slash command and its web bundle answer, and disabling
 * it takes them away.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { apiErrorBodySchema, commandResponseSchema, webappPluginSchema } from "#common/wire-schemas.ts";
import { expectBody, startTestServer, testPluginBundle, upload, type TestClient, type TestServer } from "#testing";

const pluginDir = path.resolve(import.meta.dirname, "..");

let server: TestServer;
let admin: TestClient & { user: { username: string } };

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.admin();
});
afterAll(async () => {
  await server.close();
});

describe("the starter plugin", () => {
  it("builds, uploads, enables, and answers on its route, its slash command and its web bundle", async () => {
    const uploaded = await upload(admin, await testPluginBundle(pluginDir));
    expect(uploaded.status).toBe(201);
    expect(uploaded.body).toMatchObject({ id: "starter", version: "0.1.0", web: { entry: "web/index.js" } });
    const enabled = await admin.post("/api/v4/plugins/starter/enable");
    expect(enabled.status).toBe(200);
    expect(enabled.body).toEqual({ status: "OK" });

    const greeted = await admin.post("/plugins/starter/api/v1/greetings", { name: "Ann" });
    expect(greeted.status).toBe(200);
    expect(greeted.body).toEqual({ greeting: "Hello, Ann!", by: admin.user.username });
    expect((await server.anonymous.post("/plugins/starter/api/v1/greetings", { name: "Ann" })).status).toBe(401);
    // The host validates the body with the route's zod schema before the handler runs.
    const refused = await admin.post("/plugins/starter/api/v1/greetings", { name: "  " });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ id: "starter.request.invalid", message: "name: is required" });

    const team = await server.createTeam(admin);
    const channel = await server.createChannel(admin, { teamId: team.id });
    const command = (line: string) => admin.post("/api/v4/commands/execute", { channel_id: channel.id, team_id: team.id, command: line });
    const answered = await command('/starter "Ann Lee"');
    expect(answered.status).toBe(200);
    expect(expectBody(answered, commandResponseSchema).text).toBe("Hello, Ann Lee!");
    expect(expectBody(await command("/starter"), commandResponseSchema).text).toBe(`Hello, ${admin.user.username}!`);

    const webapps = await admin.get("/api/v4/plugins/webapp", z.array(webappPluginSchema));
    expect(webapps.status).toBe(200);
    const starter = webapps.body.find((w) => w.id === "starter");
    expect(starter?.bundle_path).toMatch(/^\/static\/plugins\/starter\/[a-f0-9]{64}\/web\/index\.js$/);
    const js = await admin.get(starter?.bundle_path ?? "");
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(String(js.body)).toContain("registerRightHandSidebarComponent");
    expect(String(js.body)).toContain("globalThis.__SITREP__");

    expect((await admin.post("/api/v4/plugins/starter/disable")).status).toBe(200);
    const gone = await admin.post("/plugins/starter/api/v1/greetings", { name: "Ann" });
    expect(gone.status).toBe(404);
    const unknown = await command("/starter");
    expect(unknown.status).toBe(404);
    expect(expectBody(unknown, apiErrorBodySchema).message).toContain("starter");
  });
});
