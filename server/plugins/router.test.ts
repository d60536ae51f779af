import { describe, expect, it } from "vitest";
import type { RouteDefinition } from "#plugin-api";
import { PluginRouter } from "./router.ts";

const route = (method: RouteDefinition["method"], path: string): RouteDefinition => ({
  method,
  path,
  policy: "signed-in",
  handler: () => path,
});

describe("PluginRouter", () => {
  it("matches params, prefers literal segments whatever the order, and decodes segments", () => {
    const router = new PluginRouter();
    router.add(route("GET", "/playbooks/:id"));
    router.add(route("GET", "/playbooks/schema"));
    router.add(route("PUT", "/incidents/:id/checklist/:item"));
    expect(router.match("GET", "/playbooks/schema")?.route.path).toBe("/playbooks/schema");
    expect(router.match("GET", "/playbooks/abc")).toMatchObject({ route: { path: "/playbooks/:id" }, params: { id: "abc" } });
    expect(router.match("put", "/incidents/i%201/checklist/x")?.params).toEqual({ id: "i 1", item: "x" });
    expect(router.match("GET", "/incidents/i/checklist/x")).toBeNull();
    expect(router.match("GET", "/playbooks")).toBeNull();
    expect(router.match("GET", "/playbooks/%E0%A4%A")).toBeNull();
  });

  it("removes a route on dispose", () => {
    const router = new PluginRouter();
    const handle = router.add(route("GET", "/a"));
    expect(router.match("GET", "/a")).not.toBeNull();
    handle.dispose();
    handle.dispose();
    expect(router.match("GET", "/a")).toBeNull();
    expect(router.size).toBe(0);
  });
});
