/**
 * @module incident/server/subscriptions/test-server
 * For the subscription tests: a real HTTP receiver on loopback that records
 * every request and answers with the status its script gives, the checks a
 * receiver makes with the `standardwebhooks` package as of a given time, and
 * small helpers for the plugin's webhook API.
 */
import http from "node:http";
import { Webhook } from "standardwebhooks";
import { vi } from "vitest";
import { expectBody, type TestClient } from "#testing";
import {
  createdWebhookAnswerSchema,
  deliveryPageAnswerSchema,
  type CreateWebhookRequest,
  type Delivery,
} from "../../common/webhook-types.ts";
import { API } from "../test-server.ts";

/** One request the receiver got, and what it answered. */
export interface ReceivedRequest {
  /** The path and query, e.g. `/hook?a`. */
  path: string;
  headers: Record<string, string>;
  body: string;
  answered: number;
}

/** A running receiver. */
export interface Receiver {
  url: string;
  port: number;
  readonly requests: ReceivedRequest[];
  close(): Promise<void>;
}

/**
 * Start a receiver on 127.0.0.1; `answer(n, request)` gives the status of the
 * n-th request (from 1).
 * @example const receiver = await startReceiver((n) => (n <= 2 ? 500 : 200));
 */
export async function startReceiver(answer: (n: number, request: Omit<ReceivedRequest, "answered">) => number): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers[name] = value;
      const received = { path: req.url ?? "", headers, body: Buffer.concat(chunks).toString("utf8") };
      const status = answer(requests.length + 1, received);
      requests.push({ ...received, answered: status });
      res.writeHead(status, { "content-type": "text/plain" }).end(status < 300 ? "ok" : "not now");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * What a receiver's `new Webhook(secret).verify(body, headers)` answers when
 * the receiver's clock reads `nowMs` (the package reads `Date.now()` for its
 * 5-minute tolerance): the parsed body, or the verification error thrown.
 * `verify` is synchronous, so faking the date for it touches nothing else.
 */
export function verifyAt(props: { secret: string; body: string; headers: Record<string, string>; nowMs: number }): unknown {
  vi.useFakeTimers({ toFake: ["Date"], now: props.nowMs });
  try {
    return new Webhook(props.secret).verify(props.body, props.headers);
  } finally {
    vi.useRealTimers();
  }
}

/** Let the admin's internal-address list hold exactly these entries. */
export async function allowInternal(admin: TestClient, entries: string): Promise<void> {
  const res = await admin.put("/api/v4/config/patch", { ServiceSettings: { AllowedUntrustedInternalConnections: entries } });
  if (res.status !== 200) throw new Error(`config patch: ${res.status} ${JSON.stringify(res.body)}`);
}

/** Create a subscription; throws unless 201. Answers it with its secret. */
export async function createWebhook(client: TestClient, body: CreateWebhookRequest) {
  const res = await client.post(`${API}/webhooks`, body);
  if (res.status !== 201) throw new Error(`create webhook: ${res.status} ${JSON.stringify(res.body)}`);
  return expectBody(res, createdWebhookAnswerSchema);
}

/** A subscription's delivery log, newest first; throws unless 200. */
export async function deliveriesOf(client: TestClient, webhookId: string): Promise<Delivery[]> {
  const res = await client.get(`${API}/webhooks/${webhookId}/deliveries`);
  if (res.status !== 200) throw new Error(`deliveries: ${res.status} ${JSON.stringify(res.body)}`);
  return expectBody(res, deliveryPageAnswerSchema).items;
}
