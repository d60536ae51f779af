/**
 * The plugin's storage migration `0005_review`: a workspace whose incident
 * tables the previous version left (migrations up to 0004) opens with this
 * version, loses nothing, and its incidents get a retrospective (the default
 * outline, version 0), follow-ups, history sorting and metrics.
 */
import { afterEach, describe, expect, it } from "vitest";
import { expectBody, pageOf, startServerWithPlugins, workspaceBefore, type TestServer } from "#testing";
import { retrospectiveAnswerSchema, statsAnswerSchema } from "../common/review-answers.ts";
import { incidentAnswerSchema } from "../common/types.ts";
import { migrations } from "./store.ts";
import { API, oldIncident, timelineOf } from "./test-server.ts";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("migration 0005_review", () => {
  it("opens a workspace of the previous version: incidents and timeline kept, retrospectives, follow-ups and stats work on them", async () => {
    const old = await workspaceBefore("~", { pluginId: "incident", migrations, before: "0005" });
    const now = Date.UTC(2029, 5, 1);
    const { team, incidentId } = await oldIncident(old, { now, status: "ended" });

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
