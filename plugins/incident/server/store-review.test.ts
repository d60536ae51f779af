/**
 * The plugin's storage migration `0005_review`: a workspace whose incident
 * tables the previous version left (migrations up to 0004) opens with this
 * version, loses nothing, and its incidents get a retrospective (the default
 * outline, version 0), follow-ups, history sorting and metrics.
 */
import { afterEach, describe, expect, it } from "vitest";
import { newId } from "#common/ids.ts";
import { expectBody, oldTeamWithChannels, pageOf, startServerWithPlugins, workspaceBefore, type TestServer } from "#testing";
import { retrospectiveAnswerSchema, statsAnswerSchema } from "../common/review-answers.ts";
import { incidentAnswerSchema } from "../common/types.ts";
import { migrations, type IncidentTables } from "./store.ts";
import { API, timelineOf } from "./test-server.ts";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("migration 0005_review", () => {
  it("opens a workspace of the previous version: incidents and timeline kept, retrospectives, follow-ups and stats work on them", async () => {
    const old = await workspaceBefore("~", { pluginId: "incident", migrations, before: "0005" });
    const now = Date.UTC(2029, 5, 1);
    const {
      team,
      channelIds: [channelId = ""],
    } = await oldTeamWithChannels(old.db, { at: now, channels: ["db-down"] });
    // The incident row as 0005 left it: without the columns of later migrations.
    const db = old.db.withTables<{
      incident_incidents: Omit<IncidentTables["incident_incidents"], "archive_on_end">;
      incident_timeline: IncidentTables["incident_timeline"];
    }>();
    const incidentId = newId();
    await db
      .insertInto("incident_incidents")
      .values({
        id: incidentId,
        team_id: team.id,
        channel_id: channelId,
        channel_name: "db-down",
        name: "DB down",
        seq: 1,
        commander_user_id: "",
        playbook_id: "",
        playbook_version: 0,
        playbook_name: "",
        fields: "{}",
        stages: JSON.stringify(["Triage", "Resolved"]),
        current_stage: "Resolved",
        forwarding: "[]",
        status: "ended",
        private: 0,
        create_at: now,
        update_at: now,
        end_at: now + 90_000,
        severity: "SEV2",
        severities: JSON.stringify(["SEV1", "SEV2", "SEV3", "SEV4"]),
        roles: "{}",
        broadcast: "[]",
        update_every_ms: 0,
        last_status_update_at: 0,
        reminded_due_at: 0,
        drill: 0,
        channel_created: 1,
        item_seq: 0,
      })
      .execute();
    const entry = (type: "incident_started" | "incident_ended", at: number) => ({
      id: newId(),
      incident_id: incidentId,
      type,
      create_at: at,
      actor_user_id: "",
      summary: type,
      post_id: "",
      details: "{}",
    });
    await db
      .insertInto("incident_timeline")
      .values([entry("incident_started", now), entry("incident_ended", now + 90_000)])
      .execute();

    server = await startServerWithPlugins(["incident"], await old.release());
    const admin = await server.admin();
    expect(expectBody(await admin.get(`${API}/incidents/${incidentId}`), incidentAnswerSchema)).toMatchObject({
      name: "DB down",
      status: "ended",
      severity: "SEV2",
      end_at: now + 90_000,
    });
    expect((await timelineOf(admin, incidentId)).map((e) => e.type)).toEqual(["incident_started", "incident_ended"]);
    const retro = expectBody(await admin.get(`${API}/incidents/${incidentId}/retrospective`), retrospectiveAnswerSchema);
    expect(retro).toMatchObject({ version: 0, published_at: 0 });
    expect(retro.text).toContain("# Retrospective: DB down");
    const saved = await admin.put(`${API}/incidents/${incidentId}/retrospective`, { text: "Done.", base_version: 0 });
    expect(expectBody(saved, retrospectiveAnswerSchema)).toMatchObject({ text: "Done.", version: 1 });
    expect((await admin.post(`${API}/incidents/${incidentId}/follow-ups`, { title: "Alert on it" })).status).toBe(201);
    const stats = expectBody(await admin.get(`${API}/stats?team_id=${team.id}`), statsAnswerSchema);
    expect(stats).toMatchObject({ count: 1, active: 0, mean_time_to_resolve_ms: 90_000, by_severity: { SEV2: 1 } });
    const history = expectBody(await admin.get(`${API}/incidents?team_id=${team.id}&sort=end_at`), pageOf(incidentAnswerSchema));
    expect(history.items.map((i) => i.id)).toEqual([incidentId]);
  });
});
