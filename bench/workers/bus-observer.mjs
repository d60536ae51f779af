// The observer of bench BUS, in its own thread: one WebSocket to the second
// process, signed in as a member of every channel of the burst. It counts the
// `user_added` and `posted` frames that crossed, and for each probe post (its
// message is `probe <sent at>`) records the delay from its sending to here.
import { parentPort } from "node:worker_threads";
import { WebSocket } from "ws";

const clock = () => performance.timeOrigin + performance.now();
let ws = null;
const counts = { user_added: 0, posted: 0, other: 0 };
let firstAt = 0;
let lastAt = 0;
const probes = [];
const PROBE = /\\"message\\":\\"probe (\d+(?:\.\d+)?)\\"/;

function onFrame(data) {
  const text = data.toString();
  const at = clock();
  const event = /^\{"event":"([a-z_]+)"/.exec(text)?.[1] ?? "";
  if (event === "user_added" || event === "posted") {
    counts[event]++;
    if (!firstAt) firstAt = at;
    lastAt = at;
    const probe = event === "posted" ? PROBE.exec(text) : null;
    if (probe) probes.push({ sentAt: Number(probe[1]), delayMs: at - Number(probe[1]) });
  } else counts.other++;
}

parentPort.on("message", async (command) => {
  try {
    if (command.type === "open") {
      if (new URL(command.wsUrl.replace(/^ws/, "http")).hostname !== "127.0.0.1") throw new Error("benchmarks talk to 127.0.0.1 only");
      await new Promise((resolve, reject) => {
        ws = new WebSocket(command.wsUrl, { headers: { authorization: `Bearer ${command.token}` } });
        ws.once("error", reject);
        ws.once("message", () => {
          ws.on("message", onFrame);
          resolve();
        });
      });
      parentPort.postMessage({ opened: true });
    } else if (command.type === "read") {
      parentPort.postMessage({ counts: { ...counts }, firstAt, lastAt, probes: probes.splice(0) });
    } else if (command.type === "close") {
      ws?.terminate();
      parentPort.postMessage({ closed: true });
    }
  } catch (error) {
    parentPort.postMessage({ error: String(error?.stack ?? error) });
  }
});
