import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { User } from "#common/wire.ts";
import { startTestServer, TestSocket, type TestClient, type TestServer } from "#testing";
import { API, applyWorkflow, runsOf, startWorkflowServer } from "./test-server.ts";

let first: TestServer;
let second: TestServer;
let admin: TestClient & { user: User };

beforeAll(async () => {
  first = await startWorkflowServer();
  admin = await first.admin();
});
afterAll(async () => {
  await second?.close();
  await first?.close();
});

describe("two processes", () => {
  it("run each schedule tick once, not once per process", async () => {
    const team = await first.createTeam(admin);
    const wf = await applyWorkflow(admin, {
      teamId: team.id,
      source: `name: Tick\nteam: ${team.name}\nrun_as: ${admin.user.username}\ntrigger:\n  type: schedule\n  where: {cron: "* * * * * *"}\nsteps:\n  - action: post_message\n    with: {channel: town, message: "never posted: no such channel"}\n`,
    });
    // A second process of the same workspace (same SQLite file or PostgreSQL
    // schema) starts with the workflow enabled, so both hold its timer.
    second = await startTestServer({
      dataDir: first.config.dataDir,
      pgSchema: first.config.pgSchema,
      prepackagedPluginsDir: first.config.prepackagedPluginsDir,
    });
    expect((await second.host.plugins.list()).active.map((p) => p.id)).toContain("workflow");
    await new Promise((r) => setTimeout(r, 3500));
    await admin.post(`${API}/workflows/${wf.id}/disable`);
    const runs = await runsOf(admin, wf.id);
    const ticks = runs.map((r) => r.trigger_values.scheduled_at);
    expect(ticks.length).toBeGreaterThanOrEqual(2);
    expect(new Set(ticks).size).toBe(ticks.length);
  });

  it("send custom_workflow_run_finished to system admins only", async () => {
    const bob = await first.createUser();
    const team = await first.createTeam(admin);
    const [adminSocket, bobSocket] = await Promise.all([TestSocket.of(admin), TestSocket.of(bob)]);
    const wf = await applyWorkflow(admin, {
      teamId: team.id,
      source: `name: Hook\nteam: ${team.name}\nrun_as: ${admin.user.username}\ntrigger: {type: webhook}\nsteps:\n  - action: create_channel\n    with: {name: "made-{{trigger.n}}"}\n`,
    });
    expect((await first.anonymous.post(new URL(wf.webhook_url!).pathname, { n: 1 })).status).toBe(200);
    await adminSocket.waitFor("custom_workflow_run_finished");
    await new Promise((r) => setTimeout(r, 200));
    await Promise.all([adminSocket.close(), bobSocket.close()]);
    expect(adminSocket.frames.map((f) => f.event)).toContain("custom_workflow_run_finished");
    expect(bobSocket.frames.map((f) => f.event)).not.toContain("custom_workflow_run_finished");
  });
});
