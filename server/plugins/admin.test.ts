import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiErrorBodySchema, pluginListSchema, pluginManifestSummarySchema } from "#common/wire-schemas.ts";
import { expectBody, makeBundle, makeTarGz, pluginForm, startTestServer, upload, type TestClient, type TestServer } from "#testing";

let server: TestServer;
let admin: TestClient;
let user: TestClient;

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.admin();
  user = await server.createUser();
});
afterAll(async () => server.close());

const tiny = (version = "1.0.0", server = "export function activate() {}\n") =>
  makeBundle({ manifest: { id: "tiny", name: "Tiny", version, server: { entry: "server/index.js" } }, server });

describe("plugin admin permissions", () => {
  it("answers 401 to anonymous callers, 403 to users, and lets admins through", async () => {
    expect((await upload(admin, tiny())).status).toBe(201);
    const routes: Array<[string, string, FormData | undefined]> = [
      ["GET", "/api/v4/plugins", undefined],
      ["POST", "/api/v4/plugins", pluginForm(tiny())],
      ["POST", "/api/v4/plugins/tiny/enable", undefined],
      ["POST", "/api/v4/plugins/tiny/disable", undefined],
      ["GET", "/api/v4/plugins/tiny/settings", undefined],
      ["PUT", "/api/v4/plugins/tiny/settings", undefined],
      ["DELETE", "/api/v4/plugins/tiny", undefined],
    ];
    for (const [method, path, form] of routes) {
      const anonymous = await server.anonymous.request(method, path, form ?? (method === "PUT" ? {} : undefined), {}, apiErrorBodySchema);
      expect(anonymous.status, `${method} ${path}`).toBe(401);
      expect(expectBody(anonymous, apiErrorBodySchema).message).toBe("You must be signed in to do that.");
      const plain = await user.request(
        method,
        path,
        method === "POST" && path === "/api/v4/plugins" ? pluginForm(tiny()) : method === "PUT" ? {} : undefined,
      );
      expect(plain.status, `${method} ${path}`).toBe(403);
      expect(plain.body).toMatchObject({ id: "api.context.permissions", message: "Only system admins may do that.", status_code: 403 });
    }
    expect((await admin.post("/api/v4/plugins/tiny/enable")).status).toBe(200);
    expect((await admin.get("/api/v4/plugins", pluginListSchema)).body.active.map((p: { id: string }) => p.id)).toEqual(["tiny"]);
    expect((await admin.post("/api/v4/plugins/tiny/disable")).status).toBe(200);
    expect((await admin.delete("/api/v4/plugins/tiny")).status).toBe(200);
  });
});

describe("plugin upload", () => {
  it("refuses an installed id with 409 unless force=true, which replaces it and runs the new version", async () => {
    expect((await upload(admin, tiny("1.0.0"))).status).toBe(201);
    const again = await upload(admin, tiny("1.1.0"));
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      id: "app.plugin.install_id.app_error",
      message: 'id: a plugin with the id "tiny" is already installed; upload with force=true to replace it',
      status_code: 409,
      details: { id: "tiny" },
    });
    await admin.post("/api/v4/plugins/tiny/enable");
    const forced = await upload(admin, tiny("1.1.0"), { force: true });
    expect(forced.status).toBe(201);
    expect(expectBody(forced, pluginManifestSummarySchema).version).toBe("1.1.0");
    const list = await admin.get("/api/v4/plugins");
    expect(expectBody(list, pluginListSchema).active).toEqual([
      { id: "tiny", name: "Tiny", version: "1.1.0", description: "", active: true, enabled: true },
    ]);
    await admin.delete("/api/v4/plugins/tiny");
  });

  it("requires the multipart field 'plugin'", async () => {
    const res = await admin.request("POST", "/api/v4/plugins", pluginForm(tiny(), "file"), {}, apiErrorBodySchema);
    expect(res.status).toBe(400);
    expect(expectBody(res, apiErrorBodySchema).message).toBe("plugin: a .tar.gz bundle is required in the multipart field 'plugin'");
  });

  it("validates the manifest, naming each field and reason", async () => {
    const cases: Array<[unknown, string]> = [
      [{ name: "No id", version: "1.0.0" }, "plugin.json: id: is required"],
      [
        { id: "Bad Id", name: "x", version: "1.0.0" },
        "plugin.json: id: must be 2 to 32 characters: lowercase letters, digits and '_', starting with a letter",
      ],
      [{ id: "ok", name: "x", version: "one" }, "plugin.json: version: must be a semantic version such as 1.2.3"],
      [{ id: "ok", version: "1.0.0" }, "plugin.json: name: is required"],
      [
        { id: "ok", name: "x", version: "1.0.0", server: { entry: "../escape.js" } },
        "plugin.json: server.entry: must be a relative path inside the bundle (no '..', no leading '/')",
      ],
      [
        { id: "ok", name: "x", version: "1.0.0", web: { entry: "web/missing.js" } },
        'plugin.json: web.entry: "web/missing.js" is not a file in the bundle',
      ],
      [
        { id: "ok", name: "x", version: "1.0.0", settings_schema: { level: { type: "integer" } } },
        "plugin.json: settings_schema.level.type: must be one of string, number, boolean, string[]",
      ],
      [
        { id: "ok", name: "x", version: "1.0.0", settings_schema: { level: { type: "number", default: "high" } } },
        "plugin.json: settings_schema.level.default: must be a number",
      ],
    ];
    for (const [manifest, message] of cases) {
      const res = await upload(admin, makeTarGz([{ path: "plugin.json", data: JSON.stringify(manifest) }]));
      expect(res.status, message).toBe(400);
      expect(expectBody(res, apiErrorBodySchema).message).toBe(message);
      expect(expectBody(res, apiErrorBodySchema).status_code).toBe(400);
    }
    const notJson = await upload(admin, makeTarGz([{ path: "plugin.json", data: "{ nope" }]));
    expect(notJson.status).toBe(400);
    expect(expectBody(notJson, apiErrorBodySchema).message).toMatch(/^plugin\.json: is not valid JSON/);
    const noManifest = await upload(admin, makeTarGz([{ path: "server/index.js", data: "" }]));
    expect(expectBody(noManifest, apiErrorBodySchema).message).toBe("plugin: the bundle has no plugin.json at its root");
    const notGzip = await upload(admin, Buffer.from("just text"));
    expect(notGzip.status).toBe(400);
    expect(expectBody(notGzip, apiErrorBodySchema).message).toBe("plugin: is not a gzip-compressed tar archive (.tar.gz)");
  });

  it("refuses bundles whose entries escape their folder or are links", async () => {
    const manifest = { path: "plugin.json", data: JSON.stringify({ id: "evil", name: "Evil", version: "1.0.0" }) };
    for (const [entry, message] of [
      [
        { path: "../../outside.js", data: "x" },
        "plugin: the entry \"../../outside.js\" points outside the bundle; paths must be relative without '..'",
      ],
      [
        { path: "web/../../outside.js", data: "x" },
        "plugin: the entry \"web/../../outside.js\" points outside the bundle; paths must be relative without '..'",
      ],
      [{ path: "/etc/evil", data: "x" }, "plugin: the entry \"/etc/evil\" points outside the bundle; paths must be relative without '..'"],
      [
        { path: "web/link", type: "SymbolicLink", linkpath: "/etc/passwd" },
        'plugin: the entry "web/link" is a SymbolicLink; a bundle may hold only files and folders',
      ],
    ] as const) {
      const res = await upload(admin, makeTarGz([manifest, entry]));
      expect(res.status, entry.path).toBe(400);
      expect(res.body).toMatchObject({ id: "api.plugin.bundle.invalid", message });
    }
    expect((await admin.get("/api/v4/plugins", pluginListSchema)).body.inactive.map((p: { id: string }) => p.id)).not.toContain("evil");
  });

  it("accepts a bundle whose files sit in one top folder, as Mattermost's do", async () => {
    const res = await upload(
      admin,
      makeTarGz([
        { path: "wrapped/", type: "Directory" },
        {
          path: "wrapped/plugin.json",
          data: JSON.stringify({ id: "wrapped", name: "Wrapped", version: "0.1.0", server: { entry: "server/index.js" } }),
        },
        { path: "wrapped/server/index.js", data: "export function activate() {}" },
      ]),
    );
    expect(res.status).toBe(201);
    expect((await admin.post("/api/v4/plugins/wrapped/enable")).status).toBe(200);
    await admin.delete("/api/v4/plugins/wrapped");
  });
});

describe("a plugin that fails", () => {
  it("stays inactive when activate() throws, with the reason listed, and the server keeps working", async () => {
    const bundle = makeBundle({
      manifest: { id: "broken", name: "Broken", version: "1.0.0", server: { entry: "server/index.js" } },
      server: `export function activate(ctx) {
        ctx.commands.register({ trigger: "broken", description: "never stays", execute: () => ({ text: "no" }) });
        throw new Error("cannot start");
      }`,
    });
    expect((await upload(admin, bundle)).status).toBe(201);
    const enabled = await admin.post("/api/v4/plugins/broken/enable");
    expect(enabled.status).toBe(400);
    expect(enabled.body).toMatchObject({
      id: "app.plugin.activate.app_error",
      message: 'Plugin "broken" is enabled but failed to activate: cannot start',
      status_code: 400,
    });
    const list = await admin.get("/api/v4/plugins");
    expect(expectBody(list, pluginListSchema).inactive).toContainEqual({
      id: "broken",
      name: "Broken",
      version: "1.0.0",
      description: "",
      active: false,
      enabled: true,
      error: "cannot start",
    });
    // What it registered before throwing is gone.
    const team = await server.createTeam(admin);
    const channel = await server.createChannel(admin, { teamId: team.id });
    const res = await admin.post("/api/v4/commands/execute", { channel_id: channel.id, command: "/broken" }, apiErrorBodySchema);
    expect(res.status).toBe(404);
    expect(expectBody(res, apiErrorBodySchema).message).toBe("Command with a trigger of '/broken' not found.");
    expect((await admin.get("/api/v4/system/ping")).status).toBe(200);
    expect((await admin.post("/api/v4/plugins/broken/disable")).status).toBe(200);
    await admin.delete("/api/v4/plugins/broken");
  });

  it("stays inactive when the server entry does not export activate", async () => {
    const bundle = makeBundle({
      manifest: { id: "noactivate", name: "No activate", version: "1.0.0", server: { entry: "server/index.js" } },
      server: "export const x = 1;",
    });
    await upload(admin, bundle);
    const enabled = await admin.post("/api/v4/plugins/noactivate/enable", {}, apiErrorBodySchema);
    expect(enabled.status).toBe(400);
    expect(expectBody(enabled, apiErrorBodySchema).message).toBe(
      'Plugin "noactivate" is enabled but failed to activate: server/index.js does not export activate(ctx)',
    );
    await admin.delete("/api/v4/plugins/noactivate");
  });
});
