/**
 * @module bench/bus
 * BUS: the cross-process bus under a burst of channel joins (a load test's
 * set-up). Two Sitrep processes on one PostgreSQL schema: this one (in
 * process, where the joins are made) and a real second process, where an
 * observer's WebSocket — a member of every channel — counts the `user_added`
 * and `posted` events that crossed. While the joins run and after, a probe
 * post is made here every {@link PROBE_EVERY_MS}; its delay until the
 * observer on the other process has it is the figure that matters: a person
 * posting during someone else's burst. Target: probe p99 under 1 s.
 *
 * `BUS_JOINS` (default 20,000) sets the burst's size.
 */
import os from "node:os";
import path from "node:path";
import { newId } from "#common/ids.ts";
import type { Channel } from "#common/wire.ts";
import { startServerProcess, type ServerProcess } from "../scripts/server-process.ts";
import { dropPgSchema } from "../server/db/index.ts";
import { channelCreator, channelMemberAdder } from "../server/services/channels.ts";
import { postCreator } from "../server/services/posts.ts";
import { teamCreator } from "../server/services/teams.ts";
import {
  benchPostgres,
  BenchWorker,
  itemAt,
  now,
  percentile,
  seedMemberships,
  seedUsers,
  startBenchServer,
  tmpDir,
  type BenchCase,
} from "./support.ts";

const JOINS = Number(process.env.BUS_JOINS ?? 20_000);
/** Members per channel at the end of the burst, as in the load test's workspace. */
const MEMBERS_PER_CHANNEL = 750;
const CONCURRENT_JOINS = 32;
const PROBE_EVERY_MS = 200;
/** After the burst, probes go on until every join has crossed (at most this long), then this much more. */
const DRAIN_MAX_MS = 120_000;
const AFTER_MS = 5_000;
const TARGET_P99_MS = 1_000;

interface ObserverRead {
  counts: { user_added: number; posted: number; other: number };
  firstAt: number;
  lastAt: number;
  probes: Array<{ sentAt: number; delayMs: number }>;
}

export const busBurst: BenchCase = {
  id: "BUS",
  title: `${JOINS} channel joins on one process, a post's delay to a WebSocket on another (PostgreSQL LISTEN/NOTIFY)`,
  async run() {
    const databaseUrl = await benchPostgres();
    if (!databaseUrl) return { line: "BUS skipped: no PostgreSQL at TEST_DATABASE_URL on 127.0.0.1", ratio: 0, met: true };
    const tmp = tmpDir("bus");
    const pgSchema = `bus_${newId()}`;
    const here = await startBenchServer(path.join(tmp.dir, "one"), { databaseUrl, pgSchema });
    const observer = new BenchWorker("bus-observer.mjs", null);
    let other: ServerProcess | undefined;
    try {
      const [admin, watcher, ...joiners] = await seedUsers(here, { count: JOINS + 2, prefix: "bus", firstIsAdmin: true });
      if (!admin || !watcher) throw new Error("no users were seeded");
      const team = await teamCreator(here.host, {
        input: { name: `bus-${newId().slice(0, 8)}`, display_name: "Bus", type: "O" },
        creatorId: admin.user.id,
      });
      const channels: Channel[] = [];
      for (let c = 0; c < Math.ceil(JOINS / MEMBERS_PER_CHANNEL); c++)
        channels.push(
          await channelCreator(here.host, {
            input: { team_id: team.id, name: `burst-${c}`, display_name: `Burst ${c}`, type: "O" },
            creator: admin.user,
          }),
        );
      const probeChannel = await channelCreator(here.host, {
        input: { team_id: team.id, name: "probe", display_name: "Probe", type: "O" },
        creator: admin.user,
      });
      await seedMemberships(here, {
        teamId: team.id,
        userIds: [watcher.user.id, ...joiners.map((j) => j.user.id)],
        channels: [...channels, probeChannel].map((ch) => ({ channelId: ch.id, userIds: [watcher.user.id] })),
      });
      other = await startServerProcess({
        dataDir: path.join(tmp.dir, "two"),
        databaseUrl,
        pgSchema,
        env: { SITREP_LOG_LEVEL: "error", SITREP_WS_PER_ADDRESS: "0" },
      });
      await observer.ask({ type: "open", wsUrl: `${other.url.replace("http", "ws")}/api/v4/websocket`, token: watcher.token });

      const probeAuthor = { user: admin.user, via: "api" as const, trusted: true };
      let probing = true;
      let probesSent = 0;
      const prober = (async () => {
        while (probing) {
          await postCreator(here.host, { input: { channel_id: probeChannel.id, message: `probe ${now()}` }, author: probeAuthor });
          probesSent++;
          await new Promise((resolve) => setTimeout(resolve, PROBE_EVERY_MS));
        }
      })();
      const burstStart = now();
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENT_JOINS }, async () => {
          while (next < joiners.length) {
            const i = next++;
            const channel = itemAt(channels, i % channels.length);
            await channelMemberAdder(here.host, { channelId: channel.id, userId: itemAt(joiners, i).user.id });
          }
        }),
      );
      const burstMs = now() - burstStart;
      const probesDuring: number[] = [];
      const probesAfter: number[] = [];
      let read: ObserverRead = await observer.ask<ObserverRead>({ type: "read" });
      const collect = (r: ObserverRead, drainedAt: number | null) => {
        for (const p of r.probes) (drainedAt !== null && p.sentAt >= drainedAt ? probesAfter : probesDuring).push(p.delayMs);
      };
      collect(read, null);
      const drainDeadline = now() + DRAIN_MAX_MS;
      while (read.counts.user_added < JOINS && now() < drainDeadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        read = await observer.ask<ObserverRead>({ type: "read" });
        collect(read, null);
      }
      const drainedAt = now();
      await new Promise((resolve) => setTimeout(resolve, AFTER_MS));
      probing = false;
      await prober;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      read = await observer.ask<ObserverRead>({ type: "read" });
      collect(read, drainedAt);
      const crossed = read.counts.user_added + read.counts.posted;
      const crossingMs = read.lastAt - burstStart;
      const p99During = percentile(probesDuring, 0.99);
      const p99After = percentile(probesAfter, 0.99);
      const worst = Math.max(p99During, p99After);
      const lost = probesSent - probesDuring.length - probesAfter.length;
      return {
        ratio: worst,
        met: worst < TARGET_P99_MS && read.counts.user_added === JOINS && lost === 0,
        line:
          `BUS ${JOINS} joins in ${(burstMs / 1000).toFixed(1)} s (${((JOINS / burstMs) * 1000).toFixed(0)}/s) over ${channels.length} channels; ` +
          `${read.counts.user_added} user_added + ${read.counts.posted} posted crossed in ${(crossingMs / 1000).toFixed(1)} s (${((crossed / crossingMs) * 1000).toFixed(0)} events/s), ` +
          `drained ${((drainedAt - burstStart - burstMs) / 1000).toFixed(1)} s after the burst; ` +
          `probe post delay during: p50 ${percentile(probesDuring, 0.5).toFixed(0)} ms p99 ${p99During.toFixed(0)} ms (${probesDuring.length}), ` +
          `after: p50 ${percentile(probesAfter, 0.5).toFixed(0)} ms p99 ${p99After.toFixed(0)} ms (${probesAfter.length}), ${lost} probes lost ` +
          `(target p99 < ${TARGET_P99_MS} ms; load ${os.loadavg()[0]?.toFixed(1)})`,
      };
    } finally {
      await observer.ask({ type: "close" }).catch(() => {});
      await observer.stop();
      await other?.close();
      await here.close();
      tmp.remove();
      await dropPgSchema(databaseUrl, pgSchema).catch(() => {});
    }
  },
};
