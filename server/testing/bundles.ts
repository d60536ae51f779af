/**
 * @module testing/bundles
 * Plugin bundles for tests: a plugin folder built once per test process with
 * the real build script, hand-made archives (including ones no honest tool
 * would make), and the upload form of `POST /api/v4/plugins`.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { Header } from "tar";
import { buildPlugin } from "../../scripts/build-plugin.mjs";
import type { ApiResponse, TestClient } from "./harness.ts";

const root = path.resolve(import.meta.dirname, "../..");

const built = new Map<string, Promise<Buffer>>();
/** The bundle of a test plugin's folder, built once per test process with the real build script. */
export function testPluginBundle(dir: string): Promise<Buffer> {
  let bundle = built.get(dir);
  if (!bundle) {
    bundle = (async () => {
      const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "sitrep-test-plugin-build-"));
      const file = await buildPlugin({ dir, outDir });
      const bytes = fs.readFileSync(file);
      fs.rmSync(outDir, { recursive: true, force: true });
      return bytes;
    })();
    built.set(dir, bundle);
  }
  return bundle;
}

/** The runtime tests' example plugin (server/plugins/testdata/example): hooks, commands, dialogs, settings. */
export const exampleDir = path.join(root, "server/plugins/testdata/example");

/** The example plugin's bundle, built with the real build script. */
export function exampleBundle(): Promise<Buffer> {
  return testPluginBundle(exampleDir);
}

/** One entry of a hand-made archive. `type` defaults to a file. */
export interface TarEntry {
  path: string;
  data?: string | Buffer;
  type?: "File" | "Directory" | "SymbolicLink";
  linkpath?: string;
}

/** A `.tar.gz` made entry by entry, so tests can build bundles no honest tool would. */
export function makeTarGz(entries: TarEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const data = entry.data === undefined ? Buffer.alloc(0) : Buffer.from(entry.data);
    const header = new Header({
      path: entry.path,
      mode: 0o644,
      size: entry.type && entry.type !== "File" ? 0 : data.length,
      mtime: new Date(0),
      type: entry.type ?? "File",
      linkpath: entry.linkpath,
      uid: 0,
      gid: 0,
    });
    const block = Buffer.alloc(512);
    header.encode(block, 0);
    blocks.push(block);
    if ((entry.type ?? "File") === "File" && data.length) {
      blocks.push(data, Buffer.alloc((512 - (data.length % 512)) % 512));
    }
  }
  blocks.push(Buffer.alloc(1024));
  return zlib.gzipSync(Buffer.concat(blocks));
}

/** A minimal valid bundle with a server entry of the given source. */
export function makeBundle(props: { manifest?: Record<string, unknown>; server?: string; extra?: TarEntry[] } = {}): Buffer {
  const manifest = props.manifest ?? { id: "tiny", name: "Tiny", version: "1.0.0", server: { entry: "server/index.js" } };
  return makeTarGz([
    { path: "plugin.json", data: JSON.stringify(manifest) },
    { path: "server/index.js", data: props.server ?? "export function activate() {}\n" },
    ...(props.extra ?? []),
  ]);
}

/** The multipart form `POST /api/v4/plugins` takes. */
export function pluginForm(bundle: Buffer, field = "plugin"): FormData {
  const form = new FormData();
  form.append(field, new Blob([new Uint8Array(bundle)], { type: "application/gzip" }), "plugin.tar.gz");
  return form;
}

/** Upload a bundle as `client` (`force` replaces an installed one). */
export function upload(client: TestClient, bundle: Buffer, options: { force?: boolean } = {}): Promise<ApiResponse> {
  return client.request("POST", `/api/v4/plugins${options.force ? "?force=true" : ""}`, pluginForm(bundle));
}
