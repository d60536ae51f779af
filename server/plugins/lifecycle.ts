/**
 * @module plugins/lifecycle
 * The plugins running in this process: activate and deactivate them, one
 * change at a time, and converge on the `plugins` rows when another process
 * changed them.
 *
 * Each process extracts a bundle to `<dataDir>/plugins/<id>/<checksum>/` and
 * imports its server entry from there (a new version gets a new path, since
 * Node cannot unload an ES module). `activate` and `deactivate` run within a
 * time budget: a plugin that hangs is given up on and the host goes on.
 */
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { TIMED_OUT, withTimeout } from "#common/with-timeout.ts";
import type { PluginActivation, PluginContext, PluginManifest, PluginServerModule } from "#plugin-api";
import type { Logger } from "../log.ts";
import { bundleExtracted, extractBundle, readBundle } from "./bundle.ts";
import { effectiveSettings, Registrations } from "./context.ts";
import type { PluginRow, PluginRows } from "./plugin-rows.ts";
import { PluginRouter } from "./router.ts";

/** How long `activate`/`deactivate` may take before the host gives up on it. */
const LIFECYCLE_TIMEOUT_MS = 30_000;

/** The message of anything thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** One plugin running in this process. */
export interface ActivePlugin {
  manifest: PluginManifest;
  checksum: string;
  /** The extracted bundle's folder. */
  dir: string;
  module: PluginServerModule | null;
  /** What `activate` returned: its own `deactivate`, holding the plugin's state in a closure. */
  activation?: PluginActivation | void;
  registrations: Registrations;
  router: PluginRouter;
}

/** What a plugin's context is built from; the host fills in the rest. */
export interface ContextRequest {
  manifest: PluginManifest;
  registrations: Registrations;
  router: PluginRouter;
  /** Read on every `ctx.settings.get()`, so changed values apply live. */
  settings: () => Record<string, unknown>;
}

/** Activates and deactivates plugins in this process. */
export class PluginLifecycle {
  private readonly running = new Map<string, ActivePlugin>();
  /** Why the last activation of an enabled plugin failed. */
  private readonly failures = new Map<string, string>();
  /** Stored (admin-set) settings of each plugin, read live by `ctx.settings.get()`. */
  private readonly storedSettings = new Map<string, Record<string, unknown>>();
  private queue: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly deps: {
      rows: PluginRows;
      log: Logger;
      /** Where bundles are extracted, one folder per plugin id. */
      pluginsDir: string;
      createContext(request: ContextRequest): PluginContext;
    },
  ) {}

  /** Run lifecycle changes one at a time, so two requests never activate one plugin twice. */
  serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => {});
    return run;
  }

  /** The plugin running here, or undefined. */
  get(id: string): ActivePlugin | undefined {
    return this.running.get(id);
  }

  /** Every plugin running here. */
  all(): ActivePlugin[] {
    return [...this.running.values()];
  }

  /** True when the plugin runs here at this checksum. */
  runs(id: string, checksum: string): boolean {
    return this.running.get(id)?.checksum === checksum;
  }

  /** Why the last activation failed, while the plugin is enabled but not running. */
  failure(id: string): string | undefined {
    return this.failures.get(id);
  }

  /** Forget a plugin's failure and settings (disabled or removed). */
  forget(id: string, what: { settings: boolean }): void {
    this.failures.delete(id);
    if (what.settings) this.storedSettings.delete(id);
  }

  /** New admin settings, seen by the plugin's next `ctx.settings.get()`. */
  setSettings(id: string, values: Record<string, unknown>): void {
    this.storedSettings.set(id, values);
  }

  /** Activate each enabled row; one that fails stays inactive and the others go on. */
  async startAll(rows: PluginRow[]): Promise<void> {
    this.stopped = false;
    for (const row of rows) {
      try {
        await this.activate(row);
      } catch {
        // Logged by activate; the plugin stays inactive and the server starts anyway.
      }
    }
  }

  /** Deactivate everything, newest first; converging stops. */
  async stopAll(): Promise<void> {
    this.stopped = true;
    for (const id of [...this.running.keys()].reverse()) await this.deactivate(id);
  }

  /** Make this process match the row after another process changed it. */
  async converge(id: string): Promise<void> {
    if (this.stopped) return;
    const row = await this.deps.rows.get(id);
    const running = this.running.get(id);
    if (!row || !row.enabled) {
      if (running) await this.deactivate(id);
      this.failures.delete(id);
      if (!row) this.removeExtracted(id);
      return;
    }
    this.storedSettings.set(id, row.settings);
    if (running && running.checksum === row.checksum) return;
    if (running) await this.deactivate(id);
    try {
      await this.activate(row);
    } catch {
      // Logged by activate.
    }
  }

  /**
   * The extracted folder of a row's bundle, extracting it on first use. The
   * folder of all bundles says its `.js` files are ES modules (bundles are
   * built as such): without that, Node reads them as CommonJS wherever the
   * data directory is outside a `"type": "module"` package, e.g. /var/lib/sitrep.
   */
  async extracted(row: Pick<PluginRow, "id" | "checksum" | "bundle">): Promise<string> {
    const dir = path.join(this.deps.pluginsDir, row.id, row.checksum);
    const scope = path.join(this.deps.pluginsDir, "package.json");
    if (!fs.existsSync(scope)) {
      fs.mkdirSync(this.deps.pluginsDir, { recursive: true });
      fs.writeFileSync(scope, `${JSON.stringify({ type: "module", private: true })}\n`);
    }
    if (bundleExtracted(dir)) return dir;
    const read = await readBundle(Buffer.from(row.bundle));
    extractBundle({ files: read.files, dir });
    return dir;
  }

  /** Remove every extracted version of an uninstalled plugin. */
  removeExtracted(id: string): void {
    try {
      fs.rmSync(path.join(this.deps.pluginsDir, id), { recursive: true, force: true });
    } catch (error) {
      this.deps.log.warn("could not remove an uninstalled plugin's files", { plugin_id: id, error: errorMessage(error) });
    }
  }

  /**
   * Import the server entry and call `activate(ctx)`. On failure everything it
   * registered is disposed, the reason is kept for the list, and the error is
   * rethrown; the plugin stays inactive and the server goes on.
   */
  async activate(row: PluginRow): Promise<void> {
    const { id, manifest } = row;
    const log = this.deps.log.child({ plugin_id: id });
    const registrations = new Registrations(log);
    const router = new PluginRouter();
    this.failures.delete(id);
    this.storedSettings.set(id, row.settings);
    try {
      const dir = await this.extracted(row);
      let module: PluginServerModule | null = null;
      let activation: PluginActivation | void = undefined;
      if (manifest.server) {
        const imported: Partial<PluginServerModule> = await import(pathToFileURL(path.join(dir, manifest.server.entry)).href);
        const activate = imported.activate;
        if (typeof activate !== "function") throw new Error(`${manifest.server.entry} does not export activate(ctx)`);
        module = { activate, deactivate: imported.deactivate };
        const ctx = this.deps.createContext({
          manifest,
          registrations,
          router,
          settings: () => effectiveSettings(manifest, this.storedSettings.get(id) ?? {}),
        });
        const outcome = await withTimeout(
          Promise.resolve().then(() => activate(ctx)),
          LIFECYCLE_TIMEOUT_MS,
        );
        if (outcome === TIMED_OUT) throw new Error(`activate() did not finish within ${LIFECYCLE_TIMEOUT_MS / 1000}s`);
        activation = outcome;
      }
      this.running.set(id, { manifest, checksum: row.checksum, dir, module, activation, registrations, router });
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
  async deactivate(id: string): Promise<void> {
    const plugin = this.running.get(id);
    if (!plugin) return;
    // Routes and the web bundle disappear at once, before the plugin's own cleanup.
    this.running.delete(id);
    const log = this.deps.log.child({ plugin_id: id });
    const { activation, module } = plugin;
    try {
      if (activation?.deactivate || module?.deactivate) {
        const outcome = await withTimeout(
          Promise.resolve().then(async () => {
            await activation?.deactivate?.();
            await module?.deactivate?.();
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
}
