/**
 * @module plugin-api
 * The stable server-side plugin API: everything a plugin may touch.
 *
 * A plugin's server entry exports `activate(ctx)` and optionally `deactivate()`.
 * Every `register*`/hook call returns a {@link Disposable}; the host disposes
 * all of them when the plugin is disabled, so plugins never clean up by hand.
 * Plugins import this file and `common/`, never the host's internals.
 */
import type { Kysely, RawBuilder } from "kysely";
import type { z, ZodObject, ZodType } from "zod";
import type { $ZodType } from "zod/v4/core";
import type { Channel, Dialog, Post, Team, User } from "./wire.ts";

/** Something that can be undone: a registration, a subscription. */
export interface Disposable {
  /** Undo the registration. Calling it twice is harmless. */
  dispose(): void;
}

/** A plugin's `plugin.json`. */
export interface PluginManifest {
  /** Unique id, lowercase: the URL prefix `/plugins/{id}/` and table prefix. */
  id: string;
  /** Human name shown in the admin console. */
  name: string;
  /** Semantic version. */
  version: string;
  /** One line about what the plugin does. */
  description?: string;
  /** Built server code, relative to the bundle root. */
  server?: { entry: string };
  /**
   * A route of the plugin (e.g. `/api/v1/disable-warning`) answering
   * `{message: string}` to a system admin: the System Console asks for a
   * confirmation showing a non-empty message before disabling the plugin.
   */
  disable_warning?: string;
  /**
   * Built web code (an ES module exporting `register(registry)`), relative to
   * the bundle root, and its CSS files (in the entry's folder or below), which
   * the web app loads as `<link rel="stylesheet">` while the plugin is
   * enabled: pages run under a strict CSP, so a plugin never adds `<style>`.
   */
  web?: { entry: string; styles?: string[] };
  /**
   * Built command-line code (an ES module exporting `register(cli)`, see
   * `common/plugin-cli-api.ts`), relative to the bundle root: the plugin's
   * `sitrep <command>` subcommands.
   */
  cli?: { entry: string };
  /**
   * Directories the plugin reads, by name: the environment variable that sets
   * each and its default (relative to the working directory). The host resolves
   * them into {@link PluginContext.directories}.
   */
  directories?: Record<string, { env: string; default: string; description?: string }>;
  /** Settings the admin may set: key → schema of one value. */
  settings_schema?: Record<string, { type: "string" | "number" | "boolean" | "string[]"; default?: unknown; description?: string }>;
}

/** The module a plugin's server entry exports. */
export interface PluginServerModule {
  /**
   * Called when the plugin is enabled (at start, or at runtime). May return a
   * {@link PluginActivation}, so what activation built stays in its closure
   * instead of module-level state.
   */
  activate(ctx: PluginContext): void | PluginActivation | Promise<void | PluginActivation>;
  /** Called before the host disposes the plugin's registrations. */
  deactivate?(): void | Promise<void>;
}

/** What `activate` may return. */
export interface PluginActivation {
  /** Called before the host disposes the plugin's registrations (before the module's `deactivate()`); may wait for work in progress. */
  deactivate?(): void | Promise<void>;
}

/** Logs tagged with the plugin id. */
export interface PluginLogger {
  /** Routine information. */
  info(message: string, fields?: Record<string, unknown>): void;
  /** Something went wrong but the plugin goes on. */
  warn(message: string, fields?: Record<string, unknown>): void;
  /** Something failed. */
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Thrown by plugin code to answer with a 4xx: `{id, message, status_code, details}`. The one error class of Sitrep. */
export { SitrepError as PluginError } from "./errors.ts";

/** Users, read-only. */
export interface UsersApi {
  /** The user with this id, or null (bots included). */
  get(userId: string): Promise<User | null>;
  /** The user with this username (without `@`), or null. */
  getByUsername(username: string): Promise<User | null>;
  /** Several users by id; missing ids are left out. */
  getMany(userIds: string[]): Promise<User[]>;
}

/** Teams, read-only. */
export interface TeamsApi {
  /** The team with this id, or null. */
  get(teamId: string): Promise<Team | null>;
  /** The team with this name, or null. */
  getByName(name: string): Promise<Team | null>;
  /** True when the user belongs to the team. */
  isMember(teamId: string, userId: string): Promise<boolean>;
  /** True when the user is an admin of the team (Mattermost's `team_admin` role); system admins are not, by this. */
  isAdmin(teamId: string, userId: string): Promise<boolean>;
}

/** Channels and their members. */
export interface ChannelsApi {
  /** The channel with this id, or null. */
  get(channelId: string): Promise<Channel | null>;
  /** The channel with this name in the team, or null. */
  getByName(teamId: string, name: string): Promise<Channel | null>;
  /**
   * Create a channel and make `creatorId` its first member.
   * Throws a {@link PluginError} (400 invalid name, 409 taken) on bad input.
   */
  create(props: {
    teamId: string;
    name: string;
    displayName: string;
    type: "O" | "P";
    creatorId: string;
    purpose?: string;
  }): Promise<Channel>;
  /** Add a user to a channel (and to its team if needed). Idempotent. */
  addMember(props: { channelId: string; userId: string; actorId?: string }): Promise<void>;
  /** True when the user is a member of the channel. */
  isMember(channelId: string, userId: string): Promise<boolean>;
  /** Ids of the channel's members. */
  memberIds(channelId: string): Promise<string[]>;
  /** True when the user may read the channel: members, public channels of their teams, system admins. */
  canRead(userId: string, channelId: string): Promise<boolean>;
  /** True when the user may post in the channel (same as canRead, plus not deactivated). */
  canPost(userId: string, channelId: string): Promise<boolean>;
  /**
   * Remove a channel for good (row, members, the bots' posts) if nobody but
   * bots has used it — no post from a person, no file, no incoming webhook:
   * what a plugin created and then could not finish, such as the channel of
   * an incident start that failed. Answers false, changing nothing, when a
   * person has used it; true when it is gone. Its members get `channel_deleted`.
   */
  deleteUnused(channelId: string): Promise<boolean>;
  /**
   * Archive a channel as `actorId` did it through `DELETE /api/v4/channels/{id}`:
   * the same permission (a member of the channel, or a system admin; never a
   * team's Town Square or a direct message), `delete_at` set, `channel_deleted`
   * to whoever may see it. Throws a {@link PluginError}-shaped error (404 no
   * such channel, 403 not allowed, 400 a channel that cannot be archived);
   * an archived channel is left as it is.
   */
  archive(props: { channelId: string; actorId: string }): Promise<void>;
}

/** Input of {@link PostsApi.create}. */
export interface NewPost {
  channelId: string;
  /** Author; usually the plugin's bot. */
  userId: string;
  message: string;
  /** A post type, e.g. `custom_incident_update`, rendered by a web post-type renderer. */
  type?: string;
  props?: Record<string, unknown>;
  rootId?: string;
}

/** Posts. Posts made here run the same path as the API: hooks, realtime events. */
export interface PostsApi {
  /** Store a post and announce it. Runs hooks, so a plugin must not loop on its own posts. */
  create(post: NewPost): Promise<Post>;
  /** The post with this id, or null. */
  get(postId: string): Promise<Post | null>;
  /** Show a message to one user only, in one channel; never stored. */
  sendEphemeral(props: { userId: string; channelId: string; message: string }): void;
  /**
   * Edit a post of the plugin's own bot (any other post is refused with a 403):
   * its message and/or props, within the limits of a new post. Sets `edit_at`,
   * sends `post_edited` and runs `onMessageUpdated` hooks, so a plugin must not
   * loop on its own posts.
   */
  update(postId: string, patch: PostPatch): Promise<Post>;
  /**
   * Delete a post of the plugin's own bot (any other post is refused with a
   * 403), with its thread's replies if it is a root; sends `post_deleted` and
   * runs `onMessageDeleted` hooks.
   */
  delete(postId: string): Promise<void>;
  /**
   * The live posts of the plugin's own bot of one `type` whose props hold these
   * string values, oldest first — e.g. the cards that point at one source post.
   * Keys are plain names (letters, digits, `_`).
   */
  findOwn(query: { type: string; props: Record<string, string> }): Promise<Post[]>;
}

/** Input of {@link PostsApi.update}: the fields to change; the others stay. */
export interface PostPatch {
  message?: string;
  /** Replaces all of the post's props. */
  props?: Record<string, unknown>;
}

/** The plugin's bot account. */
export interface BotApi {
  /** Create the bot (once) or return it; the plugin owns it. */
  ensure(props: { username: string; displayName: string; description?: string }): Promise<User>;
}

/** What the host passes to a slash command's handler. */
export interface CommandArgs {
  /** The whole command line, e.g. `/incident start "DB down"`. */
  command: string;
  /** The words after the trigger, split like a shell (quotes keep spaces). */
  args: string[];
  userId: string;
  channelId: string;
  teamId: string;
}

/** What a slash command answers. */
export interface CommandResponse {
  /** `ephemeral` (only the caller sees it, the default) or `in_channel` (posted as the caller). */
  response_type?: "ephemeral" | "in_channel";
  text?: string;
  /** Navigate the caller's browser here (a path such as `/ops/channels/x`). */
  goto_location?: string;
}

/** A slash command definition. */
export interface CommandDefinition {
  /** The trigger word, without the slash. */
  trigger: string;
  /** One line shown in the autocomplete list. */
  description: string;
  /** Argument hint shown in the autocomplete list, e.g. `[start|end|list]`. */
  hint?: string;
  /** Subcommands for autocomplete. */
  subcommands?: Array<{ name: string; hint?: string; description: string }>;
  /**
   * The one team the command belongs to (e.g. a team's workflow): it is listed
   * in autocomplete only to that team's members, and run only in that team's
   * channels (elsewhere it answers as an unknown command). Absent: every team.
   */
  teamId?: string;
  /** Runs the command. Throw a {@link PluginError} for a user mistake; its message is shown. */
  execute(args: CommandArgs): Promise<CommandResponse> | CommandResponse;
}

/** Slash commands. */
export interface CommandsApi {
  /** Register a trigger; 409-style error when another plugin has it. */
  register(command: CommandDefinition): Disposable;
}

/** What a `messageWillBePosted` hook returns: nothing (unchanged), a changed post, or a rejection. */
export type WillBePostedResult = void | undefined | { post: Post } | { error: { message: string } };

/** Hooks into the host's life. A hook that throws or hangs is logged and timed out. */
export interface HooksApi {
  /**
   * Runs before a post is stored, within a time budget; may change it or reject it.
   * If it throws or times out the post goes through unchanged.
   */
  messageWillBePosted(hook: (post: Post) => WillBePostedResult | Promise<WillBePostedResult>): Disposable;
  /** Runs after a post is committed; cannot affect it. */
  onMessagePosted(hook: (post: Post) => void | Promise<void>): Disposable;
  /**
   * Runs after an edit of a post is committed (by its author, or a plugin's
   * `posts.update`), with the post as it now reads; cannot affect it. Runs on
   * the process that made the edit only.
   */
  onMessageUpdated(hook: (post: Post) => void | Promise<void>): Disposable;
  /**
   * Runs after a post is deleted, once for it and once for each reply deleted
   * with it (`delete_at` set); cannot affect it. Runs on the process that made
   * the delete only.
   */
  onMessageDeleted(hook: (post: Post) => void | Promise<void>): Disposable;
  /** Runs after a user is added to a channel. */
  onChannelMemberAdded(hook: (event: { channelId: string; userId: string }) => void | Promise<void>): Disposable;
  /**
   * Runs after a user is removed from a channel or leaves it (`removerId` is
   * the user themselves then); cannot affect it. Runs on the process that
   * removed the member only.
   */
  onChannelMemberRemoved(hook: (event: { channelId: string; userId: string; removerId: string }) => void | Promise<void>): Disposable;
  /**
   * Runs after a team (with its Town Square) is committed; cannot affect it.
   * With several server processes it runs only on the process that created the
   * team, so what it does must be stored in the database, not in memory.
   */
  onTeamCreated(hook: (team: Team) => void | Promise<void>): Disposable;
}

/** A request to a plugin HTTP route, its parts parsed by the route's schemas. */
export interface PluginRequest<Params = Record<string, string>, Query = Record<string, string>, Body = unknown> {
  method: string;
  /** Path parameters from `:name` segments, parsed by the route's `params` schema. */
  params: Params;
  /** The query string, parsed by the route's `query` schema. */
  query: Query;
  /** The JSON body, parsed by the route's `body` schema (unvalidated `unknown` without one). */
  body: Body;
  /** The signed-in user, or null for an anonymous request (`auth: "none"`). */
  user: User | null;
  headers: Record<string, string | undefined>;
}

/** Who may call a route; the host checks it before parsing and before the handler. */
export type RouteAccess = "none" | "user" | "system_admin";

/**
 * The kinds of {@link RoutePolicy}, as the authorization matrix
 * (server/api/plugin-authorization-matrix.test.ts) checks them.
 */
export const ROUTE_POLICIES = ["open", "signed-in", "admin", "team", "team-admin", "channel", "input"] as const;

/**
 * Who a route lets through beyond its `auth`, declared on every route so the
 * authorization matrix can check each caller kind (anonymous, no team, team
 * non-member, channel non-member, channel member, system admin) against it:
 * - `open`: anyone, signed in or not (`auth: "none"`; a secret in the path guards it, or nothing needs to);
 * - `signed-in`: every signed-in user — also a list answered filtered to what the caller may see;
 * - `admin`: system admins only (checked in the handler when `auth` is `user`, so the refusal can say what was refused);
 * - `team`: the members of the team that the path's resource (`:id`) belongs to, and system admins;
 * - `team-admin`: that team's admins, and system admins;
 * - `channel`: whoever can read the channel of the path's resource (a private channel: its members), and system admins;
 * - `input`: decided by a body or query value (a `team_id`, a post id): the matrix checks the `auth` cells only, so the route's own tests must cover the rest.
 */
export type RoutePolicy = (typeof ROUTE_POLICIES)[number];

/**
 * A plugin HTTP route under `/plugins/{id}/`. The host validates `params`,
 * `query` and `body` with their zod schemas before the handler runs and answers
 * a 400 naming each field and reason when they do not parse; the same
 * declarations feed the route table (OpenAPI, the authorization matrix, fuzzing).
 */
export interface RouteDefinition<
  P extends ZodType = ZodType<Record<string, string>>,
  Q extends ZodType = ZodType<Record<string, string>>,
  B extends ZodType = ZodType<unknown>,
> {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Path below `/plugins/{id}`, with `:param` segments, e.g. `/api/v1/incidents/:id`. */
  path: string;
  /** `user` (default) answers 401 to anonymous callers, `system_admin` also 403 to others. */
  auth?: RouteAccess;
  /** Who the route lets through beyond `auth` (required: a route without one is refused on registration). */
  policy: RoutePolicy;
  /** Error id of the 400 when `params`, `query` or `body` do not parse (default `<plugin id>.request.invalid`). */
  invalidId?: string;
  /** One line for the route table and OpenAPI. */
  summary?: string;
  /** Schema of the path parameters (an object of strings). */
  params?: P;
  /** Schema of the query string (an object of strings). */
  query?: Q;
  /** Schema of the JSON body. */
  body?: B;
  /**
   * The largest body the route accepts, in bytes (default 1 MiB, at most
   * 16 MiB). Checked before the body is read: a larger one is a 413 naming the limit.
   */
  maxBodyBytes?: number;
  /** Schema of the answer (classic zod or `zod/mini`, which a plugin may share with its web side), for the route table and OpenAPI; not enforced at run time. */
  response?: $ZodType;
  /**
   * Answers with JSON (any value) or `{status, body}`, or text with its own
   * type ({@link PluginTextAnswer}); throw {@link PluginError} for 4xx.
   */
  handler(req: PluginRequest<z.output<P>, z.output<Q>, z.output<B>>): Promise<unknown> | unknown;
}

/**
 * A route's answer that is not JSON, e.g. a markdown export: sent as it is
 * with `content_type`; with `filename`, as a download (`Content-Disposition: attachment`).
 */
export interface PluginTextAnswer {
  status: number;
  text: string;
  /** e.g. `text/markdown; charset=utf-8`. */
  content_type: string;
  filename?: string;
}

/** Options of {@link HttpApi.fetch}. */
export interface OutboundRequestInit {
  method?: string;
  headers?: Record<string, string>;
  /** A string, or a value sent as JSON. */
  body?: string | Uint8Array;
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** Refuse answers larger than this (default 1 MiB). */
  maxBytes?: number;
  /** Follow redirects, each hop checked by the same rule (default 5; 0 returns the 3xx). */
  maxRedirects?: number;
}

/** The answer of {@link HttpApi.fetch}, read in full (within `maxBytes`). */
export interface OutboundResponse {
  status: number;
  headers: Record<string, string>;
  /** The final URL after redirects. */
  url: string;
  /** The body as text. */
  text: string;
}

/** HTTP: routes in, requests out. */
export interface HttpApi {
  /** Add a route; removed on dispose. */
  route<
    P extends ZodType = ZodType<Record<string, string>>,
    Q extends ZodType = ZodType<Record<string, string>>,
    B extends ZodType = ZodType<unknown>,
  >(
    route: RouteDefinition<P, Q, B>,
  ): Disposable;
  /**
   * An outbound HTTP request, with the host's rule for internal addresses
   * (DESIGN section 3): public addresses are reachable; loopback, private,
   * link-local and other internal ones only when listed in
   * `ServiceSettings.AllowedUntrustedInternalConnections`. Checked on the
   * resolved IP of every connection and every redirect hop. Rejects with a
   * {@link PluginError} (`http.fetch.*`) when refused, timed out or too large.
   */
  fetch(url: string, init?: OutboundRequestInit): Promise<OutboundResponse>;
}

/**
 * Who receives a realtime event. Exactly one of the fields; a channel's event
 * may leave out one member (`omitUserId`, Mattermost's `omit_users`: the typist
 * of a `typing` event).
 */
export type EventScope =
  { channelId: string; omitUserId?: string } | { userId: string } | { teamId: string } | { systemAdmins: true } | { all: true };

/** Realtime events over the WebSocket. */
export interface RealtimeApi {
  /**
   * Send `custom_<pluginId>_<event>` to the users allowed to see it: the members
   * of a channel, one user, a team's members, the system admins, or everyone.
   */
  publish(event: string, data: Record<string, unknown>, scope: EventScope): void;
}

/** Interactive dialogs. */
export interface DialogsApi {
  /**
   * Open a form in the user's browser. `onSubmit` receives the values; returning
   * `{errors: {field: message}}` keeps the form open with those messages.
   */
  open(props: {
    userId: string;
    channelId: string;
    teamId: string;
    dialog: Omit<Dialog, "callback_id">;
    onSubmit(submission: {
      userId: string;
      channelId: string;
      teamId: string;
      values: Record<string, string>;
    }): Promise<void | { errors: Record<string, string> }> | void | { errors: Record<string, string> };
  }): void;
}

/** The plugin's settings, set by admins. */
export interface SettingsApi {
  /** Current values, defaults from the manifest filled in. */
  get(): Record<string, unknown>;
}

/** One migration of a plugin's own tables. */
export interface PluginMigration {
  /** Apply it. Table names should start with the plugin id, e.g. `incident_incidents`. */
  up(db: Kysely<unknown>, dialect: "sqlite" | "postgres"): Promise<void>;
}

/** The plugin's own tables. */
export interface StorageApi {
  /** Which SQL dialect the workspace runs on. */
  readonly dialect: "sqlite" | "postgres";
  /** Apply migrations not applied yet, in the order of their names. */
  migrate(migrations: Record<string, PluginMigration>): Promise<void>;
  /**
   * The query builder, typed by the plugin's own table interfaces. It reaches
   * only tables named `<plugin id>_*`: a query naming any other table (in a
   * join, a subquery, `sql.table(...)` or a raw `sql` fragment) is refused with
   * a {@link PluginError} before it runs. This guards against mistakes; an
   * in-process plugin is trusted code all the same (docs/plugins.md).
   */
  db<Tables>(): Kysely<Tables>;
  /**
   * Raw SQL, checked by the same rule as {@link db}: every table it names must
   * be the plugin's own.
   * @example await ctx.storage.sql`select count(*) as n from incident_incidents`.execute(ctx.storage.db())
   */
  sql<T = unknown>(strings: TemplateStringsArray, ...values: unknown[]): RawBuilder<T>;
  /**
   * The unique key a failed write collided with, the same on both dialects,
   * or null for any other error: a plugin turns a write that lost a race for
   * a name into its own 409. (Left alone, such an error is answered with a
   * generic 409 naming the column.) `columns` is empty when the database
   * names only the index.
   * @example if (ctx.storage.uniqueViolation(error)?.table === "incident_playbooks") throw conflict(...)
   */
  uniqueViolation(error: unknown): { table: string; columns: string[] } | null;
}

/** A small key-value store per plugin; values are JSON. */
export interface KvApi {
  /** The value, or null when missing or expired. */
  get<T = unknown>(key: string): Promise<T | null>;
  /** Store a value, optionally expiring. */
  set(key: string, value: unknown, options?: { expireInSeconds?: number }): Promise<void>;
  /** Remove a key. */
  delete(key: string): Promise<void>;
  /** Keys starting with `prefix`. */
  list(prefix?: string): Promise<string[]>;
}

/** A typed parameter or value of a trigger or action. */
export interface AutomationParam {
  /** `json` is any JSON value (e.g. an HTTP body or a map of headers). */
  type: "string" | "number" | "boolean" | "string[]" | "json";
  description: string;
  /** For parameters: must be given. */
  required?: boolean;
  /** Allowed values, when the set is closed. */
  enum?: string[];
}

/** Something that happened, offered to workflows. */
export interface TriggerDefinition {
  /** Catalog name, e.g. `incident_started`; unique across plugins. */
  name: string;
  description: string;
  /** Conditions a workflow's `where` may set, e.g. `channel`, `stage`. */
  parameters: Record<string, AutomationParam>;
  /** Values the trigger provides to templates as `{{trigger.<name>}}`. */
  provides: Record<string, AutomationParam>;
  /**
   * True when values beyond `provides` may appear (a webhook's JSON body keys),
   * so a template naming another `trigger.<value>` is not a mistake.
   */
  openValues?: boolean;
  /**
   * Does a fired event meet a workflow's `where` conditions? Without it, each
   * condition must equal the value of the same name (strings compared case-insensitively).
   */
  matches?(where: Record<string, unknown>, event: FiredTrigger): boolean;
  /**
   * For triggers addressed to one subscriber (a schedule, a slash command word,
   * a webhook URL): start delivering to a subscription, e.g. set its timer or
   * register its command. `fire` sends an event whose `target` is the
   * subscription's key. Throw a {@link PluginError} when `where` is unusable
   * (a bad cron expression, a command word another plugin has).
   */
  subscribe?(subscription: TriggerSubscription, fire: (event: Omit<FiredTrigger, "trigger" | "depth" | "target">) => void): Disposable;
}

/** One subscriber of a trigger addressed to subscribers (see {@link TriggerDefinition.subscribe}). */
export interface TriggerSubscription {
  /** Stable key of the subscriber, e.g. a workflow id; events for it carry it as `target`. */
  key: string;
  /** Team of the subscriber. */
  teamId: string;
  /** The subscriber's conditions, e.g. `{cron: "0 9 * * 1-5"}` or `{trigger: "deploy"}`. */
  where: Record<string, unknown>;
  /** A human label, e.g. the workflow's name (shown in autocomplete). */
  label: string;
}

/** One occurrence of a trigger. */
export interface FiredTrigger {
  /** Trigger name. */
  trigger: string;
  /** Team it happened in. */
  teamId: string;
  /** Channel it happened in, when there is one (workflows fire only if `run_as` may read it). */
  channelId?: string;
  /** The provided values. */
  values: Record<string, unknown>;
  /** How many workflow runs led to this event (the loop guard); set by the host. */
  depth: number;
  /** Set when the event is meant for one subscriber only: its subscription key. */
  target?: string;
}

/**
 * Something a workflow can do. `parameters` is a zod object schema: the
 * registry parses every call's params with it before `run` or `preview`,
 * whoever the caller, and answers a 400 naming the field and the reason. The
 * catalog describes it as {@link AutomationParam}s (each field's `.describe()`
 * text is its description).
 */
export interface ActionDefinition<P extends ZodObject = ZodObject> {
  /** Catalog name, e.g. `start_incident`; unique across plugins. */
  name: string;
  description: string;
  /** Parameters of `with:`, as a zod object schema. */
  parameters: P;
  /** Values returned, available as `{{steps.<id>.<name>}}`. */
  returns: Record<string, AutomationParam>;
  /**
   * Do it as `actorId`, with that user's permissions and never more. Throw a
   * {@link PluginError} when the input or permission is wrong.
   */
  run(input: { params: z.output<P>; actorId: string; teamId: string; onBehalfOf?: ActionOnBehalfOf }): Promise<Record<string, unknown>>;
  /** Describe what `run` would do, without side effects (for `workflow test`). */
  preview?(input: { params: z.output<P>; actorId: string; teamId: string }): Promise<string> | string;
}

/**
 * The person whose post or command started the workflow run an action belongs
 * to (never a bot), and the workflow's name: the action still acts with
 * `actorId`'s permissions, but credits the person ("@alice via workflow X")
 * and may default to them (e.g. `start_incident`'s commander).
 */
export interface ActionOnBehalfOf {
  userId: string;
  workflow: string;
}

/** A trigger as the catalog lists it: plain data, no functions. */
export type CatalogTrigger = Pick<TriggerDefinition, "name" | "description" | "parameters" | "provides" | "openValues"> & {
  plugin_id: string;
};
/** An action as the catalog lists it: plain data, no functions; `parameters` described from the zod schema. */
export type CatalogAction = Pick<ActionDefinition, "name" | "description" | "returns"> & {
  parameters: Record<string, AutomationParam>;
  plugin_id: string;
};

/** The automation registry: triggers and actions any plugin offers (DESIGN.md section 6). */
export interface AutomationApi {
  /** Offer a trigger; fire it with the returned handle. */
  registerTrigger(trigger: TriggerDefinition): Disposable & { fire(event: Omit<FiredTrigger, "trigger" | "depth" | "target">): void };
  /** Offer an action. */
  registerAction<P extends ZodObject>(action: ActionDefinition<P>): Disposable;
  /** Everything offered now, sorted by name. */
  catalog(): { triggers: CatalogTrigger[]; actions: CatalogAction[] };
  /** Be told of every fired trigger (the Workflow plugin runs workflows from here). */
  onTrigger(listener: (event: FiredTrigger) => void): Disposable;
  /**
   * Subscribe to a trigger addressed to subscribers (schedule, slash_command,
   * webhook). The trigger's own `subscribe` runs (timers, commands); the handle's
   * `fire` delivers an event to this subscriber (a webhook's HTTP route uses it).
   * Throws when the trigger is not offered or refuses the subscription.
   */
  subscribe(
    trigger: string,
    subscription: TriggerSubscription,
  ): Disposable & { fire(event: Omit<FiredTrigger, "trigger" | "depth" | "target">): void };
  /** Does the event meet `where`? The trigger's own `matches`, or equality of each condition. */
  matches(where: Record<string, unknown>, event: FiredTrigger): boolean;
  /** Run an action by name; events it causes carry `depth + 1`. `onBehalfOf`: the person a workflow run acts for. */
  runAction(
    name: string,
    input: { params: Record<string, unknown>; actorId: string; teamId: string; depth: number; onBehalfOf?: ActionOnBehalfOf },
  ): Promise<Record<string, unknown>>;
  /** Preview an action by name (no side effects). */
  previewAction(name: string, input: { params: Record<string, unknown>; actorId: string; teamId: string }): Promise<string>;
}

/** Time, as the host keeps it: one clock that tests can move. */
export interface ClockApi {
  /** Milliseconds since the epoch, from the host's clock (a fake one in tests). */
  now(): number;
}

/** Timers owned by the plugin: disposed with it, and driven by the host's clock. */
export interface TimersApi {
  /** Call `fn` once after `ms`; dispose to cancel. A throwing `fn` is logged. */
  setTimeout(fn: () => void | Promise<void>, ms: number): Disposable;
  /** Call `fn` every `ms`; dispose to stop. Runs never overlap. */
  setInterval(fn: () => void | Promise<void>, ms: number): Disposable;
}

/** A due job, handed to its handler. */
export interface DueJob {
  /** The job's kind, as registered. */
  kind: string;
  /** The key it was scheduled under (unique per kind). */
  key: string;
  /** When it was due, ms since the epoch. */
  runAt: number;
  /** The JSON payload it was scheduled with. */
  payload: unknown;
  /** Which attempt this is, from 1. */
  attempt: number;
}

/**
 * Jobs that run once across all processes serving the workspace, and survive
 * restarts: stored in the database, claimed by one process when due.
 * Reminders, retries with backoff, drills and due times use them.
 */
export interface JobsApi {
  /**
   * Handle due jobs of one kind; dispose to stop. A handler that throws is
   * retried with backoff up to `maxAttempts` (default 1: no retry).
   */
  handle(kind: string, handler: (job: DueJob) => void | Promise<void>, options?: { maxAttempts?: number }): Disposable;
  /** Schedule (or reschedule: the same kind and key replaces) a job due at `runAt`. */
  schedule(job: { kind: string; key: string; runAt: number; payload?: unknown }): Promise<void>;
  /** Cancel a scheduled job; harmless when there is none. */
  cancel(kind: string, key: string): Promise<void>;
}

/**
 * The host's audit log of security-relevant actions (`GET /api/v4/audits`,
 * the System Console's Audit log): a plugin records what changes who may do
 * what, or what runs as whom (the Workflow plugin: workflows applied, enabled,
 * disabled, deleted).
 */
export interface AuditApi {
  /**
   * Record an action. Given the plugin route request that caused it, the
   * entry takes that request's path as its action, its caller, session and
   * client address; without one (a file applied at start) the action is
   * `plugin:<id>` unless `action` names it.
   * @example await ctx.audit.record({ request: req, extraInfo: `success - workflow_id=${id}` });
   */
  record(entry: { request?: PluginRequest<unknown, unknown, unknown>; action?: string; extraInfo: string }): Promise<void>;
}

/** What a plugin receives in `activate`. */
export interface PluginContext {
  /** The plugin's manifest. */
  readonly manifest: PluginManifest;
  /** The address used in links, e.g. `http://localhost:8065`. */
  readonly siteUrl: string;
  /** Logger tagged with the plugin id. */
  readonly log: PluginLogger;
  /** Users. */
  readonly users: UsersApi;
  /** Teams. */
  readonly teams: TeamsApi;
  /** Channels. */
  readonly channels: ChannelsApi;
  /** Posts. */
  readonly posts: PostsApi;
  /** The plugin's bot account. */
  readonly bot: BotApi;
  /** Slash commands. */
  readonly commands: CommandsApi;
  /** Hooks. */
  readonly hooks: HooksApi;
  /** HTTP routes under `/plugins/{id}/`. */
  readonly http: HttpApi;
  /** Realtime events. */
  readonly realtime: RealtimeApi;
  /** Interactive dialogs. */
  readonly dialogs: DialogsApi;
  /** Admin settings. */
  readonly settings: SettingsApi;
  /** Own tables. */
  readonly storage: StorageApi;
  /** Key-value store. */
  readonly kv: KvApi;
  /** Triggers and actions for workflows. */
  readonly automation: AutomationApi;
  /** The host's clock. */
  readonly clock: ClockApi;
  /** Timers disposed with the plugin (use these, not the global `setInterval`). */
  readonly timers: TimersApi;
  /** Run-once-across-processes jobs. */
  readonly jobs: JobsApi;
  /** The host's audit log. */
  readonly audit: AuditApi;
  /**
   * The directories the manifest declares (`directories`), resolved to
   * absolute paths from the host's configuration; read these, not `process.env`.
   */
  readonly directories: Readonly<Record<string, string>>;
  /** Register any other disposable to be disposed with the plugin (timers, listeners). */
  track(disposable: Disposable): Disposable;
}
