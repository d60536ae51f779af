import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql, type Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "#common/ids.ts";
import { testDatabaseUrl, testDialect } from "#testing";
import { dropPgSchema, migrate, openDatabase, type WorkspaceDb } from "./index.ts";

let workspace: WorkspaceDb;
let db: Kysely<unknown>;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "sitrep-migrate-"));
const pgSchema = `t_${newId()}`;

beforeAll(async () => {
  workspace = await openDatabase(testDialect === "postgres" ? { databaseUrl: testDatabaseUrl, dataDir, pgSchema } : { dataDir });
  db = workspace.views().typed<unknown>();
});
afterAll(async () => {
  await workspace.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  if (testDialect === "postgres") await dropPgSchema(testDatabaseUrl, pgSchema);
});

async function tableExists(name: string): Promise<boolean> {
  const query =
    testDialect === "postgres"
      ? sql<{
          n: number;
        }>`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ${name}`
      : sql<{ n: number }>`SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ${name}`;
  return ((await query.execute(db)).rows[0]?.n ?? 0) > 0;
}

describe("migrate", () => {
  it("applies each migration once, in name order, even when two runs race", async () => {
    const order: string[] = [];
    const migrations = {
      "0002_second": {
        up: async (trx: Kysely<unknown>) => {
          order.push("second");
          await sql`CREATE TABLE race_b (id integer)`.execute(trx);
        },
      },
      "0001_first": {
        up: async (trx: Kysely<unknown>) => {
          order.push("first");
          await sql`CREATE TABLE race_a (id integer)`.execute(trx);
        },
      },
    };
    const runs = [migrate({ db, namespace: "race", migrations }), migrate({ db, namespace: "race", migrations })];
    // SQLite has one writer: the second run waits for the first; PostgreSQL's advisory lock does the same.
    await Promise.all(runs);
    expect(order).toEqual(["first", "second"]);
    expect(await tableExists("race_a")).toBe(true);
    expect(await tableExists("race_b")).toBe(true);
  });

  it("leaves nothing half-applied when a migration of the run fails", async () => {
    const migrations = {
      "0001_ok": { up: async (trx: Kysely<unknown>) => void (await sql`CREATE TABLE half_a (id integer)`.execute(trx)) },
      "0002_broken": { up: async (trx: Kysely<unknown>) => void (await sql`CREATE TABLE half_a (id integer)`.execute(trx)) },
    };
    await expect(migrate({ db, namespace: "half", migrations })).rejects.toThrow(/^migration half\/0002_broken failed: /);
    expect(await tableExists("half_a")).toBe(false);
    expect(await tableExists("migrations_plugin_half")).toBe(false);
  });
});
