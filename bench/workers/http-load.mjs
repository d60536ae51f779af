// Load generator for bench P2 and P2M, in its own thread so it does not share the
// server's event loop: a fixed number of POSTs over keep-alive connections
// with bounded concurrency, to 127.0.0.1 only. Another instance holds a few
// WebSocket clients that count the `posted` events they receive.
import http from "node:http";
import { parentPort } from "node:worker_threads";
import { WebSocket } from "ws";

const sockets = [];
let postedSeen = 0;

function loopbackOnly(url) {
  const { hostname } = new URL(url);
  if (hostname !== "127.0.0.1") throw new Error(`benchmarks talk to 127.0.0.1 only, not ${hostname}`);
}

async function openSockets({ wsUrl, tokens }) {
  loopbackOnly(wsUrl.replace(/^ws/, "http"));
  await Promise.all(
    tokens.map(
      (token) =>
        new Promise((resolve, reject) => {
          const ws = new WebSocket(wsUrl, { headers: { authorization: `Bearer ${token}` } });
          ws.on("message", (data) => {
            const text = data.toString();
            if (text.startsWith('{"event":"hello"')) resolve();
            else if (text.startsWith('{"event":"posted"')) postedSeen++;
          });
          ws.once("error", reject);
          sockets.push(ws);
        }),
    ),
  );
  return { opened: sockets.length };
}

/** One POST over the keep-alive agent; resolves with the status and body. */
function post(agent, url, headers, payload) {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: "POST", agent, headers }, (response) => {
      const chunks = [];
      response.on("data", (chunk) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode, text: Buffer.concat(chunks).toString() }));
      response.on("error", reject);
    });
    request.on("error", reject);
    request.end(payload);
  });
}

/**
 * POSTs `total` requests; with `bodies`, request n sends `bodies[n % bodies.length]` (a message mix), else `body` each time.
 * An answer whose status is not in `okStatuses` (default [201]) counts as failed.
 */
async function load({ url, token, body, bodies, total, concurrency, okStatuses = [201] }) {
  loopbackOnly(url);
  const requests = (bodies ?? [body]).map((b) => {
    const payload = JSON.stringify(b);
    const headers = { "content-type": "application/json", "content-length": Buffer.byteLength(payload) };
    if (token) headers.authorization = `Bearer ${token}`;
    return { payload, headers };
  });
  // node:http with keep-alive costs the client less than fetch, so the client is not what is measured.
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  let next = 0;
  let failed = 0;
  let firstFailure = "";
  const start = performance.now();
  async function lane() {
    while (next < total) {
      const { payload, headers } = requests[next % requests.length];
      next++;
      const res = await post(agent, url, headers, payload);
      if (!okStatuses.includes(res.status)) {
        failed++;
        firstFailure ||= `${res.status} ${res.text.slice(0, 200)}`;
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, lane));
  const elapsedMs = performance.now() - start;
  agent.destroy();
  return { elapsedMs, failed, firstFailure };
}

parentPort.on("message", async (command) => {
  try {
    if (command.type === "sockets") parentPort.postMessage(await openSockets(command));
    else if (command.type === "load") parentPort.postMessage(await load(command));
    else if (command.type === "posted") {
      // Let in-flight frames land before counting.
      await new Promise((resolve) => setTimeout(resolve, 200));
      parentPort.postMessage({ posted: postedSeen });
    } else if (command.type === "close") {
      for (const ws of sockets) ws.terminate();
      parentPort.postMessage({ closed: true });
    }
  } catch (error) {
    parentPort.postMessage({ error: String(error?.stack ?? error) });
  }
});
