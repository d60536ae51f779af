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
 *
 * P2M reruns it with the message mix of an incident channel: a tenth of the
 * posts mention one member, others two or `@here`, and a fifth are replies
 * in threads (so the post path also finds the mentions, counts them, checks
 * the root and counts its replies); the bare route inserts the same rows.
 */
import path from "node:path";
import Fastify from "fastify";
import SQLite from "better-sqlite3";
import { newId } from "#common/ids.ts";
import { migrateHost, openDatabase } from "../server/db/index.ts";
import { postCreator } from "../server/services/posts.ts";
import { BenchWorker, itemAt, median, seedWorkspace, startBenchServer, tmpDir, type BenchCase } from "./support.ts";

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
  app.post<{ Body: { channel_id: string; message: string; root_id?: string } }>("/api/v4/posts", async (request, reply) => {
    const now = Date.now();
    const row = {
      id: newId(),
      channel_id: request.body.channel_id,
      user_id: userId,
      root_id: request.body.root_id ?? "",
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

/** The body of a post of the load. */
interface PostBody {
  channel_id: string;
  message: string;
  root_id?: string;
}

const PLAIN = "Deploy 4812 finished: 12 services updated, error rate back to 0.1%.";
/** Threads the P2M replies go to, in turn (an incident channel has a few going at once). */
const THREADS = 20;

/**
 * P2M's mix, cycled through by the load: of every ten posts, five plain, one
 * mentioning a member, one mentioning two, one `@here`, and two thread
 * replies (one of them with a mention), each reply to the next thread.
 */
function incidentMix(props: { channelId: string; usernames: string[]; rootIds: string[] }): PostBody[] {
  const at = (i: number) => `@${itemAt(props.usernames, i % props.usernames.length, "member")}`;
  const bodies: PostBody[] = [];
  for (let cycle = 0; cycle < props.rootIds.length; cycle++) {
    const root = (n: number) => itemAt(props.rootIds, (cycle * 2 + n) % props.rootIds.length, "thread");
    const ten: Array<Omit<PostBody, "channel_id">> = [
      { message: PLAIN },
      { message: `${at(cycle)} can you look at the db-01 replication lag?` },
      { message: "p99 latency on checkout is 2.3s, was 300ms" },
      { message: "rolling back payments-api to 4811", root_id: root(0) },
      { message: PLAIN },
      { message: "@here rollback started, hold deploys" },
      { message: "error rate 4.2% on eu-west" },
      { message: `${at(cycle + 1)} confirmed on my side`, root_id: root(1) },
      { message: PLAIN },
      { message: `${at(cycle + 2)} ${at(cycle + 3)} please page the db team` },
    ];
    bodies.push(...ten.map((b) => ({ channel_id: props.channelId, ...b })));
  }
  return bodies;
}

/** One run of the post path against the bare insert, with the bodies `mix` makes (after `threads` roots are posted). */
async function postPathRun(props: {
  label: string;
  threads: number;
  mix(props: { channelId: string; usernames: string[]; rootIds: string[] }): PostBody[];
}): Promise<{ ratio: number; met: boolean; line: string }> {
  const tmp = tmpDir(props.label.toLowerCase());
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
    // The threads' roots, in both: replies in Sitrep need a live root (the bare route checks nothing).
    const rootIds: string[] = [];
    for (let n = 0; n < props.threads; n++) {
      const root = await postCreator(sitrep.host, {
        input: { channel_id: seeded.channel.id, message: `incident thread ${n}` },
        author: { user: seeded.author.user, via: "api" },
      });
      rootIds.push(root.id);
    }
    const bodies = props.mix({ channelId: seeded.channel.id, usernames: seeded.members.map((m) => m.user.username), rootIds });
    const sitrepLoad = { type: "load", url: `${sitrep.url}/api/v4/posts`, token: seeded.author.token, bodies, concurrency: CONCURRENCY };
    const bareLoad = { type: "load", url: bare.url, bodies, concurrency: CONCURRENCY };
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
    const expected = (props.threads + WARMUP + ROUNDS * REQUESTS) * WS_CLIENTS;
    if (posted !== expected) throw new Error(`fan-out incomplete: the WebSocket clients received ${posted} posted events of ${expected}`);
    const sitrepRate = median(sitrepRates);
    const bareRate = median(bareRates);
    const ratio = sitrepRate / bareRate;
    return {
      ratio,
      met: ratio >= TARGET,
      line: `${props.label}: ${sitrepRate.toFixed(0)} posts/s, bare insert: ${bareRate.toFixed(0)} posts/s, ratio ${ratio.toFixed(2)} (target >= ${TARGET})`,
    };
  } finally {
    await listeners.ask({ type: "close" }).catch(() => {});
    await listeners.stop();
    await worker.stop();
    await bare.close();
    await sitrep.close();
    tmp.remove();
  }
}

export const p2PostPath: BenchCase = {
  id: "P2",
  title: "post path vs bare insert",
  run: () => postPathRun({ label: "P2 post path", threads: 0, mix: ({ channelId }) => [{ channel_id: channelId, message: PLAIN }] }),
};

export const p2mPostPathMix: BenchCase = {
  id: "P2M",
  title: "post path with mentions and thread replies in the mix vs bare insert",
  run: () => postPathRun({ label: "P2M post path (mentions, thread replies)", threads: THREADS, mix: incidentMix }),
};
