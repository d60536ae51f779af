/**
 * @module bench/p2-post-path
 * P2: posts per second through Sitrep's whole post path — HTTP POST
 * /api/v4/posts with a bearer token, session and permission checks,
 * validation, `messageWillBePosted`/`onMessagePosted` hooks, the insert
 * transaction and the `posted` fan-out to a few WebSocket clients — divided by
 * the posts per second of a bare Fastify route that does only the single
 * insert, with a prepared better-sqlite3 statement, into an identical posts
 * table (same migration, same pragmas) in another SQLite file. Both run in
 * this process; the load comes from a worker thread (node:http, keep-alive,
 * 8 requests in flight), the WebSocket clients from another.
 */
import path from "node:path";
import Fastify from "fastify";
import SQLite from "better-sqlite3";
import { newId } from "#common/ids.ts";
import { migrateHost, openDatabase } from "../server/db/index.ts";
import { BenchWorker, median, seedWorkspace, startBenchServer, tmpDir, type BenchCase } from "./support.ts";

const REQUESTS = 1000;
const WARMUP = 500;
const CONCURRENCY = 8;
const ROUNDS = 7;
const WS_CLIENTS = 4;
const TARGET = 0.5;

/** The bare baseline: Fastify, one prepared INSERT into the same table, no auth, no hooks, no fan-out. */
export async function startBareServer(dir: string): Promise<{ url: string; close(): Promise<void> }> {
  // Create the table with Sitrep's own migration, so it is the same table with the same indexes.
  const workspace = await openDatabase({ dataDir: dir });
  await migrateHost(workspace);
  await workspace.close();
  const sqlite = new SQLite(path.join(dir, "sitrep.db"));
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("foreign_keys = ON");
  const insert = sqlite.prepare(
    "INSERT INTO posts (id, channel_id, user_id, root_id, message, type, props, create_at, update_at, edit_at, delete_at) VALUES (@id, @channel_id, @user_id, @root_id, @message, @type, @props, @create_at, @update_at, @edit_at, @delete_at)",
  );
  const userId = newId();
  const app = Fastify({ logger: false });
  app.post<{ Body: { channel_id: string; message: string } }>("/api/v4/posts", async (request, reply) => {
    const now = Date.now();
    const row = {
      id: newId(),
      channel_id: request.body.channel_id,
      user_id: userId,
      root_id: "",
      message: request.body.message,
      type: "",
      props: "{}",
      create_at: now,
      update_at: now,
      edit_at: 0,
      delete_at: 0,
    };
    insert.run(row);
    return reply.status(201).send({ ...row, props: {} });
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/api/v4/posts`,
    async close() {
      await app.close();
      sqlite.close();
    },
  };
}

export const p2PostPath: BenchCase = {
  id: "P2",
  title: "post path vs bare insert",
  async run() {
    const tmp = tmpDir("p2");
    const sitrep = await startBenchServer(path.join(tmp.dir, "sitrep"));
    const bare = await startBareServer(path.join(tmp.dir, "bare"));
    const worker = new BenchWorker("http-load.mjs", null);
    const listeners = new BenchWorker("http-load.mjs", null);
    try {
      const seeded = await seedWorkspace(sitrep, WS_CLIENTS);
      // A hook of each kind, as a plugin would have, so the path runs them.
      sitrep.host.hooks.registerWillBePosted("bench", (post) =>
        post.message.length > 16000 ? { error: { message: "too long" } } : undefined,
      );
      sitrep.host.hooks.registerPosted("bench", () => {});
      await listeners.ask({
        type: "sockets",
        wsUrl: `${sitrep.url.replace("http", "ws")}/api/v4/websocket`,
        tokens: seeded.members.map((m) => m.token),
      });

      const body = { channel_id: seeded.channel.id, message: "Deploy 4812 finished: 12 services updated, error rate back to 0.1%." };
      const sitrepLoad = { type: "load", url: `${sitrep.url}/api/v4/posts`, token: seeded.author.token, body, concurrency: CONCURRENCY };
      const bareLoad = { type: "load", url: bare.url, body, concurrency: CONCURRENCY };
      type LoadResult = { elapsedMs: number; failed: number; firstFailure: string };
      const measure = async (command: Record<string, unknown>, total: number) => {
        const result = await worker.ask<LoadResult>({ ...command, total });
        if (result.failed) throw new Error(`${result.failed} of ${total} posts failed; first: ${result.firstFailure}`);
        return (total / result.elapsedMs) * 1000;
      };
      await measure(sitrepLoad, WARMUP);
      await measure(bareLoad, WARMUP);
      const sitrepRates: number[] = [];
      const bareRates: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        sitrepRates.push(await measure(sitrepLoad, REQUESTS));
        bareRates.push(await measure(bareLoad, REQUESTS));
      }
      await sitrep.host.hooks.idle();
      const { posted } = await listeners.ask<{ posted: number }>({ type: "posted" });
      const expected = (WARMUP + ROUNDS * REQUESTS) * WS_CLIENTS;
      if (posted !== expected) throw new Error(`fan-out incomplete: the WebSocket clients received ${posted} posted events of ${expected}`);
      const sitrepRate = median(sitrepRates);
      const bareRate = median(bareRates);
      const ratio = sitrepRate / bareRate;
      return {
        ratio,
        met: ratio >= TARGET,
        line: `P2 post path: ${sitrepRate.toFixed(0)} posts/s, bare insert: ${bareRate.toFixed(0)} posts/s, ratio ${ratio.toFixed(2)} (target >= ${TARGET})`,
      };
    } finally {
      await listeners.ask({ type: "close" }).catch(() => {});
      await listeners.stop();
      await worker.stop();
      await bare.close();
      await sitrep.close();
      tmp.remove();
    }
  },
};
