/**
 * Browser test of the Workflow plugin's System Console page: the admin sees
 * the workflow list (trigger, run_as, last run), toggles one off and on, and
 * reads the run log — a failed run's error and each step's input, outcome
 * and duration — which refreshes live when a new run ends.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { z } from "zod";
import { postListSchema } from "#common/wire-schemas.ts";
import type { Channel, Team, User } from "#common/wire.ts";
import { buildPlugin } from "../scripts/build-plugin.mjs";
import { workflowSchema } from "../plugins/workflow/common/wire.ts";
import type { TestClient } from "#testing";
import { startE2E, type E2E, type TestPage } from "./harness.ts";
import { pageOf } from "#testing";

const root = path.resolve(import.meta.dirname, "..");
const API = "/plugins/workflow/api/v1";

let e2e: E2E;
let admin: TestClient & { user: User };
let team: Team;
let alerts: Channel;
let status: Channel;
let consolePage: TestPage;

beforeAll(async () => {
  process.env.SITREP_WORKFLOWS_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "sitrep-e2e-no-workflows-"));
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "sitrep-workflow-e2e-"));
  const [started, bundle] = await Promise.all([
    startE2E(),
    buildPlugin({ dir: path.join(root, "plugins", "workflow"), outDir, minify: true }),
  ]);
  e2e = started;
  admin = await e2e.server.admin();
  const form = new FormData();
  form.append("plugin", new Blob([fs.readFileSync(bundle)]), "workflow.tar.gz");
  const installed = await admin.request("POST", "/api/v4/plugins", form);
  expect(installed.status).toBe(201);
  expect((await admin.post("/api/v4/plugins/workflow/enable")).status).toBe(200);
  team = await e2e.server.createTeam(admin, { name: "ops" });
  alerts = await e2e.server.createChannel(admin, { teamId: team.id, name: "alerts" });
  status = await e2e.server.createChannel(admin, { teamId: team.id, name: "status" });
  const apply = (source: string) => admin.post(`${API}/workflows`, { team_id: team.id, source });
  const relay = await apply(`name: Relay SEV1 to status
team: ops
run_as: ${admin.user.username}
trigger:
  type: message_posted
  where: {channel: alerts, contains: SEV1}
steps:
  - id: relay
    action: post_message
    with: {channel: status, message: "Relayed: {{trigger.message}}"}
`);
  expect(relay.status).toBe(201);
  const failing = await apply(`name: Notify the pager service
team: ops
run_as: ${admin.user.username}
trigger:
  type: message_posted
  where: {channel: alerts, contains: SEV1}
steps:
  - action: http_request
    with: {url: "http://pager.invalid/notify", body: {text: "{{trigger.message}}"}}
`);
  expect(failing.status).toBe(201);
  await e2e.server.createPost(admin, { channelId: alerts.id, message: "SEV1: checkout down" });
  // Both runs finish before the page opens.
  for (let i = 0; i < 100; i++) {
    const runs = await admin.get(`${API}/runs`, pageOf(z.looseObject({ status: z.string() })));
    if (runs.body.items.filter((r: { status: string }) => r.status !== "running").length >= 2) break;
    await new Promise((r) => setTimeout(r, 50));
  }
});
afterAll(async () => {
  await e2e?.close();
});

describe("workflow admin page", () => {
  test("lists the workflows with trigger, run_as and last run status", async () => {
    consolePage = await e2e.open({ user: admin, path: "/admin_console/plugins/workflow" });
    const { page } = consolePage;
    const table = page.getByRole("table", { name: "Workflows" });
    await table.waitFor();
    const relayRow = table.getByRole("row").filter({ hasText: "Relay SEV1 to status" });
    await relayRow.getByText("message_posted").waitFor();
    await relayRow.getByText("channel: alerts; contains: SEV1").waitFor();
    await relayRow.getByText(`@${admin.user.username}`).waitFor();
    await relayRow.getByText("succeeded").waitFor();
    const failRow = table.getByRole("row").filter({ hasText: "Notify the pager service" });
    await failRow.getByText("failed").waitFor();
    await e2e.screenshot(page, "workflow-admin-list");
    expect(await e2e.axe(page)).toEqual([]);
    e2e.assertNoConsoleErrors();
  });

  test("shows a failed run's error and each step's input, outcome and duration", async () => {
    const { page } = consolePage;
    await page.getByLabel("Failed only").check();
    const runs = page.getByRole("list", { name: "Runs" });
    const failed = runs.getByRole("listitem").filter({ hasText: "Notify the pager service" });
    await failed.waitFor();
    await expect(runs.getByRole("listitem").filter({ hasText: "Relay SEV1 to status" }).count()).resolves.toBe(0);
    await failed.locator("summary").click();
    await failed
      .getByText("step 1 (http_request) failed: url: pager.invalid is not in the workflow plugin's http_allowlist setting", {
        exact: false,
      })
      .first()
      .waitFor();
    const steps = failed.getByRole("table");
    await steps.getByText('"url": "http://pager.invalid/notify"', { exact: false }).waitFor();
    await steps.getByText(/^\d+ ms$/).waitFor();
    await e2e.screenshot(page, "workflow-admin-failed-run");
    await page.getByLabel("Failed only").uncheck();
    e2e.assertNoConsoleErrors();
  });

  test("disables and re-enables a workflow from its toggle", async () => {
    const { page } = consolePage;
    const toggle = page.getByRole("switch", { name: "Enabled: Relay SEV1 to status" });
    await expect(toggle.isChecked()).resolves.toBe(true);
    await toggle.click();
    await expect
      .poll(
        async () =>
          (await admin.get(`${API}/workflows`, z.array(workflowSchema))).body.find((w) => w.name === "Relay SEV1 to status")?.enabled,
      )
      .toBe(false);
    await expect.poll(() => toggle.isChecked()).toBe(false);
    await toggle.click();
    await expect
      .poll(
        async () =>
          (await admin.get(`${API}/workflows`, z.array(workflowSchema))).body.find((w) => w.name === "Relay SEV1 to status")?.enabled,
      )
      .toBe(true);
    e2e.assertNoConsoleErrors();
  });

  test("a new run appears live, without reloading", async () => {
    const { page } = consolePage;
    const runs = page.getByRole("list", { name: "Runs" });
    const before = await runs.getByRole("listitem").count();
    await e2e.server.createPost(admin, { channelId: alerts.id, message: "SEV1: search down" });
    await expect.poll(() => runs.getByRole("listitem").count(), { timeout: 10_000 }).toBe(before + 2);
    const relayed = runs.getByRole("listitem").filter({ hasText: "Relay SEV1 to status" }).first();
    await relayed.locator("summary").click();
    await relayed.getByText('"message": "Relayed: SEV1: search down"', { exact: false }).waitFor();
    const statusPosts = await admin.get(`/api/v4/channels/${status.id}/posts`, postListSchema);
    expect(Object.values(statusPosts.body.posts as Record<string, { message: string }>).map((p) => p.message)).toContain(
      "Relayed: SEV1: search down",
    );
    e2e.assertNoConsoleErrors();
  });
});
