/**
 * The bus packs the messages published while a send is under way into as
 * few NOTIFYs as fit, and the other processes unpack them in order: a burst
 * crosses in a few round trips, nothing lost, nothing reordered, a message
 * too large for a NOTIFY still going through the table.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startTestServer, testDialect, type TestServer } from "#testing";
import { packed, type BusMessage } from "./bus.ts";

describe("packing messages into NOTIFY payloads", () => {
  it("keeps the order, stays under the limit, and sends an oversized message alone", () => {
    const small = (n: number) => JSON.stringify({ topic: "t", payload: { n }, origin: "p" });
    const big = JSON.stringify({ topic: "t", payload: { text: "x".repeat(200) }, origin: "p" });
    const texts = [small(1), small(2), small(3), big, small(4)];
    const payloads = packed(texts, 120);
    expect(payloads).toEqual([`[${small(1)},${small(2)}]`, small(3), big, small(4)]);
    for (const p of payloads) if (p !== big) expect(Buffer.byteLength(p)).toBeLessThanOrEqual(120);
    const unpacked = payloads.flatMap((p) => (p.startsWith("[") ? (JSON.parse(p) as unknown[]) : [JSON.parse(p) as unknown]));
    expect(unpacked).toEqual(texts.map((t) => JSON.parse(t) as unknown));
    expect(packed([], 120)).toEqual([]);
  });
});

describe.skipIf(testDialect !== "postgres")("a burst across two processes on one PostgreSQL", () => {
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    a = await startTestServer();
    b = await startTestServer({ pgSchema: a.config.pgSchema });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it("reaches the other process whole and in order", async () => {
    const received: number[] = [];
    const unsubscribe = b.host.bus.subscribe((message: BusMessage) => {
      if (message.topic !== "test.burst") return;
      const payload = message.payload as { n: number };
      received.push(payload.n);
    });
    const count = 3_000;
    for (let n = 0; n < count; n++) a.host.bus.publish("test.burst", n === 1_500 ? { n, filler: "y".repeat(9_000) } : { n });
    await eventually(() => received.length === count, { ms: 20_000, what: `all ${count} messages on the other process` });
    unsubscribe();
    expect(received).toEqual(Array.from({ length: count }, (_, n) => n));
  });
});
