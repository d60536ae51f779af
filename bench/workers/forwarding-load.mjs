// Load generator for bench P1 (forwarding), in its own thread so it does not
// share the server's event loop: POST /api/v4/posts for each body of a list
// (each names its channel), rotating through the posting users' tokens, over
// keep-alive connections with bounded concurrency, to 127.0.0.1 only.
// Answers the start time on the process-wide clock, so the main thread can
// time the run up to the moment its hooks are idle.
import { parentPort } from "node:worker_threads";

function loopbackOnly(url) {
  const { hostname } = new URL(url);
  if (hostname !== "127.0.0.1") throw new Error(`benchmarks talk to 127.0.0.1 only, not ${hostname}`);
}

async function load({ url, tokens, bodies, concurrency }) {
  loopbackOnly(url);
  let next = 0;
  let failed = 0;
  let firstFailure = "";
  const startedAt = performance.timeOrigin + performance.now();
  async function lane() {
    while (next < bodies.length) {
      const i = next++;
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${tokens[i % tokens.length]}` },
        body: JSON.stringify(bodies[i]),
      });
      const text = await res.text();
      if (res.status !== 201) {
        failed++;
        firstFailure ||= `${res.status} ${text.slice(0, 200)}`;
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, lane));
  const answeredAt = performance.timeOrigin + performance.now();
  return { startedAt, answeredAt, failed, firstFailure };
}

parentPort.on("message", async (command) => {
  try {
    if (command.type === "load") parentPort.postMessage(await load(command));
  } catch (error) {
    parentPort.postMessage({ error: String(error?.stack ?? error) });
  }
});
