/**
 * The plugin's storage migration `0002_response`: a workspace whose incident
 * tables the previous version left (migration 0001 only) opens with this
 * version, loses nothing, and its incidents read with the new fields'
 * defaults and a timeline rebuilt from what their rows tell.
 */
import { afterEach, describe, expect, it } from "vitest";
import { newId } from "#common/ids.ts";
import { apiErrorBodySchema, channelSchema } from "#common/wire-schemas.ts";
import { expectBody, oldTeamWithChannels, startServerWithPlugins, workspaceBefore, type TestServer } from "#testing";
import { incidentAnswerSchema, playbookAnswerSchema } from "../common/types.ts";
import { migrations } from "./store.ts";
import { API, startIncident, timelineOf } from "./test-server.ts";

/** The incident tables as migration 0001 made them. */
type Version1Tables = {
  incident_incidents: {
    id: string;
    team_id: string;
    channel_id: string;
    channel_name: string;
    name: string;
    seq: number;
    commander_user_id: string;
    playbook_id: string;
    playbook_version: number;
    playbook_name: string;
    fields: string;
    stages: string;
    current_stage: string;
    forwarding: string;
    status: string;
    private: number;
    create_at: number;
    update_at: number;
    end_at: number;
  };
  incident_checklist_items: {
    id: string;
    incident_id: string;
    title: string;
    stage: string | null;
    position: number;
    checked: number;
    checked_by: string;
    checked_at: number;
  };
  incident_playbooks: {
    id: string;
    team_id: string;
    name: string;
    version: number;
    source: string;
    spec: string;
    create_at: number;
    update_at: number;
  };
};

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("migration 0002_response", () => {
  it("opens a workspace of the previous version: every incident, item and playbook kept, new fields defaulted, timeline rebuilt", async () => {
    const old = await workspaceBefore("~", { pluginId: "incident", migrations, before: "0002" });
    const now = Date.UTC(2029, 5, 1);
    const { team, channelIds: channels } = await oldTeamWithChannels(old.db, { at: now, channels: ["db-down-0", "db-down-1"] });
    const v1 = old.db.withTables<Version1Tables>();
    const commander = newId();
    const forwarding = JSON.stringify([{ from: ["alerts"], keywords: ["db"], exclude_keywords: [], authors: [], match: "any" }]);
    const incident = (i: number, status: "active" | "ended") => ({
      id: newId(),
      team_id: team.id,
      channel_id: channels[i] ?? "",
      channel_name: `db-down-${i}`,
      name: `DB down ${i}`,
      seq: i + 1,
      commander_user_id: commander,
      playbook_id: "",
      playbook_version: 0,
      playbook_name: "",
      fields: JSON.stringify({ service: "db" }),
      stages: JSON.stringify(["Triage", "Investigating", "Mitigated", "Resolved"]),
      current_stage: "Investigating",
      forwarding,
      status,
      private: 0,
      create_at: now + i,
      update_at: now + 10,
      end_at: status === "ended" ? now + 3_600_000 : 0,
    });
    const active = incident(0, "active");
    const ended = incident(1, "ended");
    await v1.insertInto("incident_incidents").values([active, ended]).execute();
    const items = [
      {
        id: newId(),
        incident_id: active.id,
        title: "Page DBA",
        stage: "Triage",
        position: 1,
        checked: 1,
        checked_by: commander,
        checked_at: now + 60_000,
      },
      { id: newId(), incident_id: active.id, title: "Retro", stage: null, position: 2, checked: 0, checked_by: "", checked_at: 0 },
    ];
    await v1.insertInto("incident_checklist_items").values(items).execute();
    const spec = {
      name: "Old",
      description: "",
      channel: { private: false },
      invite: [],
      stages: [{ name: "Triage", checklist: ["Assess"] }],
      checklist: ["Retro"],
      fields: {},
      forwarding: [],
    };
    const playbook = {
      id: newId(),
      team_id: team.id,
      name: "Old",
      version: 3,
      source: "name: Old\n",
      spec: JSON.stringify(spec),
      create_at: now,
      update_at: now,
    };
    await v1.insertInto("incident_playbooks").values(playbook).execute();

    server = await startServerWithPlugins(["incident"], await old.release());
    const admin = await server.admin();
    const read = expectBody(await admin.get(`${API}/incidents/${active.id}`), incidentAnswerSchema);
    expect(read).toEqual({
      id: active.id,
      name: "DB down 0",
      team_id: team.id,
      channel_id: active.channel_id,
      channel_name: "db-down-0",
      seq: 1,
      commander_user_id: commander,
      playbook_id: "",
      playbook_version: 0,
      fields: { service: "db" },
      current_stage: "Investigating",
      stages: [{ name: "Triage" }, { name: "Investigating" }, { name: "Mitigated" }, { name: "Resolved" }],
      checklist: [
        {
          id: items[0]?.id,
          number: 1,
          title: "Page DBA",
          stage: "Triage",
          checked: true,
          checked_by: commander,
          checked_at: now + 60_000,
          assignee_user_id: "",
          due_at: 0,
        },
        {
          id: items[1]?.id,
          number: 2,
          title: "Retro",
          stage: null,
          checked: false,
          checked_by: "",
          checked_at: 0,
          assignee_user_id: "",
          due_at: 0,
        },
      ],
      forwarding: JSON.parse(forwarding),
      private: false,
      severity: "SEV3",
      severities: ["SEV1", "SEV2", "SEV3", "SEV4"],
      roles: {},
      last_status_update_at: 0,
      update_every_ms: 0,
      drill: false,
      archive_on_end: false,
      channel_created: true,
      status: "active",
      create_at: now,
      update_at: now + 10,
      end_at: 0,
    });
    expect((await timelineOf(admin, active.id)).map((e) => [e.type, e.create_at, e.actor_user_id])).toEqual([
      ["incident_started", now, commander],
      ["checklist_item_checked", now + 60_000, commander],
    ]);
    expect((await timelineOf(admin, ended.id)).map((e) => [e.type, e.create_at])).toEqual([
      ["incident_started", now + 1],
      ["incident_ended", now + 3_600_000],
    ]);
    const pb = expectBody(await admin.get(`${API}/playbooks/${playbook.id}`), playbookAnswerSchema);
    expect(pb).toMatchObject({ name: "Old", version: 3, roles: [], broadcast: [], checklist: ["Retro"] });

    // The migrated incidents run on: severity changes, and the one-active-incident-per-channel rule holds.
    const patched = await admin.patch(`${API}/incidents/${active.id}`, { severity: "SEV1" }, incidentAnswerSchema);
    expect(patched.body.severity).toBe("SEV1");
    const channel = expectBody(await admin.get(`/api/v4/channels/${active.channel_id}`), channelSchema);
    await server.addToChannel(admin, { channel, user: admin.user });
    const taken = await admin.post(`${API}/incidents`, { name: "Again", team_id: team.id, channel_id: active.channel_id });
    expect(taken.status).toBe(409);
    expect(expectBody(taken, apiErrorBodySchema).message).toMatch(
      /^channel_id: ~db-down-0 already runs the active incident "DB down 0" \(#1\)/,
    );
    const fresh = await startIncident(admin, { name: "New one", team_id: team.id, playbook_id: playbook.id });
    expect(fresh).toMatchObject({ playbook_version: 3, severity: "SEV3", seq: 3 });
  });
});
