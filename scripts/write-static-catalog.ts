/**
 * @module scripts/write-static-catalog
 * Writes the Workflow plugin's offline catalog (plugins/workflow/common/static-catalog.json)
 * from the live definitions: it starts a host (SQLite in a temporary
 * directory) with the prepackaged bundles, reads `host.automation.catalog()`
 * and writes it, so `sitrep workflow lint`/`test` and the plugin's own
 * validation know every first-party trigger and action without a server, and
 * nothing is copied by hand. `npm run build` runs it after building the
 * bundles; a test fails when the committed file is stale.
 *
 * Usage: `npx tsx scripts/write-static-catalog.ts [--bundles dist/plugins]`.
 * Prints `changed` or `unchanged`; the file is only rewritten when its content changes.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as prettier from "prettier";
import type { CatalogAction, CatalogTrigger } from "#plugin-api";
import { loadConfig } from "../server/config.ts";
import { startServer } from "../server/server.ts";

const root = path.resolve(import.meta.dirname, "..");

/** Where the generated catalog lives: the Workflow plugin's own file, importable offline. */
export const STATIC_CATALOG_FILE = path.join(root, "plugins/workflow/common/static-catalog.json");

/** The catalog of a host started with the bundles in `bundlesDir` (each `<id>.tar.gz`). */
export async function liveCatalog(bundlesDir: string): Promise<{ triggers: CatalogTrigger[]; actions: CatalogAction[] }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "sitrep-catalog-"));
  const empty = path.join(dataDir, "empty");
  fs.mkdirSync(empty);
  // No playbooks or workflows to apply at start-up: only the definitions matter.
  const config = loadConfig(
    { SITREP_LOG_LEVEL: "silent" },
    {
      port: 0,
      host: "127.0.0.1",
      dataDir,
      databaseUrl: undefined,
      prepackagedPluginsDir: bundlesDir,
      pluginDirectories: { incident: { playbooks: empty }, workflow: { workflows: empty } },
    },
  );
  const server = await startServer(config);
  try {
    return server.host.automation.catalog();
  } finally {
    await server.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The file's text for a catalog, formatted as Prettier formats the tree. */
export async function catalogText(catalog: { triggers: CatalogTrigger[]; actions: CatalogAction[] }): Promise<string> {
  const options = (await prettier.resolveConfig(STATIC_CATALOG_FILE)) ?? {};
  return prettier.format(JSON.stringify(catalog), { ...options, parser: "json" });
}

async function main(): Promise<void> {
  const at = process.argv.indexOf("--bundles");
  const bundlesDir = path.resolve(root, at >= 0 ? (process.argv[at + 1] ?? "") : "dist/plugins");
  const text = await catalogText(await liveCatalog(bundlesDir));
  const before = fs.existsSync(STATIC_CATALOG_FILE) ? fs.readFileSync(STATIC_CATALOG_FILE, "utf8") : "";
  if (before === text) {
    console.log("unchanged");
    return;
  }
  fs.writeFileSync(STATIC_CATALOG_FILE, text);
  console.log("changed");
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) await main();
