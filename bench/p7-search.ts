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
 * them as they go); the searcher reads 8 of 16 channels. The HTTP client is a
 * worker thread, one request at a time over keep-alive. Each side runs every
 * query of a mix, alternating over several rounds; the ratio compares the
 * sums of the queries' median latencies. The bench checks that both sides
 * found the same posts.
 */
import path from "node:path";
import SQLite from "better-sqlite3";
import { z } from "zod";
import { newId } from "#common/ids.ts";
import type { PostsTable } from "../server/db/schema.ts";
import { channelCreator } from "../server/services/channels.ts";
import { fts5Query } from "../server/services/post-search.ts";
import { parseSearchTerms } from "../server/services/search-terms.ts";
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

export const p7Search: BenchCase = {
  id: "P7",
  title: `search over ${POSTS.toLocaleString("en-US")} posts vs raw FTS5 SQL`,
  async run() {
    const tmp = tmpDir("p7");
    const dir = path.join(tmp.dir, "sitrep");
    const sitrep = await startBenchServer(dir);
    const worker = new BenchWorker("search-latency.mjs", null);
    const raw = new SQLite(path.join(dir, "data", "sitrep.db"), { readonly: true });
    try {
      const seeded = await seedWorkspace(sitrep, AUTHORS);
      const searcher = itemAt(seeded.members, 0, "searcher");
      const authors = [seeded.author, ...seeded.members];
      const creator = seeded.author.user;
      const channels = [seeded.channel];
      for (let i = 1; i < PUBLIC_CHANNELS + PRIVATE_CHANNELS; i++) {
        const type = i < PUBLIC_CHANNELS ? "O" : "P";
        channels.push(
          await channelCreator(sitrep.host, {
            input: { team_id: seeded.channel.team_id, name: `room-${i}`, display_name: `Room ${i}`, type },
            creator,
          }),
        );
      }
      // The searcher reads the public channels and 2 of the 4 private ones; 8 of 16 hold the posts they may find.
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
          const rows: PostsTable[] = [];
          for (let j = i; j < Math.min(POSTS, i + 1000); j++) {
            // Half of the posts in the 8 channels the searcher reads, half in the others.
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
      const seedMs = Date.now() - seedStarted;

      const fromUser = itemAt(authors, 3, "author").user;
      const inChannel = itemAt(readable, 2, "channel");
      const queries: Array<{ terms: string; is_or_search: boolean }> = [
        { terms: "timeout", is_or_search: false },
        { terms: "database failover", is_or_search: false },
        { terms: '"error rate" spike', is_or_search: false },
        { terms: `rollback from:${fromUser.username}`, is_or_search: false },
        { terms: `latency in:${inChannel.name}`, is_or_search: false },
        { terms: "checkout payments", is_or_search: true },
        { terms: "replica* certificate", is_or_search: false },
        { terms: "svc120 OR svc121", is_or_search: true },
      ];

      // The same queries as raw FTS5 SQL: what a bare search over this table would run.
      const readableIds = readable.map((c) => c.id);
      const rawQueries = queries.map((q) => {
        const parsed = parseSearchTerms(q.terms);
        // Given lists, as a bare search with the user's channels at hand would: `in:` narrows them to its channel.
        const channelIds = parsed.inChannels.length ? [inChannel.id] : readableIds;
        const conditions = [
          "p.rowid IN (SELECT rowid FROM posts_fts WHERE posts_fts MATCH ?)",
          "p.delete_at = 0",
          `p.channel_id IN (${channelIds.map(() => "?").join(", ")})`,
        ];
        const args: unknown[] = [fts5Query({ terms: parsed.terms, any: q.is_or_search }), ...channelIds];
        if (parsed.fromUsernames.length) {
          conditions.push("p.user_id = ?");
          args.push(fromUser.id);
        }
        const statement = raw.prepare(
          `SELECT p.* FROM posts p WHERE ${conditions.join(" AND ")} ORDER BY p.create_at DESC, p.id DESC LIMIT ${PER_PAGE + 1}`,
        );
        return { run: () => statement.all(...args) };
      });
      const url = `${sitrep.url}/api/v4/teams/${seeded.channel.team_id}/posts/search`;
      const bodies = queries.map((q) => ({ ...q, per_page: PER_PAGE }));

      const routeSamples: number[][] = queries.map(() => []);
      const rawSamples: number[][] = queries.map(() => []);
      for (let round = -1; round < ROUNDS; round++) {
        const answer = await worker.ask<{ times: number[][]; found: string[][] }>({
          type: "latency",
          url,
          token: searcher.token,
          bodies,
          reps: REPS,
        });
        for (const [i, query] of rawQueries.entries()) {
          const times: number[] = [];
          let rows: unknown[] = [];
          for (let r = 0; r < REPS; r++) {
            const t0 = performance.now();
            rows = query.run();
            times.push(performance.now() - t0);
          }
          const expected = rowIds
            .parse(rows)
            .slice(0, PER_PAGE)
            .map((row) => row.id);
          const found = itemAt(answer.found, i, "answer");
          if (expected.length === 0) throw new Error(`P7: query ${JSON.stringify(itemAt(queries, i))} finds nothing`);
          if (JSON.stringify(found) !== JSON.stringify(expected))
            throw new Error(`P7: the route and the raw SQL found different posts for ${JSON.stringify(itemAt(queries, i))}`);
          // Round -1 warms up both sides.
          if (round >= 0) {
            itemAt(routeSamples, i).push(...itemAt(answer.times, i));
            itemAt(rawSamples, i).push(...times);
          }
        }
      }
      const routeMs = routeSamples.reduce((sum, samples) => sum + median(samples), 0) / queries.length;
      const rawMs = rawSamples.reduce((sum, samples) => sum + median(samples), 0) / queries.length;
      const ratio = routeMs / rawMs;
      const perQuery = queries
        .map((_, i) => `${median(itemAt(routeSamples, i)).toFixed(2)}/${median(itemAt(rawSamples, i)).toFixed(2)}`)
        .join(" ");
      return {
        ratio,
        met: ratio <= TARGET,
        line: `P7 search over ${POSTS} posts (seeded in ${(seedMs / 1000).toFixed(1)}s): route ${routeMs.toFixed(2)} ms, raw FTS5 ${rawMs.toFixed(2)} ms per query (mean of ${queries.length} medians; route/raw ms each: ${perQuery}), ratio ${ratio.toFixed(2)} (target <= ${TARGET})`,
      };
    } finally {
      raw.close();
      await worker.stop();
      await sitrep.close();
      tmp.remove();
    }
  },
};
