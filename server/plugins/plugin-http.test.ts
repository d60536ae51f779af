import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { safeParse } from "zod";
import { apiErrorBodySchema } from "#common/wire-schemas.ts";
import { builtBundles, makeBundle, startTestServer, upload, type TestClient, type TestServer } from "#testing";
import { boundaryDir } from "./testdata/helpers.ts";

let server: TestServer;
let admin: TestClient;
let user: TestClient;

beforeAll(async () => {
  // Installed and enabled as a prepackaged bundle, as a fresh install has it.
  server = await startTestServer({ prepackagedPluginsDir: await builtBundles([boundaryDir]) });
  admin = await server.admin();
  user = await server.createUser();
});
afterAll(async () => server.close());

describe("plugin routes validated by the host", () => {
  it("refuses a route without a policy when the plugin activates, naming the field and the kinds", async () => {
    const bundle = makeBundle({
      manifest: { id: "nopolicy", name: "No policy", version: "1.0.0", server: { entry: "server/index.js" } },
      server: `export function activate(ctx) { ctx.http.route({ method: "GET", path: "/x", handler: () => ({}) }); }`,
    });
    expect((await upload(admin, bundle)).status).toBe(201);
    const enabled = await admin.post("/api/v4/plugins/nopolicy/enable");
    expect(enabled.status).toBe(400);
    expect(enabled.body).toMatchObject({
      id: "app.plugin.activate.app_error",
      message:
        'Plugin "nopolicy" is enabled but failed to activate: policy: GET /x must declare a policy, one of open, signed-in, admin, team, team-admin, channel, input',
    });
    expect((await user.get("/plugins/nopolicy/x")).status).toBe(404);
  });

  it("hands the handler params and query parsed (and coerced) by the route's schemas", async () => {
    const res = await user.get("/plugins/boundary/api/v1/items/7?loud=true");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ params: { n: 7 }, query: { limit: 10, loud: "true" }, types: ["number", "number"] });
  });

  it("answers a 400 naming the field when params or query do not parse, before the handler", async () => {
    const params = await user.get("/plugins/boundary/api/v1/items/0");
    expect(params.status).toBe(400);
    expect(params.body).toMatchObject({
      id: "boundary.request.invalid",
      message: "n: Too small: expected number to be >=1",
      status_code: 400,
    });
    const query = await user.get("/plugins/boundary/api/v1/items/3?limit=99", apiErrorBodySchema);
    expect(query.status).toBe(400);
    expect(query.body).toMatchObject({ id: "boundary.request.invalid", message: "limit: Too big: expected number to be <=50" });
    expect(query.body.details).toEqual([{ field: "limit", reason: "Too big: expected number to be <=50" }]);
  });

  it("parses the body with its schema and the route's own error id, naming missing fields plainly", async () => {
    const ok = await user.post("/plugins/boundary/api/v1/items/3", { name: " disk " });
    expect(ok.status).toBe(201);
    expect(ok.body).toEqual({ n: 3, body: { name: "disk", count: 1 } });
    const missing = await user.request("POST", "/plugins/boundary/api/v1/items/3");
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ id: "boundary.item.invalid", message: "name: is required" });
    const empty = await user.post("/plugins/boundary/api/v1/items/3", { name: "  ", count: 1.5 }, apiErrorBodySchema);
    expect(empty.status).toBe(400);
    expect(empty.body.message).toBe("name: must not be empty; count: Invalid input: expected int, received number");
  });

  it("enforces auth: system_admin answers 401 to anonymous callers and 403 to other users", async () => {
    const anonymous = await server.anonymous.get("/plugins/boundary/api/v1/admin");
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ id: "api.context.session_expired.app_error", message: "You must be signed in to do that." });
    const other = await user.get("/plugins/boundary/api/v1/admin");
    expect(other.status).toBe(403);
    expect(other.body).toMatchObject({ id: "api.context.permissions", message: "Only system admins may do that." });
    const allowed = await admin.get("/plugins/boundary/api/v1/admin");
    expect(allowed.status).toBe(200);
    expect(allowed.body).toEqual({ admin: admin.user?.username });
    const open = await server.anonymous.get("/plugins/boundary/api/v1/open");
    expect(open.status).toBe(200);
    expect(open.body).toEqual({ user: null });
    const user401 = await server.anonymous.get("/plugins/boundary/api/v1/items/1");
    expect(user401.status).toBe(401);
  });

  it("gives a route without schemas the raw strings and body", async () => {
    const res = await user.put("/plugins/boundary/api/v1/raw/a%20b?x=1&x=2", { any: ["thing"] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ params: { id: "a b" }, query: { x: "2" }, body: { any: ["thing"] } });
  });

  it("lists the plugin's routes in the route table, and drops them when the plugin is disabled", async () => {
    const listed = server.host.routes.list({ owner: "boundary" });
    expect(listed.map((r) => `${r.method} ${r.path} ${r.access}`)).toEqual([
      "POST /plugins/boundary/api/v1/storage/:probe user",
      "GET /plugins/boundary/api/v1/items/:n user",
      "POST /plugins/boundary/api/v1/items/:n user",
      "GET /plugins/boundary/api/v1/admin system_admin",
      "GET /plugins/boundary/api/v1/open none",
      "PUT /plugins/boundary/api/v1/raw/:id user",
    ]);
    const [, first, second] = listed;
    expect(first?.summary).toBe("Echo the parsed params and query");
    expect(first?.params && safeParse(first.params, { n: "2" }).success).toBe(true);
    expect(first?.query).toBeDefined();
    expect(second?.body && safeParse(second.body, {}).success).toBe(false);
    expect((await admin.post("/api/v4/plugins/boundary/disable")).status).toBe(200);
    expect(server.host.routes.list({ owner: "boundary" })).toEqual([]);
    expect((await admin.post("/api/v4/plugins/boundary/enable")).status).toBe(200);
    expect(server.host.routes.list({ owner: "boundary" })).toHaveLength(6);
  });
});
