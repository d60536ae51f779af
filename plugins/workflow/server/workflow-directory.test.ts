import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, type TestClient, type TestServer } from "#testing";
import type { WorkflowJson } from "../common/wire.ts";
import { API, startWorkflowServer } from "./test-server.ts";

let server: TestServer;
let admin: TestClient;
const workflowsDir = fs.mkdtempSync(path.join(os.tmpdir(), "sitrep-workflows-new-team-"));

const workflow = (props: { name: string; team: string }) => `name: ${props.name}
team: ${props.team}
run_as: workflow-bot
enabled: true
trigger:
  type: message_posted
  where: {channel: alerts, contains: SEV1}
steps:
  - action: post_message
    with: {channel: status, message: "SEV1: {{trigger.message}}"}
`;

beforeAll(async () => {
  fs.writeFileSync(path.join(workflowsDir, "sev1.yaml"), workflow({ name: "SEV1 alert", team: "ops" }));
  fs.writeFileSync(path.join(workflowsDir, "audit.yaml"), workflow({ name: "Audit alert", team: "secops" }));
  // The teams do not exist when the plugin activates, as on a fresh install.
  server = await startWorkflowServer({ workflowsDir });
  admin = await server.admin();
});
afterAll(async () => {
  await server.close();
  fs.rmSync(workflowsDir, { recursive: true, force: true });
});

async function listed(teamId?: string): Promise<WorkflowJson[]> {
  const res = await admin.get(`${API}/workflows${teamId ? `?team_id=${teamId}` : ""}`);
  expect(res.status).toBe(200);
  return res.body as WorkflowJson[];
}

describe("the workflows directory on a fresh install", () => {
  it("applies a team's workflow files when the team is created, and only that team's", async () => {
    expect(await listed()).toEqual([]);

    const ops = await server.createTeam(admin, { name: "ops" });
    const opsFlows = await eventually(
      async () => {
        const all = await listed();
        return all.length > 0 ? all : undefined;
      },
      { ms: 5000 },
    );
    expect(opsFlows).toMatchObject([{ name: "SEV1 alert", team_id: ops.id, enabled: true, version: 1 }]);

    const secops = await server.createTeam(admin, { name: "secops" });
    const secopsFlows = await eventually(
      async () => {
        const mine = await listed(secops.id);
        return mine.length > 0 ? mine : undefined;
      },
      { ms: 5000 },
    );
    expect(secopsFlows).toMatchObject([{ name: "Audit alert", team_id: secops.id }]);

    // A team no file names gets none; the others are not applied twice.
    await server.createTeam(admin, { name: "other" });
    await server.host.hooks.idle();
    expect((await listed()).map((w) => `${w.name} v${w.version}`).sort()).toEqual(["Audit alert v1", "SEV1 alert v1"]);
  });
});
