/**
 * @module testing/old-workspace
 * A workspace as an earlier version left it, for migration tests: the host's
 * migrations before a given one applied, rows written by the test, then
 * opened by this version's host (which applies the rest).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Kysely } from "kysely";
import { onTestFinished } from "vitest";
import { newId } from "#common/ids.ts";
import { loadConfig } from "../config.ts";
import { dropPgSchema, migrate, openDatabase } from "../db/index.ts";
import { hostMigrations } from "../db/migrations/host.ts";
import type { Database } from "../db/schema.ts";
import { createHost, type Host } from "../host.ts";
import { testDatabaseUrl, testDialect } from "./harness.ts";

/** A workspace of an earlier version, open on its database. */
export interface OldWorkspace {
  /** The database, with the migrations before the named one applied. */
  readonly db: Kysely<Database>;
  /** The names of those migrations, in order. */
  readonly applied: string[];
  /** Close the old database and open the workspace with this version's host; the test closes the host. */
  upgrade(): Promise<Host>;
}

/**
 * A workspace migrated up to, not including, `migration` (a name prefix such
 * as `"0010"`), on the test dialect; removed when the test finishes.
 * @example const old = await workspaceBefore("0010"); await old.db.insertInto("posts")...; const host = await old.upgrade();
 */
export async function workspaceBefore(migration: string): Promise<OldWorkspace> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `sitrep-before-${migration}-`));
  const pgSchema = testDialect === "postgres" ? `t_${newId()}` : undefined;
  const databaseUrl = testDialect === "postgres" ? testDatabaseUrl : undefined;
  onTestFinished(async () => {
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (pgSchema) await dropPgSchema(testDatabaseUrl, pgSchema);
  });
  const workspace = await openDatabase({ dataDir, pgSchema, databaseUrl });
  const before = Object.fromEntries(Object.entries(hostMigrations(workspace.dialect)).filter(([name]) => name < migration));
  await migrate({ db: workspace.views().typed<unknown>(), namespace: "host", migrations: before });
  return {
    db: workspace.db,
    applied: Object.keys(before),
    async upgrade() {
      await workspace.close();
      return createHost(loadConfig({ NODE_ENV: "test" }, { dataDir, pgSchema, databaseUrl, port: 0, host: "127.0.0.1" }));
    },
  };
}
