import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import * as React from "react";
import * as ReactDOM from "react-dom";
import * as jsxRuntime from "react/jsx-runtime";
import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, describe, expect, it } from "vitest";
import type { WebPluginModule, WebPluginRegistry } from "#common/web-plugin-api.ts";
import { exampleBundle } from "#testing";
import { compareVersions, extractBundle, readBundle } from "./bundle.ts";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sitrep-bundle-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("bundles", () => {
  it("builds the same bytes for the same code, so the checksum only changes with the code", async () => {
    const { buildPlugin } = await import("../../scripts/build-plugin.mjs");
    const a = fs.readFileSync(await buildPlugin({ dir: path.join(import.meta.dirname, "testdata/example"), outDir: path.join(tmp, "a") }));
    const b = fs.readFileSync(await buildPlugin({ dir: path.join(import.meta.dirname, "testdata/example"), outDir: path.join(tmp, "b") }));
    expect(a.equals(b)).toBe(true);
    const read = await readBundle(a);
    expect([...read.files.keys()].sort()).toEqual(["plugin.json", "server/index.js", "web/index.js"]);
    expect(read.manifest).toMatchObject({ id: "example", server: { entry: "server/index.js" }, web: { entry: "web/index.js" } });
    expect(read.checksum).toMatch(/^[a-f0-9]{64}$/);
  });

  it("bundles server code for Node with its dependencies, importing nothing but built-ins", async () => {
    const read = await readBundle(await exampleBundle());
    const server = read.files.get("server/index.js")!.toString();
    const imports = [...server.matchAll(/^import .* from "([^"]+)";/gm)].map((m) => m[1]);
    expect(imports.every((s) => s!.startsWith("node:"))).toBe(true);
    expect(server).toContain("export {");
  });

  it("builds web code that uses the host's React through globalThis.__SITREP__", async () => {
    const read = await readBundle(await exampleBundle());
    const dir = path.join(tmp, "extracted");
    extractBundle({ files: read.files, dir });
    const web = read.files.get("web/index.js")!.toString();
    expect(web).not.toMatch(/from "react/);
    (globalThis as { __SITREP__?: unknown }).__SITREP__ = { React, ReactDOM, jsxRuntime };
    const module = (await import(pathToFileURL(path.join(dir, "web/index.js")).href)) as WebPluginModule;
    const postTypes = new Map<string, React.ComponentType<never>>();
    const registry = {
      registerPostTypeComponent: (type: string, component: React.ComponentType<never>) => (
        postTypes.set(type, component),
        { dispose() {} }
      ),
      registerRightHandSidebarComponent: () => ({ dispose() {}, show() {}, hide() {}, toggle() {} }),
      registerWebSocketEventHandler: () => ({ dispose() {} }),
    } as unknown as WebPluginRegistry;
    await module.register(registry, {} as never);
    const Card = postTypes.get("custom_example")!;
    const html = renderToStaticMarkup(React.createElement(Card, { post: { message: "rendered by the host's React", props: {} } } as never));
    expect(html).toBe('<div class="example-card">rendered by the host&#x27;s React</div>');
  });

  it("compares versions", () => {
    expect(compareVersions("1.2.0", "1.10.0")).toBe(-1);
    expect(compareVersions("2.0.0", "1.99.99")).toBe(1);
    expect(compareVersions("1.0.0", "1.0.0")).toBe(0);
    expect(compareVersions("1.0.0-beta.1", "1.0.0")).toBe(-1);
    expect(compareVersions("1.0.0+build.5", "1.0.0")).toBe(0);
  });
});
