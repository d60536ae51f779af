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
  type CompiledQuery,
  type DatabaseConnection,
  type QueryResult,
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
import { DatabaseHealth } from "./health.ts";
import type { Logger } from "../log.ts";

// PostgreSQL returns bigint (int8) as a string; every bigint here is a millisecond time.
pg.types.setTypeParser(20, (value) => Number(value));

export type { Dialect } from "./column-types.ts";

/** How long connecting to PostgreSQL may take before the attempt fails (and the request answers 503). */
const PG_CONNECT_TIMEOUT_MS = 5_000;

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
  /** Whether the database is reachable (always, for SQLite): what ping reports and requests answer 503 by. */
  health: DatabaseHealth;
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

/** What the drivers of one database share: the outcome observer, and which wrapper stands for which connection. */
interface DriverShared {
  /** Told of every query's outcome (db/health.ts); absent on SQLite. */
  observe?: DatabaseHealth["observe"];
  inner: WeakMap<DatabaseConnection, DatabaseConnection>;
}

/** A connection whose every query's outcome is reported, so a lost database is noticed by the first query that finds out. */
class ObservedConnection implements DatabaseConnection {
  constructor(
    private readonly inner: DatabaseConnection,
    private readonly observe: NonNullable<DriverShared["observe"]>,
  ) {}
  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    try {
      const result = await this.inner.executeQuery<R>(query);
      this.observe({ ok: true });
      return result;
    } catch (error) {
      this.observe({ ok: false, error });
      throw error;
    }
  }
  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}

/**
 * One driver behind several Kysely instances: `init` runs once, and only the
 * owner's `destroy` closes it (each Kysely wraps its dialect's driver and
 * would otherwise open, or close, the pool on its own). With an observer, its
 * connections report each query's outcome; the inner driver always gets its
 * own connection objects back.
 */
class SharedDriver implements Driver {
  private initialized?: Promise<void>;
  constructor(
    private readonly inner: Driver,
    private readonly owner: boolean,
    private readonly shared: DriverShared = { inner: new WeakMap() },
  ) {}
  /** The same driver for another Kysely instance, which must not close it. */
  borrowed(): SharedDriver {
    const view = new SharedDriver(this.inner, false, this.shared);
    view.initialized = this.init();
    return view;
  }
  init(): Promise<void> {
    this.initialized ??= this.inner.init();
    return this.initialized;
  }
  async acquireConnection(): Promise<DatabaseConnection> {
    await this.init();
    const observe = this.shared.observe;
    if (!observe) return this.inner.acquireConnection();
    let connection: DatabaseConnection;
    try {
      connection = await this.inner.acquireConnection();
    } catch (error) {
      observe({ ok: false, error });
      throw error;
    }
    const wrapped = new ObservedConnection(connection, observe);
    this.shared.inner.set(wrapped, connection);
    return wrapped;
  }
  private unwrap(connection: DatabaseConnection): DatabaseConnection {
    return this.shared.inner.get(connection) ?? connection;
  }
  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.inner.beginTransaction(this.unwrap(connection), settings);
  }
  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction(this.unwrap(connection));
  }
  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.rollbackTransaction(this.unwrap(connection));
  }
  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(this.unwrap(connection));
  }
  async savepoint(
    connection: DatabaseConnection,
    ...args: Parameters<NonNullable<Driver["savepoint"]>> extends [unknown, ...infer Rest] ? Rest : never
  ): Promise<void> {
    await this.inner.savepoint?.(this.unwrap(connection), ...args);
  }
  async rollbackToSavepoint(
    connection: DatabaseConnection,
    ...args: Parameters<NonNullable<Driver["rollbackToSavepoint"]>> extends [unknown, ...infer Rest] ? Rest : never
  ): Promise<void> {
    await this.inner.rollbackToSavepoint?.(this.unwrap(connection), ...args);
  }
  async releaseSavepoint(
    connection: DatabaseConnection,
    ...args: Parameters<NonNullable<Driver["releaseSavepoint"]>> extends [unknown, ...infer Rest] ? Rest : never
  ): Promise<void> {
    await this.inner.releaseSavepoint?.(this.unwrap(connection), ...args);
  }
  async destroy(): Promise<void> {
    if (this.owner) await this.inner.destroy();
  }
}

/** The host's Kysely, and views of the same database sharing its driver. */
function sharedDatabase(dialect: KyselyDialect, observe?: DriverShared["observe"]): { db: Kysely<Database>; views: WorkspaceDb["views"] } {
  const driver = new SharedDriver(dialect.createDriver(), true, { observe, inner: new WeakMap() });
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
  /** Where connection losses and recoveries are logged. */
  log?: Pick<Logger, "warn" | "info">;
}): Promise<WorkspaceDb> {
  const log = props.log ?? { warn() {}, info() {} };
  if (props.databaseUrl) {
    const schema = props.pgSchema ?? "public";
    const pgConfig: pg.PoolConfig = {
      connectionString: props.databaseUrl,
      max: 10,
      options: `-c search_path=${schema}`,
      // Who a backend belongs to in pg_stat_activity: an operator (or a test) can find, or end, one workspace's connections.
      application_name: pgApplicationName(schema),
      // A server that does not answer is found out: a connect gives up, a dead peer is noticed by TCP keepalive.
      connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS,
      keepAlive: true,
    };
    if (schema !== "public") {
      const admin = new pg.Client({ connectionString: props.databaseUrl });
      await admin.connect();
      await admin.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      await admin.end();
    }
    const pool = new pg.Pool(pgConfig);
    let probe: () => Promise<void> = async () => {};
    const health = new DatabaseHealth({ probe: () => probe(), log });
    // An idle connection ended by the server (a restart, a failover, pg_terminate_backend) is an 'error' event
    // of the pool: without a listener, Node would end the process. The pool drops that client and connects anew.
    pool.on("error", (error) => health.connectionLost(error));
    // The same for a client in use (between the statements of a transaction, say): the pool listens only to idle ones.
    pool.on("connect", (client) => client.on("error", (error) => health.connectionLost(error)));
    const { db, views } = sharedDatabase(new PostgresDialect({ pool }), (outcome) => health.observe(outcome));
    probe = async () => {
      await sql`SELECT 1`.execute(db);
    };
    return {
      db,
      views,
      dialect: "postgres",
      pgConfig,
      pgSchema: schema,
      health,
      async close() {
        health.close();
        await db.destroy();
      },
    };
  }
  const file = props.sqliteFile ?? path.join(props.dataDir, "sitrep.db");
  if (file !== ":memory:") fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("foreign_keys = ON");
  const { db, views } = sharedDatabase(new SqliteDialect({ database: withStatementCache(sqlite) }));
  // A file does not go away: nothing observes it, and it stays up.
  const health = new DatabaseHealth({ probe: async () => {}, log });
  return { db, views, dialect: "sqlite", health, close: () => db.destroy() };
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
