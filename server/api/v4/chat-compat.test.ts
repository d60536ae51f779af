/**
 * Issue 10's compatibility test: one incident, driven end to end by the
 * official `@mattermost/client` Client4 and WebSocketClient, unchanged —
 * every route of the chat features (threads, edit, delete, reactions, DMs and
 * group messages, files, search, mention counts, channel management,
 * bootstrap, statuses) called the way Mattermost's own clients call it, and
 * every event the other participants' WebSocketClients should hear checked
 * (and, for a private channel, not heard by whoever is outside it).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  channelDeletedEventDataSchema,
  channelUpdatedEventDataSchema,
  directAddedEventDataSchema,
  fileUploadResponseSchema,
  postDeletedEventDataSchema,
  postedEventDataSchema,
  postEditedEventDataSchema,
  reactionEventDataSchema,
  statusChangeEventDataSchema,
} from "#common/wire-schemas.ts";
import type { Channel, Team } from "#common/wire.ts";
import { expectBody, itemAt, officialClient, officialSocket, startTestServer, type TestServer, type UserClient } from "#testing";

type OfficialSocket = Awaited<ReturnType<typeof officialSocket>>;

/** The smallest valid PNG: 1 × 1 pixel. */
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");

let server: TestServer;
let alice: UserClient;
let bob: UserClient;
let carol: UserClient;
let olga: UserClient;
let team: Team;
let war: Channel;
const sockets: OfficialSocket[] = [];

beforeAll(async () => {
  server = await startTestServer();
  await server.admin();
  [alice, bob, carol, olga] = [await server.createUser(), await server.createUser(), await server.createUser(), await server.createUser()];
  team = await server.createTeam(alice);
  for (const person of [bob, carol, olga])
    expect((await alice.post(`/api/v4/teams/${team.id}/members`, { team_id: team.id, user_id: person.user.id })).status).toBe(201);
  war = await server.createChannel(alice, { teamId: team.id, name: "inc-checkout", type: "P" });
  for (const person of [bob, carol]) await server.addToChannel(alice, { channel: war, user: person.user });
});
afterAll(async () => {
  for (const socket of sockets) socket.close();
  await server?.close();
});

/** The posts an event of this name carried about `postId`, as the official client hands them over. */
function postEvents(socket: OfficialSocket, event: "posted" | "post_edited" | "post_deleted", postId: string) {
  const schema = { posted: postedEventDataSchema, post_edited: postEditedEventDataSchema, post_deleted: postDeletedEventDataSchema }[event];
  return socket.events.filter((e) => e.event === event && schema.safeParse(e.data).data?.post.id === postId);
}

describe("an incident through @mattermost/client Client4 and WebSocketClient", () => {
  it("calls every chat route of issue 10 and hears every event, in the private channel's members only", async () => {
    const [ac, bc, cc] = [officialClient(alice), officialClient(bob), officialClient(carol)];

    // Bootstrap, as the web app and mobile apps start: signed out, then signed in.
    expect(await officialClient(server.anonymous).getClientConfig()).toMatchObject({ Version: "9.11.0", SiteURL: server.config.siteUrl });
    expect(await officialClient(server.anonymous).getClientLicenseOld()).toEqual({ IsLicensed: "false" });
    const [aliceWs, bobWs, carolWs, olgaWs] = [
      await officialSocket(alice),
      await officialSocket(bob),
      await officialSocket(carol),
      await officialSocket(olga),
    ];
    sockets.push(aliceWs, bobWs, carolWs, olgaWs);
    const bobOnline = await bobWs.waitFor("status_change");
    expect(statusChangeEventDataSchema.parse(bobOnline.data)).toEqual({ status: "online", user_id: bob.user.id });
    expect((await ac.getStatusesByIds([bob.user.id, olga.user.id])).map((s) => [s.user_id, s.status])).toEqual([
      [bob.user.id, "online"],
      [olga.user.id, "online"],
    ]);

    // A thread, with a mention: createPost with root_id, getPostThread, mention counts.
    const root = await ac.createPost({ channel_id: war.id, message: "checkout 500s since 14:02" });
    const reply = await bc.createPost({
      channel_id: war.id,
      root_id: root.id,
      message: `@${carol.user.username} can you check the db?`,
    });
    expect(reply).toMatchObject({ root_id: root.id, reply_count: 1 });
    const heard = await carolWs.waitFor("posted", (e) => postedEventDataSchema.safeParse(e.data).data?.post.id === reply.id);
    expect(postedEventDataSchema.parse(heard.data)).toMatchObject({ post: { root_id: root.id }, mentions: [carol.user.id] });
    expect((await cc.getPostThread(root.id)).order).toEqual([root.id, reply.id]);
    const paged = await cc.getPaginatedPostThread(root.id, { perPage: 1, direction: "down" });
    expect([paged.order, paged.has_next]).toEqual([[root.id], true]);
    const carolInWar = (await cc.getMyChannelMembers(team.id)).find((m) => m.channel_id === war.id);
    expect(carolInWar).toMatchObject({ mention_count: 1 });

    // Edit and reactions: patchPost, addReaction, getReactionsForPost.
    const edited = await ac.patchPost({ id: root.id, message: "checkout 500s since 14:02 (eu only)" });
    expect(edited.edit_at).toBeGreaterThan(0);
    await bobWs.waitFor("post_edited", (e) => postEditedEventDataSchema.safeParse(e.data).data?.post.id === root.id);
    const reaction = await cc.addReaction(carol.user.id, reply.id, "eyes");
    expect(reaction).toMatchObject({ user_id: carol.user.id, post_id: reply.id, emoji_name: "eyes" });
    const reacted = await aliceWs.waitFor("reaction_added");
    expect(reactionEventDataSchema.parse(reacted.data).reaction).toMatchObject({ post_id: reply.id, emoji_name: "eyes" });
    expect((await bc.getReactionsForPost(reply.id)).map((r) => r.emoji_name)).toEqual(["eyes"]);

    // A file: uploadFile, file_ids on a post, getFileInfosForPost.
    const form = new FormData();
    form.append("channel_id", war.id);
    form.append("files", new Blob([new Uint8Array(PNG)], { type: "image/png" }), "error-rate.png");
    const upload = expectBody({ status: 201, body: await cc.uploadFile(form) }, fileUploadResponseSchema);
    const file = itemAt(upload.file_infos, 0, "the upload");
    const graph = await cc.createPost({ channel_id: war.id, message: "error rate", file_ids: [file.id] });
    expect((await bc.getFileInfosForPost(graph.id)).map((f) => [f.id, f.mime_type])).toEqual([[file.id, "image/png"]]);

    // Search: searchPosts finds the thread's words for members.
    const found = await bc.searchPosts(team.id, "checkout", false);
    expect(found.order).toEqual([root.id]);
    expect((await officialClient(olga).searchPosts(team.id, "checkout", false)).order).toEqual([]);

    // Direct and group messages: createDirectChannel, createGroupChannel, their events to their members.
    const dm = await ac.createDirectChannel([alice.user.id, bob.user.id]);
    expect(dm.type).toBe("D");
    const dmAdded = await bobWs.waitFor("direct_added");
    expect(directAddedEventDataSchema.parse(dmAdded.data)).toMatchObject({ teammate_id: expect.any(String) });
    const gm = await ac.createGroupChannel([alice.user.id, bob.user.id, carol.user.id]);
    expect(gm.type).toBe("G");
    await carolWs.waitFor("group_added");

    // Channel management: patchChannel (renamed too), removeFromChannel, archive and unarchive.
    const patched = await ac.patchChannel(war.id, { display_name: "INC checkout", name: "inc-checkout-eu", header: "sev2" });
    expect(patched).toMatchObject({ name: "inc-checkout-eu", display_name: "INC checkout", header: "sev2" });
    const updated = await carolWs.waitFor("channel_updated");
    expect(channelUpdatedEventDataSchema.parse(updated.data).channel).toMatchObject({ id: war.id, name: "inc-checkout-eu" });
    await ac.removeFromChannel(carol.user.id, war.id);
    const removed = await carolWs.waitFor("user_removed");
    expect(removed.data).toMatchObject({ channel_id: war.id, remover_id: alice.user.id });
    await bc.deletePost(reply.id);
    await bobWs.waitFor("post_deleted", (e) => postDeletedEventDataSchema.safeParse(e.data).data?.post.id === reply.id);
    await ac.deleteChannel(war.id);
    await bobWs.waitFor("channel_deleted");
    const restored = await ac.unarchiveChannel(war.id);
    expect(restored.delete_at).toBe(0);
    expect(channelDeletedEventDataSchema.parse((await bobWs.waitFor("channel_restored")).data)).toEqual({ channel_id: war.id });

    // The removed member heard nothing after leaving; Olga, on the team but never in the channel, heard nothing of it at all.
    expect(postEvents(carolWs, "post_deleted", reply.id)).toEqual([]);
    expect(carolWs.events.some((e) => e.event === "channel_restored")).toBe(false);
    expect(JSON.stringify(olgaWs.events)).not.toContain(war.id);
    expect(postEvents(bobWs, "posted", reply.id)).toHaveLength(1);
  });
});
