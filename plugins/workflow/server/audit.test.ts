/**
 * The Workflow plugin's entries in the host's audit log (`ctx.audit`):
 * workflows applied (created or replaced), disabled, enabled and deleted
 * through the API, each with the caller, the route's path and the address,
 * and a workflow file applied from the workflows directory; a refused apply
 * leaves nothing.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { auditSchema } from "#common/wire-schemas.ts";
import type { Audit } from "#common/wire.ts";
import { eventually, type TestServer, type UserClient } from "#testing";
import { API, applyWorkflow, startWorkflowServer } from "./test-server.ts";

const workflowsDir = fs.mkdtempSync(path.join(os.tmpdir(), "sitrep-workflows-audit-"));
const source = (props: { name: string; team: string; message?: string }) => `name: ${props.name}
team: ${props.team}
run_as: workflow-bot
trigger:
  type: webhook
steps:
  - action: post_message
    with: {channel: town-square, message: "${props.message ?? "hi"}"}
`;

let server: TestServer;
let admin: UserClient;

beforeAll(async () => {
  fs.writeFileSync(path.join(workflowsDir, "from-file.yaml"), source({ name: "From a file", team: "audit-files" }));
  server = await startWorkflowServer({ workflowsDir });
  admin = await server.admin();
});
afterAll(async () => {
  await server.close();
  fs.rmSync(workflowsDir, { recursive: true, force: true });
});

async function audits(): Promise<Audit[]> {
  const res = await admin.get("/api/v4/audits?per_page=200", z.array(auditSchema));
  expect(res.status).toBe(200);
  return res.body;
}

describe("workflow changes in the audit log", () => {
  it("records applying, replacing, disabling, enabling and deleting a workflow, by whom and where", async () => {
    const team = await server.createTeam(admin, { name: "audit-api" });
    const seen = (await audits()).length;
    const created = await applyWorkflow(admin, { teamId: team.id, source: source({ name: "Audited", team: "audit-api" }) });
    const replaced = await applyWorkflow(admin, {
      teamId: team.id,
      source: source({ name: "Audited", team: "audit-api", message: "changed" }),
    });
    expect(replaced.id).toBe(created.id);
    expect((await admin.post(`${API}/workflows/${created.id}/disable`)).status).toBe(200);
    expect((await admin.post(`${API}/workflows/${created.id}/enable`)).status).toBe(200);
    expect((await admin.delete(`${API}/workflows/${created.id}`)).status).toBe(200);
    // A refused apply records nothing.
    expect((await admin.post(`${API}/workflows`, { team_id: team.id, source: "name: broken\n" })).status).toBe(400);

    const all = await audits();
    const entries = all.slice(0, all.length - seen).reverse();
    const named = `workflow_id=${created.id} name="Audited" team_id=${team.id} run_as=${created.run_as_user_id}`;
    expect(entries.map((a) => ({ user_id: a.user_id, action: a.action, extra_info: a.extra_info }))).toEqual([
      { user_id: admin.user.id, action: "/plugins/workflow/api/v1/workflows", extra_info: `success - created ${named}` },
      { user_id: admin.user.id, action: "/plugins/workflow/api/v1/workflows", extra_info: `success - replaced ${named}` },
      {
        user_id: admin.user.id,
        action: `/plugins/workflow/api/v1/workflows/${created.id}/disable`,
        extra_info: `success - disabled ${named}`,
      },
      {
        user_id: admin.user.id,
        action: `/plugins/workflow/api/v1/workflows/${created.id}/enable`,
        extra_info: `success - enabled ${named}`,
      },
      { user_id: admin.user.id, action: `/plugins/workflow/api/v1/workflows/${created.id}`, extra_info: `success - deleted ${named}` },
    ]);
    for (const entry of entries) {
      expect(entry.ip_address).toBe("127.0.0.1");
      expect(entry.session_id).toMatch(/^[a-z0-9]{26}$/);
    }
  });

  it("records a workflow file applied from the workflows directory, once, not at every start", async () => {
    const team = await server.createTeam(admin, { name: "audit-files" });
    const entry = await eventually(async () => (await audits()).find((a) => a.action === "plugin:workflow"), {
      what: "the directory's workflow in the audit log",
    });
    expect(entry.user_id).toBe("");
    expect(entry.ip_address).toBe("");
    expect(entry.extra_info).toMatch(
      new RegExp(`^workflow_id=[a-z0-9]{26} name="From a file" team_id=${team.id} run_as=[a-z0-9]{26} applied from .*from-file\\.yaml$`),
    );
    // Re-enabling the plugin applies the unchanged file again: nothing new is recorded.
    expect((await admin.post("/api/v4/plugins/workflow/disable")).status).toBe(200);
    expect((await admin.post("/api/v4/plugins/workflow/enable")).status).toBe(200);
    expect((await audits()).filter((a) => a.action === "plugin:workflow")).toHaveLength(1);
  });
});
