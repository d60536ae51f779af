/**
 * `npm run loadtest -- --quick` once, on SQLite (the PostgreSQL pass skips it:
 * one run of a few minutes is enough): the generator's bookkeeping, not its
 * timings — every kind of action was done at least once, every action begun
 * was finished and counted, and the server answered no 5xx (nor a 4xx: every
 * request the model makes is one the API accepts).
 */
import { describe, expect, it } from "vitest";
import { testDialect } from "#testing";
import { COUNTED_KINDS, runLoadTest, verdictLines } from "./run.ts";

describe.skipIf(testDialect !== "sqlite")("the load test's quick mode", () => {
  it("does every kind of action, counts each one, and gets no 5xx", async () => {
    const report = await runLoadTest({ mode: "quick", dialect: "sqlite", processes: 1, workers: 1, print: () => {} });
    console.log(verdictLines(report).join("\n"));
    for (const kind of COUNTED_KINDS) {
      expect(report.begun[kind] ?? 0, kind).toBeGreaterThan(0);
      expect(report.done[kind], kind).toBe(report.begun[kind]);
    }
    const counted = COUNTED_KINDS.reduce((sum, kind) => sum + (report.done[kind] ?? 0), 0);
    expect(report.requests).toBeGreaterThanOrEqual(counted);
    expect({ errors5xx: report.errors5xx, errors4xx: report.errors4xx, crashes: report.crashes, failures: report.failures }).toEqual({
      errors5xx: 0,
      errors4xx: 0,
      crashes: 0,
      failures: [],
    });
    expect(report.windows.length).toBeGreaterThan(0);
    expect(report.framesReceived).toBeGreaterThan(0);
  }, 300_000);
});
