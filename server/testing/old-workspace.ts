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
import { TableScope } from "../plugins/table-scope.ts";
import type { PluginMigration } from "#plugin-api";
import { testDatabaseUrl, testDialect } from "./harness.ts";

/** A workspace of an earlier version, open on its database. */
export interface OldWorkspace {
  /** The database, with the migrations before the named one applied. */
  readonly db: Kysely<Database>;
  /** The names of those migrations, in order. */
  readonly applied: string[];
  /** Close the old database and open the workspace with this version's host; the test closes the host. */
  upgrade(): Promise<Host>;
  /**
   * Close the old database and answer where the workspace is, for a test
   * server of this version (`startServerWithPlugins([...], await old.release())`).
   */
  release(): Promise<{ dataDir: string; pgSchema?: string }>;
}

/** A plugin's storage as an earlier version of the plugin left it: its migrations named before `before`. */
export interface PluginStorageBefore {
  pluginId: string;
  migrations: Record<string, PluginMigration>;
  /** A migration name prefix such as `"0002"`. */
  before: string;
}

/**
 * A workspace migrated up to, not including, `migration` (a name prefix such
 * as `"0010"`; `"~"` for every host migration), on the test dialect, and with
 * `plugin` that plugin's storage as an earlier version of it left it; removed
 * when the test finishes.
 * @example const old = await workspaceBefore("0010"); await old.db.insertInto("posts")...; const host = await old.upgrade();
 */
export async function workspaceBefore(migration: string, plugin?: PluginStorageBefore): Promise<OldWorkspace> {
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
  if (plugin) {
    // As the host's `ctx.storage.migrate` runs them: each on a builder kept to the plugin's tables.
    const scope = new TableScope(plugin.pluginId);
    const scoped = Object.fromEntries(
      Object.entries(plugin.migrations)
        .filter(([name]) => name < plugin.before)
        .map(([name, m]) => [name, { up: (trx: Kysely<unknown>) => m.up(trx.withPlugin(scope), workspace.dialect) }]),
    );
    await migrate({ db: workspace.views().typed<unknown>(), namespace: plugin.pluginId, migrations: scoped });
  }
  return {
    db: workspace.db,
    applied: Object.keys(before),
    async release() {
      await workspace.close();
      return { dataDir, pgSchema };
    },
    async upgrade() {
      await workspace.close();
      return createHost(loadConfig({ NODE_ENV: "test" }, { dataDir, pgSchema, databaseUrl, port: 0, host: "127.0.0.1" }));
    },
  };
}

/**
 * An open team and open channels in it, written straight into a workspace's
 * host tables (the rows a plugin's old storage points at in a plugin
 * migration test, whose host tables are current). Channel display names are
 * their names.
 * @example const { team, channelIds } = await oldTeamWithChannels(old.db, { at: now, channels: ["db-down"] });
 */
export async function oldTeamWithChannels(
  db: Kysely<Database>,
  props: { at: number; channels: readonly string[] },
): Promise<{ team: { id: string; name: string }; channelIds: string[] }> {
  const team = { id: newId(), name: `team-${newId().slice(0, 8)}` };
  const stamps = { create_at: props.at, update_at: props.at, delete_at: 0 };
  await db
    .insertInto("teams")
    .values({ ...team, display_name: "Ops", type: "O", description: "", ...stamps })
    .execute();
  const channels = props.channels.map((name) => ({
    id: newId(),
    team_id: team.id,
    name,
    display_name: name,
    type: "O" as const,
    header: "",
    purpose: "",
    creator_id: "",
    ...stamps,
    last_post_at: 0,
    total_msg_count: 0,
  }));
  if (channels.length) await db.insertInto("channels").values(channels).execute();
  return { team, channelIds: channels.map((c) => c.id) };
}
