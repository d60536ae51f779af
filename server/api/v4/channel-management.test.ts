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
  channelUpdatedEventDataSchema,
  postListSchema,
  postSchema,
  statusOkSchema,
} from "#common/wire-schemas.ts";
import type { Channel, Team, User } from "#common/wire.ts";
import {
  expectBody,
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
      expect(bobSocket.events.filter((e) => e.event === "posted")).toEqual([]);
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
