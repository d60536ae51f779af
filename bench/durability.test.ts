/**
 * The short version of the durability run (bench/durability.ts): a real
 * server process with the Incident plugin, concurrent posts, incident starts
 * and checklist changes, one SIGKILL while they are in flight, a restart on
 * the same data: nothing that was acknowledged is missing. On the run's
 * database (SQLite, or PostgreSQL in the PostgreSQL run).
 */
import { describe, expect, it } from "vitest";
import { testDatabaseUrl, testDialect } from "#testing";
import { durabilityRun, reportLine } from "./durability.ts";

describe(`acknowledged writes across a SIGKILL (${testDialect})`, () => {
  it("are all there after the restart", async () => {
    const report = await durabilityRun({
      plan: { kills: 1, loadMs: 2_000, writers: 8 },
      databaseUrl: testDialect === "postgres" ? testDatabaseUrl : undefined,
    });
    console.log(`durability (short): ${reportLine(report)}`);
    expect(report.acknowledged.posts).toBeGreaterThan(0);
    expect(report.acknowledged.incidents).toBeGreaterThan(0);
    expect(report.acknowledged.checklist).toBeGreaterThan(0);
    expect(report.lost).toEqual({ posts: 0, incidents: 0, checklist: 0 });
  }, 60_000);
});
