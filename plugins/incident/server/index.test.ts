import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiErrorBodySchema, channelSchema, commandResponseSchema } from "#common/wire-schemas.ts";
import type { FiredTrigger } from "#plugin-api";
import type { Channel, Team, User } from "#common/wire.ts";
import type { TestClient, TestServer } from "#testing";
import { incidentAnswerSchema, playbookAnswerSchema } from "../common/types.ts";
import { API, slash, startIncident, startIncidentServer, teamWithMembers } from "./test-server.ts";
import { channelPosts, expectBody, itemAt } from "#testing";

type Client = TestClient & { user: User };
let server: TestServer;
let team: Team;
let town: Channel;
let alice: Client;
let carol: Client;

beforeAll(async () => {
  server = await startIncidentServer();
  const made = await teamWithMembers(server, 2);
  ({ team, town } = made);
  alice = itemAt(made.users, 0, "member");
  carol = itemAt(made.users, 1, "member");
});
afterAll(async () => server?.close());

describe("disable and enable", () => {
  it("keeps every incident, stage and checklist item; while disabled the API and command are gone", async () => {
    const admin = await server.admin();
    const playbook = (
      await alice.post(
        `${API}/playbooks`,
        {
          team_id: team.id,
          source: "name: Keep\nstages: [{name: A, checklist: [one, two]}, {name: B}]\nchecklist: [three]\n",
        },
        playbookAnswerSchema,
      )
    ).body;
    const incident = await startIncident(alice, { name: "Survivor", team_id: team.id, playbook_id: playbook.id });
    await alice.patch(`${API}/incidents/${incident.id}`, { current_stage: "B" });
    await alice.put(`${API}/incidents/${incident.id}/checklist/${itemAt(incident.checklist, 1, "checklist item").id}`, { checked: true });
    await alice.post(`${API}/incidents/${incident.id}/checklist`, { title: "four" });
    const before = (await alice.get(`${API}/incidents/${incident.id}`, incidentAnswerSchema)).body;

    const notAdmin = await alice.post("/api/v4/plugins/incident/disable");
    expect(notAdmin.status).toBe(403);
    expect((await admin.post("/api/v4/plugins/incident/disable")).status).toBe(200);
    const gone = await alice.get(`${API}/incidents/${incident.id}`);
    expect(gone.status).toBe(404);
    const command = await slash(alice, { channel: town, command: "/incident list" });
    expect(command.status).toBe(404);
    expect(expectBody(command, apiErrorBodySchema).message).toBe("Command with a trigger of '/incident' not found.");

    expect((await admin.post("/api/v4/plugins/incident/enable")).status).toBe(200);
    const after = (await alice.get(`${API}/incidents/${incident.id}`, incidentAnswerSchema)).body;
    expect(after).toEqual(before);
    expect(after.current_stage).toBe("B");
    expect(after.checklist.map((i) => [i.title, i.checked])).toEqual([
      ["one", false],
      ["two", true],
      ["four", false],
      ["three", false],
    ]);
    expect((await alice.get(`${API}/playbooks/${playbook.id}`, playbookAnswerSchema)).body.version).toBe(1);
    // Still fully working: commands, posts by the same bot.
    const channel = (await alice.get(`/api/v4/channels/${incident.channel_id}`, channelSchema)).body;
    expect(expectBody(await slash(alice, { channel, command: "/incident check 1" }), commandResponseSchema).text).toBe("");
    const authors = new Set(
      (await channelPosts(alice, incident.channel_id)).filter((p) => p.type === "custom_incident_update").map((p) => p.user_id),
    );
    expect(authors.size).toBe(1);
  });
});

describe("workflow triggers and actions", () => {
  it("offers the triggers and actions in the catalog", () => {
    const catalog = server.host.automation.catalog();
    const mine = (list: Array<{ name: string; plugin_id: string }>) => list.filter((t) => t.plugin_id === "incident").map((t) => t.name);
    expect(mine(catalog.triggers)).toEqual([
      "checklist_item_assigned",
      "checklist_item_changed",
      "incident_ended",
      "incident_started",
      "role_changed",
      "severity_changed",
      "stage_changed",
      "status_update_posted",
    ]);
    expect(mine(catalog.actions)).toEqual([
      "assign_checklist_item",
      "assign_role",
      "change_checklist_item",
      "change_severity",
      "change_stage",
      "end_incident",
      "post_status_update",
      "start_incident",
    ]);
    const started = catalog.triggers.find((t) => t.name === "incident_started")!;
    expect(Object.keys(started.parameters)).toContain("channel_name");
    expect(Object.keys(catalog.triggers.find((t) => t.name === "checklist_item_changed")!.parameters)).toEqual(
      expect.arrayContaining(["action", "item"]),
    );
  });

  it("runs the actions as the actor, firing the matching triggers from the same code path", async () => {
    const fired: FiredTrigger[] = [];
    const listener = server.host.automation.onTrigger((event) => fired.push(event));
    const run = (name: string, params: Record<string, unknown>, actorId = alice.user.id) =>
      server.host.automation.runAction(name, { params, actorId, teamId: team.id, depth: 0 });
    const started = await run("start_incident", { name: "Automated", channel_name: "automated-1" });
    expect(started).toEqual({ incident_id: expect.any(String), channel_id: expect.any(String), channel_name: "automated-1" });
    expect(await run("change_stage", { channel_name: "automated-1", stage: "next" })).toEqual({
      incident_id: started.incident_id,
      stage: "Investigating",
      previous_stage: "Triage",
    });
    expect(await run("change_checklist_item", { incident_id: started.incident_id, action: "added", item: "Call vendor" })).toMatchObject({
      item: "Call vendor",
    });
    await run("change_checklist_item", { incident_id: started.incident_id, action: "checked", item: "call vendor" });
    await run("change_checklist_item", { incident_id: started.incident_id, action: "removed", item: "#1" });
    // Carol is in the team but not in the channel: the action has her permissions and no more.
    await expect(run("end_incident", { incident_id: started.incident_id }, carol.user.id)).rejects.toMatchObject({ status: 403 });
    await expect(run("change_stage", { channel_name: "nowhere", stage: "next" })).rejects.toThrow(
      "channel_name: ~nowhere is not an incident channel of this team",
    );
    await run("end_incident", { incident_id: started.incident_id });
    listener.dispose();

    const names = fired
      .filter((e) => e.values.incident_id === started.incident_id)
      .map((e) => [e.trigger, e.values.action ?? e.values.stage, e.depth]);
    expect(names).toEqual([
      ["incident_started", "Triage", 1],
      ["stage_changed", "Investigating", 1],
      ["checklist_item_changed", "added", 1],
      ["checklist_item_changed", "checked", 1],
      ["checklist_item_changed", "removed", 1],
      ["incident_ended", "Investigating", 1],
    ]);
    const start = fired.find((e) => e.trigger === "incident_started" && e.values.incident_id === started.incident_id)!;
    expect(start).toMatchObject({
      teamId: team.id,
      channelId: started.channel_id,
      values: { channel_name: "automated-1", name: "Automated", commander: alice.user.username, actor: alice.user.username, playbook: "" },
    });
    const stage = fired.find((e) => e.trigger === "stage_changed")!;
    expect(stage.values).toMatchObject({ stage: "Investigating", previous_stage: "Triage" });
    expect(fired.find((e) => e.values.action === "checked")!.values.item).toBe("Call vendor");
  });

  it("fires triggers for changes made by people too (depth 0)", async () => {
    const fired: FiredTrigger[] = [];
    const listener = server.host.automation.onTrigger((event) => fired.push(event));
    const incident = await startIncident(alice, { name: "By hand", team_id: team.id });
    await alice.patch(`${API}/incidents/${incident.id}`, { current_stage: "Mitigated" });
    listener.dispose();
    expect(fired.filter((e) => e.values.incident_id === incident.id).map((e) => [e.trigger, e.depth])).toEqual([
      ["incident_started", 0],
      ["stage_changed", 0],
    ]);
  });
});
