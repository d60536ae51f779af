/**
 * @module plugins/purge
 * Deleting a plugin's data on an explicit purge: its KV rows, its tables
 * (`<id>_*`) and its migration bookkeeping, dialect by dialect. Disabling or
 * uninstalling never comes here.
 */
import type { Kysely } from "kysely";
import { sql, type Dialect } from "../db/index.ts";
import type { Database } from "../db/schema.ts";
import type { Logger } from "../log.ts";

/** Names of the workspace's own tables (on PostgreSQL, of its schema only). */
async function tableNames(db: Kysely<Database>, dialect: Dialect): Promise<string[]> {
  if (dialect === "postgres") {
    const result = await sql<{
      name: string;
    }>`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`.execute(
      db,
    );
    return result.rows.map((r) => r.name);
  }
  const result = await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table'`.execute(db);
  return result.rows.map((r) => r.name);
}

/**
 * Delete a plugin's KV rows and drop its tables (`<id>_*` and its migration
 * bookkeeping). Tables of another installed plugin whose id extends this one
 * (`a` and `a_b`) stay. Returns how many things went.
 */
export async function purgePluginData(props: {
  db: Kysely<Database>;
  dialect: Dialect;
  log: Pick<Logger, "info">;
  id: string;
  /** Ids of the plugins installed now. */
  installed: string[];
}): Promise<number> {
  const { db, dialect, id } = props;
  const kv = await db.deleteFrom("plugin_kv").where("plugin_id", "=", id).executeTakeFirst();
  let removed = Number(kv.numDeletedRows);
  const bookkeeping = `migrations_plugin_${id.replace(/[^a-z0-9_]/g, "_")}`;
  const others = props.installed.filter((o) => o !== id && o.startsWith(`${id}_`));
  const tables = (await tableNames(db, dialect)).filter(
    (name) =>
      (name.startsWith(`${id}_`) && !others.some((o) => name.startsWith(`${o}_`))) ||
      name === bookkeeping ||
      name === `${bookkeeping}_lock`,
  );
  // SQLite checks foreign keys on DROP: retry the ones referenced by tables still there.
  let pending = tables;
  for (let pass = 0; pending.length && pass < tables.length + 1; pass++) {
    const failed: string[] = [];
    for (const name of pending) {
      try {
        if (dialect === "postgres") await sql`DROP TABLE IF EXISTS ${sql.id(name)} CASCADE`.execute(db);
        else await sql`DROP TABLE IF EXISTS ${sql.id(name)}`.execute(db);
        removed += 1;
      } catch {
        failed.push(name);
      }
    }
    pending = failed;
  }
  if (pending.length) throw new Error(`could not drop the tables ${pending.join(", ")} of plugin ${id}`);
  props.log.info("plugin data purged", { plugin_id: id, tables });
  return removed;
}
