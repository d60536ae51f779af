/**
 * The authorization matrix and the bad-input sweep, generated from the route
 * table: for every host route, anonymous callers get a 401 unless its access
 * is "none", signed-in non-admins a 403 on "system_admin" routes, and a wrong
 * type in any body or query field a 400 naming that field (never a 5xx).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiErrorBodySchema } from "#common/wire-schemas.ts";
import type { User } from "#common/wire.ts";
import { startTestServer, type TestClient, type TestServer } from "#testing";
import { badInputs, samplePath } from "./route-probes.ts";
import type { RouteEntry } from "./route-table.ts";

let server: TestServer;
let admin: TestClient & { user: User };
let alice: TestClient & { user: User };
let routes: readonly RouteEntry[];

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.admin();
  alice = await server.createUser();
  routes = server.host.routes.list({ owner: "host" });
});
afterAll(async () => {
  await server?.close();
});

const label = (entry: RouteEntry) => `${entry.method} ${entry.path}`;
/** A body for routes that take one, so the request gets past content-type checks to the access check. */
const bodyFor = (entry: RouteEntry) => (entry.method === "GET" || entry.method === "DELETE" ? undefined : {});

describe("the host route table", () => {
  it("holds every host route once, each with a summary", () => {
    expect(routes.length).toBeGreaterThan(30);
    const keys = routes.map(label);
    expect(new Set(keys).size).toBe(keys.length);
    for (const entry of routes) expect(entry.summary, label(entry)).toBeTruthy();
    expect(keys).toContain("POST /hooks/:id");
    expect(keys).toContain("GET /api/v4/users/:userId");
  });

  it("answers anonymous callers 401 on every route that is not open to them", async () => {
    for (const entry of routes) {
      const res = await server.anonymous.request(entry.method, samplePath(entry), bodyFor(entry));
      if (entry.access === "none") {
        expect(res.status, label(entry)).not.toBe(401);
        expect(res.status, label(entry)).toBeLessThan(500);
      } else {
        expect({ route: label(entry), status: res.status, body: res.body }).toMatchObject({
          route: label(entry),
          status: 401,
          body: { id: "api.context.session_expired.app_error", message: "You must be signed in to do that.", status_code: 401 },
        });
      }
    }
  });

  it("answers signed-in users who are not system admins 403 on every system_admin route", async () => {
    const adminRoutes = routes.filter((entry) => entry.access === "system_admin");
    expect(adminRoutes.length).toBeGreaterThan(5);
    for (const entry of adminRoutes) {
      const res = await alice.request(entry.method, samplePath(entry), bodyFor(entry));
      expect({ route: label(entry), status: res.status, body: res.body }).toMatchObject({
        route: label(entry),
        status: 403,
        body: { id: "api.context.permissions", message: "Only system admins may do that.", status_code: 403 },
      });
    }
  });

  it("refuses a wrong type in any body or query field with a 400 naming it", async () => {
    let probed = 0;
    for (const entry of routes) {
      const caller = entry.access === "system_admin" ? admin : alice;
      for (const bad of badInputs(entry)) {
        probed += 1;
        const path = samplePath(entry) + (bad.query ? `?${bad.query}` : "");
        const res = await caller.request(entry.method, path, bad.body ?? bodyFor(entry), {}, apiErrorBodySchema);
        const what = `${label(entry)} ${bad.what}: ${JSON.stringify(res.body)}`;
        expect(res.status, what).toBe(400);
        expect(res.body).toMatchObject({ id: expect.any(String), status_code: 400 });
        expect(res.body.message, what).toMatch(new RegExp(`(^|; )${bad.field}: `));
      }
    }
    expect(probed).toBeGreaterThan(40);
  });
});
