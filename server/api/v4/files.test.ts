/**
 * File uploads through the official Client4 (`uploadFile`,
 * `getFileInfosForPost`) on both dialects: types sniffed from the bytes (an
 * HTML page or SVG sent as `image/png` is stored as what it is and served as
 * a download with `nosniff`), the size limit as a 413 naming it, who may read
 * a file (anonymous 401; outsiders, third users of a DM and readers of a
 * deleted post 404), `file_ids` on posts, and on PostgreSQL a file served by
 * another process.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Channel, Team } from "#common/wire.ts";
import { apiErrorBodySchema, channelSchema, fileInfoSchema, fileUploadResponseSchema, postSchema } from "#common/wire-schemas.ts";
import {
  expectBody,
  itemAt,
  officialClient,
  startSecondProcess,
  startTestServer,
  testDialect,
  type TestServer,
  type UserClient,
} from "#testing";

/** The smallest valid PNG: 1 × 1 pixel. */
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
const HTML = "<html><body><script>alert(document.cookie)</script></body></html>";
const SVG = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>';

let server: TestServer;
let alice: UserClient;
let bob: UserClient;
let olga: UserClient;
let team: Team;
let pub: Channel;
let priv: Channel;

/** A multipart body of `files` (name, bytes, the type the client claims) for `channelId`. */
function form(channelId: string, files: Array<{ name: string; bytes: Buffer | string; type?: string }>): FormData {
  const data = new FormData();
  data.append("channel_id", channelId);
  for (const file of files)
    data.append(
      "files",
      new Blob([typeof file.bytes === "string" ? file.bytes : new Uint8Array(file.bytes)], {
        type: file.type ?? "application/octet-stream",
      }),
      file.name,
    );
  return data;
}

/** Upload through the test client, expecting a 201. */
async function upload(person: UserClient, channelId: string, file: { name: string; bytes: Buffer | string; type?: string }) {
  const res = await person.request("POST", "/api/v4/files", form(channelId, [file]), {}, fileUploadResponseSchema);
  expect(res.status).toBe(201);
  return itemAt(res.body.file_infos, 0, "the uploaded file");
}

beforeAll(async () => {
  server = await startTestServer({ maxFileMb: 0.01 });
  await server.admin();
  ({ alice, bob, olga, team, pub, priv } = await server.seedTeam());
});
afterAll(async () => {
  await server?.close();
});

describe("files (Client4)", () => {
  it("uploads with uploadFile, attaches with file_ids and lists with getFileInfosForPost", async () => {
    const client = officialClient(alice);
    const uploaded = await client.uploadFile(form(pub.id, [{ name: "graph.png", bytes: PNG, type: "image/png" }]));
    const info = expectBody({ status: 201, body: uploaded }, fileUploadResponseSchema).file_infos[0];
    expect(info).toMatchObject({
      user_id: alice.user?.id,
      channel_id: pub.id,
      post_id: "",
      name: "graph.png",
      extension: "png",
      size: PNG.length,
      mime_type: "image/png",
      width: 1,
      height: 1,
      has_preview_image: true,
    });
    const id = info?.id ?? "";
    const post = expectBody(
      { status: 201, body: await client.createPost({ channel_id: pub.id, message: "the graph", file_ids: [id] }) },
      postSchema,
    );
    expect(post.file_ids).toEqual([id]);
    expect(post.metadata?.files?.map((f) => [f.id, f.post_id])).toEqual([[id, post.id]]);
    const listed = z.array(fileInfoSchema).parse(await officialClient(bob).getFileInfosForPost(post.id));
    expect(listed.map((f) => [f.id, f.name, f.post_id])).toEqual([[id, "graph.png", post.id]]);
    // A read post carries its files too, as Mattermost's.
    const read = await bob.get(`/api/v4/posts/${post.id}`, postSchema);
    expect(read.body.file_ids).toEqual([id]);
    // A raster image is served inline, as its sniffed type.
    const bytes = await fetch(`${server.url}/api/v4/files/${id}`, { headers: { authorization: `Bearer ${bob.token}` } });
    expect(bytes.status).toBe(200);
    expect(bytes.headers.get("content-type")).toBe("image/png");
    expect(bytes.headers.get("content-disposition")).toMatch(/^inline; filename="graph.png"/);
    expect(bytes.headers.get("x-content-type-options")).toBe("nosniff");
    expect(Buffer.from(await bytes.arrayBuffer()).equals(PNG)).toBe(true);
    const preview = await fetch(`${server.url}/api/v4/files/${id}/preview`, { headers: { authorization: `Bearer ${bob.token}` } });
    expect(preview.status).toBe(200);
    expect((await bob.get(`/api/v4/files/${id}/info`, fileInfoSchema)).body.post_id).toBe(post.id);
  });

  it("stores HTML and SVG sent as image/png with their sniffed type, and serves them as attachments with nosniff", async () => {
    for (const [name, bytes] of [
      ["evil.png", HTML],
      ["evil.svg", SVG],
    ] as const) {
      const info = await upload(alice, pub.id, { name, bytes, type: "image/png" });
      expect(info.mime_type).toBe("text/plain");
      expect(info.has_preview_image).toBe(false);
      const res = await fetch(`${server.url}/api/v4/files/${info.id}`, { headers: { authorization: `Bearer ${alice.token}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/plain");
      expect(res.headers.get("content-disposition")).toBe(`attachment; filename="${name}"; filename*=UTF-8''${name}`);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("content-security-policy")).toMatch(/^sandbox/);
      expect(await res.text()).toBe(bytes);
    }
  });

  it("refuses a file over SITREP_MAX_FILE_MB with a 413 naming the limit, and stores nothing", async () => {
    const before = await server.host.db.selectFrom("file_infos").select("id").execute();
    const res = await alice.request(
      "POST",
      "/api/v4/files",
      form(pub.id, [
        { name: "small.txt", bytes: "fine" },
        { name: "big.bin", bytes: Buffer.alloc(20_000, 1) },
      ]),
      {},
      apiErrorBodySchema,
    );
    expect([res.status, res.body.message]).toEqual([413, "files: a file is larger than the limit of 0.01 MB (SITREP_MAX_FILE_MB)"]);
    expect(await server.host.db.selectFrom("file_infos").select("id").execute()).toEqual(before);
  });

  it("lets only those who may post upload, and only readers of the channel read a file", async () => {
    const anonymous = await server.anonymous.request(
      "POST",
      "/api/v4/files",
      form(pub.id, [{ name: "a.txt", bytes: "a" }]),
      {},
      apiErrorBodySchema,
    );
    expect([anonymous.status, anonymous.body.message]).toEqual([401, "You must be signed in to do that."]);
    const outsider = await olga.request("POST", "/api/v4/files", form(priv.id, [{ name: "a.txt", bytes: "a" }]), {}, apiErrorBodySchema);
    expect([outsider.status, outsider.body.message]).toEqual([404, "channel not found, or you do not have access to it"]);
    const noChannel = await alice.request(
      "POST",
      "/api/v4/files",
      (() => {
        const data = new FormData();
        data.append("files", new Blob(["a"]), "a.txt");
        return data;
      })(),
      {},
      apiErrorBodySchema,
    );
    expect([noChannel.status, noChannel.body.message]).toEqual([
      400,
      "channel_id: is required, as a query parameter or a field before the files",
    ]);

    const secret = await upload(alice, priv.id, { name: "plan.txt", bytes: "the plan" });
    const anonymousRead = await server.anonymous.get(`/api/v4/files/${secret.id}`, apiErrorBodySchema);
    expect([anonymousRead.status, anonymousRead.body.message]).toEqual([401, "You must be signed in to do that."]);
    for (const path of [`/api/v4/files/${secret.id}`, `/api/v4/files/${secret.id}/info`, `/api/v4/files/${secret.id}/preview`]) {
      const res = await bob.get(path, apiErrorBodySchema);
      expect([res.status, res.body.message]).toEqual([404, "file not found, or you do not have access to it"]);
    }
    expect((await alice.get(`/api/v4/files/${secret.id}/info`, fileInfoSchema)).body.name).toBe("plan.txt");

    // A direct message's files: its two members read them; a third user, even on the team, does not.
    const dm = await alice.post("/api/v4/channels/direct", [alice.user?.id, bob.user?.id], channelSchema);
    expect(dm.status).toBe(201);
    const note = await upload(bob, dm.body.id, { name: "note.txt", bytes: "between us" });
    const post = await bob.post("/api/v4/posts", { channel_id: dm.body.id, message: "", file_ids: [note.id] }, postSchema);
    expect(post.status).toBe(201);
    expect((await alice.get(`/api/v4/files/${note.id}/info`, fileInfoSchema)).status).toBe(200);
    const carol = await server.createUser();
    await alice.post(`/api/v4/teams/${team.id}/members`, { team_id: team.id, user_id: carol.user.id });
    const third = await carol.get(`/api/v4/files/${note.id}`, apiErrorBodySchema);
    expect([third.status, third.body.message]).toEqual([404, "file not found, or you do not have access to it"]);
    const thirdList = await carol.get(`/api/v4/posts/${post.body.id}/files/info`, apiErrorBodySchema);
    expect([thirdList.status, thirdList.body.message]).toEqual([404, "post not found, or you do not have access to it"]);

    // A deleted post's files are gone for everyone.
    expect((await bob.delete(`/api/v4/posts/${post.body.id}`)).status).toBe(200);
    const afterDelete = await alice.get(`/api/v4/files/${note.id}`, apiErrorBodySchema);
    expect([afterDelete.status, afterDelete.body.message]).toEqual([404, "file not found, or you do not have access to it"]);
  });

  it("refuses file_ids that are not the author's unattached uploads to the channel, naming file_ids", async () => {
    const bobs = await upload(bob, pub.id, { name: "bob.txt", bytes: "bob's" });
    const someoneElses = await alice.post(
      "/api/v4/posts",
      { channel_id: pub.id, message: "mine", file_ids: [bobs.id] },
      apiErrorBodySchema,
    );
    expect([someoneElses.status, someoneElses.body.message]).toEqual([
      400,
      `file_ids: ${bobs.id} is not a file you uploaded to this channel, or it is already attached to a post`,
    ]);
    const own = await upload(alice, pub.id, { name: "alice.txt", bytes: "alice's" });
    const elsewhere = await alice.post("/api/v4/posts", { channel_id: priv.id, message: "moved", file_ids: [own.id] }, apiErrorBodySchema);
    expect([elsewhere.status, elsewhere.body.message]).toEqual([
      400,
      `file_ids: ${own.id} is not a file you uploaded to this channel, or it is already attached to a post`,
    ]);
    expect((await alice.post("/api/v4/posts", { channel_id: pub.id, message: "first", file_ids: [own.id] }, postSchema)).status).toBe(201);
    const again = await alice.post("/api/v4/posts", { channel_id: pub.id, message: "again", file_ids: [own.id] }, apiErrorBodySchema);
    expect([again.status, again.body.message]).toEqual([
      400,
      `file_ids: ${own.id} is not a file you uploaded to this channel, or it is already attached to a post`,
    ]);
    const tooMany = await alice.post(
      "/api/v4/posts",
      { channel_id: pub.id, message: "many", file_ids: Array.from({ length: 11 }, (_, i) => String(i)) },
      apiErrorBodySchema,
    );
    expect([tooMany.status, tooMany.body.message]).toEqual([400, "file_ids: must list at most 10 files"]);
  });

  it.runIf(testDialect === "postgres")(
    "serves a file uploaded through one process from another",
    async () => {
      const second = await startSecondProcess(server);
      try {
        const info = await upload(alice, pub.id, { name: "shared.png", bytes: PNG, type: "image/png" });
        const res = await fetch(`${second.url}/api/v4/files/${info.id}`, { headers: { authorization: `Bearer ${bob.token}` } });
        expect(res.status).toBe(200);
        expect(res.headers.get("content-type")).toBe("image/png");
        expect(Buffer.from(await res.arrayBuffer()).equals(PNG)).toBe(true);
      } finally {
        await second.close();
      }
    },
    60_000,
  );
});
