/**
 * Reviewing incidents in the browser (issue 14): Alice writes the
 * retrospective of an ended incident on its page (saved as she types, the
 * preview live) and publishes it to the channel; the history page, opened
 * from the team menu, filters by severity and opens an incident page with its
 * timeline chart; the metrics view draws its charts. Screenshots go to
 * e2e/screenshots/.
 */
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { incidentAnswerSchema } from "../plugins/incident/common/types.ts";
import type { Team, User } from "#common/wire.ts";
import { channelPosts, type TestClient } from "#testing";
import { startE2E, type E2E } from "./harness.ts";
import { buildIncidentBundle, waitConnected } from "./incident-helpers.ts";

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
  team = await e2e.server.createTeam(admin, { name: "ops" });
  const town = await e2e.server.createChannel(admin, { teamId: team.id, name: "lobby" });
  await e2e.server.addToChannel(admin, { channel: town, user: alice.user });
  const form = new FormData();
  form.append("plugin", new Blob([new Uint8Array(fs.readFileSync(bundlePath))], { type: "application/gzip" }), "incident.tar.gz");
  expect((await admin.request("POST", "/api/v4/plugins", form)).status).toBe(201);
  expect((await admin.post("/api/v4/plugins/incident/enable")).status).toBe(200);
});
afterAll(async () => {
  await e2e?.close();
});

async function start(body: { name: string; severity: string; channel_name: string }) {
  const res = await alice.post(`${API}/incidents`, { ...body, team_id: team.id }, incidentAnswerSchema);
  expect(res.status).toBe(201);
  return res.body;
}

describe("reviewing incidents in the browser", () => {
  test("write and publish a retrospective; filter the history by severity; see the timeline and metrics charts", async () => {
    const db = await start({ name: "DB down", severity: "SEV1", channel_name: "db-down" });
    await alice.post(`${API}/incidents/${db.id}/status-updates`, { message: "Failing over." });
    await alice.patch(`${API}/incidents/${db.id}`, { current_stage: "Investigating" });
    expect((await alice.post(`${API}/incidents/${db.id}/end`)).status).toBe(200);
    const cache = await start({ name: "Cache slow", severity: "SEV3", channel_name: "cache-slow" });
    expect((await alice.post(`${API}/incidents/${cache.id}/end`)).status).toBe(200);

    const { page } = await e2e.open({ user: alice, path: `/${team.name}/channels/lobby` });
    await waitConnected(page);
    // The team menu leads to the history.
    await page.getByRole("list", { name: "Team menu" }).getByRole("button", { name: "Incidents" }).click();
    const table = page.getByRole("table");
    await table.getByRole("link", { name: "Cache slow" }).waitFor();
    await page.getByLabel("Severity").selectOption("SEV1");
    await table.getByRole("link", { name: "Cache slow" }).waitFor({ state: "detached" });
    await table.getByRole("link", { name: "DB down" }).waitFor();
    await e2e.screenshot(page, "incident-history");

    await table.getByRole("link", { name: "DB down" }).click();
    const chart = page.getByRole("img", { name: /^Timeline: / });
    await chart.waitFor();
    expect(await chart.getAttribute("aria-label")).toContain("Triage");
    expect(await chart.locator("rect").count()).toBeGreaterThanOrEqual(2);

    const editor = page.getByRole("textbox", { name: "Retrospective (markdown)" });
    await editor.fill("# What happened\n\n- The primary **failed**");
    await page.getByLabel("Preview").getByRole("heading", { name: "What happened" }).waitFor();
    await page.getByRole("status").filter({ hasText: "Saved" }).waitFor();
    await e2e.screenshot(page, "incident-page");
    await page.getByRole("button", { name: "Publish" }).click();
    await page.getByText("Published in the incident channel.").waitFor();
    const posts = await channelPosts(alice, db.channel_id);
    expect(posts.some((p) => p.message.includes("The primary **failed**"))).toBe(true);

    await page.getByRole("link", { name: "← All incidents" }).click();
    await page.getByRole("button", { name: "Metrics" }).click();
    await page.getByRole("img", { name: /^Incidents per week over 1 weeks/ }).waitFor();
    await page.getByRole("img", { name: /^Time to resolve of 2 incidents/ }).waitFor();
    await page.getByRole("img", { name: /^Mean time per stage/ }).waitFor();
    await e2e.screenshot(page, "incident-metrics");
    e2e.assertNoConsoleErrors();
  });
});
