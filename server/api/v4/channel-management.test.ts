/**
 * Channel management (DESIGN.md section 9): patch, leave and remove, privacy
 * and archive through the official `@mattermost/client` Client4 and
 * WebSocketClient, and who may do each — anonymous, non-member, member and
 * system admin — with the 400s that name the field.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  apiErrorBodySchema,
  channelSchema,
  channelDeletedEventDataSchema,
  channelUpdatedEventDataSchema,
  fileInfoSchema,
  fileUploadResponseSchema,
  postListSchema,
  postSchema,
  statusOkSchema,
} from "#common/wire-schemas.ts";
import type { Channel, Team, User } from "#common/wire.ts";
import {
  expectBody,
  itemAt,
  officialClient,
  officialSocket,
  startTestServer,
  TestSocket,
  type ApiResponse,
  type TestServer,
  type UserClient,
} from "#testing";

let server: TestServer;
let admin: UserClient;
let alice: UserClient;
let bob: UserClient;
let carol: UserClient;
let team: Team;

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.admin();
  alice = await server.createUser();
  bob = await server.createUser();
  carol = await server.createUser();
  team = await server.createTeam(alice);
  for (const user of [bob, carol]) await alice.post(`/api/v4/teams/${team.id}/members`, { team_id: team.id, user_id: user.user.id });
});
afterAll(async () => server.close());

/** A private channel of Alice's with the given members besides her. */
async function privateChannel(...members: User[]): Promise<Channel> {
  const channel = await server.createChannel(alice, { teamId: team.id, type: "P" });
  for (const user of members) await server.addToChannel(alice, { channel, user });
  return channel;
}

/** Assert an error answer: its status and its message. */
function expectError(res: ApiResponse, status: number, message: string | RegExp): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  const body = expectBody(res, apiErrorBodySchema);
  if (typeof message === "string") expect(body.message).toBe(message);
  else expect(body.message).toMatch(message);
}

const NOT_FOUND = "channel not found, or you do not have access to it";
const channelUpdatedData = channelUpdatedEventDataSchema;

describe("PUT /api/v4/channels/{id}/patch", () => {
  it("patches display name, purpose and header with Client4; the members get channel_updated", async () => {
    const channel = await privateChannel(bob.user);
    const socket = await officialSocket(bob);
    try {
      const patched = await officialClient(alice).patchChannel(channel.id, { display_name: "War room", purpose: "p", header: "h" });
      expect(patched).toMatchObject({ id: channel.id, display_name: "War room", purpose: "p", header: "h", name: channel.name });
      const event = await socket.waitFor("channel_updated", (e) => channelUpdatedData.safeParse(e.data).data?.channel.id === channel.id);
      expect(channelUpdatedData.parse(event.data).channel).toMatchObject({ display_name: "War room", header: "h" });
      const read = await bob.get(`/api/v4/channels/${channel.id}`, channelSchema);
      expect(read.body).toMatchObject({ display_name: "War room", purpose: "p", header: "h" });
    } finally {
      socket.close();
    }
  });

  it("keeps the fields left out", async () => {
    const channel = await privateChannel();
    await alice.put(`/api/v4/channels/${channel.id}/patch`, { header: "only the header" }, channelSchema);
    const read = await alice.get(`/api/v4/channels/${channel.id}`, channelSchema);
    expect(read.body).toMatchObject({ display_name: channel.display_name, header: "only the header" });
  });

  it("refuses anonymous (401), a non-member of a private channel (404), a non-member of a public one (403); admins may", async () => {
    const channel = await privateChannel();
    expectError(await server.anonymous.put(`/api/v4/channels/${channel.id}/patch`, { header: "x" }), 401, /signed in/);
    expectError(await carol.put(`/api/v4/channels/${channel.id}/patch`, { header: "x" }), 404, NOT_FOUND);
    const open = await server.createChannel(alice, { teamId: team.id, type: "O" });
    expectError(
      await carol.put(`/api/v4/channels/${open.id}/patch`, { header: "x" }),
      403,
      "You must be a member of the channel to change it.",
    );
    const byAdmin = await admin.put(`/api/v4/channels/${channel.id}/patch`, { header: "by admin" }, channelSchema);
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body.header).toBe("by admin");
  });

  it("answers 400 naming the field for bad input, and stores nothing", async () => {
    const channel = await privateChannel();
    expectError(await alice.put(`/api/v4/channels/${channel.id}/patch`, { display_name: "" }), 400, /display_name/);
    expectError(await alice.put(`/api/v4/channels/${channel.id}/patch`, { display_name: "x".repeat(65) }), 400, /display_name/);
    expectError(await alice.put(`/api/v4/channels/${channel.id}/patch`, { purpose: "x".repeat(251) }), 400, /purpose/);
    expectError(await alice.put(`/api/v4/channels/${channel.id}/patch`, { header: "x".repeat(1025), purpose: "ok" }), 400, /header/);
    const read = await alice.get(`/api/v4/channels/${channel.id}`, channelSchema);
    expect(read.body).toMatchObject({ display_name: channel.display_name, purpose: channel.purpose, header: channel.header });
  });
});

describe("renaming with PUT /api/v4/channels/{id}/patch {name}", () => {
  it("renames with Client4: channel_updated carries the new name, the channel is found by it and no longer by the old one", async () => {
    const channel = await privateChannel(bob.user);
    const socket = await officialSocket(bob);
    const name = `renamed-${channel.name}`.slice(0, 64);
    try {
      const patched = await officialClient(alice).patchChannel(channel.id, { name });
      expect(patched).toMatchObject({ id: channel.id, name, display_name: channel.display_name });
      const event = await socket.waitFor("channel_updated", (e) => channelUpdatedData.safeParse(e.data).data?.channel.id === channel.id);
      expect(channelUpdatedData.parse(event.data).channel.name).toBe(name);
    } finally {
      socket.close();
    }
    expect((await bob.get(`/api/v4/teams/${team.id}/channels/name/${name}`, channelSchema)).body.id).toBe(channel.id);
    expectError(await bob.get(`/api/v4/teams/${team.id}/channels/name/${channel.name}`), 404, NOT_FOUND);
  });

  it("refuses a name another channel of the team has (archived ones too) with a 409, and an invalid one with a 400; nothing changes", async () => {
    const channel = await privateChannel();
    const other = await server.createChannel(alice, { teamId: team.id, type: "O" });
    const archived = await server.createChannel(alice, { teamId: team.id, type: "O" });
    expect((await alice.delete(`/api/v4/channels/${archived.id}`)).status).toBe(200);
    for (const taken of [other.name, archived.name]) {
      const res = await alice.put(`/api/v4/channels/${channel.id}/patch`, { name: taken }, apiErrorBodySchema);
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ id: "store.sql_channel.update.exists.app_error" });
      expect(res.body.message).toMatch(new RegExp(`^name: a channel named "${taken}" already exists in this team; try "${taken}-\\d+"$`));
    }
    for (const bad of ["UPPER", "a", "-dash-first", "spaces here", "x".repeat(65)]) {
      const res = await alice.put(`/api/v4/channels/${channel.id}/patch`, { name: bad }, apiErrorBodySchema);
      expect(res.status, bad).toBe(400);
      expect(res.body).toMatchObject({ id: "api.channel.patch.invalid" });
      expect(res.body.message, bad).toMatch(/^name: /);
    }
    expect((await alice.get(`/api/v4/channels/${channel.id}`, channelSchema)).body.name).toBe(channel.name);
    // The same name again is no change, and no conflict with itself.
    expect((await alice.put(`/api/v4/channels/${channel.id}/patch`, { name: channel.name }, channelSchema)).status).toBe(200);
  });

  it("keeps the names of Town Square and of direct and group messages (400, Mattermost's ids)", async () => {
    const townSquare = await alice.get(`/api/v4/teams/${team.id}/channels/name/town-square`, channelSchema);
    const renameTown = await alice.put(`/api/v4/channels/${townSquare.body.id}/patch`, { name: "lobby" }, apiErrorBodySchema);
    expect(renameTown.status).toBe(400);
    expect(renameTown.body).toMatchObject({
      id: "api.channel.update_channel.tried.app_error",
      message: "name: Town Square cannot be renamed",
    });
    const dm = await officialClient(alice).createDirectChannel([alice.user.id, bob.user.id]);
    const renameDm = await alice.put(`/api/v4/channels/${dm.id}/patch`, { name: "our-secret" }, apiErrorBodySchema);
    expect(renameDm.status).toBe(400);
    expect(renameDm.body).toMatchObject({
      id: "api.channel.patch_update_channel.update_direct_or_group_messages_not_allowed.app_error",
      message: "name: a direct or group message's name cannot be changed",
    });
  });
});

describe("DELETE /api/v4/channels/{id}/members/{user_id}", () => {
  it("lets a member leave with Client4: user_removed to them and to the rest; then 404 and no more posted", async () => {
    const channel = await privateChannel(bob.user, carol.user);
    const bobSocket = await officialSocket(bob);
    const aliceSocket = await officialSocket(alice);
    try {
      expect(await officialClient(bob).removeFromChannel(bob.user.id, channel.id)).toEqual({ status: "OK" });
      const toBob = await bobSocket.waitFor("user_removed");
      expect(toBob.data).toEqual({ channel_id: channel.id, remover_id: bob.user.id });
      const toAlice = await aliceSocket.waitFor("user_removed");
      expect(toAlice.data).toEqual({ user_id: bob.user.id, remover_id: bob.user.id });
      expect(bobSocket.events.filter((e) => e.event === "user_removed")).toHaveLength(1);

      expectError(await bob.get(`/api/v4/channels/${channel.id}/posts`), 404, NOT_FOUND);
      expectError(await bob.post("/api/v4/posts", { channel_id: channel.id, message: "still here?" }), 404, `channel_id: ${NOT_FOUND}`);
      const after = await server.createPost(alice, { channelId: channel.id, message: "after bob left" });
      await aliceSocket.waitFor("posted", (e) => JSON.stringify(e.data).includes(after.id));
      // (The posts announcing the set-up's members may still reach Bob's new socket, from before he left.)
      expect(bobSocket.events.filter((e) => e.event === "posted" && JSON.stringify(e.data).includes(after.id))).toEqual([]);
    } finally {
      bobSocket.close();
      aliceSocket.close();
    }
  });

  it("lets a member remove another from a private channel, and a system admin remove anyone", async () => {
    const channel = await privateChannel(bob.user, carol.user);
    const carolSocket = await TestSocket.open(server.url, { token: carol.token });
    try {
      expect((await bob.delete(`/api/v4/channels/${channel.id}/members/${carol.user.id}`, statusOkSchema)).status).toBe(200);
      const frame = await carolSocket.waitFor((f) => f.event === "user_removed");
      expect(frame.data).toEqual({ channel_id: channel.id, remover_id: bob.user.id });
      expectError(await carol.get(`/api/v4/channels/${channel.id}`), 404, NOT_FOUND);
    } finally {
      await carolSocket.close();
    }
    expect((await admin.delete(`/api/v4/channels/${channel.id}/members/${bob.user.id}`, statusOkSchema)).status).toBe(200);
    const members = await alice.get(`/api/v4/channels/${channel.id}/members`, z.array(z.object({ user_id: z.string() })));
    expect(members.body.map((m) => m.user_id)).toEqual([alice.user.id]);
  });

  it("refuses anonymous (401), a non-member (404 on a private channel, 403 on a public one) and a missing member (404)", async () => {
    const channel = await privateChannel(bob.user);
    const path = `/api/v4/channels/${channel.id}/members/${bob.user.id}`;
    expectError(await server.anonymous.delete(path), 401, /signed in/);
    expectError(await carol.delete(path), 404, NOT_FOUND);
    const open = await server.createChannel(alice, { teamId: team.id, type: "O" });
    expectError(
      await carol.delete(`/api/v4/channels/${open.id}/members/${alice.user.id}`),
      403,
      "You must be a member of the channel to remove others from it.",
    );
    expectError(await alice.delete(`/api/v4/channels/${channel.id}/members/${carol.user.id}`), 404, /user_id: not a member/);
  });

  it("refuses leaving Town Square and a direct message with 400", async () => {
    const townSquare = await alice.get(`/api/v4/teams/${team.id}/channels/name/town-square`, channelSchema);
    expectError(
      await bob.delete(`/api/v4/channels/${townSquare.body.id}/members/${bob.user.id}`),
      400,
      "channel: Town Square cannot be left",
    );
    const direct = await alice.post("/api/v4/channels/direct", [alice.user.id, bob.user.id], channelSchema);
    expectError(
      await bob.delete(`/api/v4/channels/${direct.body.id}/members/${bob.user.id}`),
      400,
      "channel: a direct or group message cannot be left",
    );
  });
});

describe("PUT /api/v4/channels/{id}/privacy", () => {
  it("makes a public channel private with Client4 (channel_converted to its members); it no longer shows to the team", async () => {
    const open = await server.createChannel(alice, { teamId: team.id, type: "O" });
    const socket = await officialSocket(alice);
    try {
      expect(await officialClient(alice).updateChannelPrivacy(open.id, "P")).toMatchObject({ id: open.id, type: "P" });
      expect((await socket.waitFor("channel_converted")).data).toEqual({ channel_id: open.id });
      await socket.waitFor("channel_updated", (e) => channelUpdatedData.safeParse(e.data).data?.channel.type === "P");
    } finally {
      socket.close();
    }
    expectError(await carol.get(`/api/v4/channels/${open.id}`), 404, NOT_FOUND);
  });

  it("lets only system admins make a private channel public", async () => {
    const channel = await privateChannel(bob.user);
    expectError(
      await alice.put(`/api/v4/channels/${channel.id}/privacy`, { privacy: "O" }),
      403,
      "Only system admins may make a private channel public.",
    );
    const byAdmin = await admin.put(`/api/v4/channels/${channel.id}/privacy`, { privacy: "O" }, channelSchema);
    expect(byAdmin.body.type).toBe("O");
    expect((await carol.get(`/api/v4/channels/${channel.id}`, channelSchema)).status).toBe(200);
  });

  it("refuses anonymous, non-members, bad input and Town Square", async () => {
    const channel = await privateChannel();
    expectError(await server.anonymous.put(`/api/v4/channels/${channel.id}/privacy`, { privacy: "P" }), 401, /signed in/);
    expectError(await carol.put(`/api/v4/channels/${channel.id}/privacy`, { privacy: "P" }), 404, NOT_FOUND);
    expectError(await alice.put(`/api/v4/channels/${channel.id}/privacy`, { privacy: "X" }), 400, /privacy/);
    const townSquare = await alice.get(`/api/v4/teams/${team.id}/channels/name/town-square`, channelSchema);
    expectError(
      await admin.put(`/api/v4/channels/${townSquare.body.id}/privacy`, { privacy: "P" }),
      400,
      "channel: Town Square cannot be converted",
    );
  });
});

describe("DELETE /api/v4/channels/{id}", () => {
  it("archives a channel with Client4: channel_deleted to its members; posts stay readable to members, none new, gone from lists", async () => {
    const channel = await privateChannel(bob.user);
    const before = await server.createPost(alice, { channelId: channel.id, message: "before the archive" });
    const socket = await officialSocket(bob);
    try {
      expect(await officialClient(alice).deleteChannel(channel.id)).toEqual({ status: "OK" });
      const event = await socket.waitFor("channel_deleted");
      expect(event.data).toMatchObject({ channel_id: channel.id, delete_at: expect.any(Number) });
    } finally {
      socket.close();
    }
    expectError(
      await bob.post("/api/v4/posts", { channel_id: channel.id, message: "after" }),
      400,
      "channel_id: the channel is archived; nothing can be posted in it",
    );
    expectError(await carol.post("/api/v4/posts", { channel_id: channel.id, message: "outsider" }), 404, `channel_id: ${NOT_FOUND}`);
    const read = await bob.get(`/api/v4/channels/${channel.id}`, channelSchema);
    expect(read.body.delete_at).toBeGreaterThan(0);
    const posts = await bob.get(`/api/v4/channels/${channel.id}/posts`, postListSchema);
    expect(Object.values(posts.body.posts).map((p) => p.message)).toContain("before the archive");
    const one = await bob.get(`/api/v4/posts/${before.id}`, postSchema);
    expect(one.body.message).toBe("before the archive");
    expectError(await carol.get(`/api/v4/channels/${channel.id}/posts`), 404, NOT_FOUND);
    const mine = await bob.get(`/api/v4/users/me/teams/${team.id}/channels`, z.array(channelSchema));
    expect(mine.body.map((c) => c.id)).not.toContain(channel.id);
  });

  it("refuses anonymous, non-members, non-member team users of a public channel and Town Square", async () => {
    const channel = await privateChannel();
    expectError(await server.anonymous.delete(`/api/v4/channels/${channel.id}`), 401, /signed in/);
    expectError(await carol.delete(`/api/v4/channels/${channel.id}`), 404, NOT_FOUND);
    const open = await server.createChannel(alice, { teamId: team.id, type: "O" });
    expectError(await carol.delete(`/api/v4/channels/${open.id}`), 403, "You must be a member of the channel to archive it.");
    expect((await admin.delete(`/api/v4/channels/${open.id}`, statusOkSchema)).status).toBe(200);
    const townSquare = await alice.get(`/api/v4/teams/${team.id}/channels/name/town-square`, channelSchema);
    expectError(await alice.delete(`/api/v4/channels/${townSquare.body.id}`), 400, "channel: Town Square cannot be archived");
    expect((await alice.get(`/api/v4/channels/${open.id}`, channelSchema)).body.delete_at).toBeGreaterThan(0);
  });
});

describe("an archived channel's posts and files", () => {
  /** The smallest valid PNG: 1 × 1 pixel. */
  const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
  const uploadForm = (channelId: string) => {
    const data = new FormData();
    data.append("channel_id", channelId);
    data.append("files", new Blob([new Uint8Array(PNG)], { type: "image/png" }), "graph.png");
    return data;
  };

  it("stay readable to its members; no reaction, upload or edit is taken (403 and 400 with Mattermost's ids), outsiders get 404", async () => {
    const channel = await privateChannel(bob.user);
    const uploaded = await bob.request("POST", "/api/v4/files", uploadForm(channel.id), {}, fileUploadResponseSchema);
    expect(uploaded.status).toBe(201);
    const file = itemAt(uploaded.body.file_infos, 0, "the upload");
    const post = expectBody(
      await bob.post("/api/v4/posts", { channel_id: channel.id, message: "the graph", file_ids: [file.id] }),
      postSchema,
    );
    const reaction = { user_id: bob.user.id, post_id: post.id, emoji_name: "eyes" };
    expect((await bob.post("/api/v4/reactions", reaction)).status).toBe(200);
    expect((await alice.delete(`/api/v4/channels/${channel.id}`)).status).toBe(200);

    // Readable: the post with its reactions, its files' metadata and bytes.
    expect((await bob.get(`/api/v4/posts/${post.id}/reactions`, z.array(z.object({ emoji_name: z.string() })))).body).toMatchObject([
      { emoji_name: "eyes" },
    ]);
    expect((await bob.get(`/api/v4/posts/${post.id}/files/info`, z.array(fileInfoSchema))).body.map((f) => f.id)).toEqual([file.id]);
    expect((await bob.get(`/api/v4/files/${file.id}/info`, fileInfoSchema)).body.id).toBe(file.id);
    const bytes = await fetch(`${server.url}/api/v4/files/${file.id}`, { headers: { authorization: `Bearer ${bob.token}` } });
    expect(bytes.status).toBe(200);
    expect(Buffer.from(await bytes.arrayBuffer()).equals(PNG)).toBe(true);

    // Nothing new: reactions either way, uploads, edits.
    const refusal = async (res: ApiResponse) => ({ status: res.status, body: expectBody(res, apiErrorBodySchema) });
    expect(await refusal(await bob.post("/api/v4/reactions", { ...reaction, emoji_name: "fire" }))).toMatchObject({
      status: 403,
      body: {
        id: "api.reaction.save.archived_channel.app_error",
        message: "channel: the channel is archived; reactions can no longer change",
      },
    });
    expect(await refusal(await bob.delete(`/api/v4/users/${bob.user.id}/posts/${post.id}/reactions/eyes`))).toMatchObject({
      status: 403,
      body: { id: "api.reaction.delete.archived_channel.app_error" },
    });
    expect(await refusal(await bob.request("POST", "/api/v4/files", uploadForm(channel.id)))).toMatchObject({
      status: 403,
      body: {
        id: "api.file.upload_file.archived_channel.app_error",
        message: "channel: the channel is archived; no files can be uploaded to it",
      },
    });
    expect(await refusal(await bob.put(`/api/v4/posts/${post.id}/patch`, { message: "rewritten" }))).toMatchObject({
      status: 400,
      body: { id: "api.post.patch_post.can_not_update_post_in_deleted.error" },
    });
    expect((await bob.get(`/api/v4/posts/${post.id}/reactions`, z.array(z.object({ emoji_name: z.string() })))).body).toHaveLength(1);
    expect((await bob.get(`/api/v4/posts/${post.id}`, postSchema)).body.message).toBe("the graph");

    // Who could not read it still cannot: the same 404 as for nothing at all.
    expectError(await carol.get(`/api/v4/posts/${post.id}/reactions`), 404, "post not found, or you do not have access to it");
    expectError(await carol.get(`/api/v4/files/${file.id}/info`), 404, "file not found, or you do not have access to it");
    expectError(await carol.request("POST", "/api/v4/files", uploadForm(channel.id)), 404, NOT_FOUND);
  });
});

describe("POST /api/v4/channels/{id}/restore", () => {
  it("brings an archived channel back with Client4 (unarchiveChannel): channel_restored to its members, listed and posted in again", async () => {
    const channel = await privateChannel(bob.user);
    expect((await alice.delete(`/api/v4/channels/${channel.id}`)).status).toBe(200);
    const socket = await officialSocket(bob);
    try {
      const restored = await officialClient(alice).unarchiveChannel(channel.id);
      expect(restored).toMatchObject({ id: channel.id, delete_at: 0, name: channel.name });
      const event = await socket.waitFor("channel_restored");
      expect(channelDeletedEventDataSchema.parse(event.data)).toEqual({ channel_id: channel.id });
    } finally {
      socket.close();
    }
    const mine = await bob.get(`/api/v4/users/me/teams/${team.id}/channels`, z.array(channelSchema));
    expect(mine.body.map((c) => c.id)).toContain(channel.id);
    expect((await bob.post("/api/v4/posts", { channel_id: channel.id, message: "back in business" })).status).toBe(201);
  });

  it("lets team admins and system admins restore; refuses members (403), outsiders and removed members (404), anonymous (401)", async () => {
    const channel = await privateChannel(bob.user, carol.user);
    expect((await alice.delete(`/api/v4/channels/${channel.id}/members/${carol.user.id}`)).status).toBe(200);
    expect((await alice.delete(`/api/v4/channels/${channel.id}`)).status).toBe(200);
    const restore = (who: { post: UserClient["post"] }) => who.post(`/api/v4/channels/${channel.id}/restore`);
    expectError(await server.anonymous.post(`/api/v4/channels/${channel.id}/restore`), 401, /signed in/);
    expectError(await restore(bob), 403, "Only team admins and system admins may restore a channel.");
    expectError(await restore(carol), 404, NOT_FOUND);
    expect((await alice.get(`/api/v4/channels/${channel.id}`, channelSchema)).body.delete_at).toBeGreaterThan(0);
    expect((await restore(admin)).status).toBe(200);
    // Not archived any more: nothing to restore.
    const again = await alice.post(`/api/v4/channels/${channel.id}/restore`, undefined, apiErrorBodySchema);
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({
      id: "api.channel.restore_channel.restored.app_error",
      message: "channel: is not archived; there is nothing to restore",
    });
    // A public channel: a team member who is no admin may read it, not restore it; its team admin may.
    const open = await server.createChannel(bob, { teamId: team.id, type: "O" });
    expect((await bob.delete(`/api/v4/channels/${open.id}`)).status).toBe(200);
    expectError(await carol.post(`/api/v4/channels/${open.id}/restore`), 403, "Only team admins and system admins may restore a channel.");
    expect((await alice.post(`/api/v4/channels/${open.id}/restore`, undefined, channelSchema)).body.delete_at).toBe(0);
  });
});
