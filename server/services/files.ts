/**
 * @module services/files
 * Uploaded files (DESIGN §9 "files"): store one (its type sniffed from its
 * bytes, never the uploader's word), read its bytes back, attach uploads to a
 * post, and add a post's files to its JSON as Mattermost does (`file_ids`,
 * `metadata.files`). The bytes live under `<dataDir>/files` on SQLite and in
 * the `file_contents` table on PostgreSQL, so every process serves them.
 */
import fs from "node:fs";
import path from "node:path";
import { fileTypeFromBuffer } from "file-type";
import { newId } from "#common/ids.ts";
import type { FileInfo, Post } from "#common/wire.ts";
import type { FileInfosTable } from "../db/schema.ts";
import { AppError, badRequest } from "../errors.ts";
import type { Host } from "../host.ts";

/** The most files one post may carry (Mattermost's limit). */
export const MAX_FILES_PER_POST = 10;

/** The types served inline: raster images a browser renders without running anything. SVG and HTML never are. */
const INLINE_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);

/** Whether a file of this sniffed type may be shown inline (a raster image) rather than downloaded. */
export function servedInline(mimeType: string): boolean {
  return INLINE_TYPES.has(mimeType);
}

/** The largest upload the configuration allows, in bytes. */
export function maxFileBytes(host: Pick<Host, "config">): number {
  return Math.floor(host.config.maxFileMb * 1024 * 1024);
}

/** The 413 of a file over `SITREP_MAX_FILE_MB`, naming the limit. */
export function fileTooLarge(host: Pick<Host, "config">): AppError {
  return new AppError({
    status: 413,
    id: "api.file.upload_file.too_large",
    message: `files: a file is larger than the limit of ${host.config.maxFileMb} MB (SITREP_MAX_FILE_MB)`,
  });
}

/** A stored file's metadata as the API shows it. */
export function presentFileInfo(row: FileInfosTable): FileInfo {
  return {
    id: row.id,
    user_id: row.user_id,
    post_id: row.post_id,
    channel_id: row.channel_id,
    create_at: Number(row.create_at),
    update_at: Number(row.update_at),
    delete_at: Number(row.delete_at),
    name: row.name,
    extension: row.extension,
    size: Number(row.size),
    mime_type: row.mime_type,
    ...(row.width > 0 ? { width: row.width, height: row.height } : {}),
    has_preview_image: servedInline(row.mime_type),
  };
}

/** The type of these bytes by their magic number; text without one is `text/plain`, anything else `application/octet-stream`. */
async function sniffType(bytes: Uint8Array): Promise<string> {
  const found = await fileTypeFromBuffer(bytes);
  if (found) return found.mime;
  if (bytes.includes(0)) return "application/octet-stream";
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return "text/plain";
  } catch {
    return "application/octet-stream";
  }
}

/** Width and height of a PNG or GIF from its header (0 × 0 for other types). */
function imageSize(mimeType: string, bytes: Buffer): { width: number; height: number } {
  if (mimeType === "image/png" && bytes.length >= 24) return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  if (mimeType === "image/gif" && bytes.length >= 10) return { width: bytes.readUInt16LE(6), height: bytes.readUInt16LE(8) };
  return { width: 0, height: 0 };
}

/** An uploaded name made safe to store and show: no directories, no control characters, at most 255 characters. */
function cleanName(name: string): string {
  const base = path.basename(name.replace(/\\/g, "/"));
  return [...base]
    .filter((char) => char.charCodeAt(0) > 0x1f && char.charCodeAt(0) !== 0x7f)
    .join("")
    .slice(0, 255);
}

/** Where SQLite workspaces keep a file's bytes. */
function filePath(host: Pick<Host, "config">, fileId: string): string {
  return path.join(host.config.dataDir, "files", fileId);
}

/**
 * Store one uploaded file for `userId` in `channelId` (the caller has checked
 * they may post there): bytes first, then the metadata row, so a row always
 * has its bytes.
 */
export async function fileStorer(
  host: Pick<Host, "db" | "dialect" | "config">,
  props: { userId: string; channelId: string; name: string; bytes: Buffer },
): Promise<FileInfo> {
  const name = cleanName(props.name);
  if (!name) throw badRequest("api.file.upload_file.name", "files: each file needs a file name");
  const mimeType = await sniffType(props.bytes);
  const { width, height } = imageSize(mimeType, props.bytes);
  const now = Date.now();
  const row: FileInfosTable = {
    id: newId(),
    user_id: props.userId,
    channel_id: props.channelId,
    post_id: "",
    name,
    extension: path.extname(name).slice(1).toLowerCase(),
    size: props.bytes.length,
    mime_type: mimeType,
    width,
    height,
    create_at: now,
    update_at: now,
    delete_at: 0,
  };
  if (host.dialect === "postgres") {
    await host.db.transaction().execute(async (trx) => {
      await trx.insertInto("file_contents").values({ file_id: row.id, content: props.bytes }).execute();
      await trx.insertInto("file_infos").values(row).execute();
    });
  } else {
    const target = filePath(host, row.id);
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    await fs.promises.writeFile(target, props.bytes);
    try {
      await host.db.insertInto("file_infos").values(row).execute();
    } catch (error) {
      await fs.promises.rm(target, { force: true });
      throw error;
    }
  }
  return presentFileInfo(row);
}

/** Remove files stored by an upload that failed part-way, so nothing half-done stays. */
export async function fileRemover(host: Pick<Host, "db" | "dialect" | "config">, fileIds: readonly string[]): Promise<void> {
  if (fileIds.length === 0) return;
  await host.db.deleteFrom("file_infos").where("id", "in", fileIds).execute();
  if (host.dialect === "postgres") await host.db.deleteFrom("file_contents").where("file_id", "in", fileIds).execute();
  else for (const id of fileIds) await fs.promises.rm(filePath(host, id), { force: true });
}

/** A live file's metadata row by id, or undefined. */
export async function getFileRow(host: Pick<Host, "db">, fileId: string): Promise<FileInfosTable | undefined> {
  return host.db.selectFrom("file_infos").selectAll().where("id", "=", fileId).where("delete_at", "=", 0).executeTakeFirst();
}

/** A stored file's bytes. */
export async function fileBytes(host: Pick<Host, "db" | "dialect" | "config">, fileId: string): Promise<Buffer> {
  if (host.dialect === "postgres") {
    const row = await host.db.selectFrom("file_contents").select("content").where("file_id", "=", fileId).executeTakeFirstOrThrow();
    return Buffer.from(row.content);
  }
  return fs.promises.readFile(filePath(host, fileId));
}

/**
 * Refuse `file_ids` a new post may not carry: each must be a live upload by
 * the author to this channel, not yet attached to a post. Checked before the
 * post is written, so a refused post stores nothing.
 */
export async function checkAttachable(
  host: Pick<Host, "db">,
  props: { fileIds: readonly string[]; userId: string; channelId: string },
): Promise<void> {
  if (props.fileIds.length === 0) return;
  const unique = [...new Set(props.fileIds)];
  if (unique.length !== props.fileIds.length) throw badRequest("api.post.create.file_ids", "file_ids: lists a file more than once");
  const rows = await host.db
    .selectFrom("file_infos")
    .select("id")
    .where("id", "in", unique)
    .where("user_id", "=", props.userId)
    .where("channel_id", "=", props.channelId)
    .where("post_id", "=", "")
    .where("delete_at", "=", 0)
    .execute();
  const found = new Set(rows.map((r) => r.id));
  const bad = unique.find((id) => !found.has(id));
  if (bad !== undefined)
    throw badRequest(
      "api.post.create.file_ids",
      `file_ids: ${bad} is not a file you uploaded to this channel, or it is already attached to a post`,
    );
}

/** Attach checked uploads ({@link checkAttachable}) to a written post, in the order given. */
export async function filesAttacher(host: Pick<Host, "db">, props: { fileIds: readonly string[]; postId: string }): Promise<FileInfo[]> {
  if (props.fileIds.length === 0) return [];
  await host.db
    .updateTable("file_infos")
    .set({ post_id: props.postId, update_at: Date.now() })
    .where("id", "in", [...props.fileIds])
    .where("post_id", "=", "")
    .execute();
  const byId = await filesOfPosts(host, [props.postId]);
  const files = byId.get(props.postId) ?? [];
  return props.fileIds.flatMap((id) => files.filter((f) => f.id === id));
}

/** The live files of these posts, by post id, oldest first (one query). */
export async function filesOfPosts(host: Pick<Host, "db">, postIds: readonly string[]): Promise<Map<string, FileInfo[]>> {
  const byPost = new Map<string, FileInfo[]>();
  if (postIds.length === 0) return byPost;
  const rows = await host.db
    .selectFrom("file_infos")
    .selectAll()
    .where("post_id", "in", [...new Set(postIds)])
    // Says what the partial index `file_infos_post_id` holds, so both dialects use it.
    .where("post_id", "<>", "")
    .where("delete_at", "=", 0)
    .orderBy("create_at")
    .orderBy("id")
    .execute();
  for (const row of rows) byPost.set(row.post_id, [...(byPost.get(row.post_id) ?? []), presentFileInfo(row)]);
  return byPost;
}

/** A post with Mattermost's `file_ids` and `metadata.files` when it has files; unchanged otherwise. */
export function postWithFiles<P extends Post>(post: P, files: readonly FileInfo[] | undefined): P {
  if (!files || files.length === 0) return post;
  return { ...post, file_ids: files.map((f) => f.id), metadata: { ...post.metadata, files: [...files] } };
}

/** The posts with their files ({@link postWithFiles}), in one query. */
export async function withFiles<P extends Post>(host: Pick<Host, "db">, posts: P[]): Promise<P[]> {
  if (posts.length === 0) return posts;
  const byPost = await filesOfPosts(
    host,
    posts.map((p) => p.id),
  );
  if (byPost.size === 0) return posts;
  return posts.map((post) => postWithFiles(post, byPost.get(post.id)));
}

/** A post list (`{order, posts}`) with its posts' files ({@link withFiles}). */
export async function withFilesInList<L extends { posts: Record<string, Post> }>(host: Pick<Host, "db">, list: L): Promise<L> {
  const posts = await withFiles(host, Object.values(list.posts));
  return { ...list, posts: Object.fromEntries(posts.map((p) => [p.id, p])) };
}
