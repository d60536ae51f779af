/**
 * The Incident plugin's user stories v0.0.1–v0.0.3 in real browsers: the
 * admin installs the plugin from the admin console; Alice and Bob, each in
 * their own browser, start incidents (slash command and RHS), follow them in
 * the RHS, change stage, checklist and commander, and end them — every change
 * seen live by the other. Disabling the plugin removes its UI and commands
 * from Bob's open page at once; enabling it brings everything back.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Channel, Team, User } from "#common/wire.ts";
import type { TestClient } from "#testing";
import { startE2E, type E2E, type TestPage } from "./harness.ts";
import {
  buildIncidentBundle,
  createTeamWithMembers,
  incidentRow,
  incidentsButton,
  openRhs,
  post,
  rhs,
  send,
  showList,
  waitConnected,
} from "./incident-helpers.ts";

type SignedIn = TestClient & { user: User };

let e2e: E2E;
let bundle: string;
let admin: SignedIn;
let alice: SignedIn;
let bob: SignedIn;
let team: Team;
let a: TestPage;
let b: TestPage;
let adminPage: TestPage;

beforeAll(async () => {
  [e2e, bundle] = await Promise.all([startE2E(), buildIncidentBundle()]);
  admin = await e2e.server.admin();
  alice = await e2e.server.createUser({ username: "alice" });
  bob = await e2e.server.createUser({ username: "bob" });
  ({ team } = await createTeamWithMembers(e2e.server, admin, { name: "ops", members: [alice, bob] }));
});
afterAll(async () => {
  await e2e?.close();
});

/** The channel named `name` in the team, read through the API. */
async function channelNamed(name: string): Promise<Channel> {
  const res = await admin.get(`/api/v4/teams/${team.id}/channels/name/${name}`);
  expect(res.status).toBe(200);
  return res.body as Channel;
}

describe("incident plugin in the browser", () => {
  test("admin installs and enables the Incident plugin from the admin console; Bob's open page gets it live", async () => {
    adminPage = await e2e.open({ user: admin, path: "/admin_console/plugins" });
    b = await e2e.open({ user: bob, path: `/${team.name}/channels/town-square` });
    await waitConnected(b.page);
    await expect(incidentsButton(b.page).count()).resolves.toBe(0);

    const consolePage = adminPage.page;
    await consolePage.getByRole("heading", { name: "Plugins", level: 1 }).waitFor();
    await consolePage.getByLabel("Plugin bundle (.tar.gz)").setInputFiles(bundle);
    await consolePage.getByRole("button", { name: "Upload" }).click();
    await consolePage
      .getByRole("status")
      .filter({ hasText: /Uploaded Incident/ })
      .waitFor();
    const row = consolePage.locator('li[data-plugin-id="incident"]');
    await row.getByRole("button", { name: "Enable Incident" }).click();
    await row.getByText("Enabled", { exact: true }).waitFor();
    await e2e.screenshot(consolePage, "incident-admin-installed");

    // Bob never reloads: the header button arrives with the plugin_enabled event.
    await incidentsButton(b.page).waitFor({ timeout: 15_000 });
    e2e.assertNoConsoleErrors();
  });

  test("Alice starts an incident with the slash command; Bob's RHS lists it with commander, stage and live elapsed time", async () => {
    a = await e2e.open({ user: alice, path: `/${team.name}/channels/town-square` });
    await waitConnected(a.page);
    const panel = await openRhs(b.page);
    await panel.getByText("No active incidents").waitFor();

    await send(a.page, '/incident start "DB down" --channel db-down');

    const row = incidentRow(b.page, "DB down");
    await row.waitFor({ timeout: 10_000 });
    await row.getByText("@alice").waitFor();
    await row.getByText("Triage", { exact: true }).waitFor();
    const elapsed = row.locator("time");
    const first = await elapsed.textContent();
    expect(first).toMatch(/^\d+s$/);
    await expect.poll(() => elapsed.textContent(), { timeout: 5_000 }).not.toBe(first);

    // Checklist progress, expandable to the items (none without a playbook).
    const disclosure = row.getByRole("button", { name: /Checklist/ });
    await expect(disclosure.textContent()).resolves.toContain("0/0");
    await disclosure.click();
    await expect(disclosure.getAttribute("aria-expanded")).resolves.toBe("true");
    await e2e.screenshot(b.page, "incident-rhs-list");
    expect(await e2e.axe(b.page)).toEqual([]);
    e2e.assertNoConsoleErrors();
  });

  test("Bob starts one from the RHS: a taken channel name shows the server's error and a suggestion inline", async () => {
    const panel = rhs(b.page);
    await panel.getByRole("button", { name: "Start incident" }).click();
    await panel.getByLabel("Name", { exact: true }).fill("Payments slow");
    await panel.getByLabel("Channel name (optional)").fill("db-down");
    await panel.getByLabel("Playbook").waitFor();
    b.allow(/status of (400|409)/);
    await panel.getByRole("button", { name: "Start incident" }).click();
    const alert = panel.getByRole("alert");
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toMatch(/db-down/);
    await e2e.screenshot(b.page, "incident-start-form-error");
    expect(await e2e.axe(b.page)).toEqual([]);
    const useSuggestion = panel.getByRole("button", { name: /^Use / });
    if (await useSuggestion.count()) await useSuggestion.click();
    else await panel.getByLabel("Channel name (optional)").fill("payments-slow");
    await panel.getByRole("button", { name: "Start incident" }).click();

    // Bob lands on the new incident's detail; Alice's list shows it live.
    await panel.getByRole("heading", { name: "Payments slow", level: 3 }).waitFor({ timeout: 10_000 });
    const aPanel = await showList(a.page);
    await incidentRow(a.page, "Payments slow").waitFor({ timeout: 10_000 });
    await incidentRow(a.page, "Payments slow").getByText("@bob").waitFor();
    await expect(
      aPanel
        .getByRole("listitem")
        .filter({ has: a.page.getByRole("heading", { level: 4 }) })
        .count(),
    ).resolves.toBe(2);
    await panel.getByRole("button", { name: "All incidents" }).click();
    e2e.assertNoConsoleErrors();
  });

  test("Alice opens the detail and follows the channel link; Bob in the channel gets the detail by default", async () => {
    const panel = await showList(a.page);
    await panel.getByRole("button", { name: "DB down", exact: true }).click();
    await panel.getByRole("heading", { name: "DB down", level: 3 }).waitFor();
    await panel.getByRole("link", { name: "~db-down" }).click();
    await a.page.waitForURL(`**/${team.name}/channels/db-down`);
    await post(a.page, /started the incident/)
      .first()
      .waitFor();

    // Bob joins the incident channel (changing an incident needs membership) and opens it.
    await e2e.server.addToChannel(admin, { channel: await channelNamed("db-down"), user: bob.user });
    await b.page.goto(`/${team.name}/channels/db-down`);
    await waitConnected(b.page);
    const bPanel = await openRhs(b.page);
    await bPanel.getByRole("heading", { name: "DB down", level: 3 }).waitFor();
    await e2e.screenshot(a.page, "incident-detail");
    e2e.assertNoConsoleErrors();
  });

  test("Alice changes the stage in the RHS; Bob sees the new stage and the bot's post live", async () => {
    const panel = rhs(a.page);
    await panel.getByRole("button", { name: "Next stage" }).click();
    await expect.poll(() => panel.getByLabel("Stage", { exact: true }).inputValue()).toBe("Investigating");
    await expect.poll(() => rhs(b.page).getByLabel("Stage", { exact: true }).inputValue(), { timeout: 10_000 }).toBe("Investigating");
    await post(b.page, /Triage to Investigating/).waitFor({ timeout: 10_000 });

    await panel.getByLabel("Stage", { exact: true }).selectOption("Mitigated");
    await expect.poll(() => rhs(b.page).getByLabel("Stage", { exact: true }).inputValue(), { timeout: 10_000 }).toBe("Mitigated");
    await post(b.page, /Investigating to Mitigated/).waitFor({ timeout: 10_000 });
    await panel.getByRole("button", { name: "Previous stage" }).click();
    await expect.poll(() => rhs(b.page).getByLabel("Stage", { exact: true }).inputValue(), { timeout: 10_000 }).toBe("Investigating");
    e2e.assertNoConsoleErrors();
  });

  test("checklist: Alice adds, Bob checks by keyboard, Alice unchecks and removes — each seen live by the other", async () => {
    const aPanel = rhs(a.page);
    const bPanel = rhs(b.page);
    await aPanel.getByLabel("New item").fill("Page the DBA");
    await aPanel.getByRole("button", { name: "Add item" }).click();
    await bPanel.getByRole("checkbox", { name: "Page the DBA" }).waitFor({ timeout: 10_000 });
    await post(b.page, /added item .*Page the DBA/).waitFor({ timeout: 10_000 });

    // Keyboard only: the add form submits on Enter, the checkbox toggles on Space.
    await bPanel.getByLabel("New item").focus();
    await b.page.keyboard.type("Fail over to the replica");
    await b.page.keyboard.press("Enter");
    await aPanel.getByRole("checkbox", { name: "Fail over to the replica" }).waitFor({ timeout: 10_000 });
    await bPanel.getByRole("checkbox", { name: "Page the DBA" }).focus();
    await b.page.keyboard.press("Space");
    await expect.poll(() => aPanel.getByRole("checkbox", { name: "Page the DBA" }).isChecked(), { timeout: 10_000 }).toBe(true);
    await post(a.page, /checked item .*Page the DBA/).waitFor({ timeout: 10_000 });
    await expect(aPanel.getByRole("heading", { name: /Checklist/ }).textContent()).resolves.toContain("1/2");

    await aPanel.getByRole("checkbox", { name: "Page the DBA" }).uncheck();
    await expect.poll(() => bPanel.getByRole("checkbox", { name: "Page the DBA" }).isChecked(), { timeout: 10_000 }).toBe(false);
    await aPanel.getByRole("button", { name: /^Remove item \d+: Page the DBA$/ }).click();
    await bPanel.getByRole("checkbox", { name: "Page the DBA" }).waitFor({ state: "detached", timeout: 10_000 });
    await post(b.page, /removed item .*Page the DBA/).waitFor({ timeout: 10_000 });
    await e2e.screenshot(b.page, "incident-checklist");

    const violations = await e2e.axe(b.page);
    expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
    e2e.assertNoConsoleErrors();
  });

  test("Alice hands command to Bob; the list shows the new commander; the update card opens the incident", async () => {
    const aPanel = rhs(a.page);
    const bPanel = rhs(b.page);
    await aPanel.getByLabel("Commander").selectOption({ label: "@bob" });
    await expect
      .poll(async () => (await bPanel.getByLabel("Commander").locator("option:checked").textContent()) ?? "", { timeout: 10_000 })
      .toContain("@bob");
    await post(b.page, /commander from @alice to @bob/).waitFor({ timeout: 10_000 });

    await bPanel.getByRole("button", { name: "All incidents" }).click();
    await incidentRow(b.page, "DB down").getByText("@bob").waitFor();
    // The bot's card in the channel opens the incident in the RHS.
    await post(b.page, /commander from @alice to @bob/)
      .getByRole("button", { name: /Open .* in the sidebar/ })
      .click();
    await bPanel.getByRole("heading", { name: "DB down", level: 3 }).waitFor();
    await b.page.setViewportSize({ width: 700, height: 800 });
    await e2e.screenshot(b.page, "incident-detail-narrow");
    await b.page.setViewportSize({ width: 1280, height: 800 });
    e2e.assertNoConsoleErrors();
  });

  test("Bob ends the incident after confirming; it leaves both lists and the end is posted in the channel", async () => {
    const bPanel = rhs(b.page);
    await bPanel.getByRole("button", { name: "End incident" }).click();
    await bPanel.getByRole("button", { name: "Cancel" }).click();
    await bPanel.getByRole("button", { name: "End incident" }).click();
    await bPanel.getByRole("button", { name: "Confirm end" }).click();
    await bPanel.getByText("Ended", { exact: true }).waitFor({ timeout: 10_000 });
    await post(a.page, /ended the incident/).waitFor({ timeout: 10_000 });

    const aPanel = rhs(a.page);
    await aPanel.getByRole("button", { name: "All incidents" }).click();
    await incidentRow(a.page, "Payments slow").waitFor();
    await incidentRow(a.page, "DB down").waitFor({ state: "detached", timeout: 10_000 });
    await e2e.screenshot(a.page, "incident-ended");
    e2e.assertNoConsoleErrors();
  });

  test("a playbook written as code gives an incident started from the RHS its stages, checklist and fields", async () => {
    const source = [
      "name: Service outage",
      "description: A user-facing service is down or degraded.",
      "channel:",
      '  name_template: "outage-{{slug}}"',
      "stages:",
      "  - name: Triage",
      "    checklist: [Assign a commander, Post first status update]",
      "  - name: Mitigation",
      "    checklist: [Roll back the last deploy]",
      "  - name: Resolved",
      "checklist: [Write the retrospective]",
      "fields:",
      "  service: {required: true, description: The affected service}",
    ].join("\n");
    const applied = await admin.post("/plugins/incident/api/v1/playbooks", { team_id: team.id, source });
    // 201 created, or 200 when a playbooks directory already made one of that name in "ops".
    expect([200, 201], JSON.stringify(applied.body)).toContain(applied.status);

    const panel = await showList(a.page);
    await panel.getByRole("button", { name: "Start incident" }).click();
    await panel.getByLabel("Name", { exact: true }).fill("Checkout errors");
    await panel.getByLabel("Playbook").selectOption({ label: "Service outage" });
    await panel.getByText("A user-facing service is down or degraded.").waitFor();
    await panel.getByLabel("service (required)").fill("checkout");
    await panel.getByRole("button", { name: "Start incident" }).click();
    await panel.getByRole("heading", { name: "Checkout errors", level: 3 }).waitFor({ timeout: 10_000 });
    await panel.getByRole("link", { name: "~outage-checkout-errors" }).waitFor();
    await panel.getByText("checkout", { exact: true }).waitFor();
    await expect(panel.getByLabel("Stage", { exact: true }).locator("option").allTextContents()).resolves.toEqual([
      "Triage",
      "Mitigation",
      "Resolved",
    ]);
    await expect(panel.getByRole("heading", { name: /Checklist/ }).textContent()).resolves.toContain("0/4");
    // Numbered in stage order, stage-less items last, as /incident info numbers them.
    await expect(panel.locator(".incident-check").allTextContents()).resolves.toEqual([
      expect.stringContaining("1.Assign a commander"),
      expect.stringContaining("2.Post first status update"),
      expect.stringContaining("3.Roll back the last deploy"),
      expect.stringContaining("4.Write the retrospective"),
    ]);

    // Bob's list shows its progress, expandable to the items.
    const row = incidentRow(b.page, "Checkout errors");
    await showList(b.page);
    await row.waitFor({ timeout: 10_000 });
    await row.getByRole("button", { name: /Checklist/ }).click();
    await row.getByText("Roll back the last deploy").waitFor();
    await expect(row.getByRole("button", { name: /Checklist/ }).textContent()).resolves.toContain("0/4");
    await e2e.screenshot(a.page, "incident-playbook");
    e2e.assertNoConsoleErrors();
  });

  test("disabling the plugin (after the console's confirmation) replaces the RHS with a notice and removes commands from Bob's page at once; enabling restores everything", async () => {
    await openRhs(b.page);
    const row = adminPage.page.locator('li[data-plugin-id="incident"]');
    await row.getByRole("button", { name: "Disable Incident" }).click();
    // Incidents are active: the console asks first (issue 12).
    const confirm = adminPage.page.getByRole("dialog", { name: "Disable Incident?" });
    await confirm.getByRole("button", { name: "Disable" }).click();
    await row.getByText("Disabled", { exact: true }).waitFor();

    // Bob's open panel gives way to a notice saying why it is gone.
    await rhs(b.page).getByRole("status").filter({ hasText: "an administrator disabled the plugin" }).waitFor({ timeout: 15_000 });
    await incidentsButton(b.page).waitFor({ state: "detached" });
    b.allow(/status of 404/);
    await send(b.page, "/incident list");
    await b.page.locator(".post.ephemeral", { hasText: "Command with a trigger of '/incident' not found." }).waitFor({ timeout: 10_000 });

    await row.getByRole("button", { name: "Enable Incident" }).click();
    await incidentsButton(b.page).waitFor({ timeout: 15_000 });
    await showList(b.page);
    // The data survived: the other incident is still active with its commander.
    await incidentRow(b.page, "Payments slow").getByText("@bob").waitFor({ timeout: 10_000 });
    await e2e.screenshot(b.page, "incident-reenabled");
    e2e.assertNoConsoleErrors();
  });
});
