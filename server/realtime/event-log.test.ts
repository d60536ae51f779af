/**
 * The per-process ring of delivered events: bounded by count and by age, and
 * a replay is all-or-nothing (a gap means a fresh hello, never a partial replay).
 */
import { describe, expect, it } from "vitest";
import { RecentEvents, type WireEvent } from "./event-log.ts";

const event = (n: number, seq: number | null = null): WireEvent => ({ event: "tick", data: { n }, broadcast: { all: true }, seq });
const ns = (entries: { event: WireEvent }[] | null) => entries?.map((e) => e.event.data.n) ?? null;

describe("RecentEvents", () => {
  it("answers every event from a position on, in delivery order", () => {
    const ring = new RecentEvents({ capacity: 8, maxAgeMs: 60_000 });
    for (const n of [1, 2, 3]) ring.append(event(n), Buffer.from(""));
    expect(ring.head).toBe(3);
    expect(ns(ring.since(2))).toEqual([2, 3]);
    expect(ns(ring.since(4))).toEqual([]);
  });

  it("forgets the oldest past its capacity, and then refuses a replay that needs them", () => {
    const ring = new RecentEvents({ capacity: 4, maxAgeMs: 60_000 });
    for (let n = 1; n <= 6; n++) ring.append(event(n, 100 + n), Buffer.from(""));
    expect(ns(ring.since(3))).toEqual([3, 4, 5, 6]);
    expect(ring.since(2)).toBeNull();
    expect(ring.holds(102)).toBe(false);
    expect(ring.holds(103)).toBe(true);
  });

  it("forgets events older than its age limit", () => {
    let now = 1_000;
    const ring = new RecentEvents({ capacity: 16, maxAgeMs: 100, now: () => now });
    ring.append(event(1, 1), Buffer.from(""));
    now += 60;
    ring.append(event(2, 2), Buffer.from(""));
    now += 60;
    expect(ring.since(1)).toBeNull();
    expect(ns(ring.since(2))).toEqual([2]);
    expect(ring.holds(1)).toBe(false);
  });
});
