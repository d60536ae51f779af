// Client for bench P7, in its own thread so it does not share the server's
// event loop: for each search body, `reps` POSTs one after another over one
// keep-alive connection to 127.0.0.1, each timed from send to the last byte
// of its answer. Answers other than 200 are failures.
import http from "node:http";
import { parentPort } from "node:worker_threads";

function search(agent, url, headers, payload) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const request = http.request(
      url,
      { method: "POST", agent, headers: { ...headers, "content-length": Buffer.byteLength(payload) } },
      (response) => {
        const chunks = [];
        response.on("data", (chunk) => chunks.push(chunk));
        response.on("end", () =>
          resolve({ ms: performance.now() - start, status: response.statusCode, text: Buffer.concat(chunks).toString() }),
        );
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    request.end(payload);
  });
}

async function latency({ url, token, bodies, reps }) {
  if (new URL(url).hostname !== "127.0.0.1") throw new Error("benchmarks talk to 127.0.0.1 only");
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const headers = { "content-type": "application/json", authorization: `Bearer ${token}` };
  const times = [];
  const found = [];
  for (const body of bodies) {
    const payload = JSON.stringify(body);
    const ms = [];
    let last;
    for (let i = 0; i < reps; i++) {
      last = await search(agent, url, headers, payload);
      if (last.status !== 200) throw new Error(`search ${payload}: ${last.status} ${last.text.slice(0, 200)}`);
      ms.push(last.ms);
    }
    times.push(ms);
    found.push(JSON.parse(last.text).order);
  }
  agent.destroy();
  return { times, found };
}

parentPort.on("message", async (command) => {
  try {
    if (command.type === "latency") parentPort.postMessage(await latency(command));
  } catch (error) {
    parentPort.postMessage({ error: String(error?.stack ?? error) });
  }
});
