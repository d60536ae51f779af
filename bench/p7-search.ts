/**
 * @module bench/p7-search
 * P7: search latency over 100,000 posts through Sitrep's whole search path —
 * HTTP `POST /api/v4/teams/{id}/posts/search` with a bearer token, session,
 * team check, term parsing, the readable-channel filter, the FTS5 match,
 * presenting and reactions — divided by the latency of the same query's raw
 * FTS5 SQL (the same MATCH text, the channels the searcher may read given as
 * a list, `from:`/`in:` as plain conditions, newest first, one page) run with
 * a prepared better-sqlite3 statement on the same database file in the same
 * run. The posts are written in one transaction (the FTS5 triggers index
 * them as they go); the searcher reads 14 of 16 channels. The HTTP client is a
 * worker thread, one request at a time over keep-alive. Each side runs every
 * query of a mix, alternating over several rounds; the ratio compares the
 * sums of the queries' median latencies. The bench checks that both sides
 * found the same posts. When PostgreSQL answers at TEST_DATABASE_URL (or
 * the test default), the same is measured there against the same query's
 * raw `to_tsvector @@ to_tsquery` SQL, for information (the target is
 * SQLite's, the embedded default).
 */
import path from "node:path";
import SQLite from "better-sqlite3";
import pg from "pg";
import { z } from "zod";
import { newId } from "#common/ids.ts";
import type { Channel, User } from "#common/wire.ts";
import { dropPgSchema } from "../server/db/index.ts";
import type { Insertable } from "kysely";
import type { PostsTable } from "../server/db/schema.ts";
import type { RunningServer } from "../server/server.ts";
import { channelCreator } from "../server/services/channels.ts";
import { fts5Query, POSTGRES_SEARCH_VECTOR_SQL, tsQuery } from "../server/services/post-search.ts";
import { parseSearchTerms, type ParsedSearch } from "../server/services/search-terms.ts";
import { BenchWorker, itemAt, median, seedWorkspace, startBenchServer, tmpDir, type BenchCase } from "./support.ts";

const POSTS = 100_000;
const AUTHORS = 20;
const PUBLIC_CHANNELS = 12;
const PRIVATE_CHANNELS = 4;
const REPS = 15;
const ROUNDS = 4;
const PER_PAGE = 60;
const TARGET = 2;
const rowIds = z.array(z.object({ id: z.string() }));

/** A small deterministic random source (mulberry32), so every run searches the same posts. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Words of incident chat, most common first; word k is picked with weight 1/(k+1) (Zipf). */
const COMMON = `the is to and of on in it we a for deploy error rate alert service latency database timeout rollback
  restart users checkout payments api gateway cache queue disk memory cpu pods node cluster region replica failover
  dashboard grafana logs trace spike p99 retry upstream dns certificate expired config flag release hotfix incident
  commander customer impact status update mitigated resolved investigating page oncall runbook ticket postmortem`
  .split(/\s+/)
  .filter(Boolean);
const VOCABULARY = [...COMMON, ...Array.from({ length: 400 }, (_, i) => `svc${i}`)];

function messageMaker(next: () => number): () => string {
  const weights = VOCABULARY.map((_, k) => 1 / (k + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  const cumulative: number[] = [];
  let sum = 0;
  for (const w of weights) cumulative.push((sum += w / total));
  const pick = () => {
    const r = next();
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (itemAt(cumulative, mid) < r) lo = mid + 1;
      else hi = mid;
    }
    return itemAt(VOCABULARY, lo);
  };
  return () => {
    const words = Array.from({ length: 6 + Math.floor(next() * 14) }, pick);
    if (next() < 0.05) words.splice(Math.floor(next() * words.length), 0, "error", "rate");
    return words.join(" ");
  };
}

/** A workspace of {@link POSTS} posts, its searcher and the channels they read. */
interface SearchWorkspace {
  teamId: string;
  searcher: { user: User; token: string };
  fromUser: User;
  inChannel: Channel;
  readableIds: string[];
  seedMs: number;
}

async function seedSearchWorkspace(sitrep: RunningServer): Promise<SearchWorkspace> {
  const seeded = await seedWorkspace(sitrep, AUTHORS);
  const searcher = itemAt(seeded.members, 0, "searcher");
  const authors = [seeded.author, ...seeded.members];
  const channels = [seeded.channel];
  for (let i = 1; i < PUBLIC_CHANNELS + PRIVATE_CHANNELS; i++) {
    const type = i < PUBLIC_CHANNELS ? "O" : "P";
    channels.push(
      await channelCreator(sitrep.host, {
        input: { team_id: seeded.channel.team_id, name: `room-${i}`, display_name: `Room ${i}`, type },
        creator: seeded.author.user,
      }),
    );
  }
  // The searcher reads the public channels and 2 of the 4 private ones.
  const readable = channels.filter((c, i) => c.type === "O" || i < PUBLIC_CHANNELS + 2);
  const now = Date.now();
  await sitrep.host.db
    .insertInto("channel_members")
    .values(
      readable
        .filter((c) => c.type === "P")
        .map((c) => ({
          channel_id: c.id,
          user_id: searcher.user.id,
          roles: "channel_user",
          last_viewed_at: 0,
          msg_count: 0,
          create_at: now,
        })),
    )
    .execute();
  for (const c of readable) sitrep.host.caches.invalidate({ kind: "members", channelId: c.id });

  const next = random(7);
  const message = messageMaker(next);
  const start = now - POSTS * 1000;
  const seedStarted = Date.now();
  await sitrep.host.db.transaction().execute(async (trx) => {
    for (let i = 0; i < POSTS; i += 1000) {
      const rows: Array<Insertable<PostsTable>> = [];
      for (let j = i; j < Math.min(POSTS, i + 1000); j++) {
        const channel = itemAt(channels, Math.floor(next() * channels.length), "channel");
        const author = itemAt(authors, Math.floor(next() * authors.length), "author");
        rows.push({
          id: newId(),
          channel_id: channel.id,
          user_id: author.user.id,
          root_id: "",
          message: message(),
          type: "",
          props: "{}",
          create_at: start + j * 1000,
          update_at: start + j * 1000,
          edit_at: 0,
          delete_at: 0,
        });
      }
      await trx.insertInto("posts").values(rows).execute();
    }
  });
  return {
    teamId: seeded.channel.team_id,
    searcher,
    fromUser: itemAt(authors, 3, "author").user,
    inChannel: itemAt(readable, 2, "channel"),
    readableIds: readable.map((c) => c.id),
    seedMs: Date.now() - seedStarted,
  };
}

/** The query mix: a common word, two words, a phrase, `from:`, `in:`, OR, a prefix. */
function queryMix(workspace: SearchWorkspace): Array<{ terms: string; is_or_search: boolean }> {
  return [
    { terms: "timeout", is_or_search: false },
    { terms: "database failover", is_or_search: false },
    { terms: '"error rate" spike', is_or_search: false },
    { terms: `rollback from:${workspace.fromUser.username}`, is_or_search: false },
    { terms: `latency in:${workspace.inChannel.name}`, is_or_search: false },
    { terms: "checkout payments", is_or_search: true },
    { terms: "replica* certificate", is_or_search: false },
    { terms: "svc120 OR svc121", is_or_search: true },
  ];
}

/** One raw query: its SQL with `?` placeholders for the text match, the channels and `from:`'s author. */
interface RawQuery {
  sql: string;
  args: unknown[];
}

/**
 * The same query as one raw statement of the dialect: what a bare search over this table would run, with
 * the searcher's channels at hand as a list (`in:` narrows them to its channel).
 */
function rawQuery(props: {
  workspace: SearchWorkspace;
  parsed: ParsedSearch;
  matchAny: boolean;
  dialect: "sqlite" | "postgres";
}): RawQuery {
  const { workspace, parsed, dialect } = props;
  const channelIds = parsed.inChannels.length ? [workspace.inChannel.id] : workspace.readableIds;
  const text = { terms: parsed.terms, matchAny: props.matchAny };
  let n = 0;
  const p = () => (dialect === "postgres" ? `$${++n}` : "?");
  const conditions = [
    dialect === "postgres"
      ? `${POSTGRES_SEARCH_VECTOR_SQL} @@ to_tsquery('simple', ${p()})`
      : `p.rowid IN (SELECT rowid FROM posts_fts WHERE posts_fts MATCH ${p()})`,
    "p.delete_at = 0",
    `p.channel_id IN (${channelIds.map(p).join(", ")})`,
  ];
  const args: unknown[] = [dialect === "postgres" ? tsQuery(text) : fts5Query(text), ...channelIds];
  if (parsed.fromUsernames.length) {
    conditions.push(`p.user_id = ${p()}`);
    args.push(workspace.fromUser.id);
  }
  const sql = `SELECT p.* FROM posts p WHERE ${conditions.join(" AND ")} ORDER BY p.create_at DESC, p.id DESC LIMIT ${PER_PAGE + 1}`;
  return { sql, args };
}

/** Route and raw latency of the mix on one server: the mean of the queries' medians, in ms. */
async function measure(props: {
  sitrep: RunningServer;
  workspace: SearchWorkspace;
  worker: BenchWorker;
  /** Runs a raw query once, answering its rows. */
  runRaw: (query: RawQuery, name: string) => Promise<unknown[]> | unknown[];
  dialect: "sqlite" | "postgres";
}): Promise<{ routeMs: number; rawMs: number; perQuery: string }> {
  const queries = queryMix(props.workspace);
  const raws = queries.map((q) =>
    rawQuery({ workspace: props.workspace, parsed: parseSearchTerms(q.terms), matchAny: q.is_or_search, dialect: props.dialect }),
  );
  const url = `${props.sitrep.url}/api/v4/teams/${props.workspace.teamId}/posts/search`;
  const bodies = queries.map((q) => ({ ...q, per_page: PER_PAGE }));
  const routeSamples: number[][] = queries.map(() => []);
  const rawSamples: number[][] = queries.map(() => []);
  for (let round = -1; round < ROUNDS; round++) {
    const answer = await props.worker.ask<{ times: number[][]; found: string[][] }>({
      type: "latency",
      url,
      token: props.workspace.searcher.token,
      bodies,
      reps: REPS,
    });
    for (const [i, query] of raws.entries()) {
      const times: number[] = [];
      let rows: unknown[] = [];
      for (let r = 0; r < REPS; r++) {
        const t0 = performance.now();
        rows = await props.runRaw(query, `p7_${i}`);
        times.push(performance.now() - t0);
      }
      const expected = rowIds
        .parse(rows)
        .slice(0, PER_PAGE)
        .map((row) => row.id);
      const what = JSON.stringify(itemAt(queries, i));
      if (expected.length === 0) throw new Error(`P7: query ${what} finds nothing`);
      if (JSON.stringify(itemAt(answer.found, i, "answer")) !== JSON.stringify(expected))
        throw new Error(`P7 (${props.dialect}): the route and the raw SQL found different posts for ${what}`);
      // Round -1 warms up both sides.
      if (round >= 0) {
        itemAt(routeSamples, i).push(...itemAt(answer.times, i));
        itemAt(rawSamples, i).push(...times);
      }
    }
  }
  const meanOfMedians = (samples: number[][]) => samples.reduce((sum, s) => sum + median(s), 0) / samples.length;
  return {
    routeMs: meanOfMedians(routeSamples),
    rawMs: meanOfMedians(rawSamples),
    perQuery: queries.map((_, i) => `${median(itemAt(routeSamples, i)).toFixed(2)}/${median(itemAt(rawSamples, i)).toFixed(2)}`).join(" "),
  };
}

/** P7 on PostgreSQL, or why it was skipped. */
async function postgresLine(dir: string, worker: BenchWorker): Promise<string> {
  const databaseUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
  if (new URL(databaseUrl).hostname !== "127.0.0.1") return "PostgreSQL: skipped (benchmarks talk to 127.0.0.1 only)";
  const probe = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 1000 });
  try {
    await probe.connect();
  } catch {
    return "PostgreSQL: skipped (no database at TEST_DATABASE_URL)";
  } finally {
    await probe.end().catch(() => {});
  }
  const pgSchema = `bench_p7_${newId()}`;
  const sitrep = await startBenchServer(dir, { databaseUrl, pgSchema });
  const raw = new pg.Client({ connectionString: databaseUrl, options: `-c search_path=${pgSchema}` });
  try {
    const workspace = await seedSearchWorkspace(sitrep);
    await raw.connect();
    await raw.query("ANALYZE posts");
    const result = await measure({
      sitrep,
      workspace,
      worker,
      dialect: "postgres",
      // A named statement: prepared once on this connection, as better-sqlite3's is.
      runRaw: async (query, name) => (await raw.query({ name, text: query.sql, values: query.args })).rows,
    });
    const ratio = result.routeMs / result.rawMs;
    return `PostgreSQL: route ${result.routeMs.toFixed(2)} ms, raw to_tsvector ${result.rawMs.toFixed(2)} ms (${result.perQuery}), ratio ${ratio.toFixed(2)}`;
  } finally {
    await raw.end().catch(() => {});
    await sitrep.close();
    await dropPgSchema(databaseUrl, pgSchema);
  }
}

export const p7Search: BenchCase = {
  id: "P7",
  title: `search over ${POSTS.toLocaleString("en-US")} posts vs raw FTS5 SQL`,
  async run() {
    const tmp = tmpDir("p7");
    const worker = new BenchWorker("search-latency.mjs", null);
    try {
      const dir = path.join(tmp.dir, "sqlite");
      const sitrep = await startBenchServer(dir);
      let sqlite: { routeMs: number; rawMs: number; perQuery: string; seedMs: number };
      try {
        const workspace = await seedSearchWorkspace(sitrep);
        const raw = new SQLite(path.join(dir, "data", "sitrep.db"), { readonly: true });
        const statements = new Map<string, SQLite.Statement>();
        try {
          const result = await measure({
            sitrep,
            workspace,
            worker,
            dialect: "sqlite",
            runRaw: (query) => {
              const statement = statements.get(query.sql) ?? raw.prepare(query.sql);
              statements.set(query.sql, statement);
              return statement.all(...query.args);
            },
          });
          sqlite = { ...result, seedMs: workspace.seedMs };
        } finally {
          raw.close();
        }
      } finally {
        await sitrep.close();
      }
      const ratio = sqlite.routeMs / sqlite.rawMs;
      const postgres = await postgresLine(path.join(tmp.dir, "postgres"), worker);
      return {
        ratio,
        met: ratio <= TARGET,
        line: `P7 search over ${POSTS} posts (seeded in ${(sqlite.seedMs / 1000).toFixed(1)}s): route ${sqlite.routeMs.toFixed(2)} ms, raw FTS5 ${sqlite.rawMs.toFixed(2)} ms per query (mean of 8 medians; route/raw ms each: ${sqlite.perQuery}), ratio ${ratio.toFixed(2)} (target <= ${TARGET}); ${postgres}`,
      };
    } finally {
      await worker.stop();
      tmp.remove();
    }
  },
};
