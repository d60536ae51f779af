import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestClient, TestServer } from "#testing";
import { playbookAnswerSchema } from "../common/types.ts";
import { API, startIncidentServer } from "./test-server.ts";
import { eventually, pageOf } from "#testing";

let server: TestServer;
let admin: TestClient;
const playbooksDir = fs.mkdtempSync(path.join(os.tmpdir(), "sitrep-playbooks-new-team-"));

const playbook = (props: { name: string; team: string }) => `name: ${props.name}
team: ${props.team}
stages:
  - name: Triage
    checklist: [Assign a commander]
  - name: Resolved
`;

beforeAll(async () => {
  fs.writeFileSync(path.join(playbooksDir, "outage.yaml"), playbook({ name: "Service outage", team: "ops" }));
  fs.writeFileSync(path.join(playbooksDir, "security.yaml"), playbook({ name: "Security incident", team: "secops" }));
  // The teams do not exist when the plugin activates, as on a fresh install.
  server = await startIncidentServer({ playbooksDir });
  admin = await server.admin();
});
afterAll(async () => {
  await server.close();
  fs.rmSync(playbooksDir, { recursive: true, force: true });
});

/** The team's playbook names once `expected` of them are listed; fails after a few seconds. */
function playbookNames(teamId: string, expected: number): Promise<string[]> {
  return eventually(
    async () => {
      const res = await admin.get(`${API}/playbooks?team_id=${teamId}`, pageOf(playbookAnswerSchema));
      expect(res.status).toBe(200);
      const names = res.body.items.map((p) => p.name).sort();
      expect(res.body.total_count).toBe(names.length);
      return names.length >= expected ? names : undefined;
    },
    { ms: 5000, intervalMs: 50, what: `${expected} playbook(s) of team ${teamId}` },
  );
}

describe("the playbooks directory on a fresh install", () => {
  it("applies a team's playbook files when the team is created, and only that team's", async () => {
    const ops = await server.createTeam(admin, { name: "ops" });
    expect(await playbookNames(ops.id, 1)).toEqual(["Service outage"]);

    const secops = await server.createTeam(admin, { name: "secops" });
    expect(await playbookNames(secops.id, 1)).toEqual(["Security incident"]);

    // A team no file names gets none.
    const other = await server.createTeam(admin, { name: "other" });
    await server.host.hooks.idle();
    expect(await playbookNames(other.id, 0)).toEqual([]);
    expect(await playbookNames(ops.id, 1)).toEqual(["Service outage"]);
  });
});
