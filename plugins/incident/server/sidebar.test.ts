/**
 * `GET/PUT /sidebar` (issue 12, defect 9): the incident channels the web
 * plugin's "Incidents" sidebar section holds — active and ended, only those
 * the caller may see — and the caller's "hide ended" choice, kept per user
 * on the server. Fails on 4ac7e74 (no such route).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiErrorBodySchema } from "#common/wire-schemas.ts";
import type { TestClient, TestServer } from "#testing";
import type { User } from "#common/wire.ts";
import { expectBody, itemAt } from "#testing";
import { sidebarAnswerSchema } from "../common/types.ts";
import { API, startIncident, startIncidentServer, teamWithMembers } from "./test-server.ts";

type Client = TestClient & { user: User };
let server: TestServer;
let alice: Client;
let bob: Client;
let teamId: string;

beforeAll(async () => {
  server = await startIncidentServer();
  const made = await teamWithMembers(server, 2);
  teamId = made.team.id;
  alice = itemAt(made.users, 0, "alice");
  bob = itemAt(made.users, 1, "bob");
});
afterAll(async () => server?.close());

const sidebarOf = async (client: Client) => expectBody(await client.get(`${API}/sidebar`), sidebarAnswerSchema);

describe("the sidebar's incident channels", () => {
  it("lists active and ended incidents' channels the caller may see; a private one only to its members", async () => {
    const open = await startIncident(alice, { name: "Open one", team_id: teamId });
    const secret = await startIncident(alice, { name: "Secret one", team_id: teamId, private: true });
    const done = await startIncident(alice, { name: "Done one", team_id: teamId });
    expect((await alice.post(`${API}/incidents/${done.id}/end`)).status).toBe(200);

    const forAlice = await sidebarOf(alice);
    expect(forAlice.active_channel_ids).toEqual(expect.arrayContaining([open.channel_id, secret.channel_id]));
    expect(forAlice.ended_channel_ids).toContain(done.channel_id);
    expect(forAlice.active_channel_ids).not.toContain(done.channel_id);
    expect(forAlice.hide_ended).toBe(false);

    const forBob = await sidebarOf(bob);
    expect(forBob.active_channel_ids).toContain(open.channel_id);
    expect(forBob.active_channel_ids).not.toContain(secret.channel_id);
    expect(forBob.ended_channel_ids).not.toContain(secret.channel_id);
  });

  it("keeps each user's 'hide ended' choice on the server; a bad value is a 400 naming the field; signed out is a 401", async () => {
    const set = await bob.put(`${API}/sidebar`, { hide_ended: true });
    expect(set.status).toBe(200);
    expect(expectBody(set, sidebarAnswerSchema).hide_ended).toBe(true);
    expect((await sidebarOf(bob)).hide_ended).toBe(true);
    expect((await sidebarOf(alice)).hide_ended).toBe(false);

    const bad = await bob.put(`${API}/sidebar`, { hide_ended: "yes" });
    expect(bad.status).toBe(400);
    expect(expectBody(bad, apiErrorBodySchema).message).toContain("hide_ended: must be true or false");
    expect((await sidebarOf(bob)).hide_ended).toBe(true);

    const anonymous = await server.anonymous.get(`${API}/sidebar`);
    expect(anonymous.status).toBe(401);
  });
});
