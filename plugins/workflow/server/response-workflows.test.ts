/**
 * The Incident plugin's response triggers and actions (DESIGN.md section 10)
 * through real workflows: a workflow pages ~leadership when the severity
 * becomes SEV1; role, assignment and status update triggers carry their
 * values; the actions change severity, assign roles and items, post status
 * updates and start incidents with the start fields — as `run_as`, never more.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Channel, Team, User } from "#common/wire.ts";
import { userSchema } from "#common/wire-schemas.ts";
import { channelPosts, eventually, uniqueName, type TestClient, type TestServer } from "#testing";
import { applyWorkflow, finishedRuns, startWorkflowServer } from "./test-server.ts";

/** The Incident plugin's answer, as far as these tests read it (plugins do not import each other). */
const incidentSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  channel_id: z.string(),
  channel_name: z.string(),
  severity: z.string(),
  commander_user_id: z.string(),
  drill: z.boolean(),
  status: z.string(),
  roles: z.record(z.string(), z.string()),
  last_status_update_at: z.number(),
  checklist: z.array(z.looseObject({ id: z.string(), title: z.string(), assignee_user_id: z.string(), due_at: z.number() })),
});
type Incident = z.infer<typeof incidentSchema>;
const INCIDENT_API = "/plugins/incident/api/v1";

let server: TestServer;
let admin: TestClient & { user: User };
let bob: TestClient & { user: User };
let team: Team;
let leadership: Channel;
let log: Channel;

beforeAll(async () => {
  server = await startWorkflowServer({ incident: true });
  admin = await server.admin();
  bob = await server.createUser();
  team = await server.createTeam(admin);
  leadership = await server.createChannel(admin, { teamId: team.id, name: "leadership" });
  log = await server.createChannel(admin, { teamId: team.id, name: uniqueName("log") });
  await server.addToChannel(admin, { channel: leadership, user: bob.user });
  const bot = (await admin.get("/api/v4/users/username/workflow-bot", userSchema)).body;
  for (const channel of [leadership, log]) await server.addToChannel(admin, { channel, user: bot });
  const playbook = `name: Roles\nroles: [scribe]\nstages:\n  - name: Triage\n    checklist: [Page the DBA]\n`;
  expect((await admin.post(`${INCIDENT_API}/playbooks`, { team_id: team.id, source: playbook })).status).toBe(201);
});
afterAll(async () => server?.close());

async function startIncident(name: string, extra: Record<string, unknown> = {}): Promise<Incident> {
  const res = await admin.post(`${INCIDENT_API}/incidents`, { name, team_id: team.id, ...extra }, incidentSchema);
  expect(res.status).toBe(201);
  return res.body;
}
const record = (props: { trigger: string; where: string; channel: string; message: string }) => `name: ${props.trigger} ${uniqueName("w")}
team: ${team.name}
run_as: ${admin.user.username}
trigger:
  type: ${props.trigger}
  where: ${props.where}
steps:
  - action: post_message
    with: {channel: ${props.channel}, message: "${props.message}"}
`;
const messagesIn = async (channel: Channel) => (await channelPosts(admin, channel.id)).map((p) => p.message);

describe("response triggers", () => {
  it('a workflow posts "SEV1 declared" to ~leadership when the severity becomes SEV1, and only then', async () => {
    const wf = await applyWorkflow(admin, {
      teamId: team.id,
      source: record({
        trigger: "severity_changed",
        where: "{severity: SEV1}",
        channel: "leadership",
        message: "SEV1 declared: {{trigger.name}} (was {{trigger.previous_severity}}) ~{{trigger.channel_name}}",
      }),
    });
    const incident = await startIncident("Payments down");
    expect((await admin.patch(`${INCIDENT_API}/incidents/${incident.id}`, { severity: "SEV2" })).status).toBe(200);
    expect((await admin.patch(`${INCIDENT_API}/incidents/${incident.id}`, { severity: "SEV1" })).status).toBe(200);
    const runs = await finishedRuns(admin, wf.id);
    expect(runs.map((r) => r.status)).toEqual(["succeeded"]);
    const declared = (await channelPosts(bob, leadership.id)).filter((p) => p.message.startsWith("SEV1 declared"));
    expect(declared.map((p) => p.message)).toEqual([`SEV1 declared: Payments down (was SEV2) ~${incident.channel_name}`]);
  });

  it("role_changed, checklist_item_assigned and status_update_posted fire with their values", async () => {
    const flows = await Promise.all(
      [
        record({
          trigger: "role_changed",
          where: "{role: scribe}",
          channel: log.name,
          message: "scribe of {{trigger.name}}: @{{trigger.user}}",
        }),
        record({
          trigger: "checklist_item_assigned",
          where: "{}",
          channel: log.name,
          message: "{{trigger.item}} to @{{trigger.assignee}}",
        }),
        record({
          trigger: "status_update_posted",
          where: "{}",
          channel: log.name,
          message: "update of {{trigger.name}}: {{trigger.message}}",
        }),
      ].map((source) => applyWorkflow(admin, { teamId: team.id, source })),
    );
    const playbookId = await eventually(async () => {
      const res = await admin.get(
        `${INCIDENT_API}/playbooks?team_id=${team.id}`,
        z.looseObject({ items: z.array(z.looseObject({ id: z.string(), name: z.string() })) }),
      );
      return res.body.items.find((p) => p.name === "Roles")?.id;
    });
    const incident = await startIncident("Tour", { playbook_id: playbookId });
    const item = incident.checklist[0];
    await admin.patch(`${INCIDENT_API}/incidents/${incident.id}`, { roles: { scribe: bob.user.id } });
    await admin.put(`${INCIDENT_API}/incidents/${incident.id}/checklist/${item?.id}`, { assignee_user_id: admin.user.id });
    await admin.post(`${INCIDENT_API}/incidents/${incident.id}/status-updates`, { message: "Mitigated" });
    for (const wf of flows) expect((await finishedRuns(admin, wf.id))[0]?.status).toBe("succeeded");
    expect(await messagesIn(log)).toEqual(
      expect.arrayContaining([
        `scribe of Tour: @${bob.user.username}`,
        `Page the DBA to @${admin.user.username}`,
        "update of Tour: Mitigated",
      ]),
    );
  });
});

describe("response actions", () => {
  it("change_severity, assign_role, assign_checklist_item and post_status_update act on an incident named by its channel", async () => {
    const incident = await startIncident("Acted on", {
      playbook_id: (
        await admin.get(
          `${INCIDENT_API}/playbooks?team_id=${team.id}`,
          z.looseObject({ items: z.array(z.looseObject({ id: z.string() })) }),
        )
      ).body.items[0]?.id,
    });
    const wf = await applyWorkflow(admin, {
      teamId: team.id,
      source: `name: Escalate ${uniqueName("w")}
team: ${team.name}
run_as: ${admin.user.username}
trigger: {type: webhook}
steps:
  - id: sev
    action: change_severity
    with: {channel_name: "{{trigger.channel}}", severity: sev1}
  - action: assign_role
    with: {incident_id: "{{steps.sev.incident_id}}", role: scribe, user: "@${bob.user.username}"}
  - action: assign_checklist_item
    with: {incident_id: "{{steps.sev.incident_id}}", item: "#1", user: "${bob.user.username}", due: 15m}
  - action: post_status_update
    with: {incident_id: "{{steps.sev.incident_id}}", message: "Escalated to {{steps.sev.severity}}"}
`,
    });
    expect((await server.anonymous.post(new URL(wf.webhook_url ?? "").pathname, { channel: incident.channel_name })).status).toBe(200);
    const [run] = await finishedRuns(admin, wf.id);
    expect(run).toMatchObject({ status: "succeeded", error: "" });
    expect(run?.steps[0]?.output).toEqual({ incident_id: incident.id, severity: "SEV1", previous_severity: "SEV3" });
    const after = (await admin.get(`${INCIDENT_API}/incidents/${incident.id}`, incidentSchema)).body;
    expect(after).toMatchObject({ severity: "SEV1", roles: { scribe: bob.user.id } });
    expect(after.checklist[0]).toMatchObject({ assignee_user_id: bob.user.id });
    expect(after.checklist[0]?.due_at).toBeGreaterThan(0);
    expect(after.last_status_update_at).toBeGreaterThan(0);
    expect(
      (await channelPosts(admin, incident.channel_id)).some(
        (p) => p.type === "custom_incident_status_update" && p.message.includes("Escalated to SEV1"),
      ),
    ).toBe(true);
  });

  it("start_incident takes severity, commander, drill and an existing channel", async () => {
    const room = await server.createChannel(admin, { teamId: team.id, name: uniqueName("room") });
    const wf = await applyWorkflow(admin, {
      teamId: team.id,
      source: `name: Drill ${uniqueName("w")}
team: ${team.name}
run_as: ${admin.user.username}
trigger: {type: webhook}
steps:
  - action: start_incident
    with: {name: Weekly drill, severity: SEV2, commander: "${bob.user.username}", drill: true, channel_id: "${room.id}"}
`,
    });
    await server.anonymous.post(new URL(wf.webhook_url ?? "").pathname, {});
    const [run] = await finishedRuns(admin, wf.id);
    expect(run).toMatchObject({ status: "succeeded" });
    const { incident_id } = z.object({ incident_id: z.string() }).parse(run?.steps[0]?.output);
    const started = (await admin.get(`${INCIDENT_API}/incidents/${incident_id}`, incidentSchema)).body;
    expect(started).toMatchObject({
      name: "Weekly drill",
      severity: "SEV2",
      commander_user_id: bob.user.id,
      drill: true,
      channel_id: room.id,
    });
  });

  it("change_severity with a run_as who may not change the incident fails the run and changes nothing", async () => {
    const outsider = await server.createUser();
    await admin.post(`/api/v4/teams/${team.id}/members`, { team_id: team.id, user_id: outsider.user.id });
    const incident = await startIncident("Not theirs");
    const wf = await applyWorkflow(admin, {
      teamId: team.id,
      source: `name: Outsider ${uniqueName("w")}\nteam: ${team.name}\nrun_as: ${outsider.user.username}\ntrigger: {type: webhook}\nsteps:\n  - action: change_severity\n    with: {incident_id: "${incident.id}", severity: SEV1}\n`,
    });
    await server.anonymous.post(new URL(wf.webhook_url ?? "").pathname, {});
    const [run] = await finishedRuns(admin, wf.id);
    expect(run?.status).toBe("failed");
    expect(run?.error).toMatch(/^step 1 \(change_severity\) failed: .*You must be a member of ~/);
    expect((await admin.get(`${INCIDENT_API}/incidents/${incident.id}`, incidentSchema)).body.severity).toBe("SEV3");
  });
});
