/**
 * @module plugins/web-assets
 * Files of a plugin's web code, served at `/static/plugins/{id}/{checksum}/...`.
 * Only files below the folder of `web.entry` are served (not the server code),
 * never anything outside the extracted bundle, with a content type by extension.
 */
import fs from "node:fs";
import path from "node:path";
import type { PluginManifest } from "#plugin-api";
import { notFound } from "../errors.ts";

const CONTENT_TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".html": "text/html; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
};

/** A plugin id as bundles have them, and a sha256 checksum: anything else names no asset. */
export function isAssetAddress(props: { pluginId: string; checksum: string }): boolean {
  return /^[a-z][a-z0-9_]{1,31}$/.test(props.pluginId) && /^[a-f0-9]{64}$/.test(props.checksum);
}

/** The 404 of an asset that is not there, or not served. */
export const missingAsset = (props: { pluginId: string; path: string }) =>
  notFound("plugin_asset", `no asset ${props.path} for plugin ${props.pluginId}`);

/** Read one web file of an extracted bundle, or a 404. */
export async function readWebAsset(props: {
  pluginId: string;
  manifest: PluginManifest;
  /** The extracted bundle's folder. */
  dir: string;
  path: string;
}): Promise<{ body: Buffer; contentType: string }> {
  if (!props.manifest.web) throw missingAsset(props);
  const webRoot = path.resolve(props.dir, path.posix.dirname(props.manifest.web.entry));
  const file = path.resolve(props.dir, props.path);
  if (!file.startsWith(webRoot + path.sep)) throw missingAsset(props);
  let body: Buffer;
  try {
    body = await fs.promises.readFile(file);
  } catch {
    throw missingAsset(props);
  }
  return { body, contentType: CONTENT_TYPES[path.extname(file).toLowerCase()] ?? "application/octet-stream" };
}
