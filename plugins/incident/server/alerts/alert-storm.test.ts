/**
 * Deduplication across processes: a storm of 1,000 re-sends of one firing
 * alert group, split between two Sitrep processes on one PostgreSQL (the
 * test server and a second real process), starts exactly one incident — the
 * claim is a row of the database, not a lock in one process's memory.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSecondProcess, testDialect, type SecondProcess, type TeamSeed, type TestServer } from "#testing";
import { alertIntakeAnswerSchema, type AlertSourceCreated } from "../../common/alert-types.ts";
import { startIncidentServer } from "../test-server.ts";
import { alertmanagerBody, createAlertSource, intakePath } from "./testdata/alert-kit.ts";

const RESENDS = 1000;
/** Requests in flight at once on each process. */
const CONCURRENCY = 25;

describe.skipIf(testDialect !== "postgres")("an alert storm across two Sitrep processes on one PostgreSQL", { timeout: 180_000 }, () => {
  let server: TestServer;
  let second: SecondProcess;
  let seed: TeamSeed;
  let source: AlertSourceCreated;

  beforeAll(async () => {
    server = await startIncidentServer();
    await server.admin();
    seed = await server.seedTeam();
    source = await createAlertSource(seed.alice, {
      team_id: seed.team.id,
      name: "Storm",
      kind: "alertmanager",
      commander_user_id: seed.bob.user.id,
    });
    second = await startSecondProcess(server);
  }, 120_000);

  afterAll(async () => {
    await second?.close();
    await server?.close();
  });

  /** Send `count` copies of `body` to the process at `base`, `CONCURRENCY` at a time; answers each outcome. */
  async function storm(base: string, body: string, count: number): Promise<string[]> {
    const outcomes: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < count) {
        next += 1;
        const res = await fetch(`${base}${intakePath(source)}`, { method: "POST", headers: { "content-type": "application/json" }, body });
        const text = await res.text();
        if (res.status !== 200 && res.status !== 201) throw new Error(`${base}: ${res.status} ${text}`);
        outcomes.push(alertIntakeAnswerSchema.parse(JSON.parse(text)).outcome);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    return outcomes;
  }

  it("starts exactly one incident from 1,000 re-sends, 500 on each process, and counts every one", async () => {
    const body = JSON.stringify(
      alertmanagerBody({
        group: "storm",
        alerts: [{ labels: { alertname: "Storm", instance: "db-prod" }, annotations: { summary: "Everything is on fire" } }],
        commonAnnotations: { summary: "Everything is on fire" },
      }),
    );
    const [here, there] = await Promise.all([storm(server.url, body, RESENDS / 2), storm(second.url, body, RESENDS / 2)]);
    const outcomes = [...here, ...there];
    expect(outcomes).toHaveLength(RESENDS);
    expect(outcomes.filter((o) => o === "started")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "repeated")).toHaveLength(RESENDS - 1);

    const incidents = await sql<{
      id: string;
      name: string;
    }>`SELECT id, name FROM incident_incidents WHERE team_id = ${seed.team.id}`.execute(server.host.db);
    expect(incidents.rows.map((r) => r.name)).toEqual(["Everything is on fire"]);
    const groups = await sql<{ incident_id: string; notifications: number | string }>`
      SELECT incident_id, notifications FROM incident_alert_groups WHERE source_id = ${source.id}`.execute(server.host.db);
    expect(groups.rows.map((g) => [g.incident_id, Number(g.notifications)])).toEqual([[incidents.rows[0]?.id, RESENDS]]);
    // The channel holds the start and one post of the alerts, not a thousand.
    const posts = await sql<{ n: number | string }>`
      SELECT count(*) AS n FROM posts p JOIN incident_incidents i ON i.channel_id = p.channel_id
      WHERE i.team_id = ${seed.team.id} AND p.props LIKE ${"%alert_received%"}`.execute(server.host.db);
    expect(Number(posts.rows[0]?.n)).toBe(1);
  });
});
