/**
 * Incident starts and playbook applies sent at once, on SQLite and on
 * PostgreSQL (where they really run side by side): every start succeeds or
 * fails cleanly, with its own team number, and a start that fails leaves no
 * channel without an incident.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { apiErrorBodySchema } from "#common/wire-schemas.ts";
import type { Team } from "#common/wire.ts";
import { expectBody, uniqueName, type ApiResponse, type TestServer, type UserClient } from "#testing";
import { incidentAnswerSchema } from "../common/types.ts";
import type { IncidentTables } from "./store.ts";
import { API, startIncidentServer } from "./test-server.ts";

let server: TestServer;
let alice: UserClient;
let team: Team;

beforeAll(async () => {
  server = await startIncidentServer();
  alice = await server.createUser();
  team = await server.createTeam(alice);
});
afterAll(async () => server?.close());

const statuses = (answers: ApiResponse[]) => answers.map((a) => a.status).sort((a, b) => a - b);
const start = (body: Record<string, unknown>) => alice.post(`${API}/incidents`, { team_id: team.id, ...body });

/** The team's channels that no incident runs in (Town Square and the test's own aside). */
async function channelsWithoutIncident(): Promise<string[]> {
  const rows = await server.host.db
    .selectFrom("channels")
    .select("name")
    .where("team_id", "=", team.id)
    .where("name", "<>", "town-square")
    .where("id", "not in", sql<string>`(SELECT channel_id FROM incident_incidents)`)
    .execute();
  return rows.map((r) => r.name);
}

describe("concurrent incident starts", () => {
  it("all succeed, each with its own team number and channel", async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => start({ name: `Outage ${i}` })));
    expect(statuses(answers)).toEqual(answers.map(() => 201));
    const incidents = answers.map((a) => expectBody(a, incidentAnswerSchema));
    expect(incidents.map((i) => i.seq).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(new Set(incidents.map((i) => i.channel_id)).size).toBe(10);
    expect(await channelsWithoutIncident()).toEqual([]);
  });

  it("for one channel name: one starts, the others are told the name is taken, and no channel is left over", async () => {
    const channelName = uniqueName("same");
    const answers = await Promise.all(Array.from({ length: 10 }, () => start({ name: "Same", channel_name: channelName })));
    expect(statuses(answers)).toEqual([201, 400, 400, 400, 400, 400, 400, 400, 400, 400]);
    const refusals = new Set(answers.filter((a) => a.status === 400).map((a) => expectBody(a, apiErrorBodySchema).message));
    expect([...refusals]).toEqual([`channel_name: a channel named "${channelName}" already exists in this team; try "${channelName}-2"`]);
    expect(await channelsWithoutIncident()).toEqual([]);
  });

  it("that fails after its channel was made removes the channel, so its name is free again", async () => {
    // A real failure of the database, on the insert of the incident: the channel exists by then.
    if (server.host.dialect === "postgres") {
      await sql`CREATE FUNCTION incident_refused() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'the test refuses this incident'; END $$ LANGUAGE plpgsql`.execute(
        server.host.db,
      );
      await sql`CREATE TRIGGER incident_refused BEFORE INSERT ON incident_incidents FOR EACH ROW EXECUTE FUNCTION incident_refused()`.execute(
        server.host.db,
      );
    } else {
      await sql`CREATE TRIGGER incident_refused BEFORE INSERT ON incident_incidents BEGIN SELECT RAISE(ABORT, 'the test refuses this incident'); END`.execute(
        server.host.db,
      );
    }
    const channelName = uniqueName("doomed");
    const failed = await start({ name: "Doomed", channel_name: channelName });
    expect(failed.status).toBe(500);
    expect(expectBody(failed, apiErrorBodySchema).message).toBe("An internal error occurred; it has been logged.");
    const left = await server.host.db.selectFrom("channels").select("id").where("name", "=", channelName).execute();
    expect(left).toEqual([]);
    expect(await channelsWithoutIncident()).toEqual([]);

    await sql`DROP TRIGGER incident_refused${sql.raw(server.host.dialect === "postgres" ? " ON incident_incidents" : "")}`.execute(
      server.host.db,
    );
    const again = await start({ name: "Doomed", channel_name: channelName });
    expect(again.status).toBe(201);
    expect(expectBody(again, incidentAnswerSchema).channel_name).toBe(channelName);
  });

  it("numbers a team's incidents on from its highest, also when its counter is new", async () => {
    const other = await server.createTeam(alice);
    const first = await alice.post(`${API}/incidents`, { team_id: other.id, name: "First" });
    expect(expectBody(first, incidentAnswerSchema).seq).toBe(1);
    // As a workspace migrated from before the counter has it: incidents, and no counter row.
    const tables = server.host.workspace.views().typed<IncidentTables>();
    await tables.updateTable("incident_incidents").set({ seq: 41 }).where("team_id", "=", other.id).execute();
    await tables.deleteFrom("incident_team_seqs").where("team_id", "=", other.id).execute();
    const next = await alice.post(`${API}/incidents`, { team_id: other.id, name: "Next" });
    expect(next.status).toBe(201);
    expect(expectBody(next, incidentAnswerSchema).seq).toBe(42);
  });
});

describe("concurrent playbook applies of one name", () => {
  it("create it once and answer the others 409 naming the field", async () => {
    const source = `name: ${uniqueName("Outage")}\nstages:\n  - name: Triage\n`;
    const answers = await Promise.all(Array.from({ length: 8 }, () => alice.post(`${API}/playbooks`, { team_id: team.id, source })));
    const codes = statuses(answers);
    // Each one either created it, found it unchanged (it looked after the first committed), or lost the race.
    expect(codes.filter((s) => s === 201)).toHaveLength(1);
    expect(codes.every((s) => s === 201 || s === 200 || s === 409)).toBe(true);
    for (const refused of answers.filter((a) => a.status === 409))
      expect(expectBody(refused, apiErrorBodySchema).message).toBe(
        "name: another request created a playbook of the same name at the same moment; apply again to replace it",
      );
  });
});
