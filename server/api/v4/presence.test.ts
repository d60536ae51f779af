/**
 * Presence and client bootstrap, as official clients use them: Client4
 * `getStatusesByIds` (online while a WebSocket is open, offline after),
 * `status_change` (to the user and their direct and group messages' members), the `user_typing` action's `typing` event (to the
 * channel's other members only, never about a channel the typist cannot
 * read), and `getClientConfig` / `getClientLicenseOld`, readable anonymously.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  apiErrorBodySchema,
  channelSchema,
  statusChangeEventDataSchema,
  typingEventDataSchema,
  userStatusSchema,
} from "#common/wire-schemas.ts";
import type { Channel, Team, User } from "#common/wire.ts";
import { z } from "zod";
import { eventually, officialClient, officialSocket, startTestServer, TestSocket, type TestClient, type TestServer } from "#testing";

type Client = TestClient & { user: User };

let server: TestServer;
let admin: Client;
let alice: Client;
let bob: Client;
let carol: Client;
let team: Team;
let town: Channel;

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.admin();
  [alice, bob, carol] = [await server.createUser(), await server.createUser(), await server.createUser()];
  team = await server.createTeam(alice);
  town = await server.createChannel(alice, { teamId: team.id });
  await server.addToChannel(alice, { channel: town, user: bob.user });
  const joined = await alice.post(`/api/v4/teams/${team.id}/members`, { team_id: team.id, user_id: carol.user.id });
  expect(joined.status).toBe(201);
});
afterAll(async () => {
  await server?.close();
});

async function statusOf(user: Client): Promise<string | undefined> {
  const [status] = await officialClient(alice).getStatusesByIds([user.user.id]);
  return status?.status;
}

describe("statuses", () => {
  it("Client4 getStatusesByIds: online while a WebSocket is open, offline after", async () => {
    const watcher = await officialSocket(alice);
    try {
      expect(await statusOf(bob)).toBe("offline");
      const bobSocket = await TestSocket.open(server.url, { token: bob.token });
      await eventually(async () => (await statusOf(bob)) === "online" || undefined, { what: "bob online" });
      await bobSocket.waitFor("status_change");
      // A second socket of the same user changes nothing; closing one of two leaves them online.
      const second = await TestSocket.open(server.url, { token: bob.token });
      await second.close();
      const [status] = await officialClient(alice).getStatusesByIds([bob.user.id]);
      expect(status).toMatchObject({ user_id: bob.user.id, status: "online", manual: false });
      expect(status?.last_activity_at).toBeGreaterThan(0);
      await bobSocket.close();
      await eventually(async () => (await statusOf(bob)) === "offline" || undefined, { what: "bob offline" });
      // Bob's own socket was told he is online; Alice shares no direct message with him, so she polls, as Mattermost's clients do.
      expect(bobSocket.events("status_change").map((e) => statusChangeEventDataSchema.parse(e.data))).toEqual([
        { status: "online", user_id: bob.user.id },
      ]);
      const aboutBob = watcher.events.filter((e) => e.event === "status_change" && JSON.stringify(e.data).includes(bob.user.id));
      expect(aboutBob).toEqual([]);
    } finally {
      watcher.close();
    }
  });

  it("status_change {status, user_id} tells the user and their direct and group messages' members when they come online and go offline", async () => {
    const dave = await server.createUser();
    const erin = await server.createUser();
    await officialClient(alice).createDirectChannel([alice.user.id, dave.user.id]);
    await officialClient(erin).createGroupChannel([erin.user.id, dave.user.id, bob.user.id]);
    const partner = await officialSocket(alice);
    const groupMember = await TestSocket.open(server.url, { token: erin.token });
    const stranger = await TestSocket.open(server.url, { token: (await server.createUser()).token });
    const daveStatuses = (events: Array<{ event?: string; data?: unknown }>) =>
      events.flatMap((e) => {
        if (e.event !== "status_change") return [];
        const data = statusChangeEventDataSchema.parse(e.data);
        return data.user_id === dave.user.id ? [data.status] : [];
      });
    try {
      const first = await TestSocket.open(server.url, { token: dave.token });
      await partner.waitFor("status_change", (e) => daveStatuses([e]).includes("online"));
      await groupMember.waitFor((f) => daveStatuses([f]).includes("online"));
      await first.waitFor("status_change");
      expect(daveStatuses(first.frames)).toEqual(["online"]);
      // A second socket, and closing one of two, change nothing.
      const second = await TestSocket.open(server.url, { token: dave.token });
      await first.close();
      await second.close();
      await partner.waitFor("status_change", (e) => daveStatuses([e]).includes("offline"));
      await groupMember.waitFor((f) => daveStatuses([f]).includes("offline"));
      expect(daveStatuses(partner.events)).toEqual(["online", "offline"]);
      expect(daveStatuses(groupMember.frames)).toEqual(["online", "offline"]);
      expect(daveStatuses(second.frames)).toEqual([]);
      // Someone who shares no direct or group message with Dave hears nothing of him.
      expect(daveStatuses(stranger.frames)).toEqual([]);
    } finally {
      partner.close();
      await groupMember.close();
      await stranger.close();
    }
  });

  it("answers one status per id asked, offline for an unknown one, and refuses bad input", async () => {
    const ghost = "q".repeat(26);
    const res = await alice.post("/api/v4/users/status/ids", [carol.user.id, ghost, carol.user.id], z.array(userStatusSchema));
    expect(res.status).toBe(200);
    expect(res.body.map((s) => [s.user_id, s.status])).toEqual([
      [carol.user.id, "offline"],
      [ghost, "offline"],
    ]);
    const empty = await alice.post("/api/v4/users/status/ids", [], apiErrorBodySchema);
    expect(empty.status).toBe(400);
    expect(empty.body.message).toContain("must list at least one user id");
    const anonymous = await server.anonymous.post("/api/v4/users/status/ids", [carol.user.id], apiErrorBodySchema);
    expect(anonymous.status).toBe(401);
  });
});

describe("typing", () => {
  it("user_typing reaches the channel's other members as typing {parent_id, user_id}, never the typist nor outsiders", async () => {
    const bobSocket = await officialSocket(bob);
    const sockets = {
      alice: await TestSocket.open(server.url, { token: alice.token }),
      carol: await TestSocket.open(server.url, { token: carol.token }),
      admin: await TestSocket.open(server.url, { token: admin.token }),
    };
    try {
      const seq = sockets.alice.send("user_typing", { channel_id: town.id, parent_id: "" });
      await sockets.alice.waitFor((f) => f.seq_reply === seq);
      const typing = await bobSocket.waitFor("typing");
      expect(typingEventDataSchema.parse(typing.data)).toEqual({ parent_id: "", user_id: alice.user.id });
      expect(typing.broadcast).toMatchObject({ channel_id: town.id, omit_users: { [alice.user.id]: true } });

      // Typing into a DM one is not in, or a channel one is not a member of, tells nobody anything.
      const dm = await alice.post("/api/v4/channels/direct", [alice.user.id, bob.user.id], channelSchema);
      sockets.carol.send("user_typing", { channel_id: dm.body.id, parent_id: "" });
      sockets.admin.send("user_typing", { channel_id: dm.body.id, parent_id: "" });
      sockets.carol.send("user_typing", { channel_id: town.id, parent_id: "" });
      // In the DM itself: the other member hears it, the outsiders do not.
      sockets.alice.send("user_typing", { channel_id: dm.body.id, parent_id: "" });
      await bobSocket.waitFor("typing", (e) => JSON.stringify(e.broadcast).includes(dm.body.id));
      expect(bobSocket.events.filter((e) => e.event === "typing")).toHaveLength(2);
      for (const socket of [sockets.carol, sockets.admin]) expect(socket.events("typing")).toEqual([]);
      expect(sockets.alice.events("typing")).toEqual([]);
    } finally {
      bobSocket.close();
      for (const socket of Object.values(sockets)) await socket.close();
    }
  });
});

describe("client bootstrap", () => {
  it("Client4 getClientConfig and getClientLicenseOld work signed out, with the fields clients read at start", async () => {
    const anonymous = officialClient(server.anonymous);
    const config = await anonymous.getClientConfig();
    expect(config).toMatchObject({
      SiteURL: server.config.siteUrl,
      Version: "9.11.0",
      BuildNumber: "sitrep",
      EnableSignUpWithEmail: "true",
      EnableSignInWithUsername: "true",
      DiagnosticsEnabled: "false",
    });
    for (const value of Object.values(config)) expect(typeof value).toBe("string");
    expect(await anonymous.getClientLicenseOld()).toEqual({ IsLicensed: "false" });
  });

  it("answers 400 naming the field without format=old", async () => {
    const none = await server.anonymous.get("/api/v4/config/client", apiErrorBodySchema);
    expect(none.status).toBe(400);
    expect(none.body.message).toContain("format: must be old");
    const other = await server.anonymous.get("/api/v4/license/client?format=new", apiErrorBodySchema);
    expect(other.status).toBe(400);
    expect(other.body.message).toContain("format: must be old");
  });
});
