/**
 * Helpers for the plugin runtime's tests: the example plugin built once per
 * test process, hand-made bundles (including hostile ones), uploads and a
 * WebSocket listener.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { Header } from "tar";
import WebSocket from "ws";
import { buildPlugin } from "../../../scripts/build-plugin.mjs";
import type { TestClient } from "#testing";

export const exampleDir = path.join(import.meta.dirname, "example");
/** The boundary plugin: routes with schemas and access levels, and storage probes. */
export const boundaryDir = path.join(import.meta.dirname, "boundary");

let built: Promise<Buffer> | undefined;
/** The example plugin's bundle, built with the real build script. */
export function exampleBundle(): Promise<Buffer> {
  built ??= (async () => {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "sitrep-example-build-"));
    const file = await buildPlugin({ dir: exampleDir, outDir });
    const bytes = fs.readFileSync(file);
    fs.rmSync(outDir, { recursive: true, force: true });
    return bytes;
  })();
  return built;
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
    const header = new Header({ path: entry.path, mode: 0o644, size: entry.type && entry.type !== "File" ? 0 : data.length, mtime: new Date(0), type: entry.type ?? "File", linkpath: entry.linkpath, uid: 0, gid: 0 });
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
export function upload(client: TestClient, bundle: Buffer, options: { force?: boolean } = {}) {
  return client.request("POST", `/api/v4/plugins${options.force ? "?force=true" : ""}`, pluginForm(bundle));
}

/** A WebSocket of a signed-in client that records every event. */
export async function listen(client: TestClient): Promise<{ events: Array<{ event: string; data: Record<string, unknown> }>; waitFor(event: string, timeoutMs?: number): Promise<Record<string, unknown>>; close(): void }> {
  const ws = new WebSocket(client.baseUrl.replace(/^http/, "ws") + "/api/v4/websocket", { headers: { authorization: `Bearer ${client.token}` } });
  const events: Array<{ event: string; data: Record<string, unknown> }> = [];
  const waiters: Array<{ event: string; resolve(data: Record<string, unknown>): void }> = [];
  let hello: () => void;
  const ready = new Promise<void>((resolve) => (hello = resolve));
  ws.on("message", (raw) => {
    const message = JSON.parse(raw.toString()) as { event?: string; data?: Record<string, unknown> };
    if (!message.event) return;
    if (message.event === "hello") hello();
    const entry = { event: message.event, data: message.data ?? {} };
    events.push(entry);
    for (const waiter of waiters.filter((w) => w.event === entry.event)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(entry.data);
    }
  });
  await ready;
  return {
    events,
    waitFor(event, timeoutMs = 5000) {
      const seen = events.find((e) => e.event === event);
      if (seen) return Promise.resolve(seen.data);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${event} event within ${timeoutMs}ms; got ${events.map((e) => e.event).join(", ")}`)), timeoutMs);
        waiters.push({ event, resolve: (data) => (clearTimeout(timer), resolve(data)) });
      });
    },
    close: () => ws.close(),
  };
}
