/**
 * Files of a draft against a real in-process server: uploads one request per
 * file, progress and failure per file, the 413 over the size limit, the
 * per-message limit, removal, sending with file_ids, and the pure helpers.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Channel, FileInfo } from "#common/wire.ts";
import { startTestServer, type TestServer, type UserClient } from "#testing";
import {
  attachableFileIds,
  draftFiles,
  draftFilesClearer,
  draftKey,
  filesUploader,
  MAX_FILES_PER_MESSAGE,
  pastedFileName,
  pastedFiles,
  pendingFileRemover,
  postFilesLoader,
  uploadsRunning,
  type PendingFile,
} from "./files.ts";
import { postSender } from "./posts.ts";
import { testApp } from "./test-app.ts";

/** The smallest valid PNG: 1 × 1 pixel. */
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");

let server: TestServer;
let alice: UserClient;
let bob: UserClient;
let pub: Channel;
let priv: Channel;

beforeAll(async () => {
  // 0.01 MB: a 20 KB file is over the limit.
  server = await startTestServer({ maxFileMb: 0.01 });
  await server.admin();
  ({ alice, bob, pub, priv } = await server.seedTeam());
});
afterAll(() => server?.close());

const png = (name = "graph.png") => new File([new Uint8Array(PNG)], name, { type: "image/png" });

describe("filesUploader", () => {
  it("uploads each file, records the stored file, and Send attaches them with file_ids", async () => {
    const app = testApp(server.url, alice);
    const draft = { channelId: pub.id };
    await filesUploader(app, { draft, files: [png(), new File(["a log line\n"], "deploy.log", { type: "text/plain" })] });
    const files = draftFiles(app.store.get(), draft);
    expect(files.map((f) => [f.name, f.status, f.sent, f.info?.mime_type])).toEqual([
      ["graph.png", "uploaded", PNG.length, "image/png"],
      ["deploy.log", "uploaded", 11, "text/plain"],
    ]);
    expect(app.requests.filter((p) => p === "/api/v4/files")).toHaveLength(2);
    expect(uploadsRunning(files)).toBe(false);

    const ids = attachableFileIds(files);
    const post = await postSender(app, { channelId: pub.id, message: "", fileIds: ids });
    expect(post.file_ids).toEqual(ids);
    expect(post.metadata?.files?.map((f) => f.name)).toEqual(["graph.png", "deploy.log"]);
    draftFilesClearer(app, draft);
    expect(draftFiles(app.store.get(), draft)).toEqual([]);

    // Bob reads them as a member of the channel.
    const read = await postFilesLoader(testApp(server.url, bob), post.id);
    expect(read.map((f) => f.id).sort()).toEqual([...ids].sort());
  });

  it("shows the server's 413 over the size limit on that file only, and stores nothing for it", async () => {
    const app = testApp(server.url, alice);
    const draft = { channelId: pub.id };
    await filesUploader(app, { draft, files: [new File([new Uint8Array(20_000)], "big.bin"), png()] });
    const [big, small] = draftFiles(app.store.get(), draft);
    expect(big?.status).toBe("failed");
    expect(big?.error).toBe("files: a file is larger than the limit of 0.01 MB (SITREP_MAX_FILE_MB)");
    expect(big?.info).toBeUndefined();
    expect(small?.status).toBe("uploaded");
    expect(attachableFileIds(draftFiles(app.store.get(), draft))).toEqual([small?.info?.id]);
  });

  it("refuses a channel the user may not post in with the server's message", async () => {
    const app = testApp(server.url, bob);
    const draft = { channelId: priv.id };
    await filesUploader(app, { draft, files: [png()] });
    const [file] = draftFiles(app.store.get(), draft);
    expect(file?.status).toBe("failed");
    expect(file?.error).toMatch(/channel/i);
  });

  it(`lists files beyond ${MAX_FILES_PER_MESSAGE} as not attached without sending them`, async () => {
    const app = testApp(server.url, alice);
    const draft = { channelId: pub.id, rootId: "r".repeat(26) };
    await filesUploader(app, { draft, files: Array.from({ length: MAX_FILES_PER_MESSAGE + 1 }, (_, i) => png(`g${i}.png`)) });
    const files = draftFiles(app.store.get(), draft);
    expect(files.filter((f) => f.status === "uploaded")).toHaveLength(MAX_FILES_PER_MESSAGE);
    expect(files.at(-1)?.error).toBe(`Not attached: a message carries at most ${MAX_FILES_PER_MESSAGE} files.`);
    expect(app.requests.filter((p) => p === "/api/v4/files")).toHaveLength(MAX_FILES_PER_MESSAGE);
    // A thread's draft is its own: the channel's is untouched.
    expect(draftFiles(app.store.get(), { channelId: pub.id })).toEqual([]);
  });

  it("removes a file from its draft, while uploading too (its answer then changes nothing)", async () => {
    const app = testApp(server.url, alice);
    const draft = { channelId: pub.id };
    const uploading = filesUploader(app, { draft, files: [png("one.png"), png("two.png")] });
    const [first] = draftFiles(app.store.get(), draft);
    expect(first?.status).toBe("uploading");
    expect(uploadsRunning(draftFiles(app.store.get(), draft))).toBe(true);
    pendingFileRemover(app, { draft, id: first?.id ?? "" });
    await uploading;
    expect(draftFiles(app.store.get(), draft).map((f) => [f.name, f.status])).toEqual([["two.png", "uploaded"]]);
  });
});

describe("file helpers", () => {
  it("draftKey tells a channel's draft from a thread's", () => {
    expect(draftKey({ channelId: "c" })).toBe("c");
    expect(draftKey({ channelId: "c", rootId: "r" })).toBe("c:r");
  });

  it("attachableFileIds keeps the uploaded files' ids in order; uploadsRunning sees one still sending", () => {
    const info = (id: string): FileInfo => ({
      id,
      user_id: "u",
      post_id: "",
      channel_id: "c",
      create_at: 1,
      update_at: 1,
      delete_at: 0,
      name: id,
      extension: "",
      size: 1,
      mime_type: "text/plain",
      has_preview_image: false,
    });
    const file = (status: PendingFile["status"], id: string): PendingFile => ({
      id: `client-${id}`,
      name: id,
      size: 1,
      type: "",
      sent: 0,
      status,
      info: status === "uploaded" ? info(id) : undefined,
    });
    const files = [file("uploaded", "a"), file("failed", "b"), file("uploading", "c"), file("uploaded", "d")];
    expect(attachableFileIds(files)).toEqual(["a", "d"]);
    expect(uploadsRunning(files)).toBe(true);
    expect(uploadsRunning([file("uploaded", "a")])).toBe(false);
  });

  it("pastedFileName names a screenshot for when it was pasted and keeps a copied file's name", () => {
    const at = new Date(2024, 4, 1, 9, 30, 5);
    expect(pastedFileName({ name: "image.png", type: "image/png" }, at)).toBe("Pasted image 2024-05-01 09-30-05.png");
    expect(pastedFileName({ name: "", type: "image/jpeg" }, at)).toBe("Pasted image 2024-05-01 09-30-05.jpg");
    expect(pastedFileName({ name: "dashboard.png", type: "image/png" }, at)).toBe("dashboard.png");
  });

  it("pastedFiles takes a paste's files, renamed, unless it holds plain text", () => {
    const at = new Date(2024, 0, 2, 3, 4, 5);
    const shot = new File([new Uint8Array(PNG)], "image.png", { type: "image/png" });
    const [renamed] = pastedFiles({ files: [shot], types: ["Files"] }, at);
    expect(renamed?.name).toBe("Pasted image 2024-01-02 03-04-05.png");
    expect(renamed?.type).toBe("image/png");
    expect(renamed?.size).toBe(PNG.length);
    expect(pastedFiles({ files: [shot], types: ["text/plain", "Files"] }, at)).toEqual([]);
  });
});
