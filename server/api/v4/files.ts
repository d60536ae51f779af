/**
 * @module api/v4/files
 * File uploads and downloads (DESIGN §9 "files"): upload to a channel the
 * caller may post in, read a file's bytes, preview and metadata, and a post's
 * files. Bytes are served with the type sniffed at upload, `nosniff` and a
 * sandboxing CSP, and as an attachment unless they are a raster image — so an
 * uploaded HTML page or SVG never runs in the workspace's origin.
 */
import type { MultipartFile } from "@fastify/multipart";
import type { FastifyInstance, FastifyReply } from "fastify";
import { z } from "zod";
import { fileInfoSchema, fileUploadResponseSchema } from "#common/wire-schemas.ts";
import type { FileInfo } from "#common/wire.ts";
import { badRequest } from "../../errors.ts";
import type { Host } from "../../host.ts";
import { accessChannelToPost, accessFile } from "../../policies/file.ts";
import { accessPost } from "../../policies/post.ts";
import {
  fileBytes,
  fileRemover,
  fileStorer,
  filesOfPosts,
  fileTooLarge,
  MAX_FILES_PER_POST,
  presentFileInfo,
  servedInline,
} from "../../services/files.ts";
import type { FileInfosTable } from "../../db/schema.ts";
import { hostRoute } from "../route.ts";

const idParams = z.object({ id: z.string() });

/** `channel_id` may come as a query parameter, as Mattermost accepts, or as a form field before the files. */
const uploadQuerySchema = z.object({
  channel_id: z.string().length(26, "must be a 26-character id").optional(),
  bookmark: z.string().optional(),
});

/** Multipart's own size refusal (the stream reached `limits.fileSize`). */
export function isFileTooLarge(error: unknown): boolean {
  return error instanceof Error && "code" in error && error.code === "FST_REQ_FILE_TOO_LARGE";
}

/** `attachment; filename=…` with the name in both the ASCII and the RFC 5987 form. */
function contentDisposition(kind: "inline" | "attachment", name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** Send a file's bytes with the headers that keep it from running as a page of this origin. */
async function sendFile(host: Host, reply: FastifyReply, file: FileInfosTable): Promise<FastifyReply> {
  const bytes = await fileBytes(host, file.id);
  return reply
    .status(200)
    .header("content-type", file.mime_type)
    .header("content-disposition", contentDisposition(servedInline(file.mime_type) ? "inline" : "attachment", file.name))
    .header("x-content-type-options", "nosniff")
    .header("content-security-policy", "sandbox; default-src 'none'")
    .header("cache-control", "private, max-age=0")
    .send(bytes);
}

/** Register the file routes on a scope with `@fastify/multipart` registered (its `fileSize` limit the configured one). */
export function registerFileRoutes(app: FastifyInstance, host: Host): void {
  hostRoute(app, host, {
    method: "POST",
    path: "/api/v4/files",
    access: "user",
    summary:
      "Upload files (multipart field `files`, one or more) to a channel (`channel_id`, a query parameter or a field before the files)",
    policy: "may post in the channel",
    query: uploadQuerySchema,
    invalidId: "api.file.upload_file.invalid",
    response: fileUploadResponseSchema,
    status: 201,
    handler: async ({ query, user, request }) => {
      const missingFiles = () =>
        badRequest("api.file.upload_file.files", "files: at least one file is required in the multipart field 'files'");
      if (!request.isMultipart()) throw missingFiles();
      let channelId = query.channel_id;
      const stored: FileInfo[] = [];
      const clientIds: string[] = [];
      try {
        for await (const part of request.parts()) {
          if (part.type === "field") {
            const value = typeof part.value === "string" ? part.value : "";
            if (part.fieldname === "channel_id" && !channelId) channelId = value;
            if (part.fieldname === "client_ids") clientIds.push(value);
            continue;
          }
          if (part.fieldname !== "files")
            throw badRequest("api.file.upload_file.field", `${part.fieldname}: unknown field; send files as 'files'`);
          if (!channelId)
            throw badRequest(
              "api.file.upload_file.channel_id",
              "channel_id: is required, as a query parameter or a field before the files",
            );
          if (stored.length >= MAX_FILES_PER_POST)
            throw badRequest("api.file.upload_file.count", `files: at most ${MAX_FILES_PER_POST} files in one upload`);
          // Checked at the first file, before any byte is stored.
          if (stored.length === 0) await accessChannelToPost(host, { user, channelId });
          stored.push(await storePart(host, { part, userId: user.id, channelId }));
        }
      } catch (error) {
        await fileRemover(
          host,
          stored.map((f) => f.id),
        );
        throw error;
      }
      if (stored.length === 0) throw missingFiles();
      return { file_infos: stored, client_ids: clientIds };
    },
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/files/:id",
    access: "user",
    summary: "A file's bytes (inline only for raster images; always nosniff and sandboxed)",
    policy: "can read the file's post's channel (before it is attached, its upload's channel)",
    params: idParams,
    handler: async ({ params, user, reply }) => sendFile(host, reply, await accessFile(host, { user, fileId: params.id })),
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/files/:id/preview",
    access: "user",
    summary: "A file's preview: an image's own bytes",
    policy: "can read the file's post's channel (before it is attached, its upload's channel)",
    params: idParams,
    handler: async ({ params, user, reply }) => sendFile(host, reply, await accessFile(host, { user, fileId: params.id })),
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/files/:id/info",
    access: "user",
    summary: "A file's metadata",
    policy: "can read the file's post's channel (before it is attached, its upload's channel)",
    params: idParams,
    response: fileInfoSchema,
    handler: async ({ params, user }) => {
      return presentFileInfo(await accessFile(host, { user, fileId: params.id }));
    },
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/posts/:id/files/info",
    access: "user",
    summary: "The metadata of a post's files",
    policy: "can read the post's channel",
    params: idParams,
    response: z.array(fileInfoSchema),
    handler: async ({ params, user }) => {
      const { post } = await accessPost(host, { user, postId: params.id, archived: "readable" });
      return (await filesOfPosts(host, [post.id])).get(post.id) ?? [];
    },
  });
}

/** Read one multipart file to its end (at most the configured limit: multipart stops the stream there) and store it. */
async function storePart(host: Host, props: { part: MultipartFile; userId: string; channelId: string }): Promise<FileInfo> {
  let bytes: Buffer;
  try {
    bytes = await props.part.toBuffer();
  } catch (error) {
    if (isFileTooLarge(error)) throw fileTooLarge(host);
    throw error;
  }
  return fileStorer(host, { userId: props.userId, channelId: props.channelId, name: props.part.filename, bytes });
}
