/**
 * `ctx.channels.archive` (issue 12): a plugin archives a channel as a person
 * would through `DELETE /api/v4/channels/{id}` — the same permission rule and
 * the same `channel_deleted` event; nothing leaks about a private channel.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { channelSchema } from "#common/wire-schemas.ts";
import { expectBody, startTestServer, TestSocket, type TestServer } from "#testing";
import { createPluginContext, Registrations } from "./context.ts";
import { PluginRouter } from "./router.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

describe("ctx.channels.archive", () => {
  it("archives for a member (channel_deleted), refuses a non-member (403) and hides a private channel (404)", async () => {
    const seed = await server.seedTeam();
    const { alice, bob } = seed;
    const ctx = createPluginContext({
      host: server.host,
      manifest: { id: "archiver", name: "Archiver", version: "1.0.0" },
      registrations: new Registrations({ warn() {} }),
      router: new PluginRouter(),
      settings: () => ({}),
    });
    const secret = await server.createChannel(alice, { teamId: seed.team.id, type: "P" });
    const open = await server.createChannel(alice, { teamId: seed.team.id, type: "O" });

    await expect(ctx.channels.archive({ channelId: secret.id, actorId: bob.user.id })).rejects.toMatchObject({
      status: 404,
      message: "channelId: no such channel",
    });
    await expect(ctx.channels.archive({ channelId: open.id, actorId: bob.user.id })).rejects.toMatchObject({
      status: 403,
      message: "actorId: may not archive this channel; only its members and system admins may",
    });
    expect(expectBody(await alice.get(`/api/v4/channels/${open.id}`), channelSchema).delete_at).toBe(0);

    const socket = await TestSocket.of(alice);
    await ctx.channels.archive({ channelId: open.id, actorId: alice.user.id });
    expect((await socket.waitFor("channel_deleted")).data).toMatchObject({ channel_id: open.id });
    expect(expectBody(await alice.get(`/api/v4/channels/${open.id}`), channelSchema).delete_at).toBeGreaterThan(0);
    // Archiving again changes nothing.
    await ctx.channels.archive({ channelId: open.id, actorId: alice.user.id });
    await socket.close();
  });
});
