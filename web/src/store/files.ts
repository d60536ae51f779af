/**
 * @module store/files
 * Files for the next message of a draft (a channel's composer, or a
 * thread's): each uploaded on its own (`POST /api/v4/files`) as soon as it is
 * picked, dropped or pasted, with its progress, so Send only attaches the
 * ids; and the files of a post that arrived without them.
 */
import * as z from "zod/mini";
import { fileInfoSchema, fileUploadResponseSchema } from "#common/wire-schemas.ts";
import type { FileInfo } from "#common/wire.ts";
import { errorMessage } from "../api/client.ts";
import type { Services } from "./services.ts";
import type { AppState } from "./state.ts";

type Deps = Pick<Services, "api" | "store">;

/** The most files one message carries (the server's and Mattermost's limit). */
export const MAX_FILES_PER_MESSAGE = 10;

/** Where a message is being written: a channel, or a thread of it. */
export interface Draft {
  channelId: string;
  /** The thread's root post, for a reply. */
  rootId?: string;
}

/** A file picked for the next message of a draft. */
export interface PendingFile {
  /** This upload's own id (Mattermost's `client_id`), also while it runs. */
  id: string;
  name: string;
  /** In bytes. */
  size: number;
  /** The type the browser gave (for the icon until the server's sniffed one is known). */
  type: string;
  /** Bytes sent so far. */
  sent: number;
  status: "uploading" | "uploaded" | "failed";
  /** The stored file, once uploaded. */
  info?: FileInfo;
  /** Why it was not uploaded, once failed. */
  error?: string;
}

/** The key of a draft's files in `AppState.pendingFiles`. */
export function draftKey(draft: Draft): string {
  return draft.rootId ? `${draft.channelId}:${draft.rootId}` : draft.channelId;
}

/** The ids of a draft's uploaded files, in the order they were picked: what Send attaches. */
export function attachableFileIds(files: readonly PendingFile[]): string[] {
  return files.flatMap((f) => (f.status === "uploaded" && f.info ? [f.info.id] : []));
}

/** True while any of a draft's files is still being sent. */
export function uploadsRunning(files: readonly PendingFile[]): boolean {
  return files.some((f) => f.status === "uploading");
}

/** A draft's files (a stable empty list when it has none). */
export function draftFiles(state: AppState, draft: Draft): PendingFile[] {
  return state.pendingFiles[draftKey(draft)] ?? NO_FILES;
}
const NO_FILES: PendingFile[] = [];

/**
 * The name a pasted file gets: a screenshot comes from the clipboard as
 * `image.png` (or nameless), which would make every pasted image alike, so it
 * is named for when it was pasted; a copied file keeps its own name.
 * @example pastedFileName({ name: "image.png", type: "image/png" }, new Date(2024, 4, 1, 9, 30, 5)) // "Pasted image 2024-05-01 09-30-05.png"
 */
export function pastedFileName(file: { name: string; type: string }, now: Date): string {
  if (file.name && !/^image\.\w+$/i.test(file.name)) return file.name;
  const extension = /\.(\w+)$/.exec(file.name)?.[1] ?? /^image\/(\w+)/.exec(file.type)?.[1]?.replace("jpeg", "jpg") ?? "png";
  const pad = (n: number) => String(n).padStart(2, "0");
  const date = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
  const time = `${pad(now.getHours())}-${pad(now.getMinutes())}-${pad(now.getSeconds())}`;
  return `Pasted image ${date} ${time}.${extension}`;
}

/**
 * The files to upload from a paste: its files, each named by
 * {@link pastedFileName}, when it has no plain text (copying cells of a
 * spreadsheet gives text and a picture of them: the text is what is meant).
 */
export function pastedFiles(clipboard: { files: ArrayLike<File>; types: readonly string[] }, now: Date): File[] {
  if (clipboard.types.includes("text/plain")) return [];
  return Array.from(clipboard.files, (file) => {
    const name = pastedFileName(file, now);
    return name === file.name ? file : new File([file], name, { type: file.type, lastModified: file.lastModified });
  });
}

/** The uploads running in each store's drafts, so removing a file cancels its upload. */
const running = new WeakMap<Deps["store"], Map<string, AbortController>>();

function controllersOf(store: Deps["store"]): Map<string, AbortController> {
  let controllers = running.get(store);
  if (!controllers) running.set(store, (controllers = new Map()));
  return controllers;
}

/** Change one of a draft's files (nothing when it was removed meanwhile). */
function fileUpdater(services: Deps, key: string, id: string, patch: Partial<PendingFile>): void {
  services.store.update((s) => {
    const files = s.pendingFiles[key];
    if (!files?.some((f) => f.id === id)) return s;
    return { ...s, pendingFiles: { ...s.pendingFiles, [key]: files.map((f) => (f.id === id ? { ...f, ...patch } : f)) } };
  });
}

/**
 * Add files to a draft and upload each to the draft's channel, one request
 * per file so each has its own progress and its own failure (the server's
 * 413 over the size limit, a 403 …). Files over the per-message limit are
 * listed as failed, not sent. Resolves when every upload has ended.
 */
export async function filesUploader(services: Deps, props: { draft: Draft; files: readonly File[] }): Promise<void> {
  const key = draftKey(props.draft);
  const already = services.store.get().pendingFiles[key]?.length ?? 0;
  const added = props.files.map((file, index): { file: File; pending: PendingFile } => {
    const full = already + index >= MAX_FILES_PER_MESSAGE;
    return {
      file,
      pending: {
        id: crypto.randomUUID(),
        name: file.name,
        size: file.size,
        type: file.type,
        sent: 0,
        status: full ? "failed" : "uploading",
        error: full ? `Not attached: a message carries at most ${MAX_FILES_PER_MESSAGE} files.` : undefined,
      },
    };
  });
  if (added.length === 0) return;
  services.store.update((s) => ({
    ...s,
    pendingFiles: { ...s.pendingFiles, [key]: [...(s.pendingFiles[key] ?? []), ...added.map((a) => a.pending)] },
  }));
  await Promise.all(
    added.filter((a) => a.pending.status === "uploading").map((a) => fileSender(services, { key, draft: props.draft, ...a })),
  );
}

/** Upload one pending file and record how it went. */
async function fileSender(services: Deps, props: { key: string; draft: Draft; file: File; pending: PendingFile }): Promise<void> {
  const { key, pending } = props;
  const controller = new AbortController();
  const controllers = controllersOf(services.store);
  controllers.set(pending.id, controller);
  const form = new FormData();
  // The channel goes before the files: the server checks it at the first file, before storing any byte.
  form.append("channel_id", props.draft.channelId);
  form.append("client_ids", pending.id);
  form.append("files", props.file, pending.name);
  try {
    const answer = await services.api.upload("/api/v4/files", form, fileUploadResponseSchema, {
      signal: controller.signal,
      // The body is a little larger than the file (the multipart framing): progress is its share of the whole.
      onProgress: ({ loaded, total }) => fileUpdater(services, key, pending.id, { sent: Math.round((pending.size * loaded) / total) }),
    });
    const info = answer.file_infos[0];
    if (!info) throw new Error("The server stored no file.");
    fileUpdater(services, key, pending.id, { status: "uploaded", sent: pending.size, info });
  } catch (error) {
    if (controller.signal.aborted) return; // removed by the user: its entry is gone already
    fileUpdater(services, key, pending.id, { status: "failed", error: errorMessage(error) });
  } finally {
    controllers.delete(pending.id);
  }
}

/** Take a file off a draft, cancelling its upload if it is still running. */
export function pendingFileRemover(services: Deps, props: { draft: Draft; id: string }): void {
  const key = draftKey(props.draft);
  controllersOf(services.store).get(props.id)?.abort();
  services.store.update((s) => {
    const files = s.pendingFiles[key];
    if (!files?.some((f) => f.id === props.id)) return s;
    return { ...s, pendingFiles: { ...s.pendingFiles, [key]: files.filter((f) => f.id !== props.id) } };
  });
}

/** Empty a draft's files (its message was sent with them). */
export function draftFilesClearer(services: Deps, draft: Draft): void {
  const key = draftKey(draft);
  const files = services.store.get().pendingFiles[key];
  if (!files) return;
  for (const file of files) controllersOf(services.store).get(file.id)?.abort();
  services.store.update((s) => {
    const { [key]: _cleared, ...rest } = s.pendingFiles;
    return { ...s, pendingFiles: rest };
  });
}

/** The files of a post, read from the server (for a post that came without `metadata.files`). */
export function postFilesLoader(services: Pick<Services, "api">, postId: string): Promise<FileInfo[]> {
  return services.api.get(`/api/v4/posts/${encodeURIComponent(postId)}/files/info`, z.array(fileInfoSchema));
}
