/**
 * Running the response (issue 13) in two browsers: Alice, the commander,
 * changes the severity, assigns a checklist item to Bob (who sees the mention
 * badge), posts a status update (copied to ~status, which Bob has open) and
 * adds a message to the timeline from the post menu; Bob's RHS timeline
 * shows each of these live, without a reload.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { incidentAnswerSchema } from "../plugins/incident/common/types.ts";
import type { Team, User } from "#common/wire.ts";
import { withIdSchema, type TestClient } from "#testing";
import { startE2E, type E2E, type TestPage } from "./harness.ts";
import { buildIncidentBundle, installPlugin, openRhs, post, rhs, send, showList, waitConnected } from "./incident-helpers.ts";

type SignedIn = TestClient & { user: User };

const API = "/plugins/incident/api/v1";

let e2e: E2E;
let admin: SignedIn;
let alice: SignedIn;
let bob: SignedIn;
let team: Team;
let a: TestPage;
let b: TestPage;

const channelPosts = (page: Page) => page.getByRole("log", { name: /^Messages in/ });
const timeline = (page: Page) => rhs(page).getByRole("list", { name: "Timeline events" });

beforeAll(async () => {
  let bundlePath: string;
  [e2e, bundlePath] = await Promise.all([startE2E(), buildIncidentBundle()]);
  admin = await e2e.server.admin();
  alice = await e2e.server.createUser({ username: "alice" });
  bob = await e2e.server.createUser({ username: "bob" });
  team = await e2e.server.createTeam(admin, { name: "ops" });
  const status = await e2e.server.createChannel(admin, { teamId: team.id, name: "status" });
  for (const member of [alice, bob]) await e2e.server.addToChannel(admin, { channel: status, user: member.user });

  await installPlugin(admin, bundlePath);
});
afterAll(async () => {
  await e2e?.close();
});

describe("running the response in the browser", () => {
  test("severity, assignee, status update and a post added to the timeline reach the second browser live", async () => {
    const source = [
      "name: Database outage",
      "roles: [scribe]",
      "broadcast: [status]",
      "checklist:",
      "  - Page the database on-call",
      "  - Open a status page incident",
    ].join("\n");
    const playbook = await admin.post(`${API}/playbooks`, { team_id: team.id, source }, withIdSchema);
    expect([200, 201]).toContain(playbook.status);
    const started = await alice.post(
      `${API}/incidents`,
      { name: "DB down", team_id: team.id, channel_name: "db-down", playbook_id: playbook.body.id, invite: [bob.user.id] },
      incidentAnswerSchema,
    );
    expect(started.status).toBe(201);
    expect(started.body.severity).toBe("SEV3");

    a = await e2e.open({ user: alice, path: `/${team.name}/channels/db-down` });
    b = await e2e.open({ user: bob, path: `/${team.name}/channels/status` });
    await Promise.all([waitConnected(a.page), waitConnected(b.page)]);

    // Bob follows the incident's timeline from ~status.
    const bobPanel = await showList(b.page);
    const bobRow = bobPanel.getByRole("listitem").filter({ has: b.page.getByRole("button", { name: "DB down", exact: true }) });
    await bobRow.getByText("SEV3").waitFor();
    await bobRow.getByText("none yet").waitFor();
    await bobRow.getByRole("button", { name: "DB down", exact: true }).click();
    await bobPanel.getByRole("tab", { name: "Timeline" }).click();
    await timeline(b.page)
      .getByText(/started/i)
      .first()
      .waitFor();

    // Alice's RHS opens on the incident of her channel: she raises the severity.
    const alicePanel = await openRhs(a.page);
    const severity = alicePanel.getByLabel("Severity", { exact: true });
    await severity.waitFor();
    await severity.selectOption("SEV1");
    await alicePanel.locator(".incident-toolbar .incident-severity-0").getByText("SEV1").waitFor();
    await bobPanel.locator(".incident-toolbar .incident-severity-0").getByText("SEV1").waitFor();
    await timeline(b.page).locator('[data-type="severity_changed"]').getByText(/SEV1/).waitFor();

    // She assigns the first item to Bob: he is mentioned in ~db-down, which he does not have open.
    await expect(b.page.getByRole("link", { name: /\(\d+ mentions?\)/ }).count()).resolves.toBe(0);
    await alicePanel.getByLabel("Assignee of item 1").selectOption({ label: "@bob" });
    await b.page.getByRole("link", { name: /DB down.*\(1 mention\)|db-down.*\(1 mention\)/i }).waitFor({ timeout: 10_000 });
    await timeline(b.page).locator('[data-type="checklist_item_assigned"]').first().waitFor();

    // Roles of the playbook are assigned in the detail too.
    await alicePanel.getByLabel("scribe", { exact: true }).selectOption({ label: "@bob" });
    await timeline(b.page)
      .locator('[data-type="role_changed"]')
      .getByText(/scribe/)
      .waitFor();

    // A status update from the RHS form: copied to ~status, in front of Bob.
    const message = alicePanel.getByLabel("Message (markdown)");
    await expect(message.inputValue()).resolves.toBe("");
    await message.fill("Primary database **unreachable**; failing over to the replica.");
    await alicePanel.getByRole("button", { name: "Post update" }).click();
    await alicePanel.getByRole("status").filter({ hasText: "Status update posted." }).waitFor();
    await channelPosts(b.page)
      .getByText(/failing over to the replica/)
      .waitFor({ timeout: 10_000 });
    await timeline(b.page).locator('[data-type="status_update"]').waitFor();
    // The form keeps the last update for the next one.
    await expect(message.inputValue()).resolves.toContain("failing over to the replica");

    // A message of the incident channel goes on the timeline from its post menu.
    await send(a.page, "root cause: bad deploy of api v2.3");
    const rootCause = post(a.page, "root cause: bad deploy of api v2.3");
    await rootCause.hover();
    await rootCause.getByRole("button", { name: "More actions" }).click();
    await a.page.getByRole("menuitem", { name: "Add to incident timeline" }).click();
    await alicePanel.getByRole("status").filter({ hasText: "Added to the timeline of DB down." }).waitFor();
    await timeline(a.page)
      .locator('[data-type="event_from_post"]')
      .getByText(/bad deploy of api v2\.3/)
      .waitFor();
    await timeline(b.page)
      .locator('[data-type="event_from_post"]')
      .getByText(/bad deploy of api v2\.3/)
      .waitFor({ timeout: 10_000 });
    await e2e.screenshot(b.page, "incident-response-timeline");
    expect(await e2e.axe(b.page)).toEqual([]);

    // Bob's list shows the time since the last update.
    await b.page.getByRole("button", { name: "All incidents" }).click();
    await bobRow.locator(".incident-row-last-update time").waitFor();
    await e2e.screenshot(a.page, "incident-response-detail");
    expect(await e2e.axe(a.page)).toEqual([]);
    e2e.assertNoConsoleErrors();
  });

  test("Bob starts an incident from a message of ~status: the dialog quotes it and the message opens the new timeline", async () => {
    await send(b.page, "checkout errors spiking on web-2");
    const errors = post(b.page, "checkout errors spiking on web-2");
    await errors.hover();
    await errors.getByRole("button", { name: "More actions" }).click();
    await b.page.getByRole("menuitem", { name: "Start incident from this message" }).click();
    const dialog = b.page.getByRole("dialog", { name: "Start incident from a message" });
    await dialog.getByText("checkout errors spiking on web-2").waitFor();
    await dialog.getByLabel(/^Name/).fill("Checkout errors");
    await dialog.getByRole("button", { name: "Start" }).click();
    await dialog.waitFor({ state: "detached" });

    const row = rhs(b.page)
      .getByRole("listitem")
      .filter({ has: b.page.getByRole("button", { name: "Checkout errors", exact: true }) });
    await row.getByRole("button", { name: "Checkout errors", exact: true }).click();
    await rhs(b.page).getByRole("tab", { name: "Timeline" }).click();
    await timeline(b.page)
      .locator('[data-type="event_from_post"]')
      .getByText(/checkout errors spiking on web-2/)
      .waitFor();
    e2e.assertNoConsoleErrors();
  });
});
