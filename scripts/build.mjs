#!/usr/bin/env node
// `npm run build`: the web app into dist/web, each first-party plugin into
// dist/plugins/<id>.tar.gz, then the Workflow plugin's offline catalog
// (plugins/workflow/common/static-catalog.json) from a host started with those
// bundles. `--if-stale` skips the work when nothing changed. `--plugins`
// builds only the plugin bundles (what the `sitrep` CLI needs to load the
// plugins' commands), with the committed catalog, without the web app.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { buildPlugin } from "./build-plugin.mjs";

const root = path.resolve(import.meta.dirname, "..");
const ifStale = process.argv.includes("--if-stale");
const pluginsOnly = process.argv.includes("--plugins");
const stamp = path.join(root, "dist", ".build-stamp");
const pluginsStamp = path.join(root, "dist", "plugins", ".build-stamp");

/** Newest modification time of any file under these folders (node_modules excluded). */
function newest(dirs) {
  let max = 0;
  const walk = (dir) => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === "node_modules" || entry.name === "dist") continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else max = Math.max(max, fs.statSync(full).mtimeMs);
    }
  };
  dirs.forEach((d) => walk(path.join(root, d)));
  return max;
}

/** True when `file` was written after every source changed. */
const fresh = (file, sources) => fs.existsSync(file) && fs.statSync(file).mtimeMs >= sources;

const pluginSources = newest(["plugins", "common", "scripts"]);
// server/automation holds the host's trigger and action definitions, which the catalog lists.
const sources = Math.max(pluginSources, newest(["web", "server/automation"]));
if (ifStale && (fresh(stamp, sources) || (pluginsOnly && fresh(pluginsStamp, pluginSources)))) {
  console.log("build: up to date");
  process.exit(0);
}

if (!pluginsOnly) {
  console.log("build: web app → dist/web");
  const web = spawnSync("npx", ["vite", "build", "--config", "web/vite.config.ts", "--logLevel", "warn"], { cwd: root, stdio: "inherit" });
  if (web.status !== 0) process.exit(web.status ?? 1);
}

const pluginsDir = path.join(root, "plugins");
const bundlesDir = path.join(root, "dist", "plugins");
async function bundle(id) {
  const out = await buildPlugin({ dir: path.join(pluginsDir, id), outDir: bundlesDir });
  console.log(`build: plugin ${id} → ${path.relative(root, out)}`);
}
for (const id of fs.readdirSync(pluginsDir)) {
  if (fs.existsSync(path.join(pluginsDir, id, "plugin.json"))) await bundle(id);
}

if (!pluginsOnly) {
  // The catalog comes from the live definitions in the bundles just built. The
  // Workflow bundle embeds the catalog, so it is built again when the catalog
  // changed (once is enough: the catalog does not depend on that copy).
  console.log("build: workflow catalog → plugins/workflow/common/static-catalog.json");
  const catalog = spawnSync("npx", ["tsx", "scripts/write-static-catalog.ts", "--bundles", bundlesDir], { cwd: root, encoding: "utf8" });
  if (catalog.status !== 0) {
    process.stderr.write(catalog.stderr);
    process.exit(catalog.status ?? 1);
  }
  if (catalog.stdout.trim() === "changed") await bundle("workflow");
}
fs.mkdirSync(path.dirname(pluginsStamp), { recursive: true });
fs.writeFileSync(pluginsStamp, new Date().toISOString());
if (!pluginsOnly) fs.writeFileSync(stamp, new Date().toISOString());
