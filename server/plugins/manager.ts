/**
 * @module plugins/manager
 * The plugin runtime: install, enable, disable and uninstall bundles at
 * runtime, without a restart.
 *
 * The `plugins` table is the truth every process shares: bundle bytes,
 * checksum, enabled flag, settings. Each process extracts a bundle to
 * `<dataDir>/plugins/<id>/<checksum>/` and imports its server entry from there
 * (a new version gets a new path, since Node cannot unload an ES module). A
 * change made by one process is announced on the bus (`plugins.changed`), and
 * every other process converges: it activates or deactivates the plugin
 * locally to match the row.
 */
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { PluginStatus, WebappPlugin } from "#common/wire.ts";
import { TIMED_OUT, withTimeout } from "#common/with-timeout.ts";
import type { PluginActivation, PluginManifest, PluginServerModule } from "#plugin-api";
import { sql } from "../db/index.ts";
import type { PluginsTable } from "../db/schema.ts";
import { AppError, badRequest, conflict, notFound } from "../errors.ts";
import type { Host } from "../host.ts";
import { bundleExtracted, compareVersions, extractBundle, parseManifest, readBundle, settingValueSchema } from "./bundle.ts";
import { createPluginContext, effectiveSettings, Registrations } from "./context.ts";
import { servePluginRoute } from "./plugin-http.ts";
import { PluginRouter } from "./router.ts";

export type { PluginStatus, WebappPlugin };

/** One plugin running in this process. */
interface ActivePlugin {
  manifest: PluginManifest;
  checksum: string;
  dir: string;
  module: PluginServerModule | null;
  /** What `activate` returned: its own `deactivate`, holding the plugin's state in a closure. */
  activation?: PluginActivation | void;
  registrations: Registrations;
  router: PluginRouter;
}

const TOPIC = "plugins.changed";
/** How long `activate`/`deactivate` may take before the host gives up on it. */
const LIFECYCLE_TIMEOUT_MS = 30_000;
/**
 * `plugin_kv` namespace of the host's own notes. Plugin ids start with a
 * letter, so no plugin can read or purge it.
 */
const HOST_KV = "__host__";
const uninstalledKey = (id: string) => `uninstalled:${id}`;

const idPattern = /^[a-z][a-z0-9_]{1,31}$/;
const notInstalled = (id: string) =>
  new AppError({ status: 404, id: "app.plugin.not_installed.app_error", message: `Plugin "${id}" is not installed.` });

const CONTENT_TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".html": "text/html; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
};

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class PluginManager {
  private readonly active = new Map<string, ActivePlugin>();
  /** Why the last activation of an enabled plugin failed. */
  private readonly failures = new Map<string, string>();
  /** Stored (admin-set) settings of each plugin, read live by `ctx.settings.get()`. */
  private readonly storedSettings = new Map<string, Record<string, unknown>>();
  private queue: Promise<unknown> = Promise.resolve();
  private unsubscribe?: () => void;
  private stopped = false;

  constructor(private readonly host: Host) {}

  /** Run lifecycle changes one at a time, so two requests never activate one plugin twice. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => {});
    return run;
  }

  private get pluginsDir(): string {
    return path.join(this.host.config.dataDir, "plugins");
  }

  /** Install prepackaged bundles on first run, then activate enabled plugins. */
  async start(): Promise<void> {
    this.stopped = false;
    this.unsubscribe = this.host.bus.subscribe((message) => {
      if (message.topic !== TOPIC || message.origin === this.host.bus.processId) return;
      const parsed = z.object({ id: z.string() }).safeParse(message.payload);
      if (!parsed.success) return;
      void this.serial(() => this.converge(parsed.data.id)).catch((error: unknown) =>
        this.host.log.error("plugin change from another process could not be applied", {
          plugin_id: parsed.data.id,
          error: errorMessage(error),
        }),
      );
    });
    await this.serial(async () => {
      await this.installPrepackaged();
      const rows = await this.host.db
        .selectFrom("plugins")
        .selectAll()
        .where("enabled", "=", 1)
        .orderBy("installed_at")
        .orderBy("id")
        .execute();
      for (const row of rows) {
        try {
          await this.activate(row);
        } catch {
          // Logged by activate; the plugin stays inactive and the server starts anyway.
        }
      }
    });
  }

  /** Deactivate every plugin. */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    await this.serial(async () => {
      this.stopped = true;
      for (const id of [...this.active.keys()].reverse()) await this.deactivate(id);
    });
  }

  async list(): Promise<{ active: PluginStatus[]; inactive: PluginStatus[] }> {
    const rows = await this.host.db.selectFrom("plugins").select(["id", "manifest", "checksum", "enabled"]).orderBy("id").execute();
    const result = { active: [] as PluginStatus[], inactive: [] as PluginStatus[] };
    for (const row of rows) {
      const manifest = JSON.parse(row.manifest) as PluginManifest;
      const running = this.active.get(row.id);
      const active = Boolean(running && running.checksum === row.checksum);
      const error = row.enabled && !active ? this.failures.get(row.id) : undefined;
      const status: PluginStatus = {
        id: row.id,
        name: manifest.name,
        version: manifest.version,
        description: manifest.description ?? "",
        active,
        enabled: row.enabled === 1,
        ...(error ? { error } : {}),
      };
      (active ? result.active : result.inactive).push(status);
    }
    return result;
  }

  /**
   * Install (or, with `force`, replace) a bundle. A new plugin starts disabled,
   * as in Mattermost; a replaced one keeps its enabled state and, if enabled,
   * runs the new version at once.
   */
  async install(props: { bundle: Buffer; force?: boolean }): Promise<PluginManifest> {
    const read = await readBundle(props.bundle);
    const { manifest, checksum } = read;
    return this.serial(async () => {
      const existing = await this.host.db
        .selectFrom("plugins")
        .select(["id", "checksum", "enabled"])
        .where("id", "=", manifest.id)
        .executeTakeFirst();
      if (existing && !props.force) {
        throw conflict(
          "app.plugin.install_id.app_error",
          `id: a plugin with the id "${manifest.id}" is already installed; upload with force=true to replace it`,
          { id: manifest.id },
        );
      }
      const now = Date.now();
      const values = { manifest: JSON.stringify(manifest), bundle: props.bundle, checksum, updated_at: now };
      if (existing) {
        await this.host.db.updateTable("plugins").set(values).where("id", "=", manifest.id).execute();
      } else {
        try {
          await this.host.db
            .insertInto("plugins")
            .values({ id: manifest.id, ...values, enabled: 0, settings: "{}", installed_at: now })
            .execute();
        } catch (error) {
          if (/unique|duplicate/i.test(String(error)))
            throw conflict("app.plugin.install_id.app_error", `id: a plugin with the id "${manifest.id}" is already installed`, {
              id: manifest.id,
            });
          throw error;
        }
      }
      await this.host.db.deleteFrom("plugin_kv").where("plugin_id", "=", HOST_KV).where("key", "=", uninstalledKey(manifest.id)).execute();
      this.host.log.info("plugin installed", { plugin_id: manifest.id, version: manifest.version, replaced: Boolean(existing) });
      if (existing?.enabled && existing.checksum !== checksum) {
        const row = await this.row(manifest.id);
        await this.deactivate(manifest.id);
        try {
          await this.activate(row!);
          this.host.realtime.publish("plugin_enabled", { manifest }, { all: true });
        } catch {
          // Logged; listed with its error. The upload itself succeeded.
          this.host.realtime.publish("plugin_disabled", { manifest }, { all: true });
        }
      }
      this.announce(manifest.id);
      return manifest;
    });
  }

  /** Enable a plugin and activate it here (and, through the bus, everywhere). */
  async enable(id: string): Promise<void> {
    await this.serial(async () => {
      const row = await this.row(id);
      if (!row) throw notInstalled(id);
      await this.host.db.updateTable("plugins").set({ enabled: 1, updated_at: Date.now() }).where("id", "=", id).execute();
      this.announce(id);
      const running = this.active.get(id);
      if (running && running.checksum === row.checksum) return;
      if (running) await this.deactivate(id);
      try {
        await this.activate(row);
      } catch (error) {
        // Stays enabled, as the admin asked; the next start or enable tries again.
        throw badRequest("app.plugin.activate.app_error", `Plugin "${id}" is enabled but failed to activate: ${errorMessage(error)}`);
      }
      this.host.realtime.publish("plugin_enabled", { manifest: parseManifest(JSON.parse(row.manifest)) }, { all: true });
    });
  }

  /** Disable a plugin: `deactivate()`, then every registration it made is disposed. */
  async disable(id: string): Promise<void> {
    await this.serial(async () => {
      const row = await this.row(id);
      if (!row) throw notInstalled(id);
      await this.host.db.updateTable("plugins").set({ enabled: 0, updated_at: Date.now() }).where("id", "=", id).execute();
      this.announce(id);
      await this.deactivate(id);
      this.failures.delete(id);
      this.host.realtime.publish("plugin_disabled", { manifest: parseManifest(JSON.parse(row.manifest)) }, { all: true });
    });
  }

  /**
   * Disable and remove a plugin. Its data (tables, KV rows) stays, so a
   * reinstall finds it; `purge` deletes that too. A purge works on data left by
   * an earlier uninstall as well.
   */
  async uninstall(id: string, options: { purge: boolean }): Promise<void> {
    await this.serial(async () => {
      const row = await this.row(id);
      if (!row && !options.purge) throw notInstalled(id);
      if (row) {
        await this.deactivate(id);
        await this.host.db.deleteFrom("plugins").where("id", "=", id).execute();
        // A prepackaged plugin the admin removed is not reinstalled at the next start.
        await this.host.db
          .insertInto("plugin_kv")
          .values({ plugin_id: HOST_KV, key: uninstalledKey(id), value: JSON.stringify(Date.now()), expire_at: 0 })
          .onConflict((oc) => oc.columns(["plugin_id", "key"]).doNothing())
          .execute();
        this.failures.delete(id);
        this.storedSettings.delete(id);
        this.removeExtracted(id);
        this.announce(id);
        if (row.enabled)
          this.host.realtime.publish("plugin_disabled", { manifest: parseManifest(JSON.parse(row.manifest)) }, { all: true });
        this.host.log.info("plugin uninstalled", { plugin_id: id, purge: options.purge });
      }
      if (options.purge) {
        const removed = await this.purgeData(id);
        if (!row && removed === 0) throw notInstalled(id);
      }
    });
  }

  /** Replace a plugin's admin settings; each value is checked against the manifest's settings schema. */
  async updateSettings(id: string, values: unknown): Promise<Record<string, unknown>> {
    return this.serial(async () => {
      const row = await this.row(id);
      if (!row) throw notInstalled(id);
      const manifest = parseManifest(JSON.parse(row.manifest));
      const schema = manifest.settings_schema ?? {};
      if (!values || typeof values !== "object" || Array.isArray(values))
        throw badRequest("api.plugin.settings.invalid", "body: must be an object of setting values");
      const problems: string[] = [];
      for (const [key, value] of Object.entries(values)) {
        const setting = schema[key];
        if (!setting) problems.push(`${key}: is not a setting of ${id}`);
        else if (!settingValueSchema(setting.type).safeParse(value).success) problems.push(`${key}: must be a ${setting.type}`);
      }
      if (problems.length) throw badRequest("api.plugin.settings.invalid", problems.join("; "));
      await this.host.db
        .updateTable("plugins")
        .set({ settings: JSON.stringify(values), updated_at: Date.now() })
        .where("id", "=", id)
        .execute();
      this.storedSettings.set(id, values as Record<string, unknown>);
      this.announce(id);
      return effectiveSettings(manifest, values as Record<string, unknown>);
    });
  }

  /** A plugin's settings, defaults filled in. */
  async settings(id: string): Promise<Record<string, unknown>> {
    const row = await this.host.db.selectFrom("plugins").select(["manifest", "settings"]).where("id", "=", id).executeTakeFirst();
    if (!row) throw notInstalled(id);
    return effectiveSettings(JSON.parse(row.manifest) as PluginManifest, this.parseSettings(row.settings));
  }

  /** Active plugins with web code, for the web app to import. */
  async webapps(): Promise<WebappPlugin[]> {
    return [...this.active.values()]
      .filter((p) => p.manifest.web)
      .sort((a, b) => a.manifest.id.localeCompare(b.manifest.id))
      .map((p) => ({
        id: p.manifest.id,
        version: p.manifest.version,
        bundle_path: `/static/plugins/${p.manifest.id}/${p.checksum}/${p.manifest.web!.entry.replace(/^\.\//, "")}`,
      }));
  }

  /**
   * A file of a plugin's web code. Only files below the folder of `web.entry`
   * are served (not the server code), and never anything outside the bundle.
   */
  async webAsset(props: { pluginId: string; checksum: string; path: string }): Promise<{ body: Buffer; contentType: string }> {
    const missing = () => notFound("plugin_asset", `no asset ${props.path} for plugin ${props.pluginId}`);
    if (!idPattern.test(props.pluginId) || !/^[a-f0-9]{64}$/.test(props.checksum)) throw missing();
    let dir: string;
    let manifest: PluginManifest;
    const running = this.active.get(props.pluginId);
    if (running && running.checksum === props.checksum) {
      dir = running.dir;
      manifest = running.manifest;
    } else {
      const row = await this.host.db
        .selectFrom("plugins")
        .selectAll()
        .where("id", "=", props.pluginId)
        .where("checksum", "=", props.checksum)
        .executeTakeFirst();
      if (!row) throw missing();
      manifest = parseManifest(JSON.parse(row.manifest));
      dir = await this.ensureExtracted(row);
    }
    if (!manifest.web) throw missing();
    const webRoot = path.resolve(dir, path.posix.dirname(manifest.web.entry));
    const file = path.resolve(dir, props.path);
    if (!file.startsWith(webRoot + path.sep)) throw missing();
    let body: Buffer;
    try {
      body = await fs.promises.readFile(file);
    } catch {
      throw missing();
    }
    return { body, contentType: CONTENT_TYPES[path.extname(file).toLowerCase()] ?? "application/octet-stream" };
  }

  /** Serve `/plugins/{id}/...` from the plugin's router. */
  async handleHttp(request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    const pathname = new URL(request.url, "http://plugin.invalid").pathname;
    const [, id = "", rest = ""] = /^\/plugins\/([^/]+)(\/.*)?$/.exec(pathname) ?? [];
    const plugin = this.active.get(id);
    if (!plugin) throw notFound("plugin", `Plugin "${id}" is not installed or not enabled.`);
    return servePluginRoute({ pluginId: id, router: plugin.router, pathname: rest || "/", request, reply, log: this.host.log });
  }

  // ---- internals ----

  private async row(id: string): Promise<PluginsTable | undefined> {
    return this.host.db.selectFrom("plugins").selectAll().where("id", "=", id).executeTakeFirst();
  }

  private announce(id: string): void {
    this.host.bus.publish(TOPIC, { id });
  }

  private parseSettings(text: string): Record<string, unknown> {
    try {
      const value = JSON.parse(text) as unknown;
      return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  }

  /** Make this process match the row after another process changed it. */
  private async converge(id: string): Promise<void> {
    if (this.stopped) return;
    const row = await this.row(id);
    const running = this.active.get(id);
    if (!row || !row.enabled) {
      if (running) await this.deactivate(id);
      this.failures.delete(id);
      if (!row) this.removeExtracted(id);
      return;
    }
    this.storedSettings.set(id, this.parseSettings(row.settings));
    if (running && running.checksum === row.checksum) return;
    if (running) await this.deactivate(id);
    try {
      await this.activate(row);
    } catch {
      // Logged by activate.
    }
  }

  /** The extracted folder of a row's bundle, extracting it on first use. */
  private async ensureExtracted(row: Pick<PluginsTable, "id" | "checksum" | "bundle">): Promise<string> {
    const dir = path.join(this.pluginsDir, row.id, row.checksum);
    if (bundleExtracted(dir)) return dir;
    const read = await readBundle(Buffer.from(row.bundle));
    extractBundle({ files: read.files, dir });
    return dir;
  }

  private removeExtracted(id: string): void {
    try {
      fs.rmSync(path.join(this.pluginsDir, id), { recursive: true, force: true });
    } catch (error) {
      this.host.log.warn("could not remove an uninstalled plugin's files", { plugin_id: id, error: errorMessage(error) });
    }
  }

  /**
   * Import the server entry and call `activate(ctx)`. On failure everything it
   * registered is disposed, the reason is kept for the list, and the error is
   * rethrown; the plugin stays inactive and the server goes on.
   */
  private async activate(row: PluginsTable): Promise<void> {
    const id = row.id;
    const log = this.host.log.child({ plugin_id: id });
    const registrations = new Registrations(log);
    const router = new PluginRouter();
    this.failures.delete(id);
    this.storedSettings.set(id, this.parseSettings(row.settings));
    try {
      const manifest = parseManifest(JSON.parse(row.manifest));
      const dir = await this.ensureExtracted(row);
      let module: PluginServerModule | null = null;
      let activation: PluginActivation | void = undefined;
      if (manifest.server) {
        const imported = (await import(pathToFileURL(path.join(dir, manifest.server.entry)).href)) as Partial<PluginServerModule>;
        if (typeof imported.activate !== "function") throw new Error(`${manifest.server.entry} does not export activate(ctx)`);
        module = imported as PluginServerModule;
        const ctx = createPluginContext({
          host: this.host,
          manifest,
          registrations,
          router,
          settings: () => effectiveSettings(manifest, this.storedSettings.get(id) ?? {}),
        });
        const outcome = await withTimeout(
          Promise.resolve().then(() => module!.activate(ctx)),
          LIFECYCLE_TIMEOUT_MS,
        );
        if (outcome === TIMED_OUT) throw new Error(`activate() did not finish within ${LIFECYCLE_TIMEOUT_MS / 1000}s`);
        activation = outcome;
      }
      this.active.set(id, { manifest, checksum: row.checksum, dir, module, registrations, router, activation });
      log.info("plugin activated", { version: manifest.version });
    } catch (error) {
      registrations.disposeAll();
      const message = errorMessage(error);
      this.failures.set(id, message);
      log.error("plugin failed to activate; it stays inactive", { error: error instanceof Error ? (error.stack ?? message) : message });
      throw error;
    }
  }

  /** Call `deactivate()` (errors and hangs logged), then dispose everything the plugin registered. */
  private async deactivate(id: string): Promise<void> {
    const plugin = this.active.get(id);
    if (!plugin) return;
    // Routes and the web bundle disappear at once, before the plugin's own cleanup.
    this.active.delete(id);
    const log = this.host.log.child({ plugin_id: id });
    try {
      if (plugin.module?.deactivate || plugin.activation?.deactivate) {
        const outcome = await withTimeout(
          Promise.resolve().then(async () => {
            await plugin.activation?.deactivate?.();
            await plugin.module?.deactivate?.();
          }),
          LIFECYCLE_TIMEOUT_MS,
        );
        if (outcome === TIMED_OUT) log.warn(`deactivate() did not finish within ${LIFECYCLE_TIMEOUT_MS / 1000}s`);
      }
    } catch (error) {
      log.warn("deactivate() threw", { error: errorMessage(error) });
    }
    plugin.registrations.disposeAll();
    log.info("plugin deactivated");
  }

  /** First run: install and enable prepackaged bundles; upgrade those with a newer version. */
  private async installPrepackaged(): Promise<void> {
    const dir = this.host.config.prepackagedPluginsDir;
    if (!fs.existsSync(dir)) return;
    for (const file of fs
      .readdirSync(dir)
      .filter((f) => f.endsWith(".tar.gz"))
      .sort()) {
      const full = path.join(dir, file);
      try {
        const bundle = fs.readFileSync(full);
        const { manifest, checksum } = await readBundle(bundle);
        const stored = await this.host.db
          .selectFrom("plugins")
          .select(["manifest", "checksum"])
          .where("id", "=", manifest.id)
          .executeTakeFirst();
        const now = Date.now();
        if (!stored) {
          const removed = await this.host.db
            .selectFrom("plugin_kv")
            .select("key")
            .where("plugin_id", "=", HOST_KV)
            .where("key", "=", uninstalledKey(manifest.id))
            .executeTakeFirst();
          if (removed) continue;
          await this.host.db
            .insertInto("plugins")
            .values({
              id: manifest.id,
              manifest: JSON.stringify(manifest),
              bundle,
              checksum,
              enabled: 1,
              settings: "{}",
              installed_at: now,
              updated_at: now,
            })
            .onConflict((oc) => oc.column("id").doNothing())
            .execute();
          this.host.log.info("prepackaged plugin installed and enabled", { plugin_id: manifest.id, version: manifest.version });
          this.announce(manifest.id);
        } else if (compareVersions(manifest.version, (JSON.parse(stored.manifest) as PluginManifest).version) > 0) {
          await this.host.db
            .updateTable("plugins")
            .set({ manifest: JSON.stringify(manifest), bundle, checksum, updated_at: now })
            .where("id", "=", manifest.id)
            .execute();
          this.host.log.info("prepackaged plugin upgraded", { plugin_id: manifest.id, version: manifest.version });
          this.announce(manifest.id);
        }
      } catch (error) {
        this.host.log.error("prepackaged plugin bundle skipped", { file: full, error: errorMessage(error) });
      }
    }
  }

  /** Delete a plugin's KV rows and drop its tables (`<id>_*` and its migration bookkeeping). Returns how many things went. */
  private async purgeData(id: string): Promise<number> {
    const kv = await this.host.db.deleteFrom("plugin_kv").where("plugin_id", "=", id).executeTakeFirst();
    let removed = Number(kv.numDeletedRows);
    const bookkeeping = `migrations_plugin_${id.replace(/[^a-z0-9_]/g, "_")}`;
    // Another installed plugin whose id extends this one (`a` and `a_b`) keeps its tables.
    const others = (await this.host.db.selectFrom("plugins").select("id").execute())
      .map((r) => r.id)
      .filter((o) => o !== id && o.startsWith(`${id}_`));
    const tables = (await this.tableNames()).filter(
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
          if (this.host.dialect === "postgres") await sql`DROP TABLE IF EXISTS ${sql.id(name)} CASCADE`.execute(this.host.db);
          else await sql`DROP TABLE IF EXISTS ${sql.id(name)}`.execute(this.host.db);
          removed += 1;
        } catch {
          failed.push(name);
        }
      }
      pending = failed;
    }
    if (pending.length) throw new Error(`could not drop the tables ${pending.join(", ")} of plugin ${id}`);
    this.host.log.info("plugin data purged", { plugin_id: id, tables });
    return removed;
  }

  private async tableNames(): Promise<string[]> {
    if (this.host.dialect === "postgres") {
      const result = await sql<{
        name: string;
      }>`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`.execute(
        this.host.db,
      );
      return result.rows.map((r) => r.name);
    }
    const result = await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table'`.execute(this.host.db);
    return result.rows.map((r) => r.name);
  }
}
