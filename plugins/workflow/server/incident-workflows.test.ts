import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Channel, Team, User } from "#common/wire.ts";
import { channelSchema, userSchema } from "#common/wire-schemas.ts";
import { ApiClient, channelPosts, eventually, pageOf, uniqueName, type TestClient, type TestServer } from "#testing";
import { testWorkflowFile } from "../cli/workflow-commands.ts";
import { STATIC_CATALOG } from "../common/static-catalog.ts";
import { workflowSchema } from "../common/wire.ts";
import { API, applyWorkflow, finishedRuns, startWorkflowServer } from "./test-server.ts";

/** The Incident plugin's answer, as far as these tests read it (plugins do not import each other). */
const incidentSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  channel_id: z.string(),
  current_stage: z.string(),
  status: z.string(),
  commander_user_id: z.string(),
  severity: z.string(),
  checklist: z.array(z.looseObject({ id: z.string(), title: z.string(), checked: z.boolean() })),
});
type Incident = z.infer<typeof incidentSchema>;

const INCIDENT_API = "/plugins/incident/api/v1";
const shippedDir = path.resolve(import.meta.dirname, "../../../workflows");

let server: TestServer;
let admin: TestClient & { user: User };
let ops: Team;
let alerts: Channel;
let status: Channel;
let oncall: Channel;
let shipped: Map<string, string>;

beforeAll(async () => {
  // The shipped examples, from the real workflows directory, for the team "ops".
  server = await startWorkflowServer({ incident: true, workflowsDir: shippedDir });
  admin = await server.admin();
  ops = await server.createTeam(admin, { name: "ops" });
  alerts = await server.createChannel(admin, { teamId: ops.id, name: "alerts" });
  status = await server.createChannel(admin, { teamId: ops.id, name: "status" });
  oncall = await server.createChannel(admin, { teamId: ops.id, name: "oncall" });
  // As docs/workflows.md says: the bot gets the memberships its workflows need.
  const bot = (await admin.get("/api/v4/users/username/workflow-bot", userSchema)).body;
  await server.addToChannel(admin, { channel: status, user: bot });
  await server.addToChannel(admin, { channel: oncall, user: bot });
  // The team exists now: re-enabling the plugin applies the directory again.
  expect((await admin.post("/api/v4/plugins/workflow/disable")).status).toBe(200);
  expect((await admin.post("/api/v4/plugins/workflow/enable")).status).toBe(200);
  const list = await eventually(async () => {
    const res = await admin.get(`${API}/workflows?team_id=${ops.id}`, z.array(workflowSchema));
    return res.status === 200 && res.body.length === 3 ? res.body : undefined;
  });
  shipped = new Map(list.map((w) => [w.name, w.id]));
});
afterAll(async () => server.close());

async function incidents(): Promise<Incident[]> {
  const res = await admin.get(`${INCIDENT_API}/incidents?team_id=${ops.id}&per_page=200`, pageOf(incidentSchema));
  expect(res.status).toBe(200);
  return res.body.items;
}

async function startIncident(name: string): Promise<Incident> {
  const res = await admin.post(`${INCIDENT_API}/incidents`, { name, team_id: ops.id, channel_name: uniqueName("inc") }, incidentSchema);
  expect(res.status).toBe(201);
  return res.body;
}

const postsWith = async (channel: Channel, text: string) => (await channelPosts(admin, channel.id)).filter((p) => p.message.includes(text));

describe("shipped examples, end to end", () => {
  it("loads the three examples from the workflows directory", () => {
    expect([...shipped.keys()].sort()).toEqual([
      "Page on-call from the checklist",
      "Resolved incidents are summarised in status",
      "SEV1 alert starts an incident",
    ]);
  });

  it("a message in ~alerts containing SEV1 starts an incident and announces it in ~status", async () => {
    const before = (await incidents()).length;
    await server.createPost(admin, { channelId: alerts.id, message: "SEV2: slow search" });
    const post = await server.createPost(admin, { channelId: alerts.id, message: "SEV1: checkout is down" });
    const [run] = await finishedRuns(admin, shipped.get("SEV1 alert starts an incident")!);
    expect(run).toMatchObject({ status: "succeeded", error: "" });
    const all = await incidents();
    expect(all).toHaveLength(before + 1);
    const incident = all.find((i) => i.name === "SEV1: SEV1: checkout is down")!;
    expect(incident.status).toBe("active");
    const channel = (await admin.get(`/api/v4/channels/${incident.channel_id}`, channelSchema)).body;
    // A readable name from the incident's date and number, and the person who posted the alert commands it.
    expect(channel.name).toMatch(/^sev1-\d{4}-\d{2}-\d{2}-\d+$/);
    expect(incident).toMatchObject({ commander_user_id: post.user_id, severity: "SEV1" });
    expect(await postsWith(status, `started an incident: ~${channel.name}`)).toHaveLength(1);
  });

  it("moving an incident to Resolved posts a summary in ~status", async () => {
    const incident = await startIncident("Payments latency");
    const moved = await admin.patch(`${INCIDENT_API}/incidents/${incident.id}`, { current_stage: "Resolved" });
    expect(moved.status).toBe(200);
    const [run] = await finishedRuns(admin, shipped.get("Resolved incidents are summarised in status")!);
    expect(run!.status).toBe("succeeded");
    const [summary] = await postsWith(status, "Resolved: **Payments latency**");
    expect(summary!.message).toContain(`commander @${admin.user.username}; moved from Triage by @${admin.user.username}.`);
    // Another stage does not match.
    await admin.patch(`${INCIDENT_API}/incidents/${incident.id}`, { current_stage: "Mitigated" });
    await new Promise((r) => setTimeout(r, 300));
    expect(await postsWith(status, "Resolved: **Payments latency**")).toHaveLength(1);
  });

  it("checking Page on-call posts in ~oncall", async () => {
    const incident = await startIncident("Queue backlog");
    const added = await admin.post(`${INCIDENT_API}/incidents/${incident.id}/checklist`, { title: "Page on-call" }, incidentSchema);
    expect(added.status).toBe(201);
    const itemId = added.body.checklist.find((i) => i.title === "Page on-call")!.id;
    expect((await admin.put(`${INCIDENT_API}/incidents/${incident.id}/checklist/${itemId}`, { checked: true })).status).toBe(200);
    await finishedRuns(admin, shipped.get("Page on-call from the checklist")!);
    const [page] = await postsWith(oncall, "on-call is paged for **Queue backlog**");
    expect(page!.message).toContain(`(checked by @${admin.user.username})`);
  });

  it("workflow test dry-runs an example and changes nothing", async () => {
    const postsBefore = (await channelPosts(admin, status.id)).length + (await channelPosts(admin, alerts.id)).length;
    const incidentsBefore = (await incidents()).length;
    const lines: string[] = [];
    const result = await testWorkflowFile(
      {
        file: path.join(shippedDir, "sev1-starts-incident.yaml"),
        payload: JSON.stringify({ channel_name: "alerts", message: "SEV1: db down", post_id: "p1" }),
        client: new ApiClient({ url: server.url, token: admin.token }),
      },
      { log: (l) => lines.push(l), error: (l) => lines.push(l) },
    );
    expect(result.matched).toBe(true);
    expect(result.steps.map((s) => s.input)).toEqual([
      { name: "SEV1: SEV1: db down", channel_template: "sev1-{date}-{seq}", severity: "SEV1", invitees: [] },
      { channel: "status", message: "A SEV1 alert in ~alerts started an incident: ~<steps.start.channel_name>" },
    ]);
    expect(lines.at(-1)).toBe("dry run: nothing was changed");
    await new Promise((r) => setTimeout(r, 200));
    expect((await channelPosts(admin, status.id)).length + (await channelPosts(admin, alerts.id)).length).toBe(postsBefore);
    expect((await incidents()).length).toBe(incidentsBefore);
  });
});

describe("incident triggers and actions through workflows", () => {
  const recordTo = (channel: Channel, trigger: string, where: string, message: string) => `name: Record ${trigger} ${uniqueName("w")}
team: ops
run_as: ${admin.user.username}
trigger:
  type: ${trigger}
  where: ${where}
steps:
  - action: post_message
    with: {channel: ${channel.name}, message: "${message}"}
`;

  it("incident_started, checklist_item_changed and incident_ended fire with their values", async () => {
    const log = await server.createChannel(admin, { teamId: ops.id, name: uniqueName("log") });
    const started = await applyWorkflow(admin, {
      teamId: ops.id,
      source: recordTo(log, "incident_started", "{}", "started {{trigger.name}} in ~{{trigger.channel_name}} by @{{trigger.actor}}"),
    });
    const unchecked = await applyWorkflow(admin, {
      teamId: ops.id,
      source: recordTo(log, "checklist_item_changed", "{action: unchecked}", "unchecked {{trigger.item}} of {{trigger.name}}"),
    });
    const removed = await applyWorkflow(admin, {
      teamId: ops.id,
      source: recordTo(log, "checklist_item_changed", "{action: removed, item: Drop me}", "removed {{trigger.item}}"),
    });
    const ended = await applyWorkflow(admin, {
      teamId: ops.id,
      source: recordTo(log, "incident_ended", "{}", "ended {{trigger.name}} at stage {{trigger.stage}}"),
    });
    const incident = await startIncident("Trigger tour");
    const channelName = (await admin.get(`/api/v4/channels/${incident.channel_id}`, channelSchema)).body.name;
    const add = async (title: string) => {
      const res = await admin.post(`${INCIDENT_API}/incidents/${incident.id}/checklist`, { title }, incidentSchema);
      return res.body.checklist.find((i) => i.title === title)!.id;
    };
    const keep = await add("Keep me");
    const drop = await add("Drop me");
    await admin.put(`${INCIDENT_API}/incidents/${incident.id}/checklist/${keep}`, { checked: true });
    await admin.put(`${INCIDENT_API}/incidents/${incident.id}/checklist/${keep}`, { checked: false });
    await admin.delete(`${INCIDENT_API}/incidents/${incident.id}/checklist/${drop}`);
    expect((await admin.post(`${INCIDENT_API}/incidents/${incident.id}/end`)).status).toBe(200);
    for (const wf of [started, unchecked, removed, ended]) expect((await finishedRuns(admin, wf.id))[0]!.status).toBe("succeeded");
    const messages = (await channelPosts(admin, log.id)).map((p) => p.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        `started Trigger tour in ~${channelName} by @${admin.user.username}`,
        "unchecked Keep me of Trigger tour",
        "removed Drop me",
        "ended Trigger tour at stage Triage",
      ]),
    );
    expect(messages.filter((m) => m.startsWith("unchecked"))).toHaveLength(1);
  });

  it("change_checklist_item, change_stage and end_incident act on an incident named by its channel", async () => {
    const incident = await startIncident("Action tour");
    const channelName = (await admin.get(`/api/v4/channels/${incident.channel_id}`, channelSchema)).body.name;
    const wf = await applyWorkflow(admin, {
      teamId: ops.id,
      source: `name: Wrap up
team: ops
run_as: ${admin.user.username}
trigger: {type: webhook}
steps:
  - id: add
    action: change_checklist_item
    with: {channel_name: "{{trigger.channel}}", action: added, item: Verify the fix}
  - action: change_checklist_item
    with: {incident_id: "{{steps.add.incident_id}}", action: checked, item: "{{steps.add.item}}"}
  - id: stage
    action: change_stage
    with: {channel_name: "{{trigger.channel}}", stage: Resolved}
  - action: end_incident
    with: {incident_id: "{{steps.stage.incident_id}}"}
`,
    });
    expect((await server.anonymous.post(new URL(wf.webhook_url!).pathname, { channel: channelName })).status).toBe(200);
    const [run] = await finishedRuns(admin, wf.id);
    expect(run).toMatchObject({ status: "succeeded", error: "" });
    expect(run!.steps[2]!.output).toMatchObject({ stage: "Resolved", previous_stage: "Triage" });
    const after = (await admin.get(`${INCIDENT_API}/incidents/${incident.id}`, incidentSchema)).body;
    expect(after).toMatchObject({ status: "ended", current_stage: "Resolved" });
    expect(after.checklist.find((i) => i.title === "Verify the fix")).toMatchObject({ checked: true });
  });

  it("an incident action with a user who may not see the incident fails the run", async () => {
    const outsider = await server.createUser();
    await admin.post(`/api/v4/teams/${ops.id}/members`, { team_id: ops.id, user_id: outsider.user.id });
    const secret = await admin.post(
      `${INCIDENT_API}/incidents`,
      {
        name: "Private matter",
        team_id: ops.id,
        channel_name: uniqueName("priv"),
        private: true,
      },
      incidentSchema,
    );
    expect(secret.status).toBe(201);
    const wf = await applyWorkflow(admin, {
      teamId: ops.id,
      source: `name: Outsider ends it\nteam: ops\nrun_as: ${outsider.user.username}\ntrigger: {type: webhook}\nsteps:\n  - action: end_incident\n    with: {incident_id: "${secret.body.id}"}\n`,
    });
    await server.anonymous.post(new URL(wf.webhook_url!).pathname, {});
    const [run] = await finishedRuns(admin, wf.id);
    expect(run!.status).toBe("failed");
    expect(run!.error).toMatch(/^step 1 \(end_incident\) failed: /);
    expect((await admin.get(`${INCIDENT_API}/incidents/${secret.body.id}`, incidentSchema)).body.status).toBe("active");
  });
});

describe("the static catalog", () => {
  it("matches the live catalog of the host and the Incident plugin (names, parameters, types)", async () => {
    const live = (await admin.get(`${API}/catalog`)).body as typeof STATIC_CATALOG;
    const shape = (entries: Array<{ name: string; plugin_id: string } & Record<string, unknown>>) =>
      entries
        .filter((e) => e.plugin_id === "host" || e.plugin_id === "incident")
        .map((e) => ({
          name: e.name,
          plugin_id: e.plugin_id,
          ...Object.fromEntries(
            ["parameters", "provides", "returns"]
              .filter((k) => e[k])
              .map((k) => [
                k,
                Object.fromEntries(
                  Object.entries(e[k] as Record<string, { type: string; required?: boolean; enum?: string[] }>).map(([n, p]) => [
                    n,
                    { type: p.type, required: p.required ?? false, enum: p.enum ?? null },
                  ]),
                ),
              ]),
          ),
        }))
        .sort((a, b) => a.name.localeCompare(b.name));
    expect(shape(STATIC_CATALOG.triggers)).toEqual(shape(live.triggers));
    expect(shape(STATIC_CATALOG.actions)).toEqual(shape(live.actions));
  });
});
