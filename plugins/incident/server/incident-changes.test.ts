import { describe, expect, it } from "vitest";
import type { Disposable, PluginLogger } from "#plugin-api";
import { incidentChangeEmitter, type IncidentChange } from "./incident-changes.ts";
import type { IncidentRecord } from "./store.ts";

/** The two members of the plugin context the emitter uses: a log that records errors, and a bag of tracked disposables. */
function pluginSide() {
  const errors: Array<{ message: string; fields?: Record<string, unknown> }> = [];
  const tracked: Disposable[] = [];
  const log: PluginLogger = { info() {}, warn() {}, error: (message, fields) => errors.push({ message, fields }) };
  return {
    errors,
    ctx: { log, track: (disposable: Disposable) => (tracked.push(disposable), disposable) },
    disposeAll: () => tracked.splice(0).forEach((d) => d.dispose()),
  };
}

const incident: IncidentRecord = {
  id: "inc1",
  team_id: "team1",
  channel_id: "chan1",
  channel_name: "db-down",
  name: "DB down",
  seq: 1,
  commander_user_id: "user1",
  playbook_id: "",
  playbook_version: 0,
  playbook_name: "",
  fields: {},
  stages: ["Triage"],
  current_stage: "Triage",
  forwarding: [],
  status: "active",
  private: false,
  create_at: 1,
  update_at: 1,
  end_at: 0,
  severity: "SEV3",
  severities: ["SEV1", "SEV2", "SEV3", "SEV4"],
  roles: {},
  broadcast: [],
  update_every_ms: 0,
  last_status_update_at: 0,
  reminded_due_at: 0,
  drill: false,
  channel_created: true,
  archive_on_end: false,
  item_seq: 0,
};
const change: IncidentChange = { incident, action: "started" };

describe("onDidChangeIncident", () => {
  it("tells every listener, in order, even when one throws or rejects; the failure is logged", async () => {
    const side = pluginSide();
    const changes = incidentChangeEmitter(side.ctx);
    const heard: string[] = [];
    changes.onDidChangeIncident(() => {
      throw new Error("boom");
    });
    changes.onDidChangeIncident(({ incident, action }) => void heard.push(`first ${incident.id} ${action}`));
    changes.onDidChangeIncident(async () => Promise.reject(new Error("later boom")));
    changes.onDidChangeIncident(async ({ action }) => void heard.push(`second ${action}`));

    await expect(changes.fire(change)).resolves.toBeUndefined();
    expect(heard).toEqual(["first inc1 started", "second started"]);
    expect(side.errors).toEqual([
      { message: "incident change listener failed", fields: { incident_id: "inc1", action: "started", error: "Error: boom" } },
      { message: "incident change listener failed", fields: { incident_id: "inc1", action: "started", error: "Error: later boom" } },
    ]);
  });

  it("stops telling a listener once its subscription, or the plugin, is disposed", async () => {
    const side = pluginSide();
    const changes = incidentChangeEmitter(side.ctx);
    const heard: string[] = [];
    const early = changes.onDidChangeIncident(() => void heard.push("early"));
    changes.onDidChangeIncident(() => void heard.push("late"));
    early.dispose();
    await changes.fire(change);
    expect(heard).toEqual(["late"]);

    side.disposeAll();
    await changes.fire(change);
    expect(heard).toEqual(["late"]);
  });
});
