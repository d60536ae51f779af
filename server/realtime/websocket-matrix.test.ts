/**
 * The WebSocket column of the authorization matrix: for each caller kind
 * (anonymous, no team, team non-member, channel non-member, member, admin),
 * which events its socket receives of what happens in the fixture's private
 * channel of an invite-only team (`MatrixCallers.fixture`, the admin made the
 * channel and is in it): a post, a private incident's `custom_incident_*`
 * events, a private channel's `channel_created`, and `typing`. A caller not
 * among an event's receivers must never get it; an anonymous socket gets
 * nothing, its bad token is refused, and it is closed after
 * `SITREP_WS_AUTH_TIMEOUT_MS`.
 *
 * "Never" is checked without waiting on a timer: once every receiver has the
 * event, the hub has fanned it out to every socket, and each other socket's
 * reply to a `ping` sent after that comes behind whatever was sent to it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  eventually,
  expectBody,
  MatrixCallers,
  ROLES,
  startServerWithPlugins,
  TestSocket,
  uniqueName,
  type MatrixFixture,
  type Role,
  type SocketFrame,
  type TestServer,
} from "#testing";

const WS_AUTH_TIMEOUT_MS = 4_000;

let server: TestServer;
let callers: MatrixCallers;
let fixture: MatrixFixture;
const sockets = new Map<Role, TestSocket>();

beforeAll(async () => {
  server = await startServerWithPlugins(["incident"], { wsAuthTimeoutMs: WS_AUTH_TIMEOUT_MS });
  callers = await MatrixCallers.make(server);
  fixture = await callers.fixture();
  for (const role of ROLES) {
    const client = callers.client(role);
    sockets.set(role, client.token ? await TestSocket.of(client) : await TestSocket.open(server.url));
  }
}, 120_000);
afterAll(async () => {
  for (const socket of sockets.values()) await socket.close();
  await server?.close();
});

const socketOf = (role: Role): TestSocket => {
  const socket = sockets.get(role);
  if (!socket) throw new Error(`no socket for ${role}`);
  return socket;
};

/** Wait until each socket has answered a ping sent now: everything sent to it before has arrived. */
async function drained(roles: readonly Role[]): Promise<void> {
  await Promise.all(
    roles.map(async (role) => {
      const socket = socketOf(role);
      if (socket.closed) return;
      const seq = socket.send("ping");
      // An anonymous socket's ping is answered too (the one action it may send).
      await socket.waitFor((frame) => frame.seq_reply === seq);
    }),
  );
}

/** One row of the column: who must receive the events `cause` makes, matched by `match`. */
interface EventRow {
  what: string;
  receivers: readonly Role[];
  cause(): Promise<void>;
  match(frame: SocketFrame): boolean;
}

const rows: EventRow[] = [
  {
    what: "posted in the private channel",
    receivers: ["member", "admin"],
    async cause() {
      await server.createPost(fixture.member, { channelId: fixture.channel.id, message: "ws matrix secret post" });
    },
    match: (frame) => frame.event === "posted" && JSON.stringify(frame).includes("ws matrix secret post"),
  },
  {
    what: "a private incident's custom_incident_* events (start, then a stage change)",
    receivers: ["member", "admin"],
    async cause() {
      const started = await fixture.member.post("/plugins/incident/api/v1/incidents", {
        name: "WS matrix secret incident",
        team_id: fixture.team.id,
        channel_id: fixture.channel.id,
        private: true,
      });
      const incident = expectBody(started, z.object({ id: z.string() }));
      const changed = await fixture.member.request("PATCH", `/plugins/incident/api/v1/incidents/${incident.id}`, {
        current_stage: "Investigating",
      });
      expect(changed.status).toBe(200);
    },
    match: (frame) => frame.event?.startsWith("custom_incident_") === true && JSON.stringify(frame).includes("WS matrix secret incident"),
  },
  {
    what: "channel_created of a private channel (to its creator only, as in Mattermost)",
    receivers: ["member"],
    async cause() {
      await server.createChannel(fixture.member, { teamId: fixture.team.id, type: "P", name: uniqueName("wssecret") });
    },
    match: (frame) => frame.event === "channel_created" && JSON.stringify(frame).includes(fixture.team.id),
  },
  {
    what: "typing in the private channel (to its members but the typist)",
    receivers: ["admin"],
    async cause() {
      socketOf("member").send("user_typing", { channel_id: fixture.channel.id, parent_id: "" });
    },
    match: (frame) => frame.event === "typing" && frame.broadcast?.channel_id === fixture.channel.id,
  },
];

describe("the WebSocket column of the authorization matrix", () => {
  it("delivers each event of a private channel to its receivers only, never to a non-member", async () => {
    const problems: string[] = [];
    for (const row of rows) {
      for (const socket of sockets.values()) socket.forget();
      await row.cause();
      for (const role of row.receivers) {
        await socketOf(role)
          .waitFor(row.match)
          .catch(() => problems.push(`${row.what}: ${role} did not receive it`));
      }
      await drained(ROLES);
      for (const role of ROLES) {
        if (row.receivers.includes(role)) continue;
        const leaked = socketOf(role).frames.filter(row.match);
        if (leaked.length) problems.push(`${row.what}: ${role} received ${JSON.stringify(leaked).slice(0, 200)}`);
      }
    }
    expect(problems).toEqual([]);
  }, 60_000);

  it("refuses an anonymous socket: a bad token is answered FAIL, and without a challenge it is closed", async () => {
    const anonymous = await TestSocket.open(server.url);
    const seq = anonymous.send("authentication_challenge", { token: "not-a-token" });
    expect(await anonymous.waitFor((frame) => frame.seq_reply === seq)).toMatchObject({
      status: "FAIL",
      error: { id: "api.web_socket_router.not_authenticated.app_error", message: "invalid token" },
    });
    expect(anonymous.events("hello")).toEqual([]);
    // The column's own anonymous socket got no event at all, and is closed like this one.
    for (const socket of [anonymous, socketOf("anonymous")]) {
      await eventually(() => socket.closed ?? undefined, { ms: WS_AUTH_TIMEOUT_MS + 5_000 });
      expect(socket.closed).toEqual({ code: 1008, reason: `authentication_challenge not received within ${WS_AUTH_TIMEOUT_MS} ms` });
    }
    expect(socketOf("anonymous").frames.filter((frame) => frame.event !== undefined)).toEqual([]);
  }, 20_000);
});
