/**
 * Checklist item numbers (DESIGN.md section 4): each item gets the next unused
 * number when it is made and keeps it, so `/incident check 4` means the item
 * that was shown as 4 even after someone removed item 1; a number that no
 * longer exists is refused with what is there now; and migration
 * `0004_item_numbers` numbers the items of a workspace made before, in the
 * order they were shown. Fails on 00a17c0, where numbers were positions.
 */
import { afterEach, describe, expect, it } from "vitest";
import { newId } from "#common/ids.ts";
import { apiErrorBodySchema, channelSchema, commandResponseSchema } from "#common/wire-schemas.ts";
import { channelPosts, expectBody, itemAt, oldTeamWithChannels, startServerWithPlugins, workspaceBefore, type TestServer } from "#testing";
import { incidentAnswerSchema } from "../common/types.ts";
import { migrations } from "./store.ts";
import { API, applyPlaybook, slash, startIncident, startIncidentServer, teamWithMembers } from "./test-server.ts";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const PLAYBOOK = `name: Numbers
stages:
  - name: Triage
    checklist: [Assess impact, Page owner]
  - name: Mitigation
    checklist: [Roll back]
checklist: [Retro]
`;

describe("checklist item numbers", () => {
  it("never shift: removing item 1 leaves 4 meaning the item shown as 4; a gone number is refused naming what is there", async () => {
    server = await startIncidentServer();
    const { team, users } = await teamWithMembers(server, 2);
    const alice = itemAt(users, 0, "alice");
    const bob = itemAt(users, 1, "bob");
    const playbookId = await applyPlaybook(alice, { teamId: team.id, source: PLAYBOOK });
    const incident = await startIncident(alice, { name: "Numbers", team_id: team.id, playbook_id: playbookId, invite: [bob.user.id] });
    const channel = expectBody(await alice.get(`/api/v4/channels/${incident.channel_id}`), channelSchema);
    const run = (client: typeof alice, command: string) => slash(client, { channel, command });
    expect(incident.checklist.map((i) => [i.number, i.title])).toEqual([
      [1, "Assess impact"],
      [2, "Page owner"],
      [3, "Roll back"],
      [4, "Retro"],
    ]);

    // Alice removes item 1 while Bob works from the list he saw: his "check 4" is still "Retro".
    expect((await run(alice, "/incident remove 1")).status).toBe(200);
    expect((await run(bob, "/incident check 4")).status).toBe(200);
    const after = expectBody(await bob.get(`${API}/incidents/${incident.id}`), incidentAnswerSchema);
    expect(after.checklist.map((i) => [i.number, i.title, i.checked])).toEqual([
      [2, "Page owner", false],
      [3, "Roll back", false],
      [4, "Retro", true],
    ]);

    // A new item takes the next unused number, never the removed 1; removing the highest does not free it either.
    expect((await run(alice, "/incident add Call the vendor")).status).toBe(200);
    expect((await run(alice, "/incident remove 5")).status).toBe(200);
    expect((await run(alice, "/incident add Tell support")).status).toBe(200);
    const added = expectBody(await bob.get(`${API}/incidents/${incident.id}`), incidentAnswerSchema);
    expect(added.checklist.map((i) => [i.number, i.title])).toEqual([
      [2, "Page owner"],
      [6, "Tell support"],
      [3, "Roll back"],
      [4, "Retro"],
    ]);

    const gone = await run(bob, "/incident check 1");
    expect(gone.status).toBe(400);
    expect(expectBody(gone, apiErrorBodySchema).message).toBe(
      'item: item 1 "Assess impact" was removed; the checklist now has 2 "Page owner", 6 "Tell support", 3 "Roll back", 4 "Retro" (see /incident info)',
    );
    const never = await run(bob, "/incident check 9");
    expect(never.status).toBe(400);
    expect(expectBody(never, apiErrorBodySchema).message).toMatch(/^item: there is no item 9; the checklist now has 2 "Page owner"/);

    // Every card names the item by its own number and title, so earlier cards keep pointing at the same item.
    const cards = (await channelPosts(alice, incident.channel_id)).map((p) => p.message).filter((m) => /item \d/.test(m));
    const a = `@${alice.user.username}`;
    expect(cards).toEqual([
      `${a} removed item 1: Assess impact`,
      `@${bob.user.username} checked item 4: Retro`,
      `${a} added item 5 "Call the vendor" to Triage`,
      `${a} removed item 5: Call the vendor`,
      `${a} added item 6 "Tell support" to Triage`,
    ]);
    const info = expectBody(await run(bob, "/incident info"), commandResponseSchema).text;
    expect(info).toContain("2. [ ] Page owner\n6. [ ] Tell support\n_Mitigation_\n3. [ ] Roll back\n_No stage_\n4. [x] Retro");
  }, 90_000);
});

/** The two incident tables' columns as migrations 0001–0003 left them (the ones this test writes). */
type Version3Tables = {
  incident_incidents: {
    id: string;
    team_id: string;
    channel_id: string;
    channel_name: string;
    name: string;
    seq: number;
    commander_user_id: string;
    fields: string;
    stages: string;
    current_stage: string;
    forwarding: string;
    status: string;
    create_at: number;
    update_at: number;
  };
  incident_checklist_items: { id: string; incident_id: string; title: string; stage: string | null; position: number };
};

describe("migration 0004_item_numbers", () => {
  it("numbers a workspace's existing items in the order they were shown, and the incident runs on", async () => {
    const old = await workspaceBefore("~", { pluginId: "incident", migrations, before: "0004" });
    const now = Date.UTC(2029, 5, 1);
    const {
      team: { id: teamId },
      channelIds: [channelId = ""],
    } = await oldTeamWithChannels(old.db, { at: now, channels: ["db-down"] });
    const v3 = old.db.withTables<Version3Tables>();
    const incidentId = newId();
    await v3
      .insertInto("incident_incidents")
      .values({
        id: incidentId,
        team_id: teamId,
        channel_id: channelId,
        channel_name: "db-down",
        name: "DB down",
        seq: 1,
        commander_user_id: newId(),
        fields: "{}",
        stages: JSON.stringify(["Triage", "Mitigated"]),
        current_stage: "Triage",
        forwarding: "[]",
        status: "active",
        create_at: now,
        update_at: now,
      })
      .execute();
    // Positions in insertion order; shown (and so numbered) by stage first: Triage's two, Mitigated's, then stage-less.
    const rows = [
      { title: "Retro", stage: null, position: 1 },
      { title: "Roll back", stage: "Mitigated", position: 2 },
      { title: "Page DBA", stage: "Triage", position: 3 },
      { title: "Assess", stage: "Triage", position: 5 },
    ].map((r) => ({ id: newId(), incident_id: incidentId, ...r }));
    await v3.insertInto("incident_checklist_items").values(rows).execute();

    server = await startServerWithPlugins(["incident"], await old.release());
    const admin = await server.admin();
    const read = expectBody(await admin.get(`${API}/incidents/${incidentId}`), incidentAnswerSchema);
    expect(read.checklist.map((i) => [i.number, i.title])).toEqual([
      [1, "Page DBA"],
      [2, "Assess"],
      [3, "Roll back"],
      [4, "Retro"],
    ]);
    // It keeps working: the next item is 5, and checking by number finds the item shown as that number.
    const added = await admin.post(`${API}/incidents/${incidentId}/checklist`, { title: "Tell support", stage: null });
    expect(added.status).toBe(201);
    const removed = await admin.delete(`${API}/incidents/${incidentId}/checklist/${rows[2]?.id ?? ""}`);
    expect(removed.status).toBe(200);
    const final = expectBody(await admin.get(`${API}/incidents/${incidentId}`), incidentAnswerSchema);
    expect(final.checklist.map((i) => [i.number, i.title])).toEqual([
      [2, "Assess"],
      [3, "Roll back"],
      [4, "Retro"],
      [5, "Tell support"],
    ]);
  }, 90_000);
});
