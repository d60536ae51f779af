/**
 * The plugin's disable warning (issue 12, defect 8): the manifest names
 * `disable_warning`, the plugin list carries it to the System Console, and
 * the route tells a system admin how many incidents are active; nobody else
 * may ask. Fails on 4ac7e74 (no such route, nothing in the list).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiErrorBodySchema, pluginListSchema } from "#common/wire-schemas.ts";
import type { TestServer } from "#testing";
import { expectBody, itemAt } from "#testing";
import { z } from "zod";
import { API, startIncident, startIncidentServer, teamWithMembers } from "./test-server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startIncidentServer();
});
afterAll(async () => server?.close());

const warningSchema = z.object({ message: z.string(), active: z.number() });

describe("GET /disable-warning", () => {
  it("names the number of active incidents to a system admin; the plugin list points the console at it; others get a 403", async () => {
    const admin = await server.admin();
    const { team, users } = await teamWithMembers(server, 1);
    const alice = itemAt(users, 0, "alice");
    const none = expectBody(await admin.get(`${API}/disable-warning`), warningSchema);
    expect(none).toEqual({ message: "", active: 0 });

    await startIncident(alice, { name: "One", team_id: team.id });
    const two = await startIncident(alice, { name: "Two", team_id: team.id });
    await startIncident(alice, { name: "Three", team_id: team.id });
    expect((await alice.post(`${API}/incidents/${two.id}/end`)).status).toBe(200);
    const res = await admin.get(`${API}/disable-warning`);
    expect(res.status).toBe(200);
    expect(expectBody(res, warningSchema)).toEqual({
      active: 2,
      message:
        "2 incidents are active. Disabling the Incident plugin stops their slash commands, reminders, forwarding and the Incidents panel for everyone until it is enabled again; nothing is deleted.",
    });

    const list = expectBody(await admin.get("/api/v4/plugins"), pluginListSchema);
    expect(list.active.find((p) => p.id === "incident")?.disable_warning).toBe("/api/v1/disable-warning");

    const refused = await alice.get(`${API}/disable-warning`);
    expect(refused.status).toBe(403);
    expect(expectBody(refused, apiErrorBodySchema).message).toBe("Only system admins disable plugins.");
  });
});
