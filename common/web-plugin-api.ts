/**
 * @module web-plugin-api
 * The stable web-side plugin API. A plugin's web entry is an ES module that
 * exports `register(registry, host)`. Everything it registers returns a
 * {@link Disposable}; the web app disposes them all when the plugin is disabled.
 *
 * Plugin web code shares the host's React: the build maps `react`,
 * `react/jsx-runtime` and `react-dom` to `globalThis.__SITREP__`, which the
 * web app sets before it imports any plugin.
 */
import type * as ReactModule from "react";
import type { ComponentType, ReactNode } from "react";
import type * as ReactDOMModule from "react-dom";
import type * as JsxRuntimeModule from "react/jsx-runtime";
import type { $ZodType } from "zod/v4/core";
import type { Disposable } from "./plugin-api.ts";
import type { Channel, Post, Team, User, WebSocketEvent } from "./wire.ts";

export type { Disposable };

/** What the host's React shares with plugins at `globalThis.__SITREP__`. */
export interface SharedModules {
  React: typeof ReactModule;
  ReactDOM: typeof ReactDOMModule;
  jsxRuntime: typeof JsxRuntimeModule;
}

/** Where the user is now; plugin components re-render when it changes. */
export interface WebLocation {
  user: User;
  team: Team | null;
  channel: Channel | null;
}

/** Services the web app gives plugins. */
export interface WebHost {
  /** The plugin's id. */
  readonly pluginId: string;
  /**
   * An authenticated JSON request to the server (session cookie + CSRF header),
   * its answer parsed with `schema`. Rejects with a {@link WebFetchError}
   * carrying the server's `status`, `id` and `message` on 4xx/5xx, and with one
   * of status 0 (`web.fetch.bad_answer`) when the answer does not parse.
   * `schema` is any zod schema, classic or `zod/mini` (which keeps plugin bundles small).
   */
  fetch<T>(path: string, init: { method?: string; body?: unknown; schema: $ZodType<T> }): Promise<T>;
  /** The current user, team and channel. */
  location(): WebLocation;
  /** Navigate inside the app, e.g. `/ops/channels/incident-1`. */
  navigate(path: string): void;
  /** Run a slash command in the current channel, as if typed. */
  executeCommand(command: string): Promise<void>;
  /** A user by id from the app's cache (fetched when missing); re-renders when loaded. */
  useUser(userId: string | null | undefined): User | undefined;
  /** The users of the current team, for pickers. */
  useTeamUsers(): User[];
  /**
   * The web app's modal for picking people (search as you type, arrows and
   * Enter, one or several), as its direct-message and add-members dialogs
   * use it: render it while it should show, e.g. to pick an assignee.
   */
  UserPicker: ComponentType<UserPickerProps>;
}

/** Props of {@link WebHost.UserPicker}. */
export interface UserPickerProps {
  title: string;
  /** The button that goes on with the people picked, e.g. "Go" or "Assign". */
  submitLabel: string;
  /** Offer the members of this team (everyone the user may see when absent). */
  teamId?: string;
  /** How many people may be picked; with 1, picking someone goes on at once. */
  max?: number;
  /** People not to offer (the user themselves, those already chosen). */
  excludeIds?: readonly string[];
  /** A line under the search box, e.g. what the pick will do. */
  help?: string;
  /** Go on with the people picked; a rejection's message is shown and the picker stays open. */
  onSubmit(users: User[]): Promise<void>;
  /** Esc, Cancel or the close button. */
  onClose(): void;
}

/** Marks a {@link WebFetchError}, whichever bundle's copy of the class made it. */
const WEB_FETCH_ERROR = Symbol.for("sitrep.WebFetchError");

/**
 * Why a {@link WebHost.fetch} failed: the server's error answer, or an answer
 * that did not parse. A plugin bundle has its own copy of this class, so
 * `instanceof` checks a mark both copies share instead of the prototype:
 * `error instanceof WebFetchError` holds in plugin code for errors the web app made.
 */
export class WebFetchError extends Error {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof Error && Object.hasOwn(value, WEB_FETCH_ERROR);
  }
  /** HTTP status; 0 when the network failed or the answer did not parse. */
  readonly status: number;
  /** The server's stable error id, e.g. `incident.not_found`. */
  readonly id: string;
  /** The server's `details`, when it sent some. */
  readonly details?: unknown;
  constructor(props: { status: number; id: string; message: string; details?: unknown }) {
    super(props.message);
    this.name = "WebFetchError";
    this.status = props.status;
    this.id = props.id;
    this.details = props.details;
    Object.defineProperty(this, WEB_FETCH_ERROR, { value: true });
  }
}

/** Props of every component a plugin registers. */
export interface PluginComponentProps {
  host: WebHost;
  location: WebLocation;
}

/** Props of a post-type renderer. */
export interface PostTypeProps extends PluginComponentProps {
  post: Post;
}

/** Props of a plugin page (`/{team}/{path}/...`). */
export interface PluginPageProps extends PluginComponentProps {
  /** The path's segments after `/{team}/{path}`, e.g. `["4f…"]` for `/ops/incidents/4f…`. */
  subpath: string[];
}

/** A page a plugin adds under each team (Mattermost's `registerNeedsTeamRoute`). */
export interface PluginPage {
  /** The first segment after the team, e.g. `incidents` for `/{team}/incidents`; not `channels` or `pl`. */
  path: string;
  /** The page's title (the document title while it shows). */
  title: string;
  component: ComponentType<PluginPageProps>;
}

/** An entry of the team menu at the top of the channel sidebar (Mattermost's `registerMainMenuAction`). */
export interface MainMenuAction {
  text: string;
  action(location: WebLocation): void;
}

/** Controls of a registered right-hand sidebar. */
export interface RhsHandle extends Disposable {
  show(): void;
  hide(): void;
  toggle(): void;
}

/** An item a plugin adds to every post's "⋯" menu. */
export interface PostMenuAction {
  /** The item's label, e.g. "Add to incident timeline". */
  text: string;
  /**
   * Which posts show the item (all when absent). It runs on every render of a
   * menu, so keep it quick and pure; one that throws hides the item.
   */
  filter?(post: Post): boolean;
  /** Runs when the item is chosen, with the post and where the user is. */
  action(post: Post, location: WebLocation): void;
}

/** Controls of a registered sidebar section. */
export interface SidebarSectionHandle extends Disposable {
  /** Run the section's filter again (after what it reads changed, e.g. an incident ended). */
  refresh(): void;
}

/** A section of the channel sidebar that a plugin fills, e.g. "Incidents". */
export interface SidebarSection {
  /** Stable within the plugin; keeps the user's collapsed choice across reloads. */
  id: string;
  /** The section's heading. */
  title: string;
  /**
   * Which of the user's channels it holds (they leave the host's Public and
   * Private sections). Runs on every render of the sidebar: keep it quick and
   * pure; one that throws holds nothing.
   */
  filter(channel: Channel): boolean;
}

/** What a plugin can add to the web app. */
export interface WebPluginRegistry {
  /** A right-hand sidebar panel; returns handles to show, hide or toggle it. */
  registerRightHandSidebarComponent(props: { id?: string; title: string; component: ComponentType<PluginComponentProps> }): RhsHandle;
  /** A button in the channel header; `label` is its accessible name and tooltip. */
  registerChannelHeaderButton(props: { icon: ReactNode; label: string; action(location: WebLocation): void }): Disposable;
  /** Render posts of `type` (e.g. `custom_incident_update`) with a component (a card). */
  registerPostTypeComponent(type: string, component: ComponentType<PostTypeProps>): Disposable;
  /**
   * An item in the "⋯" menu of posts (Mattermost's `registerPostDropdownMenuAction`),
   * below the host's own items, e.g. "Start incident from this message".
   */
  registerPostMenuAction(props: PostMenuAction): Disposable;
  /** Receive WebSocket events, e.g. `custom_incident_incident_updated`. */
  registerWebSocketEventHandler(event: string, handler: (event: WebSocketEvent) => void): Disposable;
  /** A page at `/{team}/{path}` (and below it) in every team; the center of the workspace shows it. */
  registerPage(props: PluginPage): Disposable;
  /** An entry in the team menu, e.g. "Incidents" opening the plugin's page. */
  registerMainMenuAction(props: MainMenuAction): Disposable;
  /**
   * A section of the channel sidebar holding the channels `filter` accepts,
   * after the host's own sections, sorted like them; the user may collapse it
   * (kept in their browser). Call `refresh()` when what the filter reads changes.
   */
  registerSidebarSection(props: SidebarSection): SidebarSectionHandle;
  /**
   * A page in the System Console (system admins only), listed in its menu by
   * `title`: at `/admin_console/plugins/<plugin id>`, or with `id` at
   * `/admin_console/plugins/<plugin id>/<id>`, so one plugin may add several
   * (the Incident plugin's alert sources and event subscriptions).
   */
  registerAdminConsolePage(props: AdminConsolePage): Disposable;
}

/** A System Console page of a plugin ({@link WebPluginRegistry.registerAdminConsolePage}). */
export interface AdminConsolePage {
  /** Tells the plugin's pages apart in the address: lowercase letters, digits and `-`; none for the plugin's main page. */
  id?: string;
  /** The menu entry and the page's heading. */
  title: string;
  component: ComponentType<PluginComponentProps>;
}

/** The module a plugin's web entry exports. */
export interface WebPluginModule {
  register(registry: WebPluginRegistry, host: WebHost): void | Promise<void>;
}
