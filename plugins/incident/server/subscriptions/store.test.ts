/**
 * The plugin's storage migration `0007_subscriptions`: a workspace whose
 * incident tables the previous version left (migrations before 0007) opens
 * with this version and keeps its incidents and timelines; subscriptions made
 * afterwards hear of those incidents' new timeline entries.
 */
import { afterEach, describe, expect, it } from "vitest";
import { expectBody, itemAt, startServerWithPlugins, workspaceBefore, type TestServer } from "#testing";
import { incidentAnswerSchema } from "../../common/types.ts";
import { migrations } from "../store.ts";
import { API, oldIncident, timelineOf } from "../test-server.ts";
import { createWebhook, deliveriesOf } from "./test-server.ts";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("migration 0007_subscriptions", () => {
  it("opens a workspace of the previous version: incidents and timeline kept, and subscriptions follow their new entries", async () => {
    const old = await workspaceBefore("~", { pluginId: "incident", migrations, before: "0007" });
    expect(Object.keys(migrations).filter((name) => name < "0007")).not.toContain("0007_subscriptions");
    // A day ago, so the entries made now come after the old one.
    const now = Date.now() - 24 * 60 * 60 * 1000;
    const { team, incidentId } = await oldIncident(old, { now, status: "active" });

    server = await startServerWithPlugins(["incident"], await old.release());
    const admin = await server.admin();
    expect(expectBody(await admin.get(`${API}/incidents/${incidentId}`), incidentAnswerSchema)).toMatchObject({
      name: "DB down",
      status: "active",
      severity: "SEV2",
    });
    expect((await timelineOf(admin, incidentId)).map((e) => e.type)).toEqual(["incident_started"]);

    const webhook = await createWebhook(admin, {
      team_id: team.id,
      url: "https://hooks.example.com/sitrep",
      events: ["incident.status_update"],
    });
    expect((await admin.post(`${API}/incidents/${incidentId}/status-updates`, { message: "Still degraded" })).status).toBe(201);
    const delivery = itemAt(await deliveriesOf(admin, webhook.id), 0, "delivery");
    expect(delivery).toMatchObject({ incident_id: incidentId, event_type: "incident.status_update" });
    expect((await timelineOf(admin, incidentId)).map((e) => e.type)).toEqual(["incident_started", "status_update"]);
  });
});
