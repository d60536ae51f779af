/**
 * The System Console's "Alert sources" page in a real browser: a system admin
 * creates an Alertmanager source with a playbook, reads its URL once, an
 * Alertmanager-shaped notification to that URL starts an incident and the
 * list shows when the source last heard from it; a new URL turns the old one
 * away; deleting asks first, then the source is gone.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Team } from "#common/wire.ts";
import { eventually, type UserClient } from "#testing";
import { startE2E, type E2E } from "./harness.ts";
import { buildIncidentBundle, installPlugin } from "./incident-helpers.ts";
import { alertmanagerBody } from "../plugins/incident/server/alerts/testdata/alert-kit.ts";

const API = "/plugins/incident/api/v1";
let e2e: E2E;
let admin: UserClient;
let team: Team;

beforeAll(async () => {
  let bundlePath: string;
  [e2e, bundlePath] = await Promise.all([startE2E(), buildIncidentBundle()]);
  admin = await e2e.server.admin();
  team = await e2e.server.createTeam(admin, { name: "ops" });
  await installPlugin(admin, bundlePath);
  const source = "name: Database outage\nstages:\n  - name: Triage\n  - name: Fix\n";
  expect((await admin.post(`${API}/playbooks`, { team_id: team.id, source })).status).toBe(201);
});
afterAll(async () => {
  await e2e?.close();
});

describe("alert sources in the System Console", () => {
  test("create one, read its URL once, see an alert start an incident, rotate the URL and delete it", async () => {
    const { page } = await e2e.open({ user: admin, path: "/admin_console/plugins" });
    await page.getByRole("navigation", { name: "System Console" }).getByRole("link", { name: "Alert sources" }).click();
    await page.getByRole("heading", { name: "Alert sources", level: 1 }).waitFor();
    expect(page.url()).toMatch(/\/admin_console\/plugins\/incident\/alert-sources$/);
    await page.getByText("No alert sources in this team yet.").waitFor();

    const form = page.getByRole("form", { name: "New alert source" });
    await form.getByLabel("Name").fill("Prometheus");
    await form.getByLabel("Playbook").selectOption({ label: "Database outage" });
    await form.getByRole("button", { name: "Create alert source" }).click();
    const url = await page.getByRole("textbox", { name: /URL of Prometheus/ }).inputValue();
    expect(url).toMatch(new RegExp(`${API}/alerts/[A-Za-z0-9_-]{20,}$`));
    const row = page.getByRole("table", { name: "Alert sources" }).getByRole("row").filter({ hasText: "Prometheus" });
    await expect(row.getByRole("cell").nth(1).textContent()).resolves.toBe("Database outage");
    await expect(row.getByRole("cell").nth(4).textContent()).resolves.toBe("never");
    await e2e.screenshot(page, "admin-console-alert-sources");
    expect(await e2e.axe(page)).toEqual([]);
    await page.getByRole("button", { name: "Done" }).click();

    const alert = alertmanagerBody({ group: "db", alerts: [{ labels: { alertname: "HighLatency", severity: "critical" } }] });
    const sent = await e2e.server.anonymous.post(new URL(url).pathname, alert);
    expect(sent).toMatchObject({ status: 201, body: { outcome: "started" } });
    await page.getByRole("button", { name: "Refresh" }).click();
    await eventually(async () => (await row.getByRole("cell").nth(4).textContent()) !== "never", { what: "the last received time" });

    await row.getByRole("button", { name: "New URL" }).click();
    const rotated = await page.getByRole("textbox", { name: /URL of Prometheus/ }).inputValue();
    expect(rotated).not.toBe(url);
    const stale = await e2e.server.anonymous.post(new URL(url).pathname, alert);
    expect(stale.status).toBe(404);
    await page.getByRole("button", { name: "Done" }).click();

    await row.getByRole("button", { name: "Delete…" }).click();
    await row.getByRole("button", { name: "Delete Prometheus" }).click();
    await page.getByText("No alert sources in this team yet.").waitFor();
    expect((await admin.get(`${API}/alert-sources?team_id=${team.id}`)).body).toEqual({ items: [] });
    e2e.assertNoConsoleErrors();
  });
});
