/**
 * @module host
 * The workspace host: one instance holds the database, the event bus, caches,
 * the realtime hub and the plugin runtime. Tests build as many as they need.
 */
import type { Kysely } from "kysely";
import type { Config } from "./config.ts";
import { migrateHost, openDatabase, type Dialect, type WorkspaceDb } from "./db/index.ts";
import type { Database } from "./db/schema.ts";
import { createLogger, type Logger } from "./log.ts";
import { LocalBus, PgBus, type EventBus } from "./realtime/bus.ts";
import { RealtimeHub } from "./realtime/hub.ts";
import { Caches } from "./services/caches.ts";
import { HookRegistry } from "./plugins/hooks.ts";
import { CommandRegistry } from "./commands/registry.ts";
import { DialogRegistry } from "./plugins/dialogs.ts";
import { PluginManager } from "./plugins/manager.ts";
import { createPluginContext } from "./plugins/context.ts";
import { AutomationRegistry } from "./automation/registry.ts";
import { RouteTable } from "./api/route-table.ts";
import { PostWriter } from "./services/posts.ts";
import { systemClock, type Clock } from "./clock.ts";
import { JobScheduler } from "./jobs/jobs.ts";
import { OutboundHttp } from "./http/outbound.ts";
import { AllowedConnectionsSetting, type ConfigDb } from "./http/connections-setting.ts";
import { accountSweeper } from "./auth/account-sweeper.ts";

export interface Host {
  readonly config: Config;
  readonly workspace: WorkspaceDb;
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  readonly log: Logger;
  /** The one clock of the host (a manual one when the config gives it, in tests). */
  readonly clock: Clock;
  /** Run-once jobs across processes, stored in the database. */
  readonly jobs: JobScheduler;
  /** Outbound HTTP under the internal-address rule (`ctx.http.fetch`, `http_request`). */
  readonly outbound: OutboundHttp;
  readonly bus: EventBus;
  readonly caches: Caches;
  readonly realtime: RealtimeHub;
  readonly hooks: HookRegistry;
  readonly commands: CommandRegistry;
  readonly dialogs: DialogRegistry;
  readonly plugins: PluginManager;
  /** Triggers and actions offered to workflows. */
  readonly automation: AutomationRegistry;
  /** Every HTTP route served, the host's and the plugins': what OpenAPI and the authorization tests read. */
  readonly routes: RouteTable;
  /** Writes posts in group commits (services/posts.ts). */
  readonly postWriter: PostWriter;
  /** Stop plugins, close sockets, the bus and the database. */
  close(): Promise<void>;
}

/** Open the database, migrate it, and build the host's parts in order. Plugins start with `host.plugins.start()`. */
export async function createHost(config: Config): Promise<Host> {
  const log = createLogger(config.logLevel, { destination: config.logDestination });
  const workspace = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, pgSchema: config.pgSchema, log });
  await migrateHost(workspace);
  const { db, dialect } = workspace;
  let bus: EventBus;
  if (workspace.pgConfig) {
    const pgBus = new PgBus({ pgConfig: workspace.pgConfig, schema: workspace.pgSchema ?? "public", db, log });
    await pgBus.start();
    bus = pgBus;
  } else {
    bus = new LocalBus();
  }
  const clock = config.clock ?? systemClock;
  const jobs = new JobScheduler({ db, dialect, clock, log, processId: bus.processId });
  const caches = new Caches(bus);
  const hooks = new HookRegistry({ timeoutMs: config.hookTimeoutMs, cooldownMs: config.hookCooldownMs, now: () => clock.now(), log });
  const realtime = new RealtimeHub({ bus, db, log, caches, config, clock });
  const dialogs = new DialogRegistry({ realtime, bus, log });
  const plugins = new PluginManager({
    db,
    dialect,
    bus,
    log,
    config,
    realtime,
    hooks,
    // Called at activation, after `host` below exists: a plugin's context reaches the host's services.
    createContext: (request) => createPluginContext({ host, ...request }),
  });
  // Created below, started once `host` exists; stopped first on close.
  let sweeper: { dispose(): void } = { dispose() {} };
  const host: Host = {
    config,
    workspace,
    db,
    dialect,
    log,
    clock,
    jobs,
    bus,
    outbound: new OutboundHttp(
      new AllowedConnectionsSetting({ db: workspace.views().typed<ConfigDb>(), bus, envValue: config.allowedInternalConnections, log }),
    ),
    caches,
    realtime,
    hooks,
    commands: new CommandRegistry(),
    dialogs,
    plugins,
    automation: new AutomationRegistry({ log }),
    routes: new RouteTable(),
    postWriter: new PostWriter({ db, dialect }),
    async close() {
      sweeper.dispose();
      await plugins.stop();
      await jobs.stop();
      await hooks.idle();
      await realtime.close();
      dialogs.close();
      await bus.close();
      await workspace.close();
    },
  };
  sweeper = accountSweeper(host);
  return host;
}
