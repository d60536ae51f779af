/**
 * @module config
 * Configuration from environment variables (DESIGN.md section 2).
 */
import path from "node:path";
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
  playbooksDir: string;
  workflowsDir: string;
  /** Directory of prepackaged plugin bundles installed on first run. */
  prepackagedPluginsDir: string;
  /** Directory of the built web app. */
  webDistDir: string;
  /** Budget of a `messageWillBePosted` hook, and of the wait for `onMessagePosted` hooks, in ms. */
  hookTimeoutMs: number;
  /** Log level for the server's logger. */
  logLevel: string;
  /**
   * Internal addresses outbound requests may reach besides the stored
   * `ServiceSettings.AllowedUntrustedInternalConnections` (hosts, `host:port`,
   * CIDR ranges, space-separated).
   */
  allowedInternalConnections: string;
  /** The clock the host keeps time by; the system's when absent (tests give a `ManualClock`). */
  clock?: Clock;
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
    playbooksDir: path.resolve(env.SITREP_PLAYBOOKS_DIR ?? "./playbooks"),
    workflowsDir: path.resolve(env.SITREP_WORKFLOWS_DIR ?? "./workflows"),
    prepackagedPluginsDir: path.resolve(env.SITREP_PREPACKAGED_PLUGINS_DIR ?? path.join(root, "dist/plugins")),
    webDistDir: path.resolve(env.SITREP_WEB_DIR ?? path.join(root, "dist/web")),
    hookTimeoutMs: Number(env.SITREP_HOOK_TIMEOUT_MS ?? 2000),
    allowedInternalConnections: env.SITREP_ALLOWED_INTERNAL_CONNECTIONS ?? "",
    logLevel: env.SITREP_LOG_LEVEL ?? (env.NODE_ENV === "test" ? "silent" : "info"),
    ...overrides,
  };
}
