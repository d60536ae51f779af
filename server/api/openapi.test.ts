/**
 * The OpenAPI documents against the route table they are generated from: every
 * registered route (host and plugins) is in its document with its method, its
 * path parameters, its query parameters and its body, so a route added without
 * being described, or described wrongly, fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { apiErrorBodySchema } from "#common/wire-schemas.ts";
import { expectBody, startServerWithPlugins, type TestServer } from "#testing";
import { openApiPath } from "./openapi.ts";
import type { RouteEntry } from "./route-table.ts";

/** The parts of a document this test reads (the rest is checked by shape where it matters). */
const documentSchema = z.object({
  openapi: z.literal("3.1.0"),
  info: z.object({ title: z.string().min(1), version: z.string().min(1) }),
  paths: z.record(
    z.string(),
    z.record(
      z.string(),
      z.object({
        operationId: z.string(),
        summary: z.string(),
        "x-sitrep-access": z.enum(["none", "user", "system_admin"]),
        parameters: z.array(z.object({ name: z.string(), in: z.enum(["path", "query"]), required: z.boolean() })).optional(),
        requestBody: z
          .object({ content: z.object({ "application/json": z.object({ schema: z.record(z.string(), z.unknown()) }) }) })
          .optional(),
        responses: z.record(z.string(), z.object({ description: z.string() })),
      }),
    ),
  ),
});
type Document = z.infer<typeof documentSchema>;

let server: TestServer;

beforeAll(async () => {
  server = await startServerWithPlugins(["incident", "workflow"]);
});
afterAll(async () => {
  await server?.close();
});

/** Fetch a document anonymously, as a client generator would. */
async function fetchDocument(url: string): Promise<Document> {
  const res = await server.anonymous.get(url);
  expect(res.status, url).toBe(200);
  return expectBody(res, documentSchema);
}

/** Check that `document` describes each of `routes` as the table records it, and nothing else. */
function expectDescribes(document: Document, routes: readonly RouteEntry[]): void {
  const described = Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`));
  expect(described.sort()).toEqual(routes.map((r) => `${r.method} ${openApiPath(r.path)}`).sort());
  const operationIds = Object.values(document.paths).flatMap((item) => Object.values(item).map((o) => o.operationId));
  expect(new Set(operationIds).size, "operation ids are unique").toBe(operationIds.length);
  for (const route of routes) {
    const operation = document.paths[openApiPath(route.path)]?.[route.method.toLowerCase()];
    const label = `${route.method} ${route.path}`;
    expect(operation?.summary, label).toBe(route.summary);
    expect(operation?.["x-sitrep-access"], label).toBe(route.access);
    const inPath = [...openApiPath(route.path).matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    expect(operation?.parameters?.filter((p) => p.in === "path").map((p) => p.name) ?? [], label).toEqual(inPath);
    expect(operation?.requestBody !== undefined, `${label} has a body schema`).toBe(route.body !== undefined);
    if (route.access !== "none") expect(operation?.responses["401"], label).toBeDefined();
  }
}

describe("GET /api/v4/openapi.json", () => {
  it("describes every host route of the table, each with its path parameters and body", async () => {
    const routes = server.host.routes.list({ owner: "host" });
    expect(routes.length).toBeGreaterThan(60);
    expectDescribes(await fetchDocument("/api/v4/openapi.json"), routes);
  });

  it("carries each route's schemas: required body fields, query parameters with their types", async () => {
    const document = await fetchDocument("/api/v4/openapi.json");
    const login = document.paths["/api/v4/users/login"]?.post;
    expect(login?.["x-sitrep-access"]).toBe("none");
    const loginBody = z
      .object({ properties: z.record(z.string(), z.unknown()), required: z.array(z.string()) })
      .parse(login?.requestBody?.content["application/json"].schema);
    expect(Object.keys(loginBody.properties)).toEqual(expect.arrayContaining(["login_id", "password"]));
    expect(loginBody.required).toContain("password");
    const posts = document.paths["/api/v4/channels/{id}/posts"]?.get;
    expect(posts?.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: "id", in: "path", required: true }),
        expect.objectContaining({ name: "per_page", in: "query", required: false }),
      ]),
    );
  });
});

describe("GET /plugins/{id}/api/v1/openapi.json", () => {
  it.each(["incident", "workflow"])("describes every route the %s plugin registered", async (pluginId) => {
    const routes = server.host.routes.list({ owner: pluginId });
    expect(routes.length).toBeGreaterThan(3);
    const document = await fetchDocument(`/plugins/${pluginId}/api/v1/openapi.json`);
    expectDescribes(document, routes);
    expect(document.info.title).toMatch(/API$/);
  });

  it("answers 404 naming a plugin that does not run here", async () => {
    const res = await server.anonymous.get("/plugins/nope/api/v1/openapi.json");
    expect(res.status).toBe(404);
    expect(expectBody(res, apiErrorBodySchema).message).toBe('Plugin "nope" is not installed or not enabled.');
  });
});

describe("GET /api/reference", () => {
  it("lists every route of the host and the plugins in one page, with links to the documents", async () => {
    const res = await server.anonymous.get("/api/reference");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const page = typeof res.body === "string" ? res.body : "";
    for (const route of server.host.routes.list()) expect(page, route.path).toContain(`<code>${openApiPath(route.path)}</code>`);
    expect(page).toContain('href="/api/v4/openapi.json"');
    expect(page).toContain('href="/plugins/incident/api/v1/openapi.json"');
    expect(page).not.toContain("<script");
  });
});
