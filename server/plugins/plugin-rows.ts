/**
 * @module plugins/plugin-rows
 * The `plugins` table, the truth every process shares (bundle bytes,
 * checksum, enabled flag, settings), and the host's own notes about plugins in
 * `plugin_kv`. A row's manifest and settings are parsed here, once, with zod:
 * nothing else reads the JSON text.
 */
import type { Kysely } from "kysely";
import { z } from "zod";
import type { PluginManifest } from "#plugin-api";
import type { Database, PluginsTable } from "../db/schema.ts";
import { AppError, conflict } from "../errors.ts";
import { parseManifest } from "./bundle.ts";

/** A `plugins` row with its manifest and settings parsed. */
export interface PluginRow extends Omit<PluginsTable, "manifest" | "settings"> {
  manifest: PluginManifest;
  /** Admin-set values (without defaults); `{}` when the stored text is unusable. */
  settings: Record<string, unknown>;
}

/** A row without its bundle bytes, for listing. */
export type PluginSummary = Omit<PluginRow, "bundle" | "installed_at" | "updated_at">;

/**
 * `plugin_kv` namespace of the host's own notes. Plugin ids start with a
 * letter, so no plugin can read or purge it.
 */
const HOST_KV = "__host__";
const uninstalledKey = (id: string) => `uninstalled:${id}`;

const settingsSchema = z.record(z.string(), z.unknown());

/** Stored settings text as values; anything but a JSON object reads as none. */
function parseSettings(text: string): Record<string, unknown> {
  try {
    const parsed = settingsSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

function parseRow(row: PluginsTable): PluginRow {
  return { ...row, manifest: parseManifest(JSON.parse(row.manifest)), settings: parseSettings(row.settings) };
}

const SUMMARY = ["id", "manifest", "checksum", "enabled", "settings"] as const;

function parseSummary(row: Pick<PluginsTable, (typeof SUMMARY)[number]>): PluginSummary {
  return { ...row, manifest: parseManifest(JSON.parse(row.manifest)), settings: parseSettings(row.settings) };
}

/** The 404 for a plugin id with no row. */
export const notInstalled = (id: string) =>
  new AppError({ status: 404, id: "app.plugin.not_installed.app_error", message: `Plugin "${id}" is not installed.` });

/** Reads and writes of the `plugins` table. */
export class PluginRows {
  constructor(private readonly db: Kysely<Database>) {}

  /** The row of a plugin, or undefined. */
  async get(id: string): Promise<PluginRow | undefined> {
    const row = await this.db.selectFrom("plugins").selectAll().where("id", "=", id).executeTakeFirst();
    return row && parseRow(row);
  }

  /** The row of a plugin at one checksum (the version a web asset URL names), or undefined. */
  async atChecksum(id: string, checksum: string): Promise<PluginRow | undefined> {
    const row = await this.db.selectFrom("plugins").selectAll().where("id", "=", id).where("checksum", "=", checksum).executeTakeFirst();
    return row && parseRow(row);
  }

  /** Enabled plugins, in the order they were installed. */
  async enabled(): Promise<PluginRow[]> {
    const rows = await this.db.selectFrom("plugins").selectAll().where("enabled", "=", 1).orderBy("installed_at").orderBy("id").execute();
    return rows.map(parseRow);
  }

  /** Every plugin without its bundle, by id. */
  async summaries(): Promise<PluginSummary[]> {
    const rows = await this.db.selectFrom("plugins").select(SUMMARY).orderBy("id").execute();
    return rows.map(parseSummary);
  }

  /** One plugin without its bundle, or undefined. */
  async summary(id: string): Promise<PluginSummary | undefined> {
    const row = await this.db.selectFrom("plugins").select(SUMMARY).where("id", "=", id).executeTakeFirst();
    return row && parseSummary(row);
  }

  /** Ids of every installed plugin. */
  async ids(): Promise<string[]> {
    return (await this.db.selectFrom("plugins").select("id").execute()).map((r) => r.id);
  }

  /**
   * Store a new plugin; 409 when the id is taken (by a racing install too),
   * unless `ifAbsent`, when a row already there is left as it is.
   */
  async insert(props: { manifest: PluginManifest; bundle: Buffer; checksum: string; enabled: boolean; ifAbsent?: boolean }): Promise<void> {
    const now = Date.now();
    try {
      await this.db
        .insertInto("plugins")
        .values({
          id: props.manifest.id,
          manifest: JSON.stringify(props.manifest),
          bundle: props.bundle,
          checksum: props.checksum,
          enabled: props.enabled ? 1 : 0,
          settings: "{}",
          installed_at: now,
          updated_at: now,
        })
        .$if(props.ifAbsent === true, (q) => q.onConflict((oc) => oc.column("id").doNothing()))
        .execute();
    } catch (error) {
      if (/unique|duplicate/i.test(String(error)))
        throw conflict("app.plugin.install_id.app_error", `id: a plugin with the id "${props.manifest.id}" is already installed`, {
          id: props.manifest.id,
        });
      throw error;
    }
  }

  /** Replace a plugin's bundle (a new version), keeping its enabled flag and settings. */
  async replaceBundle(props: { manifest: PluginManifest; bundle: Buffer; checksum: string }): Promise<void> {
    await this.db
      .updateTable("plugins")
      .set({ manifest: JSON.stringify(props.manifest), bundle: props.bundle, checksum: props.checksum, updated_at: Date.now() })
      .where("id", "=", props.manifest.id)
      .execute();
  }

  /** Set the enabled flag. */
  async setEnabled(id: string, enabled: boolean): Promise<void> {
    await this.db
      .updateTable("plugins")
      .set({ enabled: enabled ? 1 : 0, updated_at: Date.now() })
      .where("id", "=", id)
      .execute();
  }

  /** Replace the admin-set settings. */
  async setSettings(id: string, values: Record<string, unknown>): Promise<void> {
    await this.db
      .updateTable("plugins")
      .set({ settings: JSON.stringify(values), updated_at: Date.now() })
      .where("id", "=", id)
      .execute();
  }

  /** Remove the row, noting the uninstall so a prepackaged plugin is not reinstalled at the next start. */
  async delete(id: string): Promise<void> {
    await this.db.deleteFrom("plugins").where("id", "=", id).execute();
    await this.db
      .insertInto("plugin_kv")
      .values({ plugin_id: HOST_KV, key: uninstalledKey(id), value: JSON.stringify(Date.now()), expire_at: 0 })
      .onConflict((oc) => oc.columns(["plugin_id", "key"]).doNothing())
      .execute();
  }

  /** True when an admin uninstalled the plugin (and has not installed it again since). */
  async wasUninstalled(id: string): Promise<boolean> {
    const row = await this.db
      .selectFrom("plugin_kv")
      .select("key")
      .where("plugin_id", "=", HOST_KV)
      .where("key", "=", uninstalledKey(id))
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Forget an uninstall: the admin installed the plugin again. */
  async clearUninstalled(id: string): Promise<void> {
    await this.db.deleteFrom("plugin_kv").where("plugin_id", "=", HOST_KV).where("key", "=", uninstalledKey(id)).execute();
  }
}
