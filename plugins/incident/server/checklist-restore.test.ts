/**
 * Undo of a checklist removal (issue 12, defect 8): `POST
 * /incidents/{id}/checklist/{item_id}/restore` puts the item back with the
 * same id, number, stage, place and state, as a change of its own (posted,
 * on the timeline). Fails on 4ac7e74, which had no way back (404 route).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiErrorBodySchema } from "#common/wire-schemas.ts";
import type { TestClient, TestServer } from "#testing";
import type { User } from "#common/wire.ts";
import { channelPosts, expectBody, itemAt } from "#testing";
import { incidentAnswerSchema, type Incident } from "../common/types.ts";
import { API, applyPlaybook, startIncident, startIncidentServer, teamWithMembers, timelineOf } from "./test-server.ts";

type Client = TestClient & { user: User };
let server: TestServer;
let teamId: string;
let alice: Client;
let bob: Client;
let outsider: Client;
let playbookId: string;

beforeAll(async () => {
  server = await startIncidentServer();
  const made = await teamWithMembers(server, 3);
  teamId = made.team.id;
  alice = itemAt(made.users, 0, "alice");
  bob = itemAt(made.users, 1, "bob");
  outsider = itemAt(made.users, 2, "outsider");
  playbookId = await applyPlaybook(alice, {
    teamId,
    source: "name: Undo\nstages: [{name: Triage, checklist: [Assess impact, Page owner, Post status]}, {name: Fix}]\nchecklist: [Retro]\n",
  });
});
afterAll(async () => server?.close());

const restorePath = (incident: Incident, itemId: string) => `${API}/incidents/${incident.id}/checklist/${itemId}/restore`;

describe("restoring a removed checklist item", () => {
  it("brings it back with the same id, number, place and state, posted and on the timeline", async () => {
    const incident = await startIncident(alice, { name: "Undo me", team_id: teamId, playbook_id: playbookId, invite: [bob.user.id] });
    const page = itemAt(incident.checklist, 1, "Page owner");
    await alice.put(`${API}/incidents/${incident.id}/checklist/${page.id}`, { checked: true, assignee_user_id: bob.user.id });
    const before = expectBody(await alice.get(`${API}/incidents/${incident.id}`), incidentAnswerSchema);
    const kept = itemAt(before.checklist, 1, "Page owner");

    expect((await bob.delete(`${API}/incidents/${incident.id}/checklist/${page.id}`)).status).toBe(200);
    // Someone adds an item meanwhile: it takes number 5, and the restored item keeps 2.
    await alice.post(`${API}/incidents/${incident.id}/checklist`, { title: "Call the vendor" });
    const res = await bob.post(restorePath(incident, page.id));
    expect(res.status).toBe(200);
    const after = expectBody(res, incidentAnswerSchema);
    expect(after.checklist.map((i) => [i.number, i.title])).toEqual([
      [1, "Assess impact"],
      [2, "Page owner"],
      [3, "Post status"],
      [5, "Call the vendor"],
      [4, "Retro"],
    ]);
    expect(itemAt(after.checklist, 1, "restored")).toEqual(kept);

    const entries = await timelineOf(alice, incident.id);
    const restored = entries.filter((e) => e.type === "checklist_item_restored");
    expect(restored.map((e) => [e.actor_user_id, e.details.item_number, e.details.item_title])).toEqual([[bob.user.id, 2, "Page owner"]]);
    const posts = await channelPosts(alice, incident.channel_id);
    expect(posts.map((p) => p.message)).toContain(`@${bob.user.username} restored item 2: Page owner`);
  });

  it("refuses an item that is on the checklist (409), one never removed (404), an outsider (403) and an ended incident (409)", async () => {
    const incident = await startIncident(alice, { name: "Undo refusals", team_id: teamId, playbook_id: playbookId });
    const item = itemAt(incident.checklist, 0, "Assess impact");

    const present = await alice.post(restorePath(incident, item.id));
    expect(present.status).toBe(409);
    expect(expectBody(present, apiErrorBodySchema).message).toBe(
      `item_id: checklist item ${item.id} is on the checklist; only a removed item can be restored`,
    );
    const unknown = await alice.post(restorePath(incident, "nosuchitem"));
    expect(unknown.status).toBe(404);
    expect(expectBody(unknown, apiErrorBodySchema).message).toBe(
      "item_id: no removed checklist item nosuchitem in this incident to restore",
    );

    await alice.delete(`${API}/incidents/${incident.id}/checklist/${item.id}`);
    const stranger = await outsider.post(restorePath(incident, item.id));
    expect(stranger.status).toBe(403);
    expect(expectBody(stranger, apiErrorBodySchema).message).toMatch(/member/);

    expect((await alice.post(`${API}/incidents/${incident.id}/end`)).status).toBe(200);
    const ended = await alice.post(restorePath(incident, item.id));
    expect(ended.status).toBe(409);
    expect(expectBody(ended, apiErrorBodySchema).message).toMatch(/ended/);
  });
});
