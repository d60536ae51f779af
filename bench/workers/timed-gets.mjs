// Client for bench P5, in its own thread so it does not share the server's
// event loop: GETs the given paths one after another over one keep-alive
// connection, each timed from send to the last byte of its answer, and
// answers the times with each path's last body. An answer other than 200 is
// a failure.
import http from "node:http";
import { parentPort } from "node:worker_threads";

function get(agent, url, token) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const request = http.get(url, { agent, headers: { authorization: `Bearer ${token}` } }, (response) => {
      const chunks = [];
      response.on("data", (chunk) => chunks.push(chunk));
      response.on("end", () =>
        resolve({ ms: performance.now() - start, status: response.statusCode, text: Buffer.concat(chunks).toString() }),
      );
      response.on("error", reject);
    });
    request.on("error", reject);
  });
}

async function timed({ base, token, paths, reps }) {
  if (new URL(base).hostname !== "127.0.0.1") throw new Error("benchmarks talk to 127.0.0.1 only");
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const ms = paths.map(() => []);
  const last = paths.map(() => "");
  try {
    for (let r = 0; r < reps; r++)
      for (const [i, path] of paths.entries()) {
        const answer = await get(agent, `${base}${path}`, token);
        if (answer.status !== 200) throw new Error(`GET ${path}: ${answer.status} ${answer.text.slice(0, 300)}`);
        ms[i].push(answer.ms);
        last[i] = answer.text;
      }
  } finally {
    agent.destroy();
  }
  return { ms, last };
}

parentPort.on("message", async (command) => {
  try {
    if (command.type === "timed") parentPort.postMessage(await timed(command));
  } catch (error) {
    parentPort.postMessage({ error: String(error?.stack ?? error) });
  }
});
