// WebSocket clients for bench P3, in their own thread: open N connections
// (signed in by bearer header when tokens are given), then for each round
// record when every connection has received one frame.
import { parentPort } from "node:worker_threads";
import { WebSocket } from "ws";

let sockets = [];
let round = null;
let sample = "";

const clock = () => performance.timeOrigin + performance.now();

/** A client's own `status_change` (online, soon after hello) is not the frame a round waits for. */
const STATUS_CHANGE = Buffer.from('{"event":"status_change"');

function onFrame(data) {
  if (!round) return;
  if (Buffer.isBuffer(data) && data.subarray(0, STATUS_CHANGE.length).equals(STATUS_CHANGE)) return;
  round.received++;
  if (!sample) sample = data.toString();
  if (round.received === round.expected) {
    const done = round;
    round = null;
    parentPort.postMessage({ lastAt: clock(), received: done.received });
  }
}

async function open({ wsUrl, tokens, count }) {
  if (new URL(wsUrl.replace(/^ws/, "http")).hostname !== "127.0.0.1") throw new Error("benchmarks talk to 127.0.0.1 only");
  sockets = [];
  const batch = 100;
  for (let i = 0; i < count; i += batch) {
    await Promise.all(
      Array.from({ length: Math.min(batch, count - i) }, (_, k) => {
        const token = tokens?.[i + k];
        return new Promise((resolve, reject) => {
          const ws = new WebSocket(wsUrl, token ? { headers: { authorization: `Bearer ${token}` } } : {});
          ws.once("error", reject);
          if (token) {
            ws.once("message", () => {
              ws.on("message", onFrame);
              resolve();
            });
          } else {
            ws.once("open", () => {
              ws.on("message", onFrame);
              resolve();
            });
          }
          sockets.push(ws);
        });
      }),
    );
  }
  return { opened: sockets.length };
}

parentPort.on("message", async (command) => {
  try {
    if (command.type === "open") parentPort.postMessage(await open(command));
    else if (command.type === "arm") {
      round = { expected: sockets.length, received: 0 };
      parentPort.postMessage({ armed: true });
    } else if (command.type === "sample") parentPort.postMessage({ sample });
    else if (command.type === "close") {
      await Promise.all(
        sockets.map(
          (ws) => new Promise((resolve) => (ws.readyState === WebSocket.CLOSED ? resolve() : (ws.once("close", resolve), ws.terminate()))),
        ),
      );
      sockets = [];
      parentPort.postMessage({ closed: true });
    }
  } catch (error) {
    parentPort.postMessage({ error: String(error?.stack ?? error) });
  }
});
