/**
 * @module db
 * Opens the workspace database: SQLite (WAL) under the data directory by default,
 * PostgreSQL when a URL is given. One Kysely instance serves both dialects.
 *
 * The migrator ({@link migrate}) is our own, and why: Kysely's `Migrator` (in
 * node_modules) looks for its tables by introspecting every schema of the
 * database, which fails when another workspace's schema is dropped at that
 * moment (parallel test runs, several workspaces on one PostgreSQL), and it
 * keeps a lock table per migration table where a transaction-scoped advisory
 * lock is enough. umzug is not installed and would need a storage adapter and
 * a lock written for both dialects all the same. What is left is ~30 lines:
 * one bookkeeping table per namespace, pending names in order, one transaction.
 */
import fs from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import pg from "pg";
import {
  Kysely,
  PostgresAdapter,
  PostgresDialect,
  SqliteDialect,
  sql,
  DefaultConnectionProvider,
  DefaultQueryExecutor,
  type DatabaseConnection,
  type Dialect as KyselyDialect,
  type Driver,
  type KyselyPlugin,
  type KyselyProps,
  type TransactionSettings,
} from "kysely";
import type { Database } from "./schema.ts";
import type { Dialect } from "./column-types.ts";
import { hostMigrations } from "./migrations/host.ts";
import { withStatementCache } from "./statement-cache.ts";

// PostgreSQL returns bigint (int8) as a string; every bigint here is a millisecond time.
pg.types.setTypeParser(20, (value) => Number(value));

export type { Dialect } from "./column-types.ts";

/** The `application_name` of a workspace's pooled PostgreSQL connections: `sitrep-<schema>`. */
export function pgApplicationName(schema: string): string {
  return `sitrep-${schema}`;
}

/** An open workspace database. */
export interface WorkspaceDb {
  db: Kysely<Database>;
  dialect: Dialect;
  /** For PostgreSQL: the connection settings, so the event bus can open its own LISTEN connection. */
  pgConfig?: pg.PoolConfig;
  /** PostgreSQL schema used (tests give each run its own); `public` by default. */
  pgSchema?: string;
  /**
   * Query builders on the same database, sharing its connections (and, on
   * SQLite, its one-connection lock, so transactions never interleave), that
   * run `plugins` on every query. A plugin's scoped storage is one of these.
   */
  views(plugins?: KyselyPlugin[]): DatabaseViews;
  close(): Promise<void>;
}

/** Builders on one database with the same plugins, each typed as its user needs. */
export interface DatabaseViews {
  /** A builder typed by `Tables`; cheap, so callers may ask for one per query. */
  typed<Tables>(): Kysely<Tables>;
}

/**
 * One driver behind several Kysely instances: `init` runs once, and only the
 * owner's `destroy` closes it (each Kysely wraps its dialect's driver and
 * would otherwise open, or close, the pool on its own).
 */
class SharedDriver implements Driver {
  private initialized?: Promise<void>;
  constructor(
    private readonly inner: Driver,
    private readonly owner: boolean,
  ) {}
  /** The same driver for another Kysely instance, which must not close it. */
  borrowed(): SharedDriver {
    const view = new SharedDriver(this.inner, false);
    view.initialized = this.init();
    return view;
  }
  init(): Promise<void> {
    this.initialized ??= this.inner.init();
    return this.initialized;
  }
  async acquireConnection(): Promise<DatabaseConnection> {
    await this.init();
    return this.inner.acquireConnection();
  }
  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.inner.beginTransaction(connection, settings);
  }
  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction(connection);
  }
  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.rollbackTransaction(connection);
  }
  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(connection);
  }
  async savepoint(...args: Parameters<NonNullable<Driver["savepoint"]>>): Promise<void> {
    await this.inner.savepoint?.(...args);
  }
  async rollbackToSavepoint(...args: Parameters<NonNullable<Driver["rollbackToSavepoint"]>>): Promise<void> {
    await this.inner.rollbackToSavepoint?.(...args);
  }
  async releaseSavepoint(...args: Parameters<NonNullable<Driver["releaseSavepoint"]>>): Promise<void> {
    await this.inner.releaseSavepoint?.(...args);
  }
  async destroy(): Promise<void> {
    if (this.owner) await this.inner.destroy();
  }
}

/** The host's Kysely, and views of the same database sharing its driver. */
function sharedDatabase(dialect: KyselyDialect): { db: Kysely<Database>; views: WorkspaceDb["views"] } {
  const driver = new SharedDriver(dialect.createDriver(), true);
  const borrowed = driver.borrowed();
  const withDriver = (d: Driver): KyselyDialect => ({
    createDriver: () => d,
    createAdapter: () => dialect.createAdapter(),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createIntrospector: (db) => dialect.createIntrospector(db),
  });
  const viewDialect = withDriver(borrowed);
  const compiler = dialect.createQueryCompiler();
  const adapter = dialect.createAdapter();
  return {
    db: new Kysely<Database>({ dialect: withDriver(driver) }),
    views(plugins = []) {
      // Built from props, a Kysely instance costs next to nothing; from a dialect it would build a driver.
      const props: KyselyProps = {
        config: { dialect: viewDialect, plugins },
        dialect: viewDialect,
        driver: borrowed,
        executor: new DefaultQueryExecutor(compiler, adapter, new DefaultConnectionProvider(borrowed), plugins),
      };
      return { typed: <Tables>() => new Kysely<Tables>(props) };
    },
  };
}

/**
 * Open (and create when missing) the database.
 * @example const { db } = await openDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir: "./data" })
 */
export async function openDatabase(props: {
  databaseUrl?: string;
  dataDir: string;
  pgSchema?: string;
  sqliteFile?: string;
}): Promise<WorkspaceDb> {
  if (props.databaseUrl) {
    const schema = props.pgSchema ?? "public";
    const pgConfig: pg.PoolConfig = {
      connectionString: props.databaseUrl,
      max: 10,
      options: `-c search_path=${schema}`,
      // Who a backend belongs to in pg_stat_activity: an operator (or a test) can find, or end, one workspace's connections.
      application_name: pgApplicationName(schema),
    };
    if (schema !== "public") {
      const admin = new pg.Client({ connectionString: props.databaseUrl });
      await admin.connect();
      await admin.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      await admin.end();
    }
    const pool = new pg.Pool(pgConfig);
    const { db, views } = sharedDatabase(new PostgresDialect({ pool }));
    return { db, views, dialect: "postgres", pgConfig, pgSchema: schema, close: () => db.destroy() };
  }
  const file = props.sqliteFile ?? path.join(props.dataDir, "sitrep.db");
  if (file !== ":memory:") fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("foreign_keys = ON");
  const { db, views } = sharedDatabase(new SqliteDialect({ database: withStatementCache(sqlite) }));
  return { db, views, dialect: "sqlite", close: () => db.destroy() };
}

/** What runs a query: a Kysely instance or a transaction of one. */
type QueryRunner = Parameters<ReturnType<typeof sql>["execute"]>[0];

/**
 * Make transactions that take the same `key` run one after another, across
 * processes: on PostgreSQL a transaction-scoped advisory lock, per schema,
 * released at commit or rollback; SQLite runs one transaction at a time
 * already. For a check-then-write no unique index can decide, such as "is
 * this the workspace's first user?".
 * @example await db.transaction().execute(async (trx) => { await transactionLock(trx, "users.create"); ... })
 */
export async function transactionLock(trx: QueryRunner, key: string): Promise<void> {
  if (trx.getExecutor().adapter instanceof PostgresAdapter)
    await sql`SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.' || ${key}))`.execute(trx);
}

/** One versioned schema change; `up` runs inside the migration run's transaction. */
export interface Migration {
  up(db: Kysely<unknown>): Promise<void>;
}

/**
 * Apply pending migrations of one namespace (`host`, or a plugin id) in the
 * order of their names, each namespace bookkept in its own table.
 *
 * All pending migrations of a run and their bookkeeping commit in one
 * transaction (both dialects have transactional DDL), so a failure leaves
 * nothing half-applied. On PostgreSQL a transaction-scoped advisory lock keeps
 * two processes starting together from applying the same migration twice.
 * Only the workspace's own schema is read: Kysely's Migrator introspected every
 * schema of the database and failed when another workspace's schema was
 * dropped at the same moment.
 */
export async function migrate(props: { db: Kysely<unknown>; namespace: string; migrations: Record<string, Migration> }): Promise<void> {
  const table = props.namespace === "host" ? "migrations_host" : `migrations_plugin_${props.namespace.replace(/[^a-z0-9_]/g, "_")}`;
  const pending = Object.entries(props.migrations).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  let current = "";
  try {
    await props.db.transaction().execute(async (trx) => {
      await transactionLock(trx, table);
      await sql`CREATE TABLE IF NOT EXISTS ${sql.table(table)} (name varchar(255) PRIMARY KEY, timestamp varchar(255) NOT NULL)`.execute(
        trx,
      );
      const { rows } = await sql<{ name: string }>`SELECT name FROM ${sql.table(table)}`.execute(trx);
      const applied = new Set(rows.map((r) => r.name));
      for (const [name, migration] of pending) {
        if (applied.has(name)) continue;
        current = name;
        await migration.up(trx);
        await sql`INSERT INTO ${sql.table(table)} (name, timestamp) VALUES (${name}, ${new Date().toISOString()})`.execute(trx);
      }
    });
  } catch (error) {
    throw new Error(
      `migration ${props.namespace}/${current || "bookkeeping"} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Apply the host's migrations. */
export async function migrateHost(workspace: WorkspaceDb): Promise<void> {
  await migrate({ db: workspace.views().typed<unknown>(), namespace: "host", migrations: hostMigrations(workspace.dialect) });
}

/** Drop a PostgreSQL schema (tests clean up after themselves). */
export async function dropPgSchema(databaseUrl: string, schema: string): Promise<void> {
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end();
}

export { sql };
