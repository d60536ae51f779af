/**
 * Forwarded copies follow their original (DESIGN.md section 9): an edit of
 * the original rewrites each copy, a delete deletes them (a root's replies'
 * copies too), even after the incident ended; and the plugin may change only
 * its own bot's posts through `ctx.posts.update` / `ctx.posts.delete`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiErrorBodySchema, channelSchema, postSchema, statusOkSchema } from "#common/wire-schemas.ts";
import type { Channel, Post, Team, User } from "#common/wire.ts";
import { channelPosts, eventually, expectBody, TestSocket, withIdSchema, type TestClient, type TestServer } from "#testing";
import { FORWARDED_POST_TYPE, forwardedPostPropsSchema } from "../../common/forwarded-post.ts";
import type { Incident } from "../../common/types.ts";
import { API, slash, startIncident, startIncidentServer } from "../test-server.ts";

type Client = TestClient & { user: User };

let server: TestServer;
let admin: Client;
let alice: Client;
let team: Team;
let alerts: Channel;

beforeAll(async () => {
  server = await startIncidentServer();
  admin = await server.admin();
  alice = await server.createUser();
  team = await server.createTeam(admin);
  alerts = await server.createChannel(admin, { teamId: team.id, name: "alerts" });
  await server.addToChannel(admin, { channel: alerts, user: alice.user });
});
afterAll(async () => {
  await server?.close();
});

/** An incident forwarding every ~alerts post that says db-prod. */
async function forwardingIncident(): Promise<Incident> {
  const source = ["name: Outage", "forwarding:", "  - {from: [alerts], keywords: [db-prod]}"].join("\n");
  const playbook = await admin.post(`${API}/playbooks`, { team_id: team.id, source }, withIdSchema);
  expect([200, 201]).toContain(playbook.status);
  return startIncident(admin, {
    name: `Incident ${Math.random().toString(36).slice(2, 8)}`,
    team_id: team.id,
    playbook_id: playbook.body.id,
  });
}

/** Post as alice in ~alerts, and wait for the hooks (the copies) to finish. */
async function say(message: string, rootId?: string): Promise<Post> {
  const res = await alice.post("/api/v4/posts", { channel_id: alerts.id, message, root_id: rootId }, postSchema);
  expect(res.status).toBe(201);
  await server.host.hooks.idle();
  return res.body;
}

/** The live copies in an incident's channel, after every hook has run. */
async function copiesIn(incident: Incident): Promise<Post[]> {
  await server.host.hooks.idle();
  return (await channelPosts(admin, incident.channel_id)).filter((post) => post.type === FORWARDED_POST_TYPE);
}

describe("forwarded copies follow their original", () => {
  it("rewrite their excerpt and text when the original is edited, and tell the incident channel (post_edited)", async () => {
    const incident = await forwardingIncident();
    const original = await say("db-prod latency is climbing");
    const [before] = await copiesIn(incident);
    if (!before) throw new Error("the post was not forwarded");
    const socket = await TestSocket.open(server.url, { token: admin.token });
    try {
      const edited = await alice.put(
        `/api/v4/posts/${original.id}/patch`,
        { message: "db-prod latency is climbing on replica 2" },
        postSchema,
      );
      expect(edited.status).toBe(200);
      const [after] = await copiesIn(incident);
      expect(after?.id).toBe(before.id);
      expect(forwardedPostPropsSchema.parse(after?.props)).toMatchObject({
        source_post_id: original.id,
        excerpt: "db-prod latency is climbing on replica 2",
        incident_id: incident.id,
        permalink: forwardedPostPropsSchema.parse(before.props).permalink,
      });
      expect(after?.message).toContain("> db-prod latency is climbing on replica 2");
      expect(after?.edit_at).toBeGreaterThan(0);
      const event = await socket.waitFor(
        (frame) => frame.event === "post_edited" && typeof frame.data?.post === "string" && frame.data.post.includes(before.id),
      );
      expect(event.broadcast).toMatchObject({ channel_id: incident.channel_id });
    } finally {
      socket.ws.close();
    }
  });

  it("are deleted with the original, a root's replies' copies too, even after the incident ended", async () => {
    const incident = await forwardingIncident();
    const root = await say("db-prod is down");
    const reply = await say("db-prod still down", root.id);
    const kept = await say("db-prod back, unrelated");
    expect((await copiesIn(incident)).map((copy) => forwardedPostPropsSchema.parse(copy.props).source_post_id)).toEqual([
      root.id,
      reply.id,
      kept.id,
    ]);
    const incidentChannel = await admin.get(`/api/v4/channels/${incident.channel_id}`, channelSchema);
    expect((await slash(admin, { channel: incidentChannel.body, command: "/incident end" })).status).toBe(200);
    const deleted = await alice.delete(`/api/v4/posts/${root.id}`, statusOkSchema);
    expect(deleted.body).toEqual({ status: "OK" });
    await eventually(async () => (await copiesIn(incident)).length === 1, { what: "the copies of the root and its reply deleted" });
    const [left] = await copiesIn(incident);
    expect(forwardedPostPropsSchema.parse(left?.props).source_post_id).toBe(kept.id);
  });

  it("are the bot's: no person edits one, not even a system admin", async () => {
    const incident = await forwardingIncident();
    const original = await say("db-prod disk full");
    const [copy] = await copiesIn(incident);
    if (!copy) throw new Error("the post was not forwarded");
    const refused = await admin.put(`/api/v4/posts/${copy.id}/patch`, { message: "rewritten" }, apiErrorBodySchema);
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe("Nobody edits a bot's post: it is the record of what happened.");
    expect(expectBody(await admin.get(`/api/v4/posts/${copy.id}`), postSchema).message).toBe(copy.message);
    expect(forwardedPostPropsSchema.parse(copy.props).source_post_id).toBe(original.id);
  });
});
