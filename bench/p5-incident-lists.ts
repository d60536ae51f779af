/**
 * @module bench/p5-incident-lists
 * P5: the incident lists at scale. Two servers in one process, each with the
 * Incident plugin built by the real build script and installed through the
 * API, one team: the large one holds 100,000 ended and 1,000 active
 * incidents, the small one 1,000 in all (950 ended, 50 active: one RHS page
 * of each, so both answer the same amount). 1% of each are private, in
 * channels of their own the reader is not in. Incidents and their timelines
 * (a status update, a stage change and the end for each ended one) are
 * written in bulk into the plugin's tables, as a migration would, not
 * through the API. The reader is a team member, not an admin, so the
 * visibility rule runs as in a real RHS.
 *
 * Measured through HTTP by a worker thread, one request at a time over
 * keep-alive: the RHS active list (`GET /incidents?team_id&status=active`,
 * its first page of 50) and the history page's first page
 * (`GET /incidents?team_id&status=all&per_page=20`, newest first), on each
 * server, alternating over rounds; each ratio is the large server's median
 * over the small one's (target ≤ 2). Then `GET /stats` of the team over the
 * 101,000 incidents, against the time of 20 list requests (20 × the large
 * server's median history page; target: under). The bench checks the totals
 * and the stats' count, so the figures are of the real work. When
 * PostgreSQL answers at TEST_DATABASE_URL, the same is measured there.
 */
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { z } from "zod";
import { newId } from "#common/ids.ts";
import { buildPlugin } from "../scripts/build-plugin.mjs";
import { dropPgSchema } from "../server/db/index.ts";
import type { RunningServer } from "../server/server.ts";
import type { IncidentsTable, IncidentTables, TimelineTable } from "../plugins/incident/server/store.ts";
import { benchPostgres, BenchWorker, median, seedWorkspace, startBenchServer, tmpDir, type BenchCase } from "./support.ts";

const LARGE = { ended: 100_000, active: 1_000 };
const SMALL = { ended: 950, active: 50 };
const ROUNDS = 8;
const PER_ROUND = 10;
const STATS_REPS = 5;
const LIST_TARGET = 2;
const API = "/plugins/incident/api/v1";
const WEEK = 7 * 24 * 60 * 60 * 1000;

const timedAnswer = z.object({ ms: z.array(z.array(z.number())), last: z.array(z.string()) });
const pageAnswer = z.looseObject({ total_count: z.number(), items: z.array(z.looseObject({})) });
const statsAnswer = z.looseObject({ count: z.number(), active: z.number() });

interface Side {
  server: RunningServer;
  teamId: string;
  reader: string;
  seedMs: number;
}

/** `count` incidents of the team, written in one transaction with their timelines. */
async function seedIncidents(server: RunningServer, props: { teamId: string; ended: number; active: number }): Promise<void> {
  const db = server.host.db.withTables<Pick<IncidentTables, "incident_incidents" | "incident_timeline">>();
  const total = props.ended + props.active;
  // Spread over 10 years, oldest first; the active ones are the newest.
  const first = Date.UTC(2016, 0, 4);
  const step = Math.floor((520 * WEEK) / total);
  const severities = ["SEV1", "SEV2", "SEV3", "SEV4"];
  const stages = ["Triage", "Mitigation", "Resolved"];
  await db.transaction().execute(async (trx) => {
    for (let start = 0; start < total; start += 500) {
      const incidents: IncidentsTable[] = [];
      const entries: TimelineTable[] = [];
      for (let i = start; i < Math.min(total, start + 500); i++) {
        const ended = i < props.ended;
        const at = first + i * step;
        const id = newId();
        const end = ended ? at + 600_000 + ((i * 7919) % 7_200_000) : 0;
        incidents.push({
          id,
          team_id: props.teamId,
          channel_id: newId(),
          channel_name: `inc-${i + 1}`,
          name: `Incident ${i + 1} checkout latency`,
          seq: i + 1,
          commander_user_id: newId(),
          playbook_id: "",
          playbook_version: 0,
          playbook_name: "",
          fields: "{}",
          stages: JSON.stringify(stages),
          current_stage: ended ? "Resolved" : "Triage",
          forwarding: "[]",
          status: ended ? "ended" : "active",
          private: i % 100 === 7 ? 1 : 0,
          create_at: at,
          update_at: end || at,
          end_at: end,
          severity: severities[i % severities.length] ?? "SEV2",
          severities: JSON.stringify(severities),
          roles: "{}",
          broadcast: "[]",
          update_every_ms: 0,
          last_status_update_at: 0,
          reminded_due_at: 0,
          drill: i % 50 === 3 ? 1 : 0,
          channel_created: 1,
          item_seq: 0,
          archive_on_end: 0,
        });
        const entry = (type: TimelineTable["type"], when: number, details: object): TimelineTable => ({
          id: newId(),
          incident_id: id,
          type,
          create_at: when,
          actor_user_id: "",
          summary: type,
          post_id: "",
          details: JSON.stringify(details),
        });
        entries.push(entry("incident_started", at, {}));
        if (ended) {
          entries.push(entry("status_update", at + 300_000, {}));
          entries.push(entry("stage_changed", at + 400_000, { from: "Triage", to: "Mitigation" }));
          entries.push(entry("incident_ended", end, {}));
        }
      }
      await trx.insertInto("incident_incidents").values(incidents).execute();
      for (let e = 0; e < entries.length; e += 500)
        await trx
          .insertInto("incident_timeline")
          .values(entries.slice(e, e + 500))
          .execute();
    }
  });
}

/** A server with the plugin and the team's incidents, and its reader's token. */
async function prepare(props: {
  dir: string;
  incidents: { ended: number; active: number };
  postgres?: { databaseUrl: string; pgSchema: string };
}): Promise<Side> {
  const server = await startBenchServer(props.dir, props.postgres);
  const seeded = await seedWorkspace(server, 2);
  const reader = seeded.members[0];
  if (!reader) throw new Error("P5: no reader was seeded");
  const bundle = fs.readFileSync(await buildPlugin({ dir: path.resolve(import.meta.dirname, "../plugins/incident"), outDir: props.dir }));
  const form = new FormData();
  form.append("plugin", new Blob([new Uint8Array(bundle)], { type: "application/gzip" }), "incident.tar.gz");
  for (const [urlPath, body] of [
    ["/api/v4/plugins", form],
    ["/api/v4/plugins/incident/enable", undefined],
  ] as const) {
    const res = await fetch(`${server.url}${urlPath}`, {
      method: "POST",
      headers: { authorization: `Bearer ${seeded.author.token}` },
      body,
    });
    if (res.status >= 300) throw new Error(`P5: POST ${urlPath}: ${res.status} ${await res.text()}`);
  }
  const started = performance.now();
  await seedIncidents(server, { teamId: seeded.channel.team_id, ...props.incidents });
  return { server, teamId: seeded.channel.team_id, reader: reader.token, seedMs: performance.now() - started };
}

const activePath = (teamId: string) => `${API}/incidents?team_id=${teamId}&status=active&page=0&per_page=50`;
const historyPath = (teamId: string) => `${API}/incidents?team_id=${teamId}&status=all&page=0&per_page=20`;
const statsPath = (teamId: string) => `${API}/stats?team_id=${teamId}`;

async function timed(worker: BenchWorker, side: Side, paths: string[], reps: number) {
  return timedAnswer.parse(await worker.ask({ type: "timed", base: side.server.url, token: side.reader, paths, reps }));
}

interface Figures {
  active: [number, number];
  history: [number, number];
  stats: number;
  seedMs: number;
}

async function measure(worker: BenchWorker, small: Side, large: Side): Promise<Figures> {
  const sides = [small, large] as const;
  // Warm-up, and the check that each answers what was seeded.
  for (const [side, counts] of [
    [small, SMALL],
    [large, LARGE],
  ] as const) {
    const warm = await timed(worker, side, [activePath(side.teamId), historyPath(side.teamId)], 3);
    const active = pageAnswer.parse(JSON.parse(warm.last[0] ?? "{}"));
    const history = pageAnswer.parse(JSON.parse(warm.last[1] ?? "{}"));
    const total = counts.ended + counts.active;
    // Private incidents are those with i % 100 === 7; count the reader's share of each range.
    const hidden = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k).filter((i) => i % 100 === 7).length;
    const expectActive = counts.active - hidden(counts.ended, total);
    const expectAll = total - hidden(0, total);
    if (active.total_count !== expectActive || history.total_count !== expectAll || history.items.length !== 20)
      throw new Error(`P5: listed ${active.total_count} active / ${history.total_count} in all, expected ${expectActive} / ${expectAll}`);
  }
  const ms = { active: [[], []] as number[][], history: [[], []] as number[][] };
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 ? [1, 0] : [0, 1];
    for (const s of order) {
      const side = sides[s === 0 ? 0 : 1];
      const answer = await timed(worker, side, [activePath(side.teamId), historyPath(side.teamId)], PER_ROUND);
      ms.active[s]?.push(...(answer.ms[0] ?? []));
      ms.history[s]?.push(...(answer.ms[1] ?? []));
    }
  }
  const stats = await timed(worker, large, [statsPath(large.teamId)], STATS_REPS);
  const counted = statsAnswer.parse(JSON.parse(stats.last[0] ?? "{}"));
  if (counted.count < LARGE.ended * 0.9) throw new Error(`P5: /stats counted ${counted.count} incidents`);
  return {
    active: [median(ms.active[0] ?? []), median(ms.active[1] ?? [])],
    history: [median(ms.history[0] ?? []), median(ms.history[1] ?? [])],
    stats: median(stats.ms[0] ?? []),
    seedMs: large.seedMs,
  };
}

/** The figures as a line, and whether they meet the targets. */
function report(dialect: string, f: Figures): { text: string; met: boolean; ratio: number } {
  const activeRatio = f.active[1] / f.active[0];
  const historyRatio = f.history[1] / f.history[0];
  const twenty = 20 * f.history[1];
  const met = activeRatio <= LIST_TARGET && historyRatio <= LIST_TARGET && f.stats < twenty;
  return {
    text:
      `${dialect} (seeded in ${(f.seedMs / 1000).toFixed(1)}s): RHS active list ${f.active[1].toFixed(2)} ms vs ${f.active[0].toFixed(2)} ms, ratio ${activeRatio.toFixed(2)}; ` +
      `history first page ${f.history[1].toFixed(2)} ms vs ${f.history[0].toFixed(2)} ms, ratio ${historyRatio.toFixed(2)} (target <= ${LIST_TARGET}); ` +
      `/stats over ${(LARGE.ended + LARGE.active).toLocaleString("en-US")} ${f.stats.toFixed(0)} ms vs 20 list requests ${twenty.toFixed(0)} ms (target: under)`,
    met,
    ratio: Math.max(activeRatio, historyRatio),
  };
}

async function run(
  worker: BenchWorker,
  dir: string,
  postgres?: { databaseUrl: string },
): Promise<{ text: string; met: boolean; ratio: number }> {
  const schemas = postgres ? [`bench_p5s_${newId()}`, `bench_p5l_${newId()}`] : [];
  const pgOf = (i: number) => (postgres ? { databaseUrl: postgres.databaseUrl, pgSchema: schemas[i] ?? "" } : undefined);
  const sides: Side[] = [];
  try {
    sides.push(await prepare({ dir: path.join(dir, "small"), incidents: SMALL, postgres: pgOf(0) }));
    sides.push(await prepare({ dir: path.join(dir, "large"), incidents: LARGE, postgres: pgOf(1) }));
    if (postgres)
      for (const schema of schemas) {
        const client = new pg.Client({ connectionString: postgres.databaseUrl, options: `-c search_path=${schema}` });
        await client.connect();
        await client.query("ANALYZE");
        await client.end();
      }
    const [small, large] = sides;
    if (!small || !large) throw new Error("P5: servers missing");
    return report(postgres ? "PostgreSQL" : "SQLite", await measure(worker, small, large));
  } finally {
    for (const side of sides) await side.server.close();
    if (postgres) for (const schema of schemas) await dropPgSchema(postgres.databaseUrl, schema);
  }
}

export const p5IncidentLists: BenchCase = {
  id: "P5",
  title: "RHS active list and history page with 101,000 incidents vs 1,000; /stats vs 20 list requests",
  async run() {
    const tmp = tmpDir("p5");
    const worker = new BenchWorker("timed-gets.mjs", null);
    try {
      const sqlite = await run(worker, path.join(tmp.dir, "sqlite"));
      const databaseUrl = await benchPostgres();
      const postgres = databaseUrl ? await run(worker, path.join(tmp.dir, "postgres"), { databaseUrl }) : null;
      return {
        line: `P5 incident lists: ${sqlite.text}; ${postgres ? postgres.text : "PostgreSQL: skipped (no database at TEST_DATABASE_URL)"}`,
        ratio: Math.max(sqlite.ratio, postgres?.ratio ?? 0),
        met: sqlite.met && (postgres?.met ?? true),
      };
    } finally {
      await worker.stop();
      tmp.remove();
    }
  },
};

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const outcome = await p5IncidentLists.run();
  console.log(outcome.line);
  process.exit(outcome.met ? 0 : 1);
}
