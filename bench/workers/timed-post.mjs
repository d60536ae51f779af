// One keep-alive connection to 127.0.0.1 for the benchmark clients: JSON
// POSTs one after another, each timed from send to the last byte of its
// answer. Shared by the P4 and P7 workers.
import http from "node:http";

/**
 * A poster of JSON bodies to `url` with `token`.
 * @example const poster = timedPoster({ url, token }); const { ms, status, text } = await poster.post({ terms: "x" }); poster.close();
 */
export function timedPoster({ url, token }) {
  if (new URL(url).hostname !== "127.0.0.1") throw new Error("benchmarks talk to 127.0.0.1 only");
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const headers = { "content-type": "application/json", authorization: `Bearer ${token}` };
  return {
    post(body) {
      const payload = JSON.stringify(body);
      return new Promise((resolve, reject) => {
        const start = performance.now();
        const request = http.request(
          url,
          { method: "POST", agent, headers: { ...headers, "content-length": Buffer.byteLength(payload) } },
          (response) => {
            const chunks = [];
            response.on("data", (chunk) => chunks.push(chunk));
            response.on("end", () =>
              resolve({ ms: performance.now() - start, status: response.statusCode, text: Buffer.concat(chunks).toString(), payload }),
            );
            response.on("error", reject);
          },
        );
        request.on("error", reject);
        request.end(payload);
      });
    },
    close: () => agent.destroy(),
  };
}
