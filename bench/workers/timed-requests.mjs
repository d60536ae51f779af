// Client for bench P4, in its own thread so it does not share the server's
// event loop: POSTs the given JSON bodies one after another (timed-post.mjs).
// An answer other than the expected status is a failure.
import { parentPort } from "node:worker_threads";
import { timedPoster } from "./timed-post.mjs";

async function timed({ url, token, bodies, status }) {
  const poster = timedPoster({ url, token });
  const ms = [];
  let last = "";
  for (const body of bodies) {
    const answer = await poster.post(body);
    if (answer.status !== status)
      throw new Error(`POST ${url} ${answer.payload.slice(0, 200)}: ${answer.status} ${answer.text.slice(0, 300)}`);
    ms.push(answer.ms);
    last = answer.text;
  }
  poster.close();
  return { ms, last };
}

parentPort.on("message", async (command) => {
  try {
    if (command.type === "timed") parentPort.postMessage(await timed(command));
  } catch (error) {
    parentPort.postMessage({ error: String(error?.stack ?? error) });
  }
});
