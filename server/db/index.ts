/**
 * @module db
 * Opens the workspace database: SQLite (WAL) under the data directory by default,
 * PostgreSQL when a URL is given. One Kysely instance serves both dialects.
 */
import fs from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import pg from "pg";
import { Kysely, Migrator, PostgresAdapter, PostgresDialect, SqliteDialect, sql, type Migration } from "kysely";
import type { Database } from "./schema.ts";
import type { Dialect } from "./column-types.ts";
import { hostMigrations } from "./migrations/host.ts";
import { withStatementCache } from "./statement-cache.ts";

// PostgreSQL returns bigint (int8) as a string; every bigint here is a millisecond time.
pg.types.setTypeParser(20, (value) => Number(value));

export type { Dialect } from "./column-types.ts";

/** An open workspace database. */
export interface WorkspaceDb {
  db: Kysely<Database>;
  dialect: Dialect;
  /** For PostgreSQL: the connection settings, so the event bus can open its own LISTEN connection. */
  pgConfig?: pg.PoolConfig;
  /** PostgreSQL schema used (tests give each run its own); `public` by default. */
  pgSchema?: string;
  close(): Promise<void>;
}

/**
 * Open (and create when missing) the database.
 * @example const { db } = await openDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir: "./data" })
 */
export async function openDatabase(props: { databaseUrl?: string; dataDir: string; pgSchema?: string; sqliteFile?: string }): Promise<WorkspaceDb> {
  if (props.databaseUrl) {
    const schema = props.pgSchema ?? "public";
    const pgConfig: pg.PoolConfig = { connectionString: props.databaseUrl, max: 10, options: `-c search_path=${schema}` };
    if (schema !== "public") {
      const admin = new pg.Client({ connectionString: props.databaseUrl });
      await admin.connect();
      await admin.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      await admin.end();
    }
    const pool = new pg.Pool(pgConfig);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: "postgres", pgConfig, pgSchema: schema, close: () => db.destroy() };
  }
  const file = props.sqliteFile ?? path.join(props.dataDir, "sitrep.db");
  if (file !== ":memory:") fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("foreign_keys = ON");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return { db, dialect: "sqlite", close: () => db.destroy() };
}

/**
 * Apply pending migrations of one namespace (`host`, or a plugin id), each
 * namespace with its own bookkeeping table.
 */
export async function migrate(props: { db: Kysely<unknown>; namespace: string; migrations: Record<string, Migration> }): Promise<void> {
  const table = props.namespace === "host" ? "migrations_host" : `migrations_plugin_${props.namespace.replace(/[^a-z0-9_]/g, "_")}`;
  const migrator = new Migrator({
    db: props.db,
    provider: { getMigrations: async () => props.migrations },
    migrationTableName: table,
    migrationLockTableName: `${table}_lock`,
    // Named, because Kysely otherwise finds the bookkeeping tables of any schema
    // (another workspace, another test run) and skips creating its own.
    migrationTableSchema: await currentPgSchema(props.db),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    throw new Error(`migration ${props.namespace}/${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The schema PostgreSQL resolves unqualified names to (the workspace's); undefined on SQLite. */
async function currentPgSchema(db: Kysely<unknown>): Promise<string | undefined> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return undefined;
  const { rows } = await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(db);
  return rows[0]?.schema;
}

/** Apply the host's migrations. */
export async function migrateHost(workspace: WorkspaceDb): Promise<void> {
  await migrate({ db: workspace.db as Kysely<unknown>, namespace: "host", migrations: hostMigrations(workspace.dialect) });
}

/** Drop a PostgreSQL schema (tests clean up after themselves). */
export async function dropPgSchema(databaseUrl: string, schema: string): Promise<void> {
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end();
}

export { sql };
