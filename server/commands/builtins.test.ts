/**
 * The built-in status commands (`/away`, `/online`, `/dnd`, `/offline`) and
 * `/mute`, through `POST /api/v4/commands/execute` as the composer sends
 * them: the answer the caller sees, the status or the channel setting
 * changed as the REST routes read them, and `status_change` on the socket.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  apiErrorBodySchema,
  channelMemberSchema,
  commandResponseSchema,
  statusChangeEventDataSchema,
  userStatusSchema,
} from "#common/wire-schemas.ts";
import type { Channel } from "#common/wire.ts";
import { eventually, expectBody, startTestServer, TestSocket, type TeamSeed, type TestServer, type UserClient } from "#testing";

let server: TestServer;
let seed: TeamSeed;
beforeAll(async () => {
  server = await startTestServer();
  seed = await server.seedTeam();
});
afterAll(() => server.close());

const run = async (client: UserClient, channel: Channel, command: string) => {
  const res = await client.post("/api/v4/commands/execute", { channel_id: channel.id, team_id: seed.team.id, command });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return expectBody(res, commandResponseSchema).text;
};

const statusOf = async (client: UserClient, userId: string) => {
  const res = await client.post("/api/v4/users/status/ids", [userId], z.array(userStatusSchema));
  expect(res.status).toBe(200);
  return res.body[0];
};

describe("/away, /dnd, /offline and /online", () => {
  it("set the caller's status by hand, held whether connected or not, and tell it with status_change", async () => {
    const { bob, alice, pub } = seed;
    const socket = await TestSocket.of(bob);
    try {
      await eventually(async () => (await statusOf(alice, bob.user.id))?.status === "online", { what: "bob online" });
      const changes = () =>
        socket
          .events("status_change")
          .map((f) => statusChangeEventDataSchema.parse(f.data))
          .filter((d) => d.user_id === bob.user.id);

      expect(await run(bob, pub, "/away")).toBe("You are now away");
      await eventually(() => changes().at(-1)?.status === "away", { what: "status_change away" });
      expect(await statusOf(alice, bob.user.id)).toMatchObject({ status: "away", manual: true });

      expect(await run(bob, pub, "/dnd")).toBe(
        "Do Not Disturb is enabled. You will not receive desktop or mobile push notifications until Do Not Disturb is turned off.",
      );
      await eventually(() => changes().at(-1)?.status === "dnd", { what: "status_change dnd" });
      expect(await run(bob, pub, "/offline")).toBe("You are now offline");
      await eventually(() => changes().at(-1)?.status === "offline", { what: "status_change offline" });
      // Connected, and still offline: the status set by hand is what others see.
      expect(await statusOf(alice, bob.user.id)).toMatchObject({ status: "offline", manual: true });
      const single = await alice.get(`/api/v4/users/${bob.user.id}/status`, userStatusSchema);
      expect(single.status).toBe(200);
      expect(single.body).toMatchObject({ user_id: bob.user.id, status: "offline", manual: true });

      expect(await run(bob, pub, "/online")).toBe("You are now online");
      await eventually(() => changes().at(-1)?.status === "online", { what: "status_change online" });
      expect(await statusOf(alice, bob.user.id)).toMatchObject({ status: "online", manual: false });

      // Away by hand, then every socket closes: still away.
      await run(bob, pub, "/away");
      await eventually(() => changes().at(-1)?.status === "away", { what: "status_change away again" });
    } finally {
      await socket.close();
    }
    const watcher = await TestSocket.of(bob);
    await watcher.close();
    expect(await statusOf(alice, bob.user.id)).toMatchObject({ status: "away", manual: true });
    await run(bob, pub, "/online");
    await eventually(async () => (await statusOf(alice, bob.user.id))?.status === "offline", { what: "bob back to automatic: offline" });
  });

  it("PUT /users/{id}/status sets one's own status only, naming a bad one", async () => {
    const { alice, bob } = seed;
    const set = await alice.put(`/api/v4/users/${alice.user.id}/status`, { user_id: alice.user.id, status: "dnd" }, userStatusSchema);
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ user_id: alice.user.id, status: "dnd", manual: true });
    const other = await bob.put(`/api/v4/users/${alice.user.id}/status`, { status: "away" }, apiErrorBodySchema);
    expect(other.status).toBe(403);
    expect(other.body.message).toBe("You may set only your own status.");
    const bad = await alice.put(`/api/v4/users/me/status`, { status: "busy" }, apiErrorBodySchema);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe("status: must be online, away, dnd or offline");
    expect((await alice.put(`/api/v4/users/me/status`, { status: "online" })).status).toBe(200);
  });
});

describe("/mute", () => {
  const markUnread = async (client: UserClient, channel: Channel) => {
    const res = await client.get(`/api/v4/channels/${channel.id}/members/${client.user.id}`, channelMemberSchema);
    expect(res.status).toBe(200);
    return res.body.notify_props?.mark_unread;
  };

  it("mutes the channel for the caller (mark_unread mention) and unmutes it again, here or named", async () => {
    const { alice, bob, pub, priv } = seed;
    expect(await markUnread(bob, pub)).toBe("all");
    expect(await run(bob, pub, "/mute")).toBe(`You will not receive notifications for ~${pub.name} until channel mute is turned off.`);
    expect(await markUnread(bob, pub)).toBe("mention");
    // Only the caller's own setting changes.
    expect(await markUnread(alice, pub)).toBe("all");
    expect(await run(bob, pub, "/mute")).toBe(`~${pub.name} is now unmuted.`);
    expect(await markUnread(bob, pub)).toBe("all");

    expect(await run(alice, pub, `/mute ~${priv.name}`)).toBe(
      `You will not receive notifications for ~${priv.name} until channel mute is turned off.`,
    );
    expect(await markUnread(alice, priv)).toBe("mention");
    const hidden = await bob.post("/api/v4/commands/execute", {
      channel_id: pub.id,
      team_id: seed.team.id,
      command: `/mute ~${priv.name}`,
    });
    expect(hidden.status).toBe(400);
    expect(expectBody(hidden, apiErrorBodySchema).message).toBe(`text: no channel ~${priv.name} you can see in this team`);
  });
});
