/**
 * @module config
 * Configuration from environment variables (DESIGN.md section 2).
 */
import path from "node:path";
import type { PluginManifest } from "#plugin-api";
import type { PasswordVerifier } from "./auth/passwords.ts";
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
  /** Whether remote images in messages are served through the image proxy (`SITREP_IMAGE_PROXY`, `off` turns them off). */
  imageProxy: boolean;
  /** Log level for the server's logger. */
  logLevel: string;
  /**
   * WebSocket connections one address may hold at once, signed in or not
   * (`SITREP_WS_PER_ADDRESS`, 0 for no limit). Behind a reverse proxy every
   * connection comes from the proxy's address: raise it there.
   */
  wsPerAddress: number;
  /** WebSocket connections one user may hold at once (`SITREP_WS_PER_USER`, 0 for no limit). */
  wsPerUser: number;
  /** How long a WebSocket may stay open without signing in (`SITREP_WS_AUTH_TIMEOUT_MS`). */
  wsAuthTimeoutMs: number;
  /**
   * Events a closed WebSocket connection keeps for its resume
   * (`SITREP_WS_RESUME_BUFFER`; Mattermost's send queue holds 256): one more,
   * and its reconnect gets a fresh hello. 0: no resume, every reconnect does.
   */
  wsResumeBuffer: number;
  /** How long a closed WebSocket connection is kept for a resume, in ms (`SITREP_WS_RESUME_KEEP_MS`). */
  wsResumeKeepMs: number;
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
  /**
   * Failed sign-in attempts one address may make per minute, in bursts of as
   * many (`SITREP_LOGIN_RATE_PER_ADDRESS`; 0 turns the limit off). Failed
   * sign-ups (a taken username or email) count too.
   */
  loginRatePerAddress: number;
  /** Failed sign-in attempts per minute on one login id, from anywhere (`SITREP_LOGIN_RATE_PER_ACCOUNT`; 0: off). */
  loginRatePerAccount: number;
  /**
   * Minutes without a request after which a signed-in session ends
   * (`SITREP_SESSION_IDLE_MINUTES`, Mattermost's SessionIdleTimeoutInMinutes;
   * 0: never). Personal access tokens are not affected.
   */
  sessionIdleMinutes: number;
  /**
   * Reverse proxies whose `X-Forwarded-For` names the client
   * (`SITREP_TRUSTED_PROXIES`: addresses or CIDR ranges, comma-separated;
   * none by default, when the TCP peer is the client). The client address is
   * what sign-in throttling counts per address and the audit log records.
   */
  trustedProxies: string[];
  /**
   * Sign-in through the company's OpenID Connect provider (`SITREP_OIDC_ISSUER`,
   * `SITREP_OIDC_CLIENT_ID`, `SITREP_OIDC_CLIENT_SECRET`; auth/oidc.ts), or
   * undefined when no issuer is set.
   */
  oidc?: OidcSettings;
  /**
   * Whether people may sign in with a password (`SITREP_PASSWORD_LOGIN`, true
   * by default). Turned off, it stays on until a system admin has signed in
   * through the provider, so no workspace locks its admins out.
   */
  passwordLogin: boolean;
  /** The password check of sign-ins; argon2's when absent (tests count what it checks). */
  passwordVerifier?: PasswordVerifier;
  /** Where the log goes; stderr when absent (tests read the entries they expect). */
  logDestination?: DestinationStream;
}

/** The OpenID Connect provider people sign in through. */
export interface OidcSettings {
  /** The provider's issuer URL; plain HTTP only on a loopback address (a provider run beside Sitrep, or a test's). */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The sign-in button's label, "Sign in with <name>" (`SITREP_OIDC_NAME`, default "single sign-on"). */
  name: string;
  /** Members of this group become system admins, and others stop being ones (`SITREP_OIDC_ADMIN_GROUP`; "" for none). */
  adminGroup: string;
  /** The claim that lists a user's groups (`SITREP_OIDC_GROUPS_CLAIM`, default `groups`). */
  groupsClaim: string;
}

/** The OpenID Connect settings of an environment: none without an issuer, an error naming what is missing or wrong. */
function oidcSettings(env: Record<string, string | undefined>): OidcSettings | undefined {
  const issuer = env.SITREP_OIDC_ISSUER?.trim();
  if (!issuer) return undefined;
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new Error(`SITREP_OIDC_ISSUER: "${issuer}" is not a URL`);
  }
  const loopback = ["127.0.0.1", "[::1]", "localhost"].includes(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback))
    throw new Error(`SITREP_OIDC_ISSUER: "${issuer}" must be https (plain http only on a loopback address)`);
  const clientId = env.SITREP_OIDC_CLIENT_ID?.trim();
  if (!clientId) throw new Error("SITREP_OIDC_CLIENT_ID: is required when SITREP_OIDC_ISSUER is set");
  return {
    issuer,
    clientId,
    clientSecret: env.SITREP_OIDC_CLIENT_SECRET ?? "",
    name: env.SITREP_OIDC_NAME?.trim() || "single sign-on",
    adminGroup: env.SITREP_OIDC_ADMIN_GROUP?.trim() ?? "",
    groupsClaim: env.SITREP_OIDC_GROUPS_CLAIM?.trim() || "groups",
  };
}

/**
 * A setting that is a whole number of at least 0: `fallback` when unset, an
 * error naming the variable when it is anything else.
 */
function wholeNumberSetting(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name}: must be a whole number of at least 0, not "${raw}"`);
  return value;
}

/** A setting that is `on` or `off`: `fallback` when unset, an error naming the variable when it is anything else. */
function onOffSetting(env: Record<string, string | undefined>, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  if (raw === "on" || raw === "off") return raw === "on";
  throw new Error(`${name}: must be "on" or "off", not "${raw}"`);
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
    imageProxy: onOffSetting(env, "SITREP_IMAGE_PROXY", true),
    logLevel: env.SITREP_LOG_LEVEL ?? (env.NODE_ENV === "test" ? "silent" : "info"),
    loginRatePerAddress: wholeNumberSetting(env, "SITREP_LOGIN_RATE_PER_ADDRESS", 30),
    loginRatePerAccount: wholeNumberSetting(env, "SITREP_LOGIN_RATE_PER_ACCOUNT", 10),
    // Mattermost's default: 30 days, as long as a session lasts.
    sessionIdleMinutes: wholeNumberSetting(env, "SITREP_SESSION_IDLE_MINUTES", 43_200),
    trustedProxies: (env.SITREP_TRUSTED_PROXIES ?? "")
      .split(",")
      .map((p) => p.trim())
      .filter(Boolean),
    wsPerAddress: wholeNumberSetting(env, "SITREP_WS_PER_ADDRESS", 1_000),
    wsPerUser: wholeNumberSetting(env, "SITREP_WS_PER_USER", 50),
    wsAuthTimeoutMs: wholeNumberSetting(env, "SITREP_WS_AUTH_TIMEOUT_MS", 5_000),
    oidc: oidcSettings(env),
    passwordLogin: env.SITREP_PASSWORD_LOGIN !== "false",
    wsResumeBuffer: wholeNumberSetting(env, "SITREP_WS_RESUME_BUFFER", 256),
    wsResumeKeepMs: wholeNumberSetting(env, "SITREP_WS_RESUME_KEEP_MS", 120_000),
    env: { ...env },
    ...overrides,
  };
}

/**
 * A setting that is a whole number of 0 or more, or its default when unset;
 * anything else stops the start with a message naming the variable.
 */
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
