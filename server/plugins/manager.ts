/**
 * @module plugins/manager
 * The plugin runtime as the rest of the host sees it: install, enable,
 * disable and uninstall bundles at runtime, without a restart; settings; the
 * web bundles to load; each plugin's HTTP routes.
 *
 * The `plugins` table is the truth every process shares (`plugin-rows.ts`). A
 * change made by one process is announced on the bus (`plugins.changed`), and
 * every other process converges: it activates or deactivates the plugin
 * locally to match the row (`lifecycle.ts`). The other concerns live beside
 * this file: `plugin-http.ts` (dispatch), `web-assets.ts`, `prepackaged.ts`,
 * `purge.ts`.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Kysely } from "kysely";
import { z } from "zod";
import type { PluginStatus, WebappPlugin } from "#common/wire.ts";
import type { PluginContext, PluginManifest } from "#plugin-api";
import type { Config } from "../config.ts";
import type { Dialect } from "../db/index.ts";
import type { Database } from "../db/schema.ts";
import { badRequest, conflict, notFound } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { EventBus } from "../realtime/bus.ts";
import type { RealtimeHub } from "../realtime/hub.ts";
import type { HookRegistry } from "./hooks.ts";
import { readBundle, settingValueSchema } from "./bundle.ts";
import { effectiveSettings } from "./context.ts";
import { extractedPluginsDir } from "./faults.ts";
import { errorMessage, PluginLifecycle, type ContextRequest } from "./lifecycle.ts";
import { servePluginRoute } from "./plugin-http.ts";
import { notInstalled, PluginRows } from "./plugin-rows.ts";
import { installPrepackaged } from "./prepackaged.ts";
import { purgePluginData } from "./purge.ts";
import { isAssetAddress, missingAsset, readWebAsset } from "./web-assets.ts";
import { BODY_LIMITS } from "../api/body-limit.ts";

export type { PluginStatus, WebappPlugin };

const TOPIC = "plugins.changed";

const settingValuesSchema = z.record(z.string(), z.unknown());

/** What the plugin runtime needs from the host. */
export interface PluginManagerDeps {
  db: Kysely<Database>;
  dialect: Dialect;
  bus: EventBus;
  log: Logger;
  config: Pick<Config, "dataDir" | "prepackagedPluginsDir">;
  /** Tells browsers a plugin was enabled or disabled. */
  realtime: Pick<RealtimeHub, "publish">;
  /** Whose before-post hooks are skipped after timing out, for the list. */
  hooks: Pick<HookRegistry, "beforePostSkippedUntil">;
  /** Build the context one activation of a plugin receives. */
  createContext(request: ContextRequest): PluginContext;
}

/** The plugin runtime of one host. */
export class PluginManager {
  private readonly rows: PluginRows;
  private readonly lifecycle: PluginLifecycle;
  private unsubscribe?: () => void;
  private unsubscribeGap?: () => void;

  constructor(private readonly deps: PluginManagerDeps) {
    this.rows = new PluginRows(deps.db);
    this.lifecycle = new PluginLifecycle({
      rows: this.rows,
      log: deps.log,
      pluginsDir: extractedPluginsDir(deps.config.dataDir),
      createContext: (request) => deps.createContext(request),
    });
  }

  /** Install prepackaged bundles on first run, then activate enabled plugins. */
  async start(): Promise<void> {
    const { bus, log } = this.deps;
    this.unsubscribe = bus.subscribe((message) => {
      if (message.topic !== TOPIC || message.origin === bus.processId) return;
      const parsed = z.object({ id: z.string() }).safeParse(message.payload);
      if (!parsed.success) return;
      void this.lifecycle
        .serial(() => this.lifecycle.converge(parsed.data.id))
        .catch((error: unknown) =>
          log.error("plugin change from another process could not be applied", { plugin_id: parsed.data.id, error: errorMessage(error) }),
        );
    });
    // Changes announced while the bus had a gap were missed: every plugin is brought in line with its row again.
    this.unsubscribeGap = bus.onReconnect(() => {
      void this.lifecycle
        .serial(async () => {
          const ids = new Set([...(await this.rows.ids()), ...this.lifecycle.all().map((p) => p.manifest.id)]);
          for (const id of ids) await this.lifecycle.converge(id);
        })
        .catch((error: unknown) => log.error("plugins could not be brought in line after a bus gap", { error: errorMessage(error) }));
    });
    await this.lifecycle.serial(async () => {
      await installPrepackaged({ dir: this.deps.config.prepackagedPluginsDir, rows: this.rows, log, announce: (id) => this.announce(id) });
      await this.lifecycle.startAll(await this.rows.enabled());
    });
  }

  /** Deactivate every plugin. */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.unsubscribeGap?.();
    this.unsubscribeGap = undefined;
    await this.lifecycle.serial(() => this.lifecycle.stopAll());
  }

  /** Every installed plugin, split by whether it runs here. */
  async list(): Promise<{ active: PluginStatus[]; inactive: PluginStatus[] }> {
    const result = { active: [] as PluginStatus[], inactive: [] as PluginStatus[] };
    for (const row of await this.rows.summaries()) {
      const active = this.lifecycle.runs(row.id, row.checksum);
      const error = row.enabled && !active ? this.lifecycle.failure(row.id) : undefined;
      const skippedUntil = active ? this.deps.hooks.beforePostSkippedUntil(row.id) : 0;
      const status: PluginStatus = {
        id: row.id,
        name: row.manifest.name,
        version: row.manifest.version,
        description: row.manifest.description ?? "",
        active,
        enabled: row.enabled === 1,
        ...(error ? { error } : {}),
        ...(skippedUntil ? { before_post_hook_skipped_until: skippedUntil } : {}),
        ...(row.manifest.disable_warning ? { disable_warning: row.manifest.disable_warning } : {}),
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
    const { manifest, checksum } = await readBundle(props.bundle);
    return this.lifecycle.serial(async () => {
      const existing = await this.rows.summary(manifest.id);
      if (existing && !props.force) {
        throw conflict(
          "app.plugin.install_id.app_error",
          `id: a plugin with the id "${manifest.id}" is already installed; upload with force=true to replace it`,
          { id: manifest.id },
        );
      }
      if (existing) await this.rows.replaceBundle({ manifest, bundle: props.bundle, checksum });
      else await this.rows.insert({ manifest, bundle: props.bundle, checksum, enabled: false });
      await this.rows.clearUninstalled(manifest.id);
      this.deps.log.info("plugin installed", { plugin_id: manifest.id, version: manifest.version, replaced: Boolean(existing) });
      const row = existing?.enabled && existing.checksum !== checksum ? await this.rows.get(manifest.id) : undefined;
      if (row) {
        await this.lifecycle.deactivate(manifest.id);
        try {
          await this.lifecycle.activate(row);
          this.deps.realtime.publish("plugin_enabled", { manifest }, { all: true });
        } catch {
          // Logged; listed with its error. The upload itself succeeded.
          this.deps.realtime.publish("plugin_disabled", { manifest }, { all: true });
        }
      }
      this.announce(manifest.id);
      return manifest;
    });
  }

  /** Enable a plugin and activate it here (and, through the bus, everywhere). */
  async enable(id: string): Promise<void> {
    await this.lifecycle.serial(async () => {
      const row = await this.rows.get(id);
      if (!row) throw notInstalled(id);
      await this.rows.setEnabled(id, true);
      this.announce(id);
      if (this.lifecycle.runs(id, row.checksum)) return;
      await this.lifecycle.deactivate(id);
      try {
        await this.lifecycle.activate(row);
      } catch (error) {
        // Stays enabled, as the admin asked; the next start or enable tries again.
        throw badRequest("app.plugin.activate.app_error", `Plugin "${id}" is enabled but failed to activate: ${errorMessage(error)}`);
      }
      this.deps.realtime.publish("plugin_enabled", { manifest: row.manifest }, { all: true });
    });
  }

  /** Disable a plugin: `deactivate()`, then every registration it made is disposed. */
  async disable(id: string): Promise<void> {
    await this.lifecycle.serial(async () => {
      const row = await this.rows.summary(id);
      if (!row) throw notInstalled(id);
      await this.rows.setEnabled(id, false);
      this.announce(id);
      await this.lifecycle.deactivate(id);
      this.lifecycle.forget(id, { settings: false });
      this.deps.realtime.publish("plugin_disabled", { manifest: row.manifest }, { all: true });
    });
  }

  /**
   * Disable and remove a plugin. Its data (tables, KV rows) stays, so a
   * reinstall finds it; `purge` deletes that too. A purge works on data left by
   * an earlier uninstall as well.
   */
  async uninstall(id: string, options: { purge: boolean }): Promise<void> {
    await this.lifecycle.serial(async () => {
      const row = await this.rows.summary(id);
      if (!row && !options.purge) throw notInstalled(id);
      if (row) {
        await this.lifecycle.deactivate(id);
        // Noted as uninstalled: a prepackaged plugin the admin removed is not reinstalled at the next start.
        await this.rows.delete(id);
        this.lifecycle.forget(id, { settings: true });
        this.lifecycle.removeExtracted(id);
        this.announce(id);
        if (row.enabled) this.deps.realtime.publish("plugin_disabled", { manifest: row.manifest }, { all: true });
        this.deps.log.info("plugin uninstalled", { plugin_id: id, purge: options.purge });
      }
      if (options.purge) {
        const { db, dialect, log } = this.deps;
        const removed = await purgePluginData({ db, dialect, log, id, installed: await this.rows.ids() });
        if (!row && removed === 0) throw notInstalled(id);
      }
    });
  }

  /** Replace a plugin's admin settings; each value is checked against the manifest's settings schema. */
  async updateSettings(id: string, values: unknown): Promise<Record<string, unknown>> {
    return this.lifecycle.serial(async () => {
      const row = await this.rows.summary(id);
      if (!row) throw notInstalled(id);
      const schema = row.manifest.settings_schema ?? {};
      const parsed = settingValuesSchema.safeParse(values);
      if (!parsed.success || Array.isArray(values))
        throw badRequest("api.plugin.settings.invalid", "body: must be an object of setting values");
      const problems: string[] = [];
      for (const [key, value] of Object.entries(parsed.data)) {
        const setting = schema[key];
        if (!setting) problems.push(`${key}: is not a setting of ${id}`);
        else if (!settingValueSchema(setting.type).safeParse(value).success) problems.push(`${key}: must be a ${setting.type}`);
      }
      if (problems.length) throw badRequest("api.plugin.settings.invalid", problems.join("; "));
      await this.rows.setSettings(id, parsed.data);
      this.lifecycle.setSettings(id, parsed.data);
      this.announce(id);
      return effectiveSettings(row.manifest, parsed.data);
    });
  }

  /** A plugin's settings, defaults filled in. */
  async settings(id: string): Promise<Record<string, unknown>> {
    const row = await this.rows.summary(id);
    if (!row) throw notInstalled(id);
    return effectiveSettings(row.manifest, row.settings);
  }

  /**
   * Active plugins with web code, for the web app to import: Mattermost's
   * manifest list (`webapp.bundle_path`), with Sitrep's `bundle_path` and
   * `style_paths` beside it.
   */
  async webapps(): Promise<WebappPlugin[]> {
    return this.lifecycle
      .all()
      .sort((a, b) => a.manifest.id.localeCompare(b.manifest.id))
      .flatMap((p) =>
        p.manifest.web
          ? [
              {
                id: p.manifest.id,
                name: p.manifest.name,
                description: p.manifest.description ?? "",
                version: p.manifest.version,
                webapp: { bundle_path: webAssetPath(p, p.manifest.web.entry) },
                bundle_path: webAssetPath(p, p.manifest.web.entry),
                ...(p.manifest.web.styles?.length ? { style_paths: p.manifest.web.styles.map((style) => webAssetPath(p, style)) } : {}),
              },
            ]
          : [],
      );
  }

  /**
   * A file of a plugin's web code, at the version the checksum names (the
   * running one, or an older or newer row still stored).
   */
  async webAsset(props: { pluginId: string; checksum: string; path: string }): Promise<{ body: Buffer; contentType: string }> {
    if (!isAssetAddress(props)) throw missingAsset(props);
    const running = this.lifecycle.get(props.pluginId);
    if (running && running.checksum === props.checksum)
      return readWebAsset({ pluginId: props.pluginId, manifest: running.manifest, dir: running.dir, path: props.path });
    const row = await this.rows.atChecksum(props.pluginId, props.checksum);
    if (!row) throw missingAsset(props);
    return readWebAsset({ pluginId: props.pluginId, manifest: row.manifest, dir: await this.lifecycle.extracted(row), path: props.path });
  }

  /** Serve `/plugins/{id}/...` from the plugin's router. */
  /**
   * The body limit of the plugin route a request is for (its `maxBodyBytes`),
   * or the default when no route matches (the request is answered 404 later).
   */
  bodyLimitFor(method: string, url: string): number {
    const { id, pathname } = pluginTarget(url);
    return this.lifecycle.get(id)?.router.match(method, pathname)?.route.maxBodyBytes ?? BODY_LIMITS.default;
  }

  async handleHttp(request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    const { id, pathname } = pluginTarget(request.url);
    const plugin = this.lifecycle.get(id);
    if (!plugin) throw notFound("plugin", `Plugin "${id}" is not installed or not enabled.`);
    return servePluginRoute({ pluginId: id, router: plugin.router, pathname, request, reply, log: this.deps.log });
  }

  private announce(id: string): void {
    this.deps.bus.publish(TOPIC, { id });
  }
}

/** `/plugins/{id}/rest?query` → the plugin's id and the path below its prefix (`/` at least). */
function pluginTarget(url: string): { id: string; pathname: string } {
  const full = new URL(url, "http://plugin.invalid").pathname;
  const [, id = "", rest = ""] = /^\/plugins\/([^/]+)(\/.*)?$/.exec(full) ?? [];
  return { id, pathname: rest || "/" };
}

/** The address of a file of a running plugin's web code. */
function webAssetPath(plugin: { manifest: { id: string }; checksum: string }, file: string): string {
  return `/static/plugins/${plugin.manifest.id}/${plugin.checksum}/${file.replace(/^\.\//, "")}`;
}
