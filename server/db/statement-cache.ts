/**
 * @module db/statement-cache
 * better-sqlite3 compiles a statement on every `prepare`, and Kysely prepares
 * each query it runs: on the post path that compiling cost as much as running
 * the statements. This wrapper keeps the prepared statements by SQL text, so
 * each distinct query is compiled once. SQLite re-prepares a cached statement
 * by itself after a schema change.
 */
import type SQLite from "better-sqlite3";

/** Distinct SQL texts kept; queries are built from a bounded set of shapes, so the cache rarely fills. */
const MAX_STATEMENTS = 1000;

/** The same database, with `prepare` answered from a cache. */
export function withStatementCache(database: SQLite.Database): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>();
  const prepare = database.prepare.bind(database);
  return new Proxy(database, {
    get(target, property, receiver) {
      if (property !== "prepare") {
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      }
      return (source: string) => {
        let statement = cache.get(source);
        // A statement still iterating (a streamed query) can't run twice at once: prepare a fresh one.
        if (statement && !statement.busy) return statement;
        statement = prepare(source);
        if (cache.size >= MAX_STATEMENTS) cache.clear();
        cache.set(source, statement);
        return statement;
      };
    },
  });
}
