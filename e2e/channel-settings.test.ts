/**
 * Channel management from the header's menu, live in every open browser:
 * rename and header, make private, members (add, remove) with a removed
 * member losing the channel at once (a private incident's too, from the
 * Incidents sidebar), leave, archive.
 */
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { incidentAnswerSchema } from "../plugins/incident/common/types.ts";
import { createTeamWithTownSquare, startE2E, type E2E } from "./harness.ts";
import { buildIncidentBundle, openRhs, waitConnected } from "./incident-helpers.ts";

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

describe("channel settings", () => {
  test("a rename, a new header and making it private show at once in the other browser", async () => {
    const admin = await e2e.server.admin();
    const alice = await e2e.server.createUser();
    const bob = await e2e.server.createUser();
    const { team } = await createTeamWithTownSquare(e2e.server, admin, { members: [alice, bob] });
    const channel = await e2e.server.createChannel(admin, { teamId: team.id, name: "incident-42" });
    for (const user of [alice, bob]) await e2e.server.addToChannel(admin, { channel, user: user.user });

    const a = await e2e.open({ user: alice, path: `/${team.name}/channels/incident-42` });
    const b = await e2e.open({ user: bob, path: `/${team.name}/channels/incident-42` });
    for (const p of [a.page, b.page]) await p.locator(".connection").waitFor({ state: "detached" });

    // The menu from the keyboard: Enter opens it on its first item, arrows move, Esc closes it.
    const menuButton = a.page.getByRole("button", { name: "incident-42 channel menu" });
    await menuButton.focus();
    await menuButton.press("Enter");
    const menu = a.page.getByRole("menu", { name: "incident-42 channel menu" });
    await expect(menu.getByRole("menuitem").allTextContents()).resolves.toEqual([
      "View members",
      "Add members",
      "Edit channel",
      "Convert to private channel",
      "Archive channel",
      "Leave channel",
    ]);
    await expect(a.page.evaluate(() => document.activeElement?.textContent)).resolves.toBe("View members");
    expect(await e2e.axe(a.page)).toEqual([]);
    await a.page.keyboard.press("Escape");
    await menu.waitFor({ state: "detached" });
    await expect(menuButton.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await menuButton.press("Enter");
    await a.page.keyboard.press("ArrowDown");
    await a.page.keyboard.press("ArrowDown");
    await a.page.keyboard.press("Enter");

    const edit = a.page.getByRole("dialog", { name: "Edit incident-42" });
    await edit.getByLabel("Name").fill("DB outage");
    await edit.getByLabel("Purpose").fill("Get the database back");
    await edit.getByLabel("Header").fill("Runbook: **wiki/db**");
    await edit.getByRole("button", { name: "Save" }).click();
    await edit.waitFor({ state: "detached" });

    await b.page.getByRole("heading", { level: 1, name: "DB outage" }).waitFor({ timeout: 10_000 });
    await b.page.locator(".channel-header-text strong", { hasText: "wiki/db" }).waitFor();
    await b.page.getByRole("navigation", { name: "Channels" }).getByRole("link", { name: "DB outage" }).waitFor();
    await b.page.waitForFunction(() => document.title.startsWith("DB outage · "));

    await a.page.getByRole("button", { name: "DB outage channel menu" }).click();
    await a.page.getByRole("menuitem", { name: "Convert to private channel" }).click();
    await a.page.getByRole("dialog", { name: "Make DB outage private?" }).getByRole("button", { name: "Make private" }).click();
    await b.page.getByRole("region", { name: "Private channels" }).getByRole("link", { name: "DB outage" }).waitFor({ timeout: 10_000 });
    await expect(b.page.getByRole("region", { name: "Public channels" }).getByRole("link", { name: "DB outage" }).count()).resolves.toBe(0);
    e2e.assertNoConsoleErrors();
  });

  test("a removed member loses the channel at once; added people get it live; leaving and archiving land in Town Square", async () => {
    const admin = await e2e.server.admin();
    const alice = await e2e.server.createUser();
    const bob = await e2e.server.createUser();
    const carol = await e2e.server.createUser();
    const { team } = await createTeamWithTownSquare(e2e.server, admin, { members: [alice, bob, carol] });
    const channel = await e2e.server.createChannel(admin, { teamId: team.id, name: "secret-ops", type: "P" });
    for (const user of [alice, bob]) await e2e.server.addToChannel(admin, { channel, user: user.user });
    await e2e.server.createPost(alice, { channelId: channel.id, message: "the plan is in the vault" });

    const a = await e2e.open({ user: alice, path: `/${team.name}/channels/secret-ops` });
    const b = await e2e.open({ user: bob, path: `/${team.name}/channels/secret-ops` });
    const c = await e2e.open({ user: carol, path: `/${team.name}/channels/town-square` });
    for (const p of [a.page, b.page, c.page]) await p.locator(".connection").waitFor({ state: "detached" });
    await b.page.getByText("the plan is in the vault").waitFor();

    // Alice removes bob from the member list.
    await a.page.getByRole("button", { name: "secret-ops channel menu" }).click();
    await a.page.getByRole("menuitem", { name: "View members" }).click();
    const members = a.page.getByRole("dialog", { name: "Members of secret-ops" });
    await members.getByText(`@${bob.user.username}`).waitFor();
    expect(await e2e.axe(a.page)).toEqual([]);
    await members.getByRole("button", { name: `Remove ${bob.user.username} from secret-ops` }).click();
    await members.getByText(`@${bob.user.username}`).waitFor({ state: "detached" });

    // Bob: in Town Square at once, with a note; the channel and its posts are gone.
    await b.page.waitForURL("**/channels/town-square", { timeout: 10_000 });
    await b.page.getByRole("status").filter({ hasText: `removed you from secret-ops` }).waitFor();
    await expect(b.page.getByRole("link", { name: "secret-ops" }).count()).resolves.toBe(0);
    await expect(b.page.getByText("the plan is in the vault").count()).resolves.toBe(0);
    await e2e.screenshot(b.page, "removed-from-channel");
    b.allow(/status of 404/);
    await b.page.goto(`/${team.name}/channels/secret-ops`);
    await b.page.getByRole("heading", { name: "Channel not found" }).waitFor();

    // Alice adds carol, whose sidebar gets the channel live.
    await members.getByRole("button", { name: "Add members" }).click();
    const picker = a.page.getByRole("dialog", { name: "Add people to secret-ops" });
    const search = picker.getByRole("combobox", { name: "Search people" });
    await search.pressSequentially(carol.user.username);
    await picker.getByRole("option", { name: new RegExp(`@${carol.user.username}`), selected: true }).waitFor();
    await search.press("Enter");
    await picker.getByRole("button", { name: "Add" }).click();
    await picker.waitFor({ state: "detached" });
    await members.getByText(`@${carol.user.username}`).waitFor();
    await c.page.getByRole("link", { name: "secret-ops" }).waitFor({ timeout: 10_000 });
    await a.page.keyboard.press("Escape");
    await members.waitFor({ state: "detached" });

    // Carol leaves it again.
    await c.page.getByRole("link", { name: "secret-ops" }).click();
    await c.page.getByText("the plan is in the vault").waitFor();
    await c.page.getByRole("button", { name: "secret-ops channel menu" }).click();
    await c.page.getByRole("menuitem", { name: "Leave channel" }).click();
    await c.page.getByRole("dialog", { name: "Leave secret-ops?" }).getByRole("button", { name: "Leave" }).click();
    await c.page.waitForURL("**/channels/town-square");
    await c.page.getByRole("status").filter({ hasText: "You left secret-ops." }).waitFor();
    await expect(c.page.getByRole("link", { name: "secret-ops" }).count()).resolves.toBe(0);

    // Alice archives it: it leaves her sidebar, and the admin's in the API.
    await a.page.getByRole("button", { name: "secret-ops channel menu" }).click();
    await a.page.getByRole("menuitem", { name: "Archive channel" }).click();
    await a.page.getByRole("dialog", { name: "Archive secret-ops?" }).getByRole("button", { name: "Archive" }).click();
    await a.page.waitForURL("**/channels/town-square");
    await a.page.getByRole("status").filter({ hasText: "secret-ops was archived." }).waitFor();
    await expect(a.page.getByRole("link", { name: "secret-ops" }).count()).resolves.toBe(0);
    const listed = await admin.get(`/api/v4/users/${admin.user.id}/teams/${team.id}/channels`);
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).not.toContain(channel.id);
    e2e.assertNoConsoleErrors();
  });

  // Last in the file: it installs the Incident plugin on this server.
  test("a member removed from a private incident's channel loses the incident from the open Incidents sidebar at once", async () => {
    const admin = await e2e.server.admin();
    const alice = await e2e.server.createUser();
    const bob = await e2e.server.createUser();
    const { team } = await createTeamWithTownSquare(e2e.server, admin, { members: [alice, bob] });
    const form = new FormData();
    const bundle = fs.readFileSync(await buildIncidentBundle());
    form.append("plugin", new Blob([new Uint8Array(bundle)], { type: "application/gzip" }), "incident.tar.gz");
    expect((await admin.request("POST", "/api/v4/plugins", form)).status).toBe(201);
    expect((await admin.post("/api/v4/plugins/incident/enable")).status).toBe(200);
    const started = await alice.post(
      "/plugins/incident/api/v1/incidents",
      { name: "Quiet breach", team_id: team.id, channel_name: "quiet-breach", private: true },
      incidentAnswerSchema,
    );
    expect(started.status).toBe(201);
    const incident = started.body;
    expect((await alice.post(`/api/v4/channels/${incident.channel_id}/members`, { user_id: bob.user.id })).status).toBe(201);

    const b = await e2e.open({ user: bob, path: `/${team.name}/channels/quiet-breach` });
    await waitConnected(b.page);
    const panel = await openRhs(b.page);
    await panel.getByRole("heading", { name: "Quiet breach" }).waitFor({ timeout: 10_000 });

    expect((await alice.delete(`/api/v4/channels/${incident.channel_id}/members/${bob.user.id}`)).status).toBe(200);
    await b.page.waitForURL("**/channels/town-square", { timeout: 10_000 });
    await panel.getByRole("heading", { name: "Active incidents" }).waitFor({ timeout: 10_000 });
    await expect(panel.getByText("Quiet breach").count()).resolves.toBe(0);
    await expect(b.page.getByRole("link", { name: "quiet-breach" }).count()).resolves.toBe(0);
    e2e.assertNoConsoleErrors();
  });
});
