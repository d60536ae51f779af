/**
 * A member removed from a private incident's channel (or who leaves it) loses
 * the incident at once (DESIGN.md section 9): `custom_incident_incident_removed`
 * tells their RHS, its routes answer 404, and its events no longer reach them.
 * A public incident stays the team's: leaving its channel sends nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiErrorBodySchema } from "#common/wire-schemas.ts";
import type { Channel } from "#common/wire.ts";
import { TestSocket, type TestServer, type UserClient } from "#testing";
import { incidentAnswerSchema, type Incident } from "../common/types.ts";
import { API, startIncident, startIncidentServer } from "./test-server.ts";

let server: TestServer;
let commander: UserClient;
let responder: UserClient;
let secret: Incident;
let open: Incident;
let town: Channel;

beforeAll(async () => {
  server = await startIncidentServer();
  const admin = await server.admin();
  commander = await server.createUser();
  responder = await server.createUser();
  const team = await server.createTeam(admin);
  town = await server.createChannel(admin, { teamId: team.id, name: "town" });
  for (const u of [commander, responder]) await server.addToChannel(admin, { channel: town, user: u.user });
  secret = await startIncident(commander, { name: "Quiet breach", team_id: team.id, channel_name: "quiet-breach", private: true });
  open = await startIncident(commander, { name: "Loud outage", team_id: team.id, channel_name: "loud-outage" });
  for (const incident of [secret, open]) {
    expect((await commander.post(`/api/v4/channels/${incident.channel_id}/members`, { user_id: responder.user.id })).status).toBe(201);
  }
});
afterAll(async () => server?.close());

describe("removing a member from a private incident's channel", () => {
  it("tells them the incident is gone, then answers 404 and sends no more of its events", async () => {
    expect((await responder.get(`${API}/incidents/${secret.id}`, incidentAnswerSchema)).status).toBe(200);
    const socket = await TestSocket.open(server.url, { token: responder.token });
    try {
      const removed = await commander.delete(`/api/v4/channels/${secret.channel_id}/members/${responder.user.id}`);
      expect(removed.status).toBe(200);
      const frame = await socket.waitFor((f) => f.event === "custom_incident_incident_removed");
      expect(frame.data).toEqual({ incident_id: secret.id, channel_id: secret.channel_id });

      const gone = await responder.get(`${API}/incidents/${secret.id}`, apiErrorBodySchema);
      expect(gone.status).toBe(404);
      expect(gone.body.message).toBe(`incident: no incident with id ${secret.id}`);

      const watcher = await TestSocket.open(server.url, { token: commander.token });
      try {
        expect((await commander.patch(`${API}/incidents/${secret.id}`, { current_stage: "Investigating" })).status).toBe(200);
        await watcher.waitFor((f) => f.event === "custom_incident_incident_updated" && JSON.stringify(f.data).includes(secret.id));
      } finally {
        await watcher.close();
      }
      expect(socket.events("custom_incident_incident_updated").filter((f) => JSON.stringify(f.data).includes(secret.id))).toEqual([]);
    } finally {
      await socket.close();
    }
  });

  it("sends nothing when a member leaves a public incident's channel: the team still sees it", async () => {
    const socket = await TestSocket.open(server.url, { token: responder.token });
    try {
      expect((await responder.delete(`/api/v4/channels/${open.channel_id}/members/${responder.user.id}`)).status).toBe(200);
      await socket.waitFor((f) => f.event === "user_removed");
      await server.host.hooks.idle();
      // An event published after the hooks finished: once it arrives, anything they sent would have too.
      const later = await server.createPost(commander, { channelId: town.id, message: "after the hooks" });
      await socket.waitFor((f) => f.event === "posted" && JSON.stringify(f.data).includes(later.id));
      expect((await responder.get(`${API}/incidents/${open.id}`, incidentAnswerSchema)).status).toBe(200);
      expect(socket.events("custom_incident_incident_removed")).toEqual([]);
    } finally {
      await socket.close();
    }
  });
});
