/**
 * @module config
 * Configuration from environment variables (DESIGN.md section 2).
 */
import path from "node:path";
import type { PluginManifest } from "#plugin-api";
import type { DestinationStream } from "pino";
import type { Clock } from "./clock.ts";

export interface Config {
  /** HTTP port; 0 picks a free one (tests). */
  port: number;
  /** Host address to bind. */
  host: string;
  /** Where SQLite, extracted plugin bundles and uploads live. */
  dataDir: string;
  /** PostgreSQL URL; SQLite under `dataDir` when absent. */
  databaseUrl?: string;
  /** PostgreSQL schema (tests give each run its own). */
  pgSchema?: string;
  /** The address used in links. */
  siteUrl: string;
  /** Whether anyone may sign up after the first user. */
  openSignup: boolean;
  /** Directory of prepackaged plugin bundles installed on first run. */
  prepackagedPluginsDir: string;
  /** Directory of the built web app. */
  webDistDir: string;
  /** Budget of a `messageWillBePosted` hook, and of the wait for `onMessagePosted` hooks, in ms. */
  hookTimeoutMs: number;
  /** How long a `messageWillBePosted` hook that timed out twice in a row is skipped, in ms (`SITREP_HOOK_COOLDOWN_MS`). */
  hookCooldownMs: number;
  /** The largest file an upload may hold, in MB (`SITREP_MAX_FILE_MB`). */
  maxFileMb: number;
  /** Log level for the server's logger. */
  logLevel: string;
  /**
   * Internal addresses outbound requests may reach besides the stored
   * `ServiceSettings.AllowedUntrustedInternalConnections` (hosts, `host:port`,
   * CIDR ranges, space-separated).
   */
  allowedInternalConnections: string;
  /**
   * The environment this configuration was read from (a copy), where the
   * variables a plugin's manifest names for its `directories` are looked up.
   */
  env: Readonly<Record<string, string | undefined>>;
  /**
   * Directories set directly, by plugin id and the manifest's name, before
   * the environment (tests set a plugin's directory this way, without
   * touching `process.env`): `{incident: {playbooks: "/tmp/p"}}`.
   */
  pluginDirectories?: Record<string, Record<string, string>>;
  /** The clock the host keeps time by; the system's when absent (tests give a `ManualClock`). */
  clock?: Clock;
  /** Where the log goes; stderr when absent (tests read the entries they expect). */
  logDestination?: DestinationStream;
}

const root = path.resolve(import.meta.dirname, "..");

/** Read the configuration from an environment (process.env by default). */
export function loadConfig(env: Record<string, string | undefined> = process.env, overrides: Partial<Config> = {}): Config {
  const port = Number(env.PORT ?? 8065);
  return {
    port,
    host: env.SITREP_HOST ?? "0.0.0.0",
    dataDir: path.resolve(env.SITREP_DATA_DIR ?? "./data"),
    databaseUrl: env.DATABASE_URL || undefined,
    pgSchema: env.SITREP_PG_SCHEMA || undefined,
    siteUrl: (env.SITREP_SITE_URL ?? `http://localhost:${port}`).replace(/\/$/, ""),
    openSignup: env.SITREP_OPEN_SIGNUP !== "false",
    prepackagedPluginsDir: path.resolve(env.SITREP_PREPACKAGED_PLUGINS_DIR ?? path.join(root, "dist/plugins")),
    webDistDir: path.resolve(env.SITREP_WEB_DIR ?? path.join(root, "dist/web")),
    hookTimeoutMs: Number(env.SITREP_HOOK_TIMEOUT_MS ?? 2000),
    hookCooldownMs: Number(env.SITREP_HOOK_COOLDOWN_MS ?? 60_000),
    maxFileMb: Number(env.SITREP_MAX_FILE_MB ?? 50),
    allowedInternalConnections: env.SITREP_ALLOWED_INTERNAL_CONNECTIONS ?? "",
    logLevel: env.SITREP_LOG_LEVEL ?? (env.NODE_ENV === "test" ? "silent" : "info"),
    env: { ...env },
    ...overrides,
  };
}

/**
 * A plugin's declared directories (manifest `directories`) as absolute paths:
 * the config's `pluginDirectories` entry, else the variable it names in the
 * config's environment, else its default; relative ones from the working directory.
 * @example pluginDirectories(config, { id: "incident", directories: { playbooks: { env: "SITREP_PLAYBOOKS_DIR", default: "./playbooks" } } })
 */
export function pluginDirectories(
  config: Pick<Config, "env" | "pluginDirectories">,
  manifest: Pick<PluginManifest, "id" | "directories">,
): Readonly<Record<string, string>> {
  const resolved: Record<string, string> = {};
  for (const [name, declared] of Object.entries(manifest.directories ?? {}))
    resolved[name] = path.resolve(config.pluginDirectories?.[manifest.id]?.[name] ?? (config.env[declared.env] || declared.default));
  return Object.freeze(resolved);
}
