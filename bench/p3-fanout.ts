/**
 * @module bench/p3-fanout
 * P3: the time for one post to reach 5,000 WebSocket clients — all signed in,
 * all members of the channel — from the moment its HTTP POST is sent until the
 * last client has the `posted` frame, divided by the time a raw `ws`
 * WebSocketServer takes to broadcast the very same frame to 5,000 clients. The
 * clients live in a worker thread (one event loop for all of them, the same in
 * both runs); each side is measured over several rounds and the median taken.
 */
import http from "node:http";
import path from "node:path";
import { WebSocketServer } from "ws";
import { benchSettingsLine, BenchWorker, median, now, seedWorkspace, startBenchServer, tmpDir, type BenchCase } from "./support.ts";

const CLIENTS = 5000;
const ROUNDS = 6;
const PHASES = 2;
const TARGET = 2;

type Round = { lastAt: number; received: number };

/** Run rounds: arm the clients, trigger one event, wait until all have it. */
async function measureRounds(worker: BenchWorker, trigger: (round: number) => Promise<void> | void): Promise<number[]> {
  const times: number[] = [];
  for (let round = -1; round < ROUNDS; round++) {
    await worker.ask({ type: "arm" });
    const done = worker.next<Round>();
    const start = now();
    await trigger(round);
    const result = await done;
    if (round >= 0) times.push(result.lastAt - start); // round -1 warms up
  }
  return times;
}

export const p3Fanout: BenchCase = {
  id: "P3",
  title: `one event to ${CLIENTS} WebSocket clients vs raw ws broadcast`,
  async run() {
    const tmp = tmpDir("p3");
    const sitrep = await startBenchServer(path.join(tmp.dir, "sitrep"));
    const worker = new BenchWorker("ws-clients.mjs", null);
    let raw: { wss: WebSocketServer; server: http.Server } | null = null;
    try {
      const seeded = await seedWorkspace(sitrep, CLIENTS);
      const server = http.createServer();
      const wss = new WebSocketServer({ server });
      raw = { wss, server };
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
      const address = server.address();
      const rawUrl = `ws://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;

      // Phases alternate (5,000 + 5,000 sockets at once would use 20,000 descriptors), so a
      // busy moment of the machine weighs on both sides alike.
      const sitrepTimes: number[] = [];
      const rawTimes: number[] = [];
      let sample = "";
      for (let phase = 0; phase < PHASES; phase++) {
        await worker.ask({
          type: "open",
          wsUrl: `${sitrep.url.replace("http", "ws")}/api/v4/websocket`,
          tokens: seeded.members.map((m) => m.token),
          count: CLIENTS,
        });
        if (sitrep.host.realtime.connectionCount !== CLIENTS)
          throw new Error(`only ${sitrep.host.realtime.connectionCount} of ${CLIENTS} clients signed in`);
        sitrepTimes.push(
          ...(await measureRounds(worker, async (round) => {
            const res = await fetch(`${sitrep.url}/api/v4/posts`, {
              method: "POST",
              headers: { authorization: `Bearer ${seeded.author.token}`, "content-type": "application/json" },
              body: JSON.stringify({
                channel_id: seeded.channel.id,
                message: `Status update ${phase}.${round}: the database failover completed, replication lag is back under 1s.`,
              }),
            });
            if (res.status !== 201) throw new Error(`post failed: ${res.status} ${await res.text()}`);
          })),
        );
        sample ||= (await worker.ask<{ sample: string }>({ type: "sample" })).sample;
        if (!sample.startsWith('{"event":"posted"')) throw new Error(`clients received ${sample.slice(0, 80)} instead of posted`);
        await worker.ask({ type: "close" });

        // The baseline: the same frame, broadcast by a bare ws server to as many clients.
        await worker.ask({ type: "open", wsUrl: rawUrl, count: CLIENTS });
        if (wss.clients.size !== CLIENTS) throw new Error(`raw server has ${wss.clients.size} of ${CLIENTS} clients`);
        rawTimes.push(
          ...(await measureRounds(worker, () => {
            for (const client of wss.clients) client.send(sample);
          })),
        );
        await worker.ask({ type: "close" });
      }

      const sitrepMs = median(sitrepTimes);
      const rawMs = median(rawTimes);
      const ratio = sitrepMs / rawMs;
      return {
        ratio,
        met: ratio <= TARGET,
        line: `P3 fan-out to ${CLIENTS} clients: ${sitrepMs.toFixed(1)} ms, raw ws broadcast: ${rawMs.toFixed(1)} ms, ratio ${ratio.toFixed(2)} (target <= ${TARGET}; medians of ${sitrepTimes.length} rounds each; ${benchSettingsLine()})`,
      };
    } finally {
      await worker.stop();
      if (raw) {
        for (const client of raw.wss.clients) client.terminate();
        await new Promise<void>((resolve) => raw!.wss.close(() => resolve()));
        await new Promise<void>((resolve) => raw!.server.close(() => resolve()));
      }
      await sitrep.close();
      tmp.remove();
    }
  },
};
