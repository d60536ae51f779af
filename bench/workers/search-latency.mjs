// Client for bench P7, in its own thread so it does not share the server's
// event loop: for each search body, `reps` POSTs one after another
// (timed-post.mjs). Answers other than 200 are failures.
import { parentPort } from "node:worker_threads";
import { timedPoster } from "./timed-post.mjs";

async function latency({ url, token, bodies, reps }) {
  const poster = timedPoster({ url, token });
  const times = [];
  const found = [];
  for (const body of bodies) {
    const ms = [];
    let last;
    for (let i = 0; i < reps; i++) {
      last = await poster.post(body);
      if (last.status !== 200) throw new Error(`search ${last.payload}: ${last.status} ${last.text.slice(0, 200)}`);
      ms.push(last.ms);
    }
    times.push(ms);
    found.push(JSON.parse(last.text).order);
  }
  poster.close();
  return { times, found };
}

parentPort.on("message", async (command) => {
  try {
    if (command.type === "latency") parentPort.postMessage(await latency(command));
  } catch (error) {
    parentPort.postMessage({ error: String(error?.stack ?? error) });
  }
});
