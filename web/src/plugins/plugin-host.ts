/**
 * @module plugins/plugin-host
 * Loads the web code of enabled plugins, gives each its own registry (as
 * Mattermost's `PluginRegistry`), links its CSS files, and disposes everything
 * a plugin added when it is disabled — in every open tab, without a reload.
 */
import type { Disposable, RhsHandle, WebHost, WebPluginModule, WebPluginRegistry } from "#common/web-plugin-api.ts";
import * as z from "zod/mini";
import { webappPluginSchema } from "#common/wire-schemas.ts";
import type { WebappPlugin, WebSocketEvent } from "#common/wire.ts";
import type { ApiClient } from "../api/client.ts";
import { Store } from "../store/store.ts";
import { noContributions, type Contributions } from "./contributions.ts";
import { shareModules } from "./shared-modules.ts";

interface LoadedPlugin {
  bundlePath: string;
  disposables: Set<Disposable>;
  /** False once unloaded: registrations made after that are undone at once. */
  live: boolean;
}

/** Where the open RHS panel's key is kept for a reload (this tab only). */
const OPEN_RHS_KEY = "sitrep.openRhs";

/** A System Console page id: one path segment of `/admin_console/plugins/<plugin id>/<id>`. */
const ADMIN_PAGE_ID = /^[a-z0-9][a-z0-9-]*$/;

/** The tab's sessionStorage; absent outside a browser (the unit tests). */
function tabStorage(): Storage | undefined {
  return typeof sessionStorage === "undefined" ? undefined : sessionStorage;
}

type EventHandler = { pluginId: string; event: string; handler: (event: WebSocketEvent) => void };

export interface PluginHostProps {
  api: ApiClient;
  /** Makes the services object a plugin receives. */
  createWebHost(pluginId: string): WebHost;
  /** Loads a bundle; `import()` by default (tests may replace it). */
  importBundle?(url: string): Promise<unknown>;
}

/** One per app. Read `contributions` to render what plugins added. */
export class PluginHost {
  readonly contributions = new Store<Contributions>(noContributions);
  private readonly plugins = new Map<string, LoadedPlugin>();
  private handlers: EventHandler[] = [];
  private syncing: Promise<void> = Promise.resolve();
  private counter = 0;
  private readonly webHosts = new Map<string, WebHost>();

  constructor(private readonly props: PluginHostProps) {}

  /** Fetch the enabled plugins and load or unload web code to match. Calls are serialized. */
  sync(): Promise<void> {
    this.syncing = this.syncing
      .then(() => this.syncNow())
      .catch((error: unknown) => {
        console.warn("Sitrep: could not load the list of plugins", error);
      });
    return this.syncing;
  }

  /** Unload every plugin (sign-out). */
  unloadAll(): void {
    for (const id of [...this.plugins.keys()]) this.unload(id);
  }

  /** Give a WebSocket event to every plugin handler registered for it. One failing handler never stops the others. */
  dispatch(event: WebSocketEvent): void {
    for (const entry of this.handlers) {
      if (entry.event !== event.event) continue;
      try {
        entry.handler(event);
      } catch (error) {
        console.warn(`Sitrep: plugin ${entry.pluginId} failed handling ${event.event}`, error);
      }
    }
  }

  /** The services given to a plugin (one instance per plugin id). */
  webHostFor(pluginId: string): WebHost {
    let host = this.webHosts.get(pluginId);
    if (!host) this.webHosts.set(pluginId, (host = this.props.createWebHost(pluginId)));
    return host;
  }

  /** Show, hide or toggle an RHS panel by key (`null` closes it); the choice outlives a reload of the page. */
  setOpenRhs(key: string | null): void {
    this.contributions.update((c) => (c.openRhs === key ? c : { ...c, openRhs: key }));
    if (key) tabStorage()?.setItem(OPEN_RHS_KEY, key);
    else tabStorage()?.removeItem(OPEN_RHS_KEY);
  }

  private async syncNow(): Promise<void> {
    const wanted = await this.props.api.get("/api/v4/plugins/webapp", z.array(webappPluginSchema));
    const byId = new Map(wanted.map((p) => [p.id, p]));
    for (const [id, loaded] of this.plugins) {
      if (byId.get(id)?.bundle_path !== loaded.bundlePath) this.unload(id);
    }
    for (const plugin of wanted) {
      if (!this.plugins.has(plugin.id) && plugin.bundle_path) await this.load(plugin);
    }
  }

  private async load(plugin: WebappPlugin): Promise<void> {
    shareModules();
    const loaded: LoadedPlugin = { bundlePath: plugin.bundle_path, disposables: new Set(), live: true };
    this.plugins.set(plugin.id, loaded);
    this.contributions.update((c) => ({ ...c, loaded: [...c.loaded, plugin.id] }));
    if (plugin.style_paths?.length) loaded.disposables.add(linkStyles(plugin.id, plugin.style_paths));
    try {
      const module = (await (this.props.importBundle ?? ((url: string) => import(/* @vite-ignore */ url)))(
        plugin.bundle_path,
      )) as Partial<WebPluginModule>;
      if (typeof module.register !== "function") throw new Error(`${plugin.bundle_path} does not export register()`);
      await module.register(this.registryFor(plugin.id, loaded), this.webHostFor(plugin.id));
    } catch (error) {
      console.warn(`Sitrep: plugin ${plugin.id} failed to load`, error);
    }
  }

  private unload(pluginId: string): void {
    const loaded = this.plugins.get(pluginId);
    if (!loaded) return;
    loaded.live = false;
    this.plugins.delete(pluginId);
    for (const disposable of [...loaded.disposables]) {
      try {
        disposable.dispose();
      } catch (error) {
        console.warn(`Sitrep: disposing a registration of ${pluginId} failed`, error);
      }
    }
    this.contributions.update((c) => ({ ...c, loaded: c.loaded.filter((id) => id !== pluginId) }));
  }

  /** A registry whose every registration is owned by `pluginId`. */
  private registryFor(pluginId: string, loaded: LoadedPlugin): WebPluginRegistry {
    const own = (undo: () => void): Disposable => {
      let done = false;
      const disposable: Disposable = {
        dispose: () => {
          if (done) return;
          done = true;
          loaded.disposables.delete(disposable);
          undo();
        },
      };
      loaded.disposables.add(disposable);
      if (!loaded.live) disposable.dispose();
      return disposable;
    };
    const nextKey = (id?: string) => `${pluginId}:${id ?? `r${++this.counter}`}`;
    const store = this.contributions;

    return {
      registerRightHandSidebarComponent: ({ id, title, component }): RhsHandle => {
        const key = nextKey(id);
        store.update((c) => ({ ...c, rhs: [...c.rhs.filter((r) => r.key !== key), { key, pluginId, title, component }] }));
        // The panel that was open before the page reloaded opens again.
        if (tabStorage()?.getItem(OPEN_RHS_KEY) === key) this.setOpenRhs(key);
        const disposable = own(() =>
          store.update((c) => ({ ...c, rhs: c.rhs.filter((r) => r.key !== key), openRhs: c.openRhs === key ? null : c.openRhs })),
        );
        const alive = () => store.get().rhs.some((r) => r.key === key);
        return {
          dispose: () => disposable.dispose(),
          show: () => alive() && this.setOpenRhs(key),
          hide: () => store.get().openRhs === key && this.setOpenRhs(null),
          toggle: () => alive() && this.setOpenRhs(store.get().openRhs === key ? null : key),
        };
      },
      registerChannelHeaderButton: ({ icon, label, action }) => {
        const key = nextKey();
        store.update((c) => ({ ...c, headerButtons: [...c.headerButtons, { key, pluginId, icon, label, action }] }));
        return own(() => store.update((c) => ({ ...c, headerButtons: c.headerButtons.filter((b) => b.key !== key) })));
      },
      registerPostTypeComponent: (type, component) => {
        const key = nextKey();
        store.update((c) => ({ ...c, postTypes: [...c.postTypes, { key, pluginId, type, component }] }));
        return own(() => store.update((c) => ({ ...c, postTypes: c.postTypes.filter((p) => p.key !== key) })));
      },
      registerPostMenuAction: ({ text, filter, action }) => {
        const key = nextKey();
        store.update((c) => ({ ...c, postMenuActions: [...c.postMenuActions, { key, pluginId, text, filter, action }] }));
        return own(() => store.update((c) => ({ ...c, postMenuActions: c.postMenuActions.filter((a) => a.key !== key) })));
      },
      registerWebSocketEventHandler: (event, handler) => {
        const entry: EventHandler = { pluginId, event, handler };
        this.handlers = [...this.handlers, entry];
        return own(() => {
          this.handlers = this.handlers.filter((h) => h !== entry);
        });
      },
      registerPage: ({ path, title, component }) => {
        const key = nextKey();
        store.update((c) => ({ ...c, pages: [...c.pages, { key, pluginId, path, title, component }] }));
        return own(() => store.update((c) => ({ ...c, pages: c.pages.filter((p) => p.key !== key) })));
      },
      registerMainMenuAction: ({ text, action }) => {
        const key = nextKey();
        store.update((c) => ({ ...c, mainMenuActions: [...c.mainMenuActions, { key, pluginId, text, action }] }));
        return own(() => store.update((c) => ({ ...c, mainMenuActions: c.mainMenuActions.filter((a) => a.key !== key) })));
      },
      registerSidebarSection: ({ id, title, filter }) => {
        const key = nextKey(id);
        const section = { key, pluginId, id, title, filter, version: 0 };
        store.update((c) => ({ ...c, sidebarSections: [...c.sidebarSections.filter((s) => s.key !== key), section] }));
        const disposable = own(() => store.update((c) => ({ ...c, sidebarSections: c.sidebarSections.filter((s) => s.key !== key) })));
        return {
          dispose: () => disposable.dispose(),
          refresh: () =>
            store.update((c) => ({
              ...c,
              sidebarSections: c.sidebarSections.map((s) => (s.key === key ? { ...s, version: s.version + 1 } : s)),
            })),
        };
      },
      registerAdminConsolePage: ({ id = "", title, component }) => {
        if (id && !ADMIN_PAGE_ID.test(id)) throw new Error(`registerAdminConsolePage: id "${id}" must be lowercase letters, digits and -`);
        const key = nextKey();
        // The latest registration of a page id wins, as for pages under a team.
        const page = { key, pluginId, pageId: id, title, component };
        store.update((c) => ({
          ...c,
          adminPages: [...c.adminPages.filter((p) => p.pluginId !== pluginId || p.pageId !== id), page],
        }));
        return own(() => store.update((c) => ({ ...c, adminPages: c.adminPages.filter((p) => p.key !== key) })));
      },
    };
  }
}

/**
 * Put a plugin's CSS files in the page as `<link rel="stylesheet">` (never
 * `<style>`: the page's CSP allows styles only as files of the origin);
 * disposing removes them.
 */
function linkStyles(pluginId: string, paths: readonly string[]): Disposable {
  const links = paths.map((href) => {
    const link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = href;
    link.dataset.plugin = pluginId;
    document.head.appendChild(link);
    return link;
  });
  return { dispose: () => links.forEach((link) => link.remove()) };
}
