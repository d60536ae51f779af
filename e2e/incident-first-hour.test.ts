/**
 * The first hour of a real incident (issue 12), in the browser: a team member
 * outside a public incident's channel sees its controls read-only with a
 * "Join" button (on 00a17c0 they were live and answered a "must be a member"
 * error that then stayed), joins and checks an item; the RHS shows the items'
 * own numbers, which stay put when another responder removes item 1; the
 * list shows how many active incidents there are; and the commander picker
 * offers no bots.
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
let bob: SignedIn;
let team: Team;

beforeAll(async () => {
  let bundlePath: string;
  [e2e, bundlePath] = await Promise.all([startE2E(), buildIncidentBundle()]);
  admin = await e2e.server.admin();
  alice = await e2e.server.createUser({ username: "alice" });
  bob = await e2e.server.createUser({ username: "bob" });
  ({ team } = await createTeamWithMembers(e2e.server, admin, { name: "ops", members: [alice, bob] }));
  await installPlugin(admin, bundlePath);
});
afterAll(async () => {
  await e2e?.close();
});

describe("the first hour in the browser", () => {
  test("a non-member sees read-only controls and Join; item numbers stay put when item 1 is removed; the list shows a total", async () => {
    const source = ["name: Outage", "checklist:", "  - Assess impact", "  - Page owner", "  - Roll back"].join("\n");
    const playbook = await admin.post(`${API}/playbooks`, { team_id: team.id, source }, withIdSchema);
    expect([200, 201]).toContain(playbook.status);
    const started = await alice.post(
      `${API}/incidents`,
      { name: "DB down", team_id: team.id, channel_name: "db-down", playbook_id: playbook.body.id },
      incidentAnswerSchema,
    );
    expect(started.status).toBe(201);

    const b = await e2e.open({ user: bob, path: `/${team.name}/channels/town-square` });
    await waitConnected(b.page);
    const panel = await showList(b.page);
    await panel.getByRole("heading", { name: "Active incidents (1)" }).waitFor();
    await panel.getByRole("button", { name: "DB down", exact: true }).click();

    // Not in the channel: the controls are read-only and a Join button is offered.
    const join = panel.getByRole("button", { name: "Join", exact: true });
    await join.waitFor();
    const first = panel.getByRole("checkbox", { name: /Assess impact/ });
    expect(await first.isDisabled()).toBe(true);
    await join.click();
    await join.waitFor({ state: "detached" });
    await expect.poll(() => first.isDisabled()).toBe(false);

    // Alice removes item 1; Bob's RHS keeps the others' numbers, and checking "3" checks Roll back.
    const assess = started.body.checklist.find((i) => i.title === "Assess impact");
    expect((await alice.delete(`${API}/incidents/${started.body.id}/checklist/${assess?.id ?? ""}`)).status).toBe(200);
    await panel.getByRole("checkbox", { name: /Assess impact/ }).waitFor({ state: "detached" });
    await panel.getByRole("button", { name: "Remove item 3: Roll back" }).waitFor();
    await panel.getByRole("button", { name: "Remove item 2: Page owner" }).waitFor();
    await panel.getByRole("checkbox", { name: /Roll back/ }).check();
    await expect
      .poll(async () =>
        (await bob.get(`${API}/incidents/${started.body.id}`, incidentAnswerSchema)).body.checklist.map((i) => [i.number, i.checked]),
      )
      .toEqual([
        [2, false],
        [3, true],
      ]);
    // The commander picker offers people only: Alice, not the Incident bot (which joined the team with the channel).
    const commanders = await panel.getByLabel("Commander", { exact: true }).locator("option").allTextContents();
    expect(commanders.some((o) => o.startsWith("@alice"))).toBe(true);
    expect(commanders.some((o) => o.startsWith("@incident"))).toBe(false);
    // No stale error is left on the detail.
    expect(await panel.getByRole("alert").count()).toBe(0);
  });
});
