/**
 * The per-process memory of delivered sequence numbers: bounded by count, so
 * a catch-up never delivers twice what was delivered lately.
 */
import { describe, expect, it } from "vitest";
import { RecentEvents } from "./event-log.ts";

describe("RecentEvents", () => {
  it("holds the sequence numbers added, and forgets the oldest past its capacity", () => {
    const ring = new RecentEvents({ capacity: 4 });
    for (let seq = 101; seq <= 106; seq++) ring.add(seq);
    expect(ring.holds(102)).toBe(false);
    expect([103, 104, 105, 106].every((seq) => ring.holds(seq))).toBe(true);
    expect(ring.holds(107)).toBe(false);
  });
});
