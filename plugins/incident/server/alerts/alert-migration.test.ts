/**
 * The plugin's storage migration `0006_alerts`: a workspace whose incident
 * tables the previous version left (migrations up to 0005) opens with this
 * version, keeps its playbooks, and alert sources work on them.
 */
import { afterEach, describe, expect, it } from "vitest";
import { newId } from "#common/ids.ts";
import { expectBody, startServerWithPlugins, workspaceBefore, type TestServer } from "#testing";
import { alertIntakeAnswerSchema } from "../../common/alert-types.ts";
import { playbookAnswerSchema } from "../../common/types.ts";
import { migrations, type IncidentTables } from "../store.ts";
import { API } from "../test-server.ts";
import { alertmanagerBody, createAlertSource, intakePath } from "./testdata/alert-kit.ts";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("migration 0006_alerts", () => {
  it("opens a workspace of the previous version: its playbook kept, an alert source starts an incident from it", async () => {
    const old = await workspaceBefore("~", { pluginId: "incident", migrations, before: "0006" });
    const now = Date.UTC(2029, 5, 1);
    const team = { id: newId(), name: `team-${newId().slice(0, 8)}` };
    await old.db
      .insertInto("teams")
      .values({
        id: team.id,
        name: team.name,
        display_name: "Ops",
        type: "O",
        description: "",
        create_at: now,
        update_at: now,
        delete_at: 0,
      })
      .execute();
    const playbookId = newId();
    const spec = { name: "Old playbook", stages: [{ name: "Triage", checklist: [] }], checklist: [] };
    await old.db
      .withTables<Pick<IncidentTables, "incident_playbooks">>()
      .insertInto("incident_playbooks")
      .values({
        id: playbookId,
        team_id: team.id,
        name: "Old playbook",
        version: 3,
        source: "name: Old playbook\nstages: [{name: Triage}]\n",
        spec: JSON.stringify(spec),
        create_at: now,
        update_at: now,
      })
      .execute();

    server = await startServerWithPlugins(["incident"], await old.release());
    const admin = await server.admin();
    const playbook = await admin.get(`${API}/playbooks/${playbookId}`, playbookAnswerSchema);
    expect(playbook.status).toBe(200);
    expect(playbook.body).toMatchObject({ name: "Old playbook", version: 3 });

    // The source's creator commands its incidents, so must be on the team.
    expect((await admin.post(`/api/v4/teams/${team.id}/members`, { team_id: team.id, user_id: admin.user.id })).status).toBe(201);
    const source = await createAlertSource(admin, { team_id: team.id, name: "Prometheus", kind: "alertmanager", playbook_id: playbookId });
    const res = await server.anonymous.post(
      intakePath(source),
      alertmanagerBody({ group: "old", alerts: [{ labels: { alertname: "OldAlert" } }] }),
    );
    expect(res.status).toBe(201);
    expect(expectBody(res, alertIntakeAnswerSchema).outcome).toBe("started");
  });
});
