/**
 * An adversarial review of the Workflow plugin, written as tests: a signed-in
 * user who is not a system admin tries every admin route against a real
 * workflow; webhook addresses are no oracle; a workflow never learns of, nor
 * copies out, a private channel's posts or a private incident its `run_as`
 * cannot read, and its actions never reach into such a channel.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { channelMemberSchema } from "#common/wire-schemas.ts";
import type { Channel, Team, User } from "#common/wire.ts";
import type { TestClient, TestServer } from "#testing";
import { API, applyWorkflow, finishedRuns, runsOf, startWorkflowServer } from "./test-server.ts";
import { channelPosts } from "#testing";

/** The Incident plugin's answer, as far as these tests read it (plugins do not import each other). */
const incidentSchema = z.looseObject({
  id: z.string(),
  channel_id: z.string(),
  status: z.string(),
  checklist: z.array(z.looseObject({ id: z.string(), title: z.string(), checked: z.boolean() })),
});

type Client = TestClient & { user: User };
const INCIDENT_API = "/plugins/incident/api/v1";

let server: TestServer;
let admin: Client;
/** Insider: member of ~vault (private). Watcher: a team member whose name workflows run as; not in ~vault. */
let insider: Client;
let watcher: Client;
let team: Team;
let town: Channel;
let vault: Channel;

beforeAll(async () => {
  server = await startWorkflowServer({ incident: true });
  admin = await server.admin();
  insider = await server.createUser();
  watcher = await server.createUser();
  team = await server.createTeam(admin, { name: "wf-privacy" });
  town = await server.createChannel(admin, { teamId: team.id, name: "town" });
  for (const u of [insider, watcher]) await server.addToChannel(admin, { channel: town, user: u.user });
  vault = await server.createChannel(insider, { teamId: team.id, name: "vault", type: "P" });
});

afterAll(async () => {
  await server?.close();
});

const workflow = (props: { name: string; runAs: string; trigger: string; steps: string }) =>
  `name: ${props.name}\nteam: ${team.name}\nrun_as: ${props.runAs}\ntrigger:\n${props.trigger}\nsteps:\n${props.steps}\n`;

describe("admin routes, tried by a user who is not a system admin", () => {
  it("refuse every read and change of a real workflow and its runs, and change nothing", async () => {
    const wf = await applyWorkflow(admin, {
      teamId: team.id,
      source: workflow({
        name: "Hooked",
        runAs: admin.user.username,
        trigger: "  type: webhook",
        steps: "  - action: post_message\n    with: {channel: town, message: hooked}",
      }),
    });
    await server.anonymous.post(new URL(wf.webhook_url!).pathname, {});
    const [run] = await finishedRuns(admin, wf.id);
    const attempts: Array<[string, string, string, unknown?]> = [
      ["POST", "/workflows", "apply workflows", { team_id: team.id, source: "name: x" }],
      ["GET", "/workflows", "list workflows"],
      ["GET", `/workflows?team_id=${team.id}`, "list workflows"],
      ["GET", `/workflows/${wf.id}`, "read workflows"],
      ["POST", `/workflows/${wf.id}/disable`, "disable workflows"],
      ["POST", `/workflows/${wf.id}/enable`, "enable workflows"],
      ["DELETE", `/workflows/${wf.id}`, "delete workflows"],
      ["GET", `/workflows/${wf.id}/runs`, "read workflow runs"],
      ["GET", "/runs", "read workflow runs"],
      ["GET", `/runs?workflow_id=${wf.id}`, "read workflow runs"],
      ["GET", `/runs/${run!.id}`, "read workflow runs"],
    ];
    for (const [method, path, what, body] of attempts) {
      const res = await watcher.request(method, `${API}${path}`, body);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body).toMatchObject({ id: "workflow.permissions", message: `Only system admins may ${what}.`, status_code: 403 });
      // The webhook's secret is in the workflow JSON: it must never reach a non-admin.
      expect(JSON.stringify(res.body)).not.toContain(new URL(wf.webhook_url!).pathname.split("/").pop()!);
      expect((await server.anonymous.request(method, `${API}${path}`, body)).status, `anonymous ${method} ${path}`).toBe(401);
    }
    const still = await admin.get(`${API}/workflows/${wf.id}`);
    expect(still.body).toMatchObject({ enabled: true, version: 1 });
  });
});

describe("webhook addresses", () => {
  it("answer one 404 for a wrong secret, an unknown id, and a workflow that is not a webhook", async () => {
    const hooked = await applyWorkflow(admin, {
      teamId: team.id,
      source: workflow({
        name: "Hook 2",
        runAs: admin.user.username,
        trigger: "  type: webhook",
        steps: "  - action: post_message\n    with: {channel: town, message: hi}",
      }),
    });
    const plain = await applyWorkflow(admin, {
      teamId: team.id,
      source: workflow({
        name: "Not a hook",
        runAs: admin.user.username,
        trigger: "  type: message_posted\n  where: {channel: nowhere}",
        steps: "  - action: post_message\n    with: {channel: town, message: hi}",
      }),
    });
    const secret = new URL(hooked.webhook_url!).pathname.split("/").pop()!;
    const wrong = secret.slice(0, -1) + (secret.endsWith("a") ? "b" : "a");
    for (const path of [
      `/hooks/${hooked.id}/${wrong}`,
      `/hooks/${hooked.id}/x`,
      `/hooks/${"z".repeat(26)}/${secret}`,
      `/hooks/${plain.id}/${secret}`,
    ]) {
      const res = await server.anonymous.post(`${API}${path}`, {});
      expect(res.status, path).toBe(404);
      expect(res.body).toMatchObject({ id: "workflow.hook.not_found", message: "no workflow webhook at this address" });
    }
  });
});

describe("workflows and private channels", () => {
  it("a message_posted workflow whose run_as is not in a private channel never sees its posts (so cannot copy them out)", async () => {
    const wf = await applyWorkflow(admin, {
      teamId: team.id,
      source: workflow({
        name: "Copy everything",
        runAs: watcher.user.username,
        trigger: `  type: message_posted\n  where: {contains: leak-3x, from_user: ${insider.user.username}}`,
        steps: '  - action: post_message\n    with: {channel: town, message: "copied: {{trigger.message}}"}',
      }),
    });
    await server.createPost(insider, { channelId: vault.id, message: "leak-3x the vault combination is 1234" });
    await server.createPost(insider, { channelId: town.id, message: "leak-3x public" });
    const [run] = await finishedRuns(admin, wf.id);
    expect(run!.status).toBe("succeeded");
    await server.host.hooks.idle();
    expect(await runsOf(admin, wf.id)).toHaveLength(1);
    const copied = (await channelPosts(admin, town.id)).filter((p) => p.message.startsWith("copied:")).map((p) => p.message);
    expect(copied).toEqual(["copied: leak-3x public"]);
    // Not by naming the channel either.
    const named = await applyWorkflow(admin, {
      teamId: team.id,
      source: workflow({
        name: "Watch vault",
        runAs: watcher.user.username,
        trigger: `  type: message_posted\n  where: {channel: vault, from_user: ${insider.user.username}}`,
        steps: '  - action: post_message\n    with: {channel: town, message: "vault: {{trigger.message}}"}',
      }),
    });
    await server.createPost(insider, { channelId: vault.id, message: "second secret" });
    await server.host.hooks.idle();
    await new Promise((r) => setTimeout(r, 200));
    expect(await runsOf(admin, named.id)).toEqual([]);
    expect((await channelPosts(admin, town.id)).some((p) => p.message.includes("second secret"))).toBe(false);
  });

  it("actions as a run_as outside a private channel cannot post in it, add people to it, or read it", async () => {
    const wf = await applyWorkflow(admin, {
      teamId: team.id,
      source: workflow({
        name: "Break in",
        runAs: watcher.user.username,
        trigger: "  type: webhook",
        steps: "  - action: post_message\n    with: {channel: vault, message: injected}",
      }),
    });
    await server.anonymous.post(new URL(wf.webhook_url!).pathname, {});
    const [run] = await finishedRuns(admin, wf.id);
    expect(run!.status).toBe("failed");
    expect(run!.error).toBe(`step 1 (post_message) failed: channel: no channel "vault" that @${watcher.user.username} can read`);
    const add = await applyWorkflow(admin, {
      teamId: team.id,
      source: workflow({
        name: "Let me in",
        runAs: watcher.user.username,
        trigger: "  type: webhook",
        steps: `  - action: add_user_to_channel\n    with: {channel: vault, username: ${watcher.user.username}}`,
      }),
    });
    await server.anonymous.post(new URL(add.webhook_url!).pathname, {});
    const [addRun] = await finishedRuns(admin, add.id);
    expect(addRun!.status).toBe("failed");
    expect(addRun!.error).toBe(`step 1 (add_user_to_channel) failed: channel: no channel "vault" that @${watcher.user.username} can read`);
    const members = await insider.get(`/api/v4/channels/${vault.id}/members`, z.array(channelMemberSchema));
    expect(members.body.map((m: { user_id: string }) => m.user_id)).toEqual([insider.user.id]);
    const posts = await channelPosts(insider, vault.id);
    expect(posts.some((p) => p.message === "injected")).toBe(false);
  });

  it("incident triggers of a private incident never fire a workflow whose run_as cannot see it; its actions cannot reach it", async () => {
    const wf = await applyWorkflow(admin, {
      teamId: team.id,
      source: workflow({
        name: "Announce incidents",
        runAs: watcher.user.username,
        trigger: "  type: incident_started",
        steps: '  - action: post_message\n    with: {channel: town, message: "started: {{trigger.name}} in ~{{trigger.channel_name}}"}',
      }),
    });
    const hidden = await insider.post(
      `${INCIDENT_API}/incidents`,
      {
        name: "Quiet-5k layoffs",
        team_id: team.id,
        channel_name: "quiet-5k",
        private: true,
      },
      incidentSchema,
    );
    expect(hidden.status).toBe(201);
    const visible = await insider.post(`${INCIDENT_API}/incidents`, { name: "Loud outage", team_id: team.id, channel_name: "loud-outage" });
    expect(visible.status).toBe(201);
    const runs = await finishedRuns(admin, wf.id);
    await server.host.hooks.idle();
    await new Promise((r) => setTimeout(r, 200));
    expect((await runsOf(admin, wf.id)).length).toBe(runs.length);
    const town_ = (await channelPosts(admin, town.id)).map((p) => p.message).filter((m) => m.startsWith("started:"));
    expect(town_).toEqual(["started: Loud outage in ~loud-outage"]);
    // By channel name or by id, an incident action as the watcher finds nothing.
    for (const ref of ["channel_name: quiet-5k", `incident_id: "${hidden.body.id}"`]) {
      const end = await applyWorkflow(admin, {
        teamId: team.id,
        source: workflow({
          name: `End ${ref.slice(0, 7)}`,
          runAs: watcher.user.username,
          trigger: "  type: webhook",
          steps: `  - action: end_incident\n    with: {${ref}}`,
        }),
      });
      await server.anonymous.post(new URL(end.webhook_url!).pathname, {});
      const [run] = await finishedRuns(admin, end.id);
      expect(run!.status, ref).toBe("failed");
      expect(run!.error).toBe(`step 1 (end_incident) failed: incident: no incident with id ${hidden.body.id}`);
      expect(run!.error).not.toContain("Quiet");
    }
    expect((await insider.get(`${INCIDENT_API}/incidents/${hidden.body.id}`, incidentSchema)).body.status).toBe("active");
  });
});
