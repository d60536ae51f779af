// Build one plugin into a bundle: `<dir>/server/index.ts` → server/index.js and
// `<dir>/cli/index.ts` → cli/index.js (ESM for Node, everything but Node
// built-ins bundled in), `<dir>/web/index.tsx` → web/index.js (ESM for
// browsers, sharing the host's React through `globalThis.__SITREP__`) with the
// CSS files plugin.json names in `web.styles` (bundled: they may `@import` a
// package's CSS), then
// plugin.json + server/ + cli/ + web/ → `<outDir>/<id>.tar.gz`.
// From a shell: `node scripts/build-plugin.mjs <plugin dir> [out dir]` (default dist/plugins).
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import * as esbuild from "esbuild";
import * as tar from "tar";

const require = createRequire(import.meta.url);

/** Modules the web app shares; plugin code imports them as usual and gets the host's instance. */
const SHARED = {
  react: "React",
  "react-dom": "ReactDOM",
  "react/jsx-runtime": "jsxRuntime",
  "react/jsx-dev-runtime": "jsxRuntime",
};

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Source of a module re-exporting `globalThis.__SITREP__[key]`, with the real module's export names. */
function shimSource(specifier, key) {
  const real = specifier === "react/jsx-dev-runtime" ? require("react/jsx-runtime") : require(specifier);
  const names = Object.keys(real).filter((n) => identifier.test(n) && n !== "default");
  const lines = [
    `const shared = globalThis.__SITREP__ && globalThis.__SITREP__.${key};`,
    `if (!shared) throw new Error("Sitrep web plugins need globalThis.__SITREP__.${key}; load them through the web app");`,
    "export default shared;",
  ];
  for (const name of names) lines.push(`export const ${name} = shared.${name};`);
  if (specifier === "react/jsx-dev-runtime") lines.push("export const jsxDEV = shared.jsx;");
  return lines.join("\n");
}

/** esbuild plugin: resolve the shared modules to shims. */
const sharedModules = {
  name: "sitrep-shared-modules",
  setup(build) {
    const filter = new RegExp(
      `^(${Object.keys(SHARED)
        .map((s) => s.replace(/[/]/g, "\\/"))
        .join("|")})$`,
    );
    build.onResolve({ filter }, (args) => ({ path: args.path, namespace: "sitrep-shared" }));
    build.onLoad({ filter: /.*/, namespace: "sitrep-shared" }, (args) => ({
      contents: shimSource(args.path, SHARED[args.path]),
      loader: "js",
    }));
  },
};

/** Files under `dir`, relative, sorted, so the archive (and its checksum) is the same for the same code. */
function listFiles(dir, prefix = "") {
  const out = [];
  for (const entry of fs.readdirSync(path.join(dir, prefix), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listFiles(dir, rel));
    else out.push(rel);
  }
  return out;
}

/**
 * Build the plugin in `dir` and write `<outDir>/<id>.tar.gz`.
 * @param {{ dir: string, outDir: string, minify?: boolean }} props
 * @returns {Promise<string>} the bundle's path
 * @example await buildPlugin({ dir: "plugins/incident", outDir: "dist/plugins" })
 */
export async function buildPlugin({ dir, outDir, minify = false }) {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, "plugin.json"), "utf8"));
  if (typeof manifest.id !== "string" || !manifest.id) throw new Error(`${path.join(dir, "plugin.json")}: id is required`);
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), `sitrep-plugin-${manifest.id}-`));
  try {
    // The server and the command-line entries: Node modules, built alike.
    for (const side of ["server", "cli"]) {
      const entry = path.join(dir, side, "index.ts");
      if (!fs.existsSync(entry)) continue;
      await esbuild.build({
        entryPoints: [entry],
        outfile: path.join(staging, side, "index.js"),
        bundle: true,
        format: "esm",
        platform: "node",
        target: "node20",
        minify,
        sourcemap: false,
        logLevel: "warning",
        legalComments: "none",
        // Bundled CommonJS dependencies may still call require() for Node built-ins.
        banner: {
          js: 'import { createRequire as __sitrepCreateRequire } from "node:module"; const require = __sitrepCreateRequire(import.meta.url);',
        },
      });
      manifest[side] = { ...manifest[side], entry: `${side}/index.js` };
    }
    const webEntry = path.join(dir, "web", "index.tsx");
    if (fs.existsSync(webEntry)) {
      await esbuild.build({
        entryPoints: { index: webEntry },
        // Dynamic import() becomes a chunk beside index.js (e.g. charts only the pages that draw them load).
        outdir: path.join(staging, "web"),
        splitting: true,
        chunkNames: "chunks/[name]-[hash]",
        bundle: true,
        format: "esm",
        platform: "browser",
        target: "es2022",
        jsx: "automatic",
        minify,
        sourcemap: false,
        logLevel: "warning",
        legalComments: "none",
        define: { "process.env.NODE_ENV": '"production"' },
        plugins: [sharedModules],
      });
      manifest.web = { ...manifest.web, entry: "web/index.js" };
      // CSS ships as the files the manifest names (`web.styles`), which the host links. Each is
      // bundled, so one may `@import` a package's stylesheet (e.g. a chart library's) by name.
      for (const style of manifest.web.styles ?? []) {
        await esbuild.build({
          entryPoints: [path.join(dir, style)],
          outfile: path.join(staging, style),
          bundle: true,
          minify,
          logLevel: "warning",
          legalComments: "none",
        });
      }
    }
    fs.writeFileSync(path.join(staging, "plugin.json"), JSON.stringify(manifest, null, 2) + "\n");
    fs.mkdirSync(outDir, { recursive: true });
    const out = path.join(outDir, `${manifest.id}.tar.gz`);
    // Written beside, then renamed: a server or CLI reading the bundle meanwhile never sees half of it.
    const partial = `${out}.${process.pid}.partial`;
    await tar.create(
      { gzip: { level: 9 }, file: partial, cwd: staging, portable: true, mtime: new Date(0), noDirRecurse: true },
      listFiles(staging),
    );
    fs.renameSync(partial, out);
    return out;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const [dir, outDir = "dist/plugins"] = process.argv.slice(2);
  if (!dir) {
    console.error("usage: node scripts/build-plugin.mjs <plugin dir> [out dir]");
    process.exit(2);
  }
  console.log(await buildPlugin({ dir: path.resolve(dir), outDir: path.resolve(outDir) }));
}
