/**
 * @module e2e/incident-helpers
 * Helpers for the Incident plugin's browser tests: the plugin bundle built
 * from source, and locators for the Incidents RHS, the composer and posts.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Locator, Page } from "playwright-core";
import type { Channel, Team, User } from "#common/wire.ts";
import type { TestClient, TestServer } from "#testing";
import { buildPlugin } from "../scripts/build-plugin.mjs";

const root = path.resolve(import.meta.dirname, "..");

/** Build `plugins/incident` into a fresh temporary folder; returns the `.tar.gz` path. */
export async function buildIncidentBundle(): Promise<string> {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "sitrep-incident-e2e-"));
  return buildPlugin({ dir: path.join(root, "plugins", "incident"), outDir, minify: true });
}

/** Upload a plugin bundle as a system admin would in the System Console, and enable it. */
export async function installPlugin(admin: TestClient, bundlePath: string, id = "incident"): Promise<void> {
  const form = new FormData();
  form.append("plugin", new Blob([new Uint8Array(fs.readFileSync(bundlePath))], { type: "application/gzip" }), `${id}.tar.gz`);
  const uploaded = await admin.request("POST", "/api/v4/plugins", form);
  if (uploaded.status !== 201) throw new Error(`upload ${id}: ${uploaded.status} ${JSON.stringify(uploaded.body)}`);
  const enabled = await admin.post(`/api/v4/plugins/${id}/enable`);
  if (enabled.status !== 200) throw new Error(`enable ${id}: ${enabled.status} ${JSON.stringify(enabled.body)}`);
}

/**
 * A team with its Town Square (made by the server when it makes one, else
 * here) and `members` added to both.
 */
export async function createTeamWithMembers(
  server: TestServer,
  owner: TestClient,
  props: { name: string; members: Array<{ user: User }> },
): Promise<{ team: Team; townSquare: Channel }> {
  const team = await server.createTeam(owner, { name: props.name });
  const existing = await owner.get(`/api/v4/teams/${team.id}/channels/name/town-square`);
  const townSquare =
    existing.status === 200 ? (existing.body as Channel) : await server.createChannel(owner, { teamId: team.id, name: "town-square" });
  for (const member of props.members) await server.addToChannel(owner, { channel: townSquare, user: member.user });
  return { team, townSquare };
}

/** The Incidents right-hand sidebar. */
export function rhs(page: Page): Locator {
  return page.getByRole("complementary", { name: "Incidents" });
}

/** The "Incidents" channel-header button. */
export function incidentsButton(page: Page): Locator {
  return page.getByRole("group", { name: "Plugin actions" }).getByRole("button", { name: "Incidents" });
}

/** Opens the RHS with the header button unless it is open already. */
export async function openRhs(page: Page): Promise<Locator> {
  const panel = rhs(page);
  if (!(await panel.isVisible())) await incidentsButton(page).click();
  await panel.waitFor();
  return panel;
}

/** Opens the RHS on the active-incidents list (it opens an incident's detail by default in its channel). */
export async function showList(page: Page): Promise<Locator> {
  const panel = await openRhs(page);
  const back = panel.getByRole("button", { name: "All incidents" });
  const heading = panel.getByRole("heading", { name: "Active incidents" });
  await back.or(heading).first().waitFor();
  if (await back.isVisible()) await back.click();
  await heading.waitFor();
  return panel;
}

/** A row of the active-incidents list. */
export function incidentRow(page: Page, name: string): Locator {
  return rhs(page)
    .getByRole("listitem")
    .filter({ has: page.getByRole("button", { name, exact: true }) });
}

/** Types into the composer and sends, as a user would. */
export async function send(page: Page, text: string): Promise<void> {
  const composer = page.getByRole("textbox", { name: /Write to/ });
  await composer.fill(text);
  await composer.press("Enter");
}

/** Posts in the channel view whose text matches. */
export function post(page: Page, text: string | RegExp): Locator {
  return page.locator(".post", { hasText: text });
}

/** Waits until the page's WebSocket is connected (the host shows `.connection` while it is not). */
export async function waitConnected(page: Page): Promise<void> {
  await page.getByRole("textbox", { name: /Write to/ }).waitFor();
  await page.locator(".connection").waitFor({ state: "detached" });
}
