/**
 * Message forwarding (v0.0.4) in a real browser: an incident whose playbook
 * forwards from ~alerts on the keyword "db-prod"; Alertmanager posts through
 * an incoming webhook into ~alerts, and Bob, who has the incident channel
 * open, sees the forwarded card appear without reloading, with the author,
 * the source channel, the quoted alert and a link that opens the original.
 */
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { incidentAnswerSchema } from "../plugins/incident/common/types.ts";
import type { Channel, Team, User } from "#common/wire.ts";
import type { TestClient } from "#testing";
import { startE2E, type E2E } from "./harness.ts";
import { buildIncidentBundle, waitConnected } from "./incident-helpers.ts";
import { incomingHookSchema, withIdSchema } from "#testing";

type SignedIn = TestClient & { user: User };

const API = "/plugins/incident/api/v1";

let e2e: E2E;
let admin: SignedIn;
let alice: SignedIn;
let bob: SignedIn;
let team: Team;
let alerts: Channel;

beforeAll(async () => {
  let bundlePath: string;
  [e2e, bundlePath] = await Promise.all([startE2E(), buildIncidentBundle()]);
  admin = await e2e.server.admin();
  alice = await e2e.server.createUser({ username: "alice" });
  bob = await e2e.server.createUser({ username: "bob" });
  team = await e2e.server.createTeam(admin, { name: "ops" });
  alerts = await e2e.server.createChannel(admin, { teamId: team.id, name: "alerts" });
  for (const member of [alice, bob]) await e2e.server.addToChannel(admin, { channel: alerts, user: member.user });

  const form = new FormData();
  form.append("plugin", new Blob([new Uint8Array(fs.readFileSync(bundlePath))], { type: "application/gzip" }), "incident.tar.gz");
  const installed = await admin.request("POST", "/api/v4/plugins", form);
  expect(installed.status).toBe(201);
  expect((await admin.post("/api/v4/plugins/incident/enable")).status).toBe(200);
});
afterAll(async () => {
  await e2e?.close();
});

describe("message forwarding in the browser", () => {
  test("an alert posted in ~alerts appears as a forwarded card in the incident channel Bob has open", async () => {
    const source = ["name: Database outage", "forwarding:", "  - from: [alerts]", "    keywords: [db-prod]"].join("\n");
    const playbook = await admin.post(`${API}/playbooks`, { team_id: team.id, source }, withIdSchema);
    expect([200, 201]).toContain(playbook.status);
    const started = await alice.post(
      `${API}/incidents`,
      {
        name: "DB latency",
        team_id: team.id,
        channel_name: "db-latency",
        playbook_id: playbook.body.id,
      },
      incidentAnswerSchema,
    );
    expect(started.status).toBe(201);
    expect(started.body.forwarding).toEqual([{ from: ["alerts"], keywords: ["db-prod"], exclude_keywords: [], authors: [], match: "any" }]);

    await e2e.server.addToChannel(admin, { channel: { id: started.body.channel_id, team_id: team.id } as Channel, user: bob.user });
    const b = await e2e.open({ user: bob, path: `/${team.name}/channels/db-latency` });
    await waitConnected(b.page);

    // Alertmanager, as a Mattermost receiver: an incoming webhook with attachments.
    const hook = await admin.post("/api/v4/hooks/incoming", { channel_id: alerts.id, display_name: "Alertmanager" }, incomingHookSchema);
    expect(hook.status).toBe(201);
    const quiet = await e2e.server.anonymous.post(`/hooks/${hook.body.id}`, {
      username: "alertmanager",
      text: "[RESOLVED] disk usage on web-3 back to normal",
    });
    expect(quiet.status).toBe(200);
    const firing = await e2e.server.anonymous.post(`/hooks/${hook.body.id}`, {
      username: "alertmanager",
      attachments: [
        {
          fallback: "[FIRING:1] PostgresReplicationLag db-prod",
          title: "[FIRING:1] PostgresReplicationLag",
          text: "Replication lag on db-prod is 42s",
          fields: [{ title: "severity", value: "critical", short: true }],
        },
      ],
    });
    expect(firing.status).toBe(200);

    const card = b.page.getByRole("group", { name: "Forwarded from ~alerts by @alertmanager" });
    await card.waitFor({ timeout: 15_000 });
    await expect(card.textContent()).resolves.toContain("Replication lag on db-prod is 42s");
    // Only the matching alert was forwarded.
    await expect(b.page.getByRole("group", { name: /^Forwarded from/ }).count()).resolves.toBe(1);
    await e2e.screenshot(b.page, "forwarding-card");

    const link = card.getByRole("link", { name: "Jump to the original message" });
    const href = await link.getAttribute("href");
    expect(href).toMatch(new RegExp(`/${team.name}/pl/[a-z0-9]{26}$`));
    expect(await e2e.axe(b.page)).toEqual([]);

    await link.click();
    await b.page.waitForURL(/\/ops\/(pl\/[a-z0-9]{26}|channels\/alerts)/, { waitUntil: "commit" });
    await b.page.getByText("Replication lag on db-prod is 42s").first().waitFor();
    e2e.assertNoConsoleErrors();
  });
});
