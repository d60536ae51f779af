/**
 * @module plugins/context
 * Builds the {@link PluginContext} one plugin receives in `activate`: a narrow
 * API over the host's services. Everything it registers lands in the plugin's
 * {@link Registrations}, which the host disposes when the plugin is disabled.
 */
import type { Migration } from "kysely";
import type { Disposable, PluginContext, PluginManifest, PluginMigration } from "#plugin-api";
import { migrate } from "../db/index.ts";
import { uniqueViolation } from "../db/unique-violation.ts";
import { badRequest, conflict } from "../errors.ts";
import type { Host } from "../host.ts";
import { ownedTimers } from "../clock.ts";
import { pluginDirectories } from "../config.ts";
import type { Logger } from "../log.ts";
import { canPostInChannel, canReadChannel } from "../policies/channel.ts";
import {
  channelCreator,
  channelMemberAdder,
  channelMemberIds,
  getChannel,
  getChannelByName,
  isChannelMember,
} from "../services/channels.ts";
import { unusedChannelRemover } from "../services/channel-management.ts";
import { botPostsFinder, livePost, postDeleter, postPatcher } from "../services/post-edits.ts";
import { ephemeralSender, getPost, postCreator } from "../services/posts.ts";
import { getTeam, getTeamByName, isTeamMember, teamMemberAdder } from "../services/teams.ts";
import { botEnsurer, getUser, getUserByUsername, getUsers } from "../services/users.ts";
import type { PluginRouter } from "./router.ts";
import { originalRequest } from "./plugin-http.ts";
import { auditRecorder } from "../services/audits.ts";
import { TableScope } from "./table-scope.ts";
import { isTeamAdmin } from "../policies/team.ts";
import { BODY_LIMITS } from "../api/body-limit.ts";

/** Longest key the KV store takes. */
const KV_KEY_MAX = 150;

/**
 * Everything one activation of a plugin registered. Disposed all at once, in
 * reverse order; anything registered after that is disposed immediately, so a
 * late timer of a disabled plugin cannot leave a registration behind.
 */
export class Registrations {
  private readonly items: Disposable[] = [];
  private closed = false;

  constructor(private readonly log: Pick<Logger, "warn">) {}

  /** Keep a disposable; the returned one removes it from the bag when disposed early. */
  add(disposable: Disposable): Disposable {
    if (this.closed) {
      this.log.warn("registration after the plugin was disabled; disposed at once");
      safeDispose(disposable, this.log);
      return { dispose() {} };
    }
    this.items.push(disposable);
    let done = false;
    return {
      dispose: () => {
        if (done) return;
        done = true;
        const index = this.items.indexOf(disposable);
        if (index >= 0) this.items.splice(index, 1);
        safeDispose(disposable, this.log);
      },
    };
  }

  /** Dispose everything, newest first. One failing dispose does not stop the others. */
  disposeAll(): void {
    this.closed = true;
    for (let item = this.items.pop(); item; item = this.items.pop()) safeDispose(item, this.log);
  }

  get size(): number {
    return this.items.length;
  }
}

function safeDispose(disposable: Disposable, log: Pick<Logger, "warn">): void {
  try {
    disposable.dispose();
  } catch (error) {
    log.warn("dispose threw", { error: String(error) });
  }
}

/** Settings as the plugin sees them: manifest defaults overlaid with stored values. */
export function effectiveSettings(manifest: PluginManifest, stored: Record<string, unknown>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(manifest.settings_schema ?? {}))
    if (setting.default !== undefined) values[key] = setting.default;
  for (const [key, value] of Object.entries(stored)) if (key in (manifest.settings_schema ?? {})) values[key] = value;
  return values;
}

/** A 400 for a plugin's own mistake in calling the API (shaped like a PluginError). */
const pluginMistake = (field: string, reason: string) => badRequest("plugin.api.invalid", `${field}: ${reason}`);

async function requireUser(host: Host, userId: string, field: string) {
  const user = await getUser(host, userId);
  if (!user) throw pluginMistake(field, "no user with this id");
  return user;
}

/** Drop the plugin's rows past their expiry. */
async function kvLive(host: Host, pluginId: string, key: string): Promise<string | null> {
  const row = await host.db
    .selectFrom("plugin_kv")
    .select(["value", "expire_at"])
    .where("plugin_id", "=", pluginId)
    .where("key", "=", key)
    .executeTakeFirst();
  if (!row) return null;
  if (row.expire_at && row.expire_at <= Date.now()) {
    await host.db
      .deleteFrom("plugin_kv")
      .where("plugin_id", "=", pluginId)
      .where("key", "=", key)
      .where("expire_at", "=", row.expire_at)
      .execute();
    return null;
  }
  return row.value;
}

function checkKey(key: string): void {
  if (typeof key !== "string" || key.length === 0 || key.length > KV_KEY_MAX)
    throw pluginMistake("key", `must be 1 to ${KV_KEY_MAX} characters`);
}

/**
 * Build the context of one activation.
 * @param props.settings read on every `settings.get()`, so the manager can swap values live.
 */
export function createPluginContext(props: {
  host: Host;
  manifest: PluginManifest;
  registrations: Registrations;
  router: PluginRouter;
  settings: () => Record<string, unknown>;
}): PluginContext {
  const { host, manifest, registrations, router } = props;
  const pluginId = manifest.id;
  const log = host.log.child({ plugin_id: pluginId });
  const tables = new TableScope(pluginId);
  const ownTables = host.workspace.views([tables]);
  let botId: string | undefined;

  registrations.add({ dispose: () => host.dialogs.disposePlugin(pluginId) });

  const ctx: PluginContext = {
    manifest,
    siteUrl: host.config.siteUrl,
    log: { info: (m, f) => log.info(m, f), warn: (m, f) => log.warn(m, f), error: (m, f) => log.error(m, f) },

    users: {
      get: (userId) => getUser(host, userId),
      getByUsername: (username) => getUserByUsername(host, username),
      getMany: (userIds) => getUsers(host, [...new Set(userIds)]),
    },

    teams: {
      get: (teamId) => getTeam(host, teamId),
      getByName: (name) => getTeamByName(host, name),
      isMember: (teamId, userId) => isTeamMember(host, teamId, userId),
      isAdmin: async (teamId, userId) => {
        const user = await getUser(host, userId);
        return user !== null && !user.delete_at && (await isTeamAdmin(host, user, teamId));
      },
    },

    channels: {
      get: (channelId) => getChannel(host, channelId),
      getByName: (teamId, name) => getChannelByName(host, teamId, name),
      async create(input) {
        const creator = await requireUser(host, input.creatorId, "creatorId");
        const channel = await channelCreator(host, {
          input: { team_id: input.teamId, name: input.name, display_name: input.displayName, type: input.type, purpose: input.purpose },
          creator,
          // The plugin decides who creates; a bot is usually not on the team yet.
          skipTeamCheck: true,
        });
        if (!(await isTeamMember(host, channel.team_id, creator.id)))
          await teamMemberAdder(host, { teamId: channel.team_id, userId: creator.id });
        return channel;
      },
      async addMember(input) {
        await channelMemberAdder(host, input);
      },
      isMember: (channelId, userId) => isChannelMember(host, channelId, userId),
      memberIds: async (channelId) => [...(await channelMemberIds(host, channelId))],
      async canRead(userId, channelId) {
        const [user, channel] = await Promise.all([getUser(host, userId), getChannel(host, channelId)]);
        return Boolean(user && !user.delete_at && channel && (await canReadChannel(host, user, channel)));
      },
      async canPost(userId, channelId) {
        // The host's own rule for posting (members, and system admins), so a
        // plugin never promises what the API would refuse.
        const [user, channel] = await Promise.all([getUser(host, userId), getChannel(host, channelId)]);
        return Boolean(user && !user.delete_at && channel && (await canPostInChannel(host, user, channel)));
      },
      deleteUnused: (channelId) => unusedChannelRemover(host, { channelId }),
    },

    posts: {
      async create(post) {
        const user = await requireUser(host, post.userId, "userId");
        return postCreator(host, {
          input: { channel_id: post.channelId, message: post.message, type: post.type, props: post.props, root_id: post.rootId },
          author: { user, via: "plugin", trusted: true },
        });
      },
      get: (postId) => getPost(host, postId),
      sendEphemeral(input) {
        ephemeralSender(host, { ...input, authorId: botId });
      },
      update: async (postId, patch) => postPatcher(host, { post: await livePost(host, postId), changer: { pluginId }, patch }),
      delete: async (postId) => postDeleter(host, { post: await livePost(host, postId), changer: { pluginId } }),
      async findOwn(query) {
        // Only the plugin's own bot's posts: before `bot.ensure` there are none.
        return botId ? botPostsFinder(host, { botId, ...query }) : [];
      },
    },

    bot: {
      async ensure(input) {
        const owner = await host.db
          .selectFrom("users")
          .select(["bot_owner_id", "is_bot"])
          .where("username", "=", input.username)
          .executeTakeFirst();
        if (owner && owner.is_bot === 1 && owner.bot_owner_id !== pluginId) {
          throw conflict("plugin.bot.owned", `username: the bot "${input.username}" belongs to the plugin ${owner.bot_owner_id}`);
        }
        const bot = await botEnsurer(host, { pluginId, ...input });
        botId = bot.id;
        return bot;
      },
    },

    commands: {
      register: (command) => registrations.add(host.commands.register(pluginId, command)),
    },

    hooks: {
      messageWillBePosted: (hook) => registrations.add(host.hooks.registerWillBePosted(pluginId, hook)),
      onMessagePosted: (hook) => registrations.add(host.hooks.registerPosted(pluginId, hook)),
      onMessageUpdated: (hook) => registrations.add(host.hooks.registerUpdated(pluginId, hook)),
      onMessageDeleted: (hook) => registrations.add(host.hooks.registerDeleted(pluginId, hook)),
      onChannelMemberAdded: (hook) => registrations.add(host.hooks.registerMemberAdded(pluginId, hook)),
      onChannelMemberRemoved: (hook) => registrations.add(host.hooks.registerMemberRemoved(pluginId, hook)),
      onTeamCreated: (hook) => registrations.add(host.hooks.registerTeamCreated(pluginId, hook)),
    },

    http: {
      route(route) {
        if (!route.path.startsWith("/")) throw pluginMistake("path", `"${route.path}" must start with /`);
        const limit = route.maxBodyBytes;
        if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > BODY_LIMITS.pluginRouteMax))
          throw pluginMistake("maxBodyBytes", `${limit} must be a whole number of bytes from 1 to ${BODY_LIMITS.pluginRouteMax}`);
        const served = router.add(route);
        const listed = host.routes.add({
          method: route.method,
          path: `/plugins/${pluginId}${route.path}`,
          access: route.auth ?? "user",
          owner: pluginId,
          summary: route.summary,
          params: route.params,
          query: route.query,
          body: route.body,
          response: route.response,
          maxBodyBytes: limit,
        });
        return registrations.add({
          dispose() {
            served.dispose();
            listed.dispose();
          },
        });
      },
      fetch: (url, init) => host.outbound.fetchForPlugin(url, init),
    },

    realtime: {
      publish(event, data, scope) {
        if (!/^[a-z0-9_]+$/i.test(event)) throw pluginMistake("event", `"${event}" may hold only letters, digits and _`);
        host.realtime.publish(`custom_${pluginId}_${event}`, data, scope);
      },
    },

    dialogs: {
      open(input) {
        host.dialogs.open(pluginId, input);
      },
    },

    settings: {
      get: () => ({ ...props.settings() }),
    },

    storage: {
      dialect: host.dialect,
      async migrate(migrations: Record<string, PluginMigration>) {
        // The bookkeeping table is the host's; each migration gets only the plugin's scoped builder.
        const scoped: Record<string, Migration> = {};
        for (const [name, migration] of Object.entries(migrations))
          scoped[name] = { up: (trx) => migration.up(trx.withPlugin(tables), host.dialect) };
        await migrate({ db: host.workspace.views().typed<unknown>(), namespace: pluginId, migrations: scoped });
      },
      db: <Tables>() => ownTables.typed<Tables>(),
      sql: (strings, ...values) => tables.sql(strings, ...values),
      uniqueViolation(error) {
        const violation = uniqueViolation(error);
        return violation && { table: violation.table, columns: violation.columns };
      },
    },

    kv: {
      async get<T = unknown>(key: string): Promise<T | null> {
        checkKey(key);
        const value = await kvLive(host, pluginId, key);
        return value === null ? null : (JSON.parse(value) as T);
      },
      async set(key, value, options) {
        checkKey(key);
        if (value === undefined) throw pluginMistake("value", "must not be undefined; use kv.delete to remove a key");
        const seconds = options?.expireInSeconds;
        if (seconds !== undefined && !(seconds > 0)) throw pluginMistake("expireInSeconds", "must be a positive number");
        const text = JSON.stringify(value);
        const expireAt = seconds ? Date.now() + Math.round(seconds * 1000) : 0;
        await host.db
          .insertInto("plugin_kv")
          .values({ plugin_id: pluginId, key, value: text, expire_at: expireAt })
          .onConflict((oc) => oc.columns(["plugin_id", "key"]).doUpdateSet({ value: text, expire_at: expireAt }))
          .execute();
      },
      async delete(key) {
        checkKey(key);
        await host.db.deleteFrom("plugin_kv").where("plugin_id", "=", pluginId).where("key", "=", key).execute();
      },
      async list(prefix = "") {
        const now = Date.now();
        let query = host.db
          .selectFrom("plugin_kv")
          .select("key")
          .where("plugin_id", "=", pluginId)
          .where((eb) => eb.or([eb("expire_at", "=", 0), eb("expire_at", ">", now)]));
        // substr rather than LIKE: no wildcards to escape, and case-sensitive on both dialects.
        if (prefix) query = query.where((eb) => eb(eb.fn<string>("substr", ["key", eb.val(1), eb.val(prefix.length)]), "=", prefix));
        const rows = await query.orderBy("key").execute();
        return rows.map((r) => r.key);
      },
    },

    automation: host.automation.forPlugin(pluginId, (disposable) => registrations.add(disposable)),

    clock: { now: () => host.clock.now() },
    timers: ownedTimers({ clock: host.clock, track: (disposable) => registrations.add(disposable), log }),
    jobs: host.jobs.forPlugin(pluginId, (disposable) => registrations.add(disposable)),
    audit: {
      record: async (entry) => {
        const request = entry.request ? originalRequest(entry.request) : undefined;
        await auditRecorder(host, {
          request,
          action: entry.action ?? (request ? undefined : `plugin:${pluginId}`),
          extraInfo: entry.extraInfo,
        });
      },
    },
    directories: pluginDirectories(host.config, manifest),

    track: (disposable) => registrations.add(disposable),
  };
  return ctx;
}
