/**
 * The System Console's "Event subscriptions" page in a real browser: a
 * system admin opens it from the console's menu, sees every subscription, and
 * picks one to read its delivery log — a delivery a real receiver accepted
 * (status, response code, attempts), and one to a loopback address the admin
 * did not list, failed with the host's reason.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Team } from "#common/wire.ts";
import { eventually, type UserClient } from "#testing";
import { startE2E, type E2E } from "./harness.ts";
import { buildIncidentBundle, installPlugin } from "./incident-helpers.ts";
import {
  allowInternal,
  createWebhook,
  deliveriesOf,
  startReceiver,
  type Receiver,
} from "../plugins/incident/server/subscriptions/test-server.ts";

const API = "/plugins/incident/api/v1";
let e2e: E2E;
let admin: UserClient;
let team: Team;
const receivers: Receiver[] = [];

beforeAll(async () => {
  let bundlePath: string;
  [e2e, bundlePath] = await Promise.all([startE2E(), buildIncidentBundle()]);
  admin = await e2e.server.admin();
  team = await e2e.server.createTeam(admin, { name: "ops" });
  await installPlugin(admin, bundlePath);
});
afterAll(async () => {
  for (const receiver of receivers) await receiver.close();
  await e2e?.close();
});

describe("event subscriptions in the System Console", () => {
  test("lists subscriptions and shows each one's delivery log", async () => {
    const listed = await startReceiver(() => 200);
    const unlisted = await startReceiver(() => 200);
    receivers.push(listed, unlisted);
    await allowInternal(admin, `127.0.0.1:${listed.port}`);
    const good = await createWebhook(admin, { team_id: team.id, url: listed.url, events: ["incident.incident_started"] });
    const refused = await createWebhook(admin, { team_id: team.id, url: unlisted.url, events: ["*"] });
    expect((await admin.post(`${API}/incidents`, { name: "Payments down", team_id: team.id })).status).toBe(201);
    await eventually(async () => (await deliveriesOf(admin, good.id))[0]?.status === "delivered", { what: "the delivery accepted" });
    await eventually(async () => (await deliveriesOf(admin, refused.id))[0]?.status === "failed", { what: "the delivery refused" });

    const { page } = await e2e.open({ user: admin, path: "/admin_console/plugins" });
    await page.getByRole("navigation", { name: "System Console" }).getByRole("link", { name: "Event subscriptions" }).click();
    await page.getByRole("heading", { name: "Event subscriptions", level: 1 }).waitFor();
    expect(page.url()).toMatch(/\/admin_console\/plugins\/incident\/webhooks$/);
    const subscriptions = page.getByRole("table", { name: "Event subscriptions" });
    await subscriptions.getByRole("button", { name: listed.url }).click();
    const row = page.getByRole("table", { name: "Delivery log" }).getByRole("row").filter({ hasText: "incident.incident_started" });
    await row.waitFor();
    const cells = row.getByRole("cell");
    await expect(cells.nth(0).textContent()).resolves.toBe("incident.incident_started");
    await expect(cells.nth(1).textContent()).resolves.toBe("delivered");
    await expect(cells.nth(2).textContent()).resolves.toBe("200");
    await expect(cells.nth(3).getByText("1", { exact: true }).count()).resolves.toBe(1);
    await expect(cells.nth(4).textContent()).resolves.toBe("—");

    await subscriptions.getByRole("button", { name: unlisted.url }).click();
    const failed = page.getByRole("table", { name: "Delivery log" }).getByRole("row").filter({ hasText: "failed" });
    await failed.waitFor();
    await expect(failed.textContent()).resolves.toContain(
      `http.fetch: 127.0.0.1 port ${unlisted.port} is an internal address; list it in ServiceSettings.AllowedUntrustedInternalConnections`,
    );
    expect(unlisted.requests).toEqual([]);
    await e2e.screenshot(page, "admin-console-event-subscriptions");
    expect(await e2e.axe(page)).toEqual([]);
    e2e.assertNoConsoleErrors();
  });
});
