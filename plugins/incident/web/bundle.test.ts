/**
 * The plugin's web build keeps the chart library out of what the RHS loads
 * (issue 14): the entry `web/index.js` and every chunk it imports statically
 * are free of uPlot, which sits in a chunk reached only through the dynamic
 * `import()` of the review pages; uPlot's stylesheet ships as a linked file.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as tar from "tar";
import { describe, expect, it } from "vitest";
import { testPluginBundle } from "#testing";

const pluginDir = path.resolve(import.meta.dirname, "..");
/** A string of uPlot's code (its overlay element's class), present in any build of it, minified or not. */
const UPLOT_MARK = "u-over";

/** The files of the built bundle, by path. */
async function builtFiles(): Promise<Map<string, string>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sitrep-incident-bundle-"));
  try {
    const archive = path.join(dir, "incident.tar.gz");
    fs.writeFileSync(archive, await testPluginBundle(pluginDir));
    await tar.extract({ file: archive, cwd: dir });
    const files = new Map<string, string>();
    const walk = (rel: string) => {
      for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
        const child = rel ? `${rel}/${entry.name}` : entry.name;
        if (entry.isDirectory()) walk(child);
        else if (!child.endsWith(".tar.gz")) files.set(child, fs.readFileSync(path.join(dir, child), "utf8"));
      }
    };
    walk("");
    return files;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** `file` and every module it imports statically (`import ... from "./x.js"`, `import "./x.js"`), transitively. */
function staticGraph(files: Map<string, string>, file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const code = files.get(file) ?? "";
  for (const match of code.matchAll(/(?:^|[;\n}])\s*(?:import|export)\s*(?:[^"'();]*?\bfrom\s*)?["'](\.[^"']+)["']/g)) {
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), match[1] ?? ""));
    staticGraph(files, target, seen);
  }
  return seen;
}

describe("the incident plugin's web build", () => {
  it("loads uPlot only through a dynamic import, never in the RHS entry or its static imports", async () => {
    const files = await builtFiles();
    expect(files.has("web/index.js")).toBe(true);
    const eager = staticGraph(files, "web/index.js");
    for (const file of eager) expect({ file, uplot: files.get(file)?.includes(UPLOT_MARK) }).toEqual({ file, uplot: false });
    const lazy = [...files.keys()].filter((f) => f.startsWith("web/chunks/") && files.get(f)?.includes(UPLOT_MARK));
    expect(lazy).toHaveLength(1);
    const entry = files.get("web/index.js") ?? "";
    // The entry names the chart chunk only inside import("…") (perhaps through another lazy chunk).
    const importers = [...files.entries()].filter(([, code]) => code.includes(path.posix.basename(lazy[0] ?? "?")));
    expect(importers.length).toBeGreaterThan(0);
    for (const [file, code] of importers) {
      expect({ file, dynamic: new RegExp(`import\\(\\s*["'][^"']*${path.posix.basename(lazy[0] ?? "?")}["']\\s*\\)`).test(code) }).toEqual({
        file,
        dynamic: true,
      });
    }
    expect(entry).toMatch(/import\(\s*["']\.\/chunks\/[^"']+["']\s*\)/);
  });

  it("ships uPlot's stylesheet as a file the manifest lists", async () => {
    const files = await builtFiles();
    const manifest: unknown = JSON.parse(files.get("plugin.json") ?? "{}");
    expect(manifest).toMatchObject({ web: { styles: ["web/styles.css", "web/review.css", "web/uplot.css"] } });
    expect(files.get("web/uplot.css")).toContain(".u-over");
    expect(files.get("web/uplot.css")).not.toContain("@import");
  });
});
