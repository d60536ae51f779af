/**
 * @module plugins/bundle
 * Plugin bundles: a `.tar.gz` holding `plugin.json` and the built code. Reads
 * one in memory, refuses anything that could escape its folder, validates the
 * manifest with zod, and extracts it once per checksum.
 */
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { Parser, type ReadEntry } from "tar";
import { z } from "zod";
import type { PluginManifest } from "#plugin-api";
import { AppError, badRequest, fromZodError } from "../errors.ts";

/** Uncompressed size a bundle may reach; beyond it the upload is refused (gzip bombs). */
const MAX_UNPACKED_BYTES = 200 * 1024 * 1024;
/** Marker written last, so a half-extracted folder is never used. */
const COMPLETE_MARKER = ".sitrep-extracted";

/** A path inside a bundle: relative, forward slashes, no `..`, no absolute or drive paths. */
const bundlePathSchema = z
  .string()
  .min(1, "is required")
  .max(256)
  .refine((p) => isSafeRelativePath(p), "must be a relative path inside the bundle (no '..', no leading '/')");

const settingSchema = z.object({
  type: z.enum(["string", "number", "boolean", "string[]"], "must be one of string, number, boolean, string[]"),
  default: z.unknown().optional(),
  description: z.string().max(1000).optional(),
});

/** `plugin.json`, as validated on upload. */
export const manifestSchema = z
  .object({
    id: z
      .string("is required")
      .regex(/^[a-z][a-z0-9_]{1,31}$/, "must be 2 to 32 characters: lowercase letters, digits and '_', starting with a letter"),
    name: z.string("is required").trim().min(1, "is required").max(64),
    version: z.string("is required").regex(/^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]+)?$/, "must be a semantic version such as 1.2.3"),
    description: z.string().max(1000).optional(),
    server: z.object({ entry: bundlePathSchema }).optional(),
    web: z
      .object({
        entry: bundlePathSchema,
        styles: z
          .array(bundlePathSchema.regex(/\.css$/, "must name a .css file"))
          .max(20)
          .optional(),
      })
      .optional(),
    cli: z.object({ entry: bundlePathSchema }).optional(),
    disable_warning: z
      .string()
      .regex(/^\/[A-Za-z0-9_/-]{1,200}$/, "must be a path under the plugin's routes, such as /api/v1/disable-warning")
      .optional(),
    directories: z
      .record(
        z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, "directory names must be identifiers"),
        z.object({
          env: z.string().regex(/^[A-Z][A-Z0-9_]*$/, "must be an environment variable name"),
          default: z.string().min(1),
          description: z.string().optional(),
        }),
      )
      .optional(),
    settings_schema: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, "setting keys must be identifiers"), settingSchema).optional(),
  })
  .superRefine((manifest, ctx) => {
    for (const [key, setting] of Object.entries(manifest.settings_schema ?? {})) {
      if (setting.default !== undefined && !settingValueSchema(setting.type).safeParse(setting.default).success) {
        ctx.addIssue({ code: "custom", path: ["settings_schema", key, "default"], message: `must be a ${setting.type}` });
      }
    }
  });

/** The zod schema of one setting value of a type. */
export function settingValueSchema(type: "string" | "number" | "boolean" | "string[]"): z.ZodType {
  switch (type) {
    case "string":
      return z.string();
    case "number":
      return z.number();
    case "boolean":
      return z.boolean();
    case "string[]":
      return z.array(z.string());
  }
}

/** A bundle read into memory: its manifest and files (path → bytes). */
export interface ReadBundle {
  manifest: PluginManifest;
  files: Map<string, Buffer>;
  /** sha256 of the `.tar.gz` bytes, hex. */
  checksum: string;
}

function isSafeRelativePath(p: string): boolean {
  if (p.includes("\0") || p.includes("\\")) return false;
  if (p.startsWith("/") || /^[A-Za-z]:/.test(p)) return false;
  return p.split("/").every((segment) => segment !== "..");
}

/** `./a/b/` → `a/b`; null for the root entry. */
function normalizeEntryPath(raw: string): string | null {
  const trimmed = raw.replace(/^(\.\/)+/, "").replace(/\/+$/, "");
  if (trimmed === "" || trimmed === ".") return null;
  return trimmed
    .split("/")
    .filter((s) => s !== "." && s !== "")
    .join("/");
}

const invalidBundle = (message: string) => badRequest("api.plugin.bundle.invalid", message);

/** Parse a manifest object, or a 400 naming each field (`plugin.json: version: must be ...`). */
export function parseManifest(value: unknown): PluginManifest {
  const parsed = manifestSchema.safeParse(value);
  if (!parsed.success) {
    const error = fromZodError(parsed.error, "api.plugin.manifest.invalid");
    throw new AppError({ status: 400, id: error.id, message: `plugin.json: ${error.message}`, details: error.details });
  }
  return parsed.data as PluginManifest;
}

/** Unpack the tar entries of a gzip'd bundle into memory, refusing links and paths that escape. */
async function untar(bundle: Buffer): Promise<Map<string, Buffer>> {
  let tarBytes: Buffer;
  try {
    tarBytes = zlib.gunzipSync(bundle, { maxOutputLength: MAX_UNPACKED_BYTES });
  } catch (error) {
    const tooLarge = (error as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE" || String(error).includes("maxOutputLength");
    throw invalidBundle(
      tooLarge
        ? `plugin: the bundle unpacks to more than ${MAX_UNPACKED_BYTES / 1024 / 1024} MB`
        : "plugin: is not a gzip-compressed tar archive (.tar.gz)",
    );
  }
  const files = new Map<string, Buffer>();
  let problem: AppError | null = null;
  await new Promise<void>((resolve, reject) => {
    const parser = new Parser({ strict: true });
    parser.on("entry", (entry: ReadEntry) => {
      const raw = entry.path;
      if (!isSafeRelativePath(raw)) {
        problem ??= invalidBundle(`plugin: the entry "${raw}" points outside the bundle; paths must be relative without '..'`);
        entry.resume();
        return;
      }
      const name = normalizeEntryPath(raw);
      if (entry.type === "Directory" || name === null) {
        entry.resume();
        return;
      }
      if (entry.type !== "File" && entry.type !== "OldFile" && entry.type !== "ContiguousFile") {
        problem ??= invalidBundle(`plugin: the entry "${raw}" is a ${entry.type}; a bundle may hold only files and folders`);
        entry.resume();
        return;
      }
      const chunks: Buffer[] = [];
      entry.on("data", (chunk: Buffer) => chunks.push(chunk));
      entry.on("end", () => files.set(name, Buffer.concat(chunks)));
    });
    parser.on("error", reject);
    parser.on("warn", (_code: string, message: string | Error) => {
      problem ??= invalidBundle(`plugin: is not a valid tar archive (${message instanceof Error ? message.message : message})`);
    });
    parser.on("end", () => resolve());
    parser.end(tarBytes);
  }).catch((error: unknown) => {
    problem ??= invalidBundle(`plugin: is not a valid tar archive (${error instanceof Error ? error.message : String(error)})`);
  });
  if (problem) throw problem;
  return files;
}

/**
 * Read and validate a bundle: a safe archive with a valid `plugin.json` whose
 * entries exist. A bundle whose files all sit in one top folder (as
 * Mattermost's do) is read as if that folder were the root.
 * @example const { manifest, checksum } = await readBundle(fs.readFileSync("dist/plugins/incident.tar.gz"))
 */
export async function readBundle(bundle: Buffer): Promise<ReadBundle> {
  let files = await untar(bundle);
  if (!files.has("plugin.json")) {
    const tops = new Set([...files.keys()].map((p) => p.split("/")[0]));
    const [top] = tops;
    if (tops.size === 1 && top && files.has(`${top}/plugin.json`)) {
      files = new Map([...files].map(([p, data]) => [p.slice(top.length + 1), data]));
    }
  }
  const raw = files.get("plugin.json");
  if (!raw) throw invalidBundle("plugin: the bundle has no plugin.json at its root");
  let json: unknown;
  try {
    json = JSON.parse(raw.toString("utf8"));
  } catch (error) {
    throw badRequest("api.plugin.manifest.invalid", `plugin.json: is not valid JSON (${(error as Error).message})`);
  }
  const manifest = parseManifest(json);
  for (const [field, entry] of [
    ["server.entry", manifest.server?.entry],
    ["web.entry", manifest.web?.entry],
    ["cli.entry", manifest.cli?.entry],
    ...(manifest.web?.styles ?? []).map((style, index) => [`web.styles.${index}`, style] as const),
  ] as const) {
    if (entry !== undefined && !files.has(normalizeEntryPath(entry) ?? "")) {
      throw badRequest("api.plugin.manifest.invalid", `plugin.json: ${field}: "${entry}" is not a file in the bundle`);
    }
  }
  return { manifest, files, checksum: createHash("sha256").update(bundle).digest("hex") };
}

/** True when `dir` holds a completely extracted bundle. */
export function bundleExtracted(dir: string): boolean {
  return fs.existsSync(path.join(dir, COMPLETE_MARKER));
}

/**
 * Write a read bundle to `dir` once: into a temporary sibling, then renamed,
 * so processes sharing the data directory never see half a bundle.
 */
export function extractBundle(props: { files: Map<string, Buffer>; dir: string }): void {
  if (bundleExtracted(props.dir)) return;
  const tmp = `${props.dir}.tmp-${randomBytes(6).toString("hex")}`;
  fs.mkdirSync(tmp, { recursive: true });
  try {
    for (const [name, data] of props.files) {
      const target = path.resolve(tmp, name);
      // Checked on read already; checked again because this is where it would hurt.
      if (!target.startsWith(tmp + path.sep)) throw new Error(`bundle entry escapes its folder: ${name}`);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, data);
    }
    fs.writeFileSync(path.join(tmp, COMPLETE_MARKER), "");
    fs.rmSync(props.dir, { recursive: true, force: true });
    fs.renameSync(tmp, props.dir);
  } catch (error) {
    fs.rmSync(tmp, { recursive: true, force: true });
    // Another process finished the same extraction first: theirs is as good.
    if (bundleExtracted(props.dir)) return;
    throw error;
  }
}

/** -1, 0 or 1 comparing two semantic versions by major.minor.patch (a pre-release sorts first). */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) => {
    const [core, pre] = v.split(/-(.*)/s, 2) as [string, string | undefined];
    return {
      nums: core
        .split("+")[0]!
        .split(".")
        .map((n) => Number(n) || 0),
      pre,
    };
  };
  const pa = parts(a);
  const pb = parts(b);
  for (let i = 0; i < 3; i++) {
    const d = (pa.nums[i] ?? 0) - (pb.nums[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  if (pa.pre === pb.pre) return 0;
  if (pa.pre === undefined) return 1;
  if (pb.pre === undefined) return -1;
  return pa.pre < pb.pre ? -1 : 1;
}
