/**
 * @module testing/plugins
 * A test server with first-party plugins built by the real build script and
 * installed as prepackaged bundles, as a fresh install has them.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildPlugin } from "../../scripts/build-plugin.mjs";
import { pluginListSchema } from "#common/wire-schemas.ts";
import type { Config } from "../config.ts";
import { startTestServer, type TestServer } from "./harness.ts";

const root = path.resolve(import.meta.dirname, "../..");
const builds = new Map<string, Promise<string>>();

/** A directory holding the bundles of these plugin folders (ids under plugins/, or absolute paths), built once per test process. */
export function builtBundles(dirs: readonly string[]): Promise<string> {
  const key = dirs.join(",");
  let built = builds.get(key);
  if (!built) {
    built = (async () => {
      const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "sitrep-test-bundles-"));
      for (const dir of dirs) await buildPlugin({ dir: path.isAbsolute(dir) ? dir : path.join(root, "plugins", dir), outDir });
      return outDir;
    })();
    builds.set(key, built);
  }
  return built;
}

/**
 * Start a test server with these first-party plugins (ids under plugins/)
 * installed and enabled on first start; fails unless each is active.
 * @example const server = await startServerWithPlugins(["incident", "workflow"]);
 */
export async function startServerWithPlugins(ids: readonly string[], overrides: Partial<Config> = {}): Promise<TestServer> {
  const server = await startTestServer({ prepackagedPluginsDir: await builtBundles(ids), ...overrides });
  const admin = await server.admin();
  const list = await admin.get("/api/v4/plugins");
  const parsed = pluginListSchema.safeParse(list.body);
  const active = parsed.success ? parsed.data.active.map((p) => p.id) : [];
  const missing = ids.filter((id) => !active.includes(id));
  if (missing.length) {
    await server.close();
    throw new Error(`plugins not active: ${missing.join(", ")}; GET /api/v4/plugins answered ${list.status} ${JSON.stringify(list.body)}`);
  }
  return server;
}
