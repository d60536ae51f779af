/**
 * Reviewing incidents in the browser (issue 14): Alice writes the
 * retrospective of an ended incident on its page (saved as she types, the
 * preview live) and publishes it to the channel; the history page, opened
 * from the team menu, filters by severity and opens an incident page with its
 * timeline chart; the metrics view draws its charts (uPlot, on canvases). Screenshots go to
 * e2e/screenshots/.
 */
import type { Locator } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { incidentAnswerSchema } from "../plugins/incident/common/types.ts";
import type { Team, User } from "#common/wire.ts";
import { channelPosts, type TestClient } from "#testing";
import { startE2E, type E2E } from "./harness.ts";
import { buildIncidentBundle, installPlugin, showList, waitConnected } from "./incident-helpers.ts";

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
  await installPlugin(admin, bundlePath);
});
afterAll(async () => {
  await e2e?.close();
});

async function start(body: { name: string; severity: string; channel_name: string; drill?: boolean }) {
  const res = await alice.post(`${API}/incidents`, { ...body, team_id: team.id }, incidentAnswerSchema);
  expect(res.status).toBe(201);
  return res.body;
}

/** Pixels of a chart's canvases that are not transparent (what uPlot drew). */
function drawnPixels(figure: Locator): Promise<number> {
  return figure.evaluate((element) =>
    [...element.querySelectorAll("canvas")].reduce((sum, canvas) => {
      const data = canvas.getContext("2d")?.getImageData(0, 0, canvas.width, canvas.height).data ?? [];
      let drawn = 0;
      for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) drawn++;
      return sum + drawn;
    }, 0),
  );
}

/** Pixels of the timeline's canvas in the first stage's colour (#1c58d9, drawn at 0.8 opacity). */
function stagePixels(figure: Locator): Promise<number> {
  return figure.evaluate((element) => {
    const canvas = element.querySelector("canvas");
    const data = canvas?.getContext("2d")?.getImageData(0, 0, canvas.width, canvas.height).data ?? [];
    let found = 0;
    const near = (i: number, value: number) => Math.abs((data[i] ?? -99) - value) <= 3;
    // 0.8 opacity (alpha about 204) tells the bars from the event marks of the same colour, drawn opaque.
    for (let i = 0; i < data.length; i += 4)
      if (near(i, 28) && near(i + 1, 88) && near(i + 2, 217) && Math.abs((data[i + 3] ?? 0) - 204) <= 8) found++;
    return found;
  });
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
    // uPlot draws on a canvas: the stage bars are there when the canvas has pixels of the first stage's colour.
    expect(await stagePixels(chart)).toBeGreaterThan(500);

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
    for (const name of [/^Incidents per week over 1 weeks/, /^Time to resolve of 2 incidents/, /^Mean time per stage/]) {
      const figure = page.getByRole("img", { name });
      await figure.waitFor();
      expect(await drawnPixels(figure)).toBeGreaterThan(100);
    }
    await e2e.screenshot(page, "incident-metrics");
    e2e.assertNoConsoleErrors();
  });

  test("a drill is marked in its channel's header and in the RHS card; a real incident is not", async () => {
    await start({ name: "Weekly failover drill", severity: "SEV2", channel_name: "failover-drill", drill: true });
    await start({ name: "Queue backlog", severity: "SEV2", channel_name: "queue-backlog" });

    const { page } = await e2e.open({ user: alice, path: `/${team.name}/channels/failover-drill` });
    await waitConnected(page);
    const header = page.getByRole("heading", { level: 1, name: /^Weekly failover drill/ });
    await header.getByText("Drill", { exact: true }).waitFor();
    await e2e.screenshot(page, "incident-drill-header");

    const list = await showList(page);
    const card = (name: string) => list.getByRole("listitem").filter({ has: page.getByRole("button", { name, exact: true }) });
    await card("Weekly failover drill").getByText("Drill", { exact: true }).waitFor();
    await card("Queue backlog").waitFor();
    expect(await card("Queue backlog").getByText("Drill", { exact: true }).count()).toBe(0);

    // The header of a real incident's channel, reached in the app, carries no mark.
    await page
      .getByRole("navigation", { name: "Channels" })
      .getByRole("link", { name: /^Queue backlog/ })
      .click();
    const realHeader = page.getByRole("heading", { level: 1, name: /^Queue backlog/ });
    await realHeader.waitFor();
    expect(await realHeader.getByText("Drill", { exact: true }).count()).toBe(0);
    e2e.assertNoConsoleErrors();
  });
});
