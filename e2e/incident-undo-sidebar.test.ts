/**
 * Issue 12 in the browser (defects 8, 9 and 11, the Incident plugin's part):
 * a removed checklist item comes back with "Undo" under the same number;
 * active incidents' channels sit in an "Incidents" sidebar section, in
 * natural order, out of "Public channels"; "Hide ended" (kept on the server,
 * so it survives a reload) takes ended incidents' channels out of the
 * sidebar; and starting from the RHS form takes you to the new channel.
 * Fails on 4ac7e74: no Undo, no section, the form stayed where it was.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { incidentAnswerSchema } from "../plugins/incident/common/types.ts";
import type { Team, User } from "#common/wire.ts";
import { withIdSchema, type TestClient } from "#testing";
import { startE2E, type E2E } from "./harness.ts";
import { buildIncidentBundle, createTeamWithMembers, installPlugin, showList, waitConnected } from "./incident-helpers.ts";

type SignedIn = TestClient & { user: User };

const API = "/plugins/incident/api/v1";

let e2e: E2E;
let admin: SignedIn;
let alice: SignedIn;
let team: Team;

beforeAll(async () => {
  let bundlePath: string;
  [e2e, bundlePath] = await Promise.all([startE2E(), buildIncidentBundle()]);
  admin = await e2e.server.admin();
  alice = await e2e.server.createUser({ username: "alice" });
  ({ team } = await createTeamWithMembers(e2e.server, admin, { name: "ops", members: [alice] }));
  await installPlugin(admin, bundlePath);
});
afterAll(async () => {
  await e2e?.close();
});

describe("undo, the Incidents sidebar section and the RHS start", () => {
  test("Undo restores a removed item under its number; incident channels get their own section; Hide ended survives a reload; the RHS start opens the channel", async () => {
    const source = ["name: Outage", "checklist:", "  - Assess impact", "  - Page owner", "  - Roll back"].join("\n");
    const playbook = await admin.post(`${API}/playbooks`, { team_id: team.id, source }, withIdSchema);
    expect([200, 201]).toContain(playbook.status);
    const start = async (name: string, channel: string) => {
      const res = await alice.post(
        `${API}/incidents`,
        { name, team_id: team.id, channel_name: channel, playbook_id: playbook.body.id },
        incidentAnswerSchema,
      );
      expect(res.status).toBe(201);
      return res.body;
    };
    const payments = await start("Payments down", "payments-down");
    await start("Load 10", "load-10");
    await start("Load 9", "load-9");
    const old = await start("Old outage", "old-outage");
    expect((await alice.post(`${API}/incidents/${old.id}/end`)).status).toBe(200);

    const a = await e2e.open({ user: alice, path: `/${team.name}/channels/town-square` });
    await waitConnected(a.page);
    const incidents = a.page.getByRole("region", { name: "Incidents" });
    const publicChannels = a.page.getByRole("region", { name: "Public channels" });
    await incidents.getByRole("link", { name: /Payments down/ }).waitFor();
    // Natural, case-insensitive order: Load 9 before Load 10.
    const hrefs = await incidents.getByRole("link").evaluateAll((links) => links.map((l) => l.getAttribute("href")));
    expect(hrefs).toEqual(["load-9", "load-10", "payments-down"].map((name) => `/${team.name}/channels/${name}`));
    expect(await publicChannels.getByRole("link", { name: /Payments down/ }).count()).toBe(0);
    await publicChannels.getByRole("link", { name: /Old outage/ }).waitFor();

    // Hide ended: the ended incident's channel leaves the sidebar, and stays out after a reload.
    let panel = await showList(a.page);
    await panel.getByRole("checkbox", { name: "Hide ended incidents' channels from the sidebar" }).check();
    await publicChannels.getByRole("link", { name: /Old outage/ }).waitFor({ state: "detached" });
    await a.page.reload();
    await waitConnected(a.page);
    await incidents.getByRole("link", { name: /Payments down/ }).waitFor();
    expect(
      await a.page
        .getByRole("navigation", { name: "Channels" })
        .getByRole("link", { name: /Old outage/ })
        .count(),
    ).toBe(0);

    // Remove item 2, then Undo: it is back under number 2, unchecked as it was.
    panel = await showList(a.page);
    await panel.getByRole("button", { name: "Payments down", exact: true }).click();
    await panel.getByRole("button", { name: "Remove item 2: Page owner" }).click();
    const undo = panel.getByRole("status").filter({ hasText: "Item 2 “Page owner” removed." });
    await undo.waitFor();
    await panel.getByRole("checkbox", { name: /Page owner/ }).waitFor({ state: "detached" });
    await e2e.screenshot(a.page, "incident-undo-removal");
    await undo.getByRole("button", { name: "Undo" }).click();
    await panel.getByRole("button", { name: "Remove item 2: Page owner" }).waitFor();
    await undo.waitFor({ state: "detached" });
    const after = (await alice.get(`${API}/incidents/${payments.id}`, incidentAnswerSchema)).body;
    expect(after.checklist.map((i) => [i.number, i.title, i.checked])).toEqual([
      [1, "Assess impact", false],
      [2, "Page owner", false],
      [3, "Roll back", false],
    ]);

    // Starting from the RHS form takes Alice into the new channel.
    panel = await showList(a.page);
    await panel.getByRole("button", { name: "Start incident" }).click();
    await panel.getByLabel("Name", { exact: true }).fill("From the RHS");
    await panel.getByLabel("Channel name (optional)").fill("from-the-rhs");
    await panel.getByRole("button", { name: "Start incident" }).click();
    await expect.poll(() => new URL(a.page.url()).pathname).toBe(`/${team.name}/channels/from-the-rhs`);
    await incidents.getByRole("link", { name: /From the RHS/ }).waitFor();
    await e2e.screenshot(a.page, "incident-sidebar-section");

    // The admin disables the plugin: the console first names the active incidents; Alice's open panel says why it is gone.
    await showList(a.page);
    const c = await e2e.open({ user: admin, path: "/admin_console/plugins" });
    await c.page.getByRole("button", { name: "Disable Incident" }).click();
    const confirm = c.page.getByRole("dialog", { name: "Disable Incident?" });
    await confirm.getByText(/^4 incidents are active\. Disabling the Incident plugin stops/).waitFor();
    await e2e.screenshot(c.page, "incident-disable-confirmation");
    await confirm.getByRole("button", { name: "Disable" }).click();
    await c.page.getByRole("button", { name: "Enable Incident" }).waitFor();
    const gone = a.page.getByRole("complementary", { name: "Incidents" });
    await gone.getByRole("status").filter({ hasText: "an administrator disabled the plugin" }).waitFor({ timeout: 15_000 });
  }, 120_000);
});
