// Client for bench P4, in its own thread so it does not share the server's
// event loop: POSTs the given JSON bodies one after another over one
// keep-alive connection to 127.0.0.1, each timed from send to the last byte
// of its answer. An answer other than the expected status is a failure.
import http from "node:http";
import { parentPort } from "node:worker_threads";

function send(agent, url, headers, payload) {
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

async function timed({ url, token, bodies, status }) {
  if (new URL(url).hostname !== "127.0.0.1") throw new Error("benchmarks talk to 127.0.0.1 only");
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const headers = { "content-type": "application/json", authorization: `Bearer ${token}` };
  const ms = [];
  let last = "";
  for (const body of bodies) {
    const payload = JSON.stringify(body);
    const answer = await send(agent, url, headers, payload);
    if (answer.status !== status) throw new Error(`POST ${url} ${payload.slice(0, 200)}: ${answer.status} ${answer.text.slice(0, 300)}`);
    ms.push(answer.ms);
    last = answer.text;
  }
  agent.destroy();
  return { ms, last };
}

parentPort.on("message", async (command) => {
  try {
    if (command.type === "timed") parentPort.postMessage(await timed(command));
  } catch (error) {
    parentPort.postMessage({ error: String(error?.stack ?? error) });
  }
});
