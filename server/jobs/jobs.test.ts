import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Kysely } from "kysely";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { newId } from "#common/ids.ts";
import type { DueJob } from "#plugin-api";
import { testDatabaseUrl, testDialect } from "#testing";
import { ManualClock } from "../clock.ts";
import { loadConfig } from "../config.ts";
import { dropPgSchema, migrate, openDatabase } from "../db/index.ts";
import { hostMigrations } from "../db/migrations/host.ts";
import { createHost, type Host } from "../host.ts";
import { Registrations } from "../plugins/context.ts";

const START = Date.UTC(2032, 0, 1);
const schemas: string[] = [];
const dirs: string[] = [];
const open: Host[] = [];

/** A workspace (a data directory, or a PostgreSQL schema) that several hosts can open. */
function newWorkspace(): { dataDir: string; pgSchema?: string } {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "sitrep-jobs-"));
  dirs.push(dataDir);
  if (testDialect !== "postgres") return { dataDir };
  const pgSchema = `t_${newId()}`;
  schemas.push(pgSchema);
  return { dataDir, pgSchema };
}

async function openHost(workspace: { dataDir: string; pgSchema?: string }, clock: ManualClock): Promise<Host> {
  const host = await createHost(
    loadConfig(
      { NODE_ENV: "test" },
      { ...workspace, databaseUrl: testDialect === "postgres" ? testDatabaseUrl : undefined, clock, port: 0, host: "127.0.0.1" },
    ),
  );
  open.push(host);
  return host;
}

async function closeHost(host: Host): Promise<void> {
  open.splice(open.indexOf(host), 1);
  await host.close();
}

afterEach(async () => {
  while (open.length) await closeHost(open[open.length - 1] as Host);
});
afterAll(async () => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  for (const schema of schemas) await dropPgSchema(testDatabaseUrl, schema);
});

async function jobRows(host: Host) {
  return host.db.selectFrom("jobs").selectAll().orderBy("key").execute();
}

describe("jobs", () => {
  it("runs each due job exactly once when two hosts on one database poll at the same moment", async () => {
    const workspace = newWorkspace();
    const clockA = new ManualClock(START);
    const clockB = new ManualClock(START);
    const [a, b] = [await openHost(workspace, clockA), await openHost(workspace, clockB)];
    const ran: string[] = [];
    a.jobs.handle("test/once", (job) => void ran.push(`a:${job.key}`));
    b.jobs.handle("test/once", (job) => void ran.push(`b:${job.key}`));
    const keys = Array.from({ length: 30 }, (_, i) => `k${String(i).padStart(2, "0")}`);
    for (const key of keys) await a.jobs.schedule({ kind: "test/once", key, runAt: START + 500 });
    for (let i = 0; i < 6; i++) await Promise.all([clockA.advance(1_000), clockB.advance(1_000)]);
    expect(ran.map((r) => r.slice(2)).sort()).toEqual(keys);
    expect(await jobRows(a)).toEqual([]);
  });

  it("does not hand a job another host is running to a second host, until that claim lapses", async () => {
    const workspace = newWorkspace();
    const clockA = new ManualClock(START);
    const clockB = new ManualClock(START);
    const [a, b] = [await openHost(workspace, clockA), await openHost(workspace, clockB)];
    const ran: string[] = [];
    let release: () => void = () => {};
    const started = new Promise<void>((resolve) =>
      a.jobs.handle(
        "test/claimed",
        async () => {
          ran.push("a");
          resolve();
          await new Promise<void>((r) => (release = r));
        },
        { maxAttempts: 2 },
      ),
    );
    b.jobs.handle("test/claimed", (job) => void ran.push(`b${job.attempt}`), { maxAttempts: 2 });
    await a.jobs.schedule({ kind: "test/claimed", key: "k", runAt: START });
    const runningOnA = clockA.advance(1_000);
    try {
      await started;
      await clockB.advance(60_000);
      expect(ran).toEqual(["a"]);
      // A's claim (5 minutes) lapses as if A had died mid-run: B takes the job, as its second attempt.
      await clockB.advance(5 * 60_000);
      expect(ran).toEqual(["a", "b2"]);
    } finally {
      release();
      await runningOnA;
    }
  });

  it("runs a job scheduled before a restart after it, with its payload", async () => {
    const workspace = newWorkspace();
    const first = await openHost(workspace, new ManualClock(START));
    await first.jobs.schedule({ kind: "test/restart", key: "r1", runAt: START + 60_000, payload: { incident: "x", n: 2 } });
    await closeHost(first);
    const clock = new ManualClock(START + 30_000);
    const second = await openHost(workspace, clock);
    const seen: DueJob[] = [];
    second.jobs.handle("test/restart", (job) => void seen.push(job));
    await clock.advance(29_000);
    expect(seen).toEqual([]);
    await clock.advance(1_000);
    expect(seen).toEqual([{ kind: "test/restart", key: "r1", runAt: START + 60_000, payload: { incident: "x", n: 2 }, attempt: 1 }]);
    expect(await jobRows(second)).toEqual([]);
  });

  it("replaces a job rescheduled under the same key, and cancels one", async () => {
    const clock = new ManualClock(START);
    const host = await openHost(newWorkspace(), clock);
    const seen: DueJob[] = [];
    host.jobs.handle("test/replace", (job) => void seen.push(job));
    await host.jobs.schedule({ kind: "test/replace", key: "k", runAt: START + 1_000, payload: "first" });
    await host.jobs.schedule({ kind: "test/replace", key: "k", runAt: START + 5_000, payload: "second" });
    await host.jobs.schedule({ kind: "test/replace", key: "gone", runAt: START + 1_000 });
    await host.jobs.cancel("test/replace", "gone");
    await host.jobs.cancel("test/replace", "never-scheduled");
    expect((await jobRows(host)).map((r) => [r.key, r.run_at, r.payload])).toEqual([["k", START + 5_000, '"second"']]);
    await clock.advance(4_000);
    expect(seen).toEqual([]);
    await clock.advance(10_000);
    expect(seen).toEqual([{ kind: "test/replace", key: "k", runAt: START + 5_000, payload: "second", attempt: 1 }]);
  });

  it("retries a failing job with exponential backoff up to maxAttempts, then drops it", async () => {
    const clock = new ManualClock(START);
    const host = await openHost(newWorkspace(), clock);
    const attempts: Array<{ key: string; attempt: number; at: number }> = [];
    host.jobs.handle(
      "test/retry",
      (job) => {
        attempts.push({ key: job.key, attempt: job.attempt, at: clock.now() - START });
        if (job.key === "always" || job.attempt < 3) throw new Error("target down");
      },
      { maxAttempts: 3 },
    );
    await host.jobs.schedule({ kind: "test/retry", key: "third-time", runAt: START });
    await host.jobs.schedule({ kind: "test/retry", key: "always", runAt: START });
    await clock.advance(60_000);
    // Polls every second: attempt 1 at 1 s, then 1 s and 2 s of backoff.
    expect(attempts.filter((a) => a.key === "third-time")).toEqual([
      { key: "third-time", attempt: 1, at: 1_000 },
      { key: "third-time", attempt: 2, at: 2_000 },
      { key: "third-time", attempt: 3, at: 4_000 },
    ]);
    expect(attempts.filter((a) => a.key === "always").map((a) => a.at)).toEqual([1_000, 2_000, 4_000]);
    expect(await jobRows(host)).toEqual([]);
  });

  it("leaves a due job alone while no handler of its kind runs here, and runs it once one does", async () => {
    const clock = new ManualClock(START);
    const host = await openHost(newWorkspace(), clock);
    let runs = 0;
    host.jobs.handle("test/other", () => {});
    await host.jobs.schedule({ kind: "test/later", key: "k", runAt: START });
    await clock.advance(5_000);
    expect(await jobRows(host)).toMatchObject([{ kind: "test/later", attempts: 0, claimed_by: "" }]);
    const handler = host.jobs.handle("test/later", () => void runs++);
    await clock.advance(1_000);
    expect(runs).toBe(1);
    handler.dispose();
  });

  it("gives each plugin its own kinds, disposed with the plugin", async () => {
    const clock = new ManualClock(START);
    const host = await openHost(newWorkspace(), clock);
    const alphaRegistrations = new Registrations({ warn() {} });
    const alpha = host.jobs.forPlugin("alpha", (d) => alphaRegistrations.add(d));
    const beta = host.jobs.forPlugin("beta", (d) => d);
    const seen: string[] = [];
    alpha.handle("remind", (job) => void seen.push(`alpha:${job.kind}:${job.key}`));
    beta.handle("remind", (job) => void seen.push(`beta:${job.kind}:${job.key}`));
    await alpha.schedule({ kind: "remind", key: "x", runAt: START });
    await beta.schedule({ kind: "remind", key: "x", runAt: START });
    expect((await jobRows(host)).map((r) => r.kind).sort()).toEqual(["plugin/alpha/remind", "plugin/beta/remind"]);
    await clock.advance(1_000);
    expect(seen.sort()).toEqual(["alpha:remind:x", "beta:remind:x"]);
    alphaRegistrations.disposeAll();
    await alpha.schedule({ kind: "remind", key: "y", runAt: START });
    await clock.advance(5_000);
    expect(seen).toHaveLength(2);
    await beta.cancel("remind", "x");
    expect(() => alpha.handle("no spaces", () => {})).toThrow(`kind: "no spaces" may hold only letters, digits, '_', '.', ':' and '-'`);
  });

  it("opens a workspace made before the jobs table existed, keeping its rows", async () => {
    const workspace = newWorkspace();
    const old = await openDatabase({ ...workspace, databaseUrl: testDialect === "postgres" ? testDatabaseUrl : undefined });
    const previous = hostMigrations(old.dialect)["0001_workspace"];
    if (!previous) throw new Error("no 0001_workspace migration");
    await migrate({ db: old.db as unknown as Kysely<unknown>, namespace: "host", migrations: { "0001_workspace": previous } });
    await old.db.insertInto("plugin_kv").values({ plugin_id: "p", key: "kept", value: "1", expire_at: 0 }).execute();
    await old.close();
    const clock = new ManualClock(START);
    const host = await openHost(workspace, clock);
    expect(await host.db.selectFrom("plugin_kv").select("key").execute()).toEqual([{ key: "kept" }]);
    let ran = 0;
    host.jobs.handle("test/after-upgrade", () => void ran++);
    await host.jobs.schedule({ kind: "test/after-upgrade", key: "k", runAt: START });
    await clock.advance(1_000);
    expect(ran).toBe(1);
  });
});
