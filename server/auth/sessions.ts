/**
 * @module auth/sessions
 * Sessions and personal access tokens. Only sha256 hashes of tokens are stored.
 *
 * A signed-in session ends after `SITREP_SESSION_IDLE_MINUTES` without a
 * request (Mattermost's SessionIdleTimeoutInMinutes); sessions of personal
 * access tokens end only when the token expires, is revoked or disabled.
 * Activity is written at most once per {@link activityWriteIntervalMs} per
 * session, not on every request: the cached session carries the time last
 * written, and a session counts as idle only once that time is older than the
 * idle time plus that interval, so the throttled write never ends one early.
 */
import { createHash } from "node:crypto";
import { newId, newToken } from "#common/ids.ts";
import { systemClock, type Clock } from "../clock.ts";
import type { Config } from "../config.ts";
import type { SessionsTable, UserRow } from "../db/schema.ts";
import type { Host } from "../host.ts";

const SESSION_LENGTH_MS = 30 * 24 * 60 * 60 * 1000;
/** Mattermost's SessionActivityTimeout: the longest a session's recorded activity may lag. */
const ACTIVITY_WRITE_MAX_MS = 5 * 60_000;

/** What the session functions use of the host (the realtime hub has no more). */
export type SessionDeps = Pick<Host, "db" | "caches" | "config">;

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** The host's clock, from its configuration (a test's manual clock, or the system's). */
export function clockOf(config: Pick<Config, "clock">): Clock {
  return config.clock ?? systemClock;
}

/** How long a signed-in session may go without a request; 0 when idle sessions never end. */
export function idleTimeoutMs(config: Pick<Config, "sessionIdleMinutes">): number {
  return config.sessionIdleMinutes * 60_000;
}

/** How often a session's activity is written: a tenth of the idle time, at most five minutes, at least a second. */
export function activityWriteIntervalMs(config: Pick<Config, "sessionIdleMinutes">): number {
  const idle = idleTimeoutMs(config);
  return idle === 0 ? ACTIVITY_WRITE_MAX_MS : Math.min(ACTIVITY_WRITE_MAX_MS, Math.max(1000, Math.floor(idle / 10)));
}

/** Whether a session has gone idle for good, by its recorded activity (never for personal access tokens). */
function isIdle(config: Pick<Config, "sessionIdleMinutes">, session: SessionsTable, now: number): boolean {
  const idle = idleTimeoutMs(config);
  if (idle === 0 || session.access_token_id) return false;
  return now - session.last_activity_at > idle + activityWriteIntervalMs(config);
}

function isExpired(session: SessionsTable, now: number): boolean {
  return session.expires_at !== 0 && session.expires_at <= now;
}

/** Start a session for a user; returns the bearer token (shown once) and the CSRF token. */
export async function sessionStarter(
  host: Pick<Host, "db" | "config">,
  props: { userId: string; accessTokenId?: string; accessTokenExpiresAt?: number; token?: string },
): Promise<{ token: string; csrf: string; session: SessionsTable }> {
  const token = props.token ?? newToken();
  const now = clockOf(host.config).now();
  const session: SessionsTable = {
    id: newId(),
    token_hash: hashToken(token),
    user_id: props.userId,
    csrf_token: newToken(),
    access_token_id: props.accessTokenId ?? "",
    create_at: now,
    expires_at: props.accessTokenId ? (props.accessTokenExpiresAt ?? 0) : now + SESSION_LENGTH_MS,
    last_activity_at: now,
  };
  await host.db.insertInto("sessions").values(session).execute();
  return { token, csrf: session.csrf_token, session };
}

/** End the session of this token, everywhere. */
export async function sessionEnder(host: Pick<Host, "db" | "caches">, props: { token: string }): Promise<void> {
  await sessionsByHashEnder(host, [hashToken(props.token)]);
}

/** End the sessions of these token hashes, everywhere: their rows, every process's cached copy, their WebSockets. */
export async function sessionsByHashEnder(host: Pick<Host, "db" | "caches">, tokenHashes: string[]): Promise<void> {
  if (tokenHashes.length === 0) return;
  await host.db.deleteFrom("sessions").where("token_hash", "in", tokenHashes).execute();
  for (const tokenHash of tokenHashes) host.caches.invalidate({ kind: "session", tokenHash });
}

/**
 * The live session and active user behind a bearer token (session or personal
 * access token), or null. Cached; invalidated across processes on change. A
 * use records the session's activity when the recorded time is older than
 * {@link activityWriteIntervalMs}; an idle session is ended.
 */
export async function sessionFromToken(host: SessionDeps, token: string): Promise<{ session: SessionsTable; user: UserRow } | null> {
  if (!token) return null;
  const tokenHash = hashToken(token);
  const now = clockOf(host.config).now();
  let entry = host.caches.sessions.get(tokenHash) ?? (await storedSession(host, { token, tokenHash, now }));
  if (!entry) return null;
  if (isExpired(entry.session, now)) {
    host.caches.sessions.delete(tokenHash);
    return null;
  }
  if (isIdle(host.config, entry.session, now)) {
    // Another process may have recorded activity this one has not seen: the row decides.
    const row = await host.db.selectFrom("sessions").selectAll().where("id", "=", entry.session.id).executeTakeFirst();
    if (!row || isIdle(host.config, row, now)) {
      await sessionsByHashEnder(host, [tokenHash]);
      return null;
    }
    entry = { session: row, user: entry.user };
  }
  if (now - entry.session.last_activity_at >= activityWriteIntervalMs(host.config)) {
    await host.db.updateTable("sessions").set({ last_activity_at: now }).where("id", "=", entry.session.id).execute();
    entry = { session: { ...entry.session, last_activity_at: now }, user: entry.user };
  }
  host.caches.sessions.set(tokenHash, entry);
  return entry;
}

/** A session and its active user as stored, a personal access token's opened on its first use; null when there is none. */
async function storedSession(
  host: SessionDeps,
  props: { token: string; tokenHash: string; now: number },
): Promise<{ session: SessionsTable; user: UserRow } | null> {
  let session = await host.db.selectFrom("sessions").selectAll().where("token_hash", "=", props.tokenHash).executeTakeFirst();
  if (!session) {
    const pat = await host.db
      .selectFrom("user_access_tokens")
      .selectAll()
      .where("token_hash", "=", props.tokenHash)
      .where("is_active", "=", 1)
      .executeTakeFirst();
    if (!pat || (pat.expires_at !== 0 && pat.expires_at <= props.now)) return null;
    session = (
      await sessionStarter(host, { userId: pat.user_id, accessTokenId: pat.id, accessTokenExpiresAt: pat.expires_at, token: props.token })
    ).session;
  }
  const user = await host.db.selectFrom("users").selectAll().where("id", "=", session.user_id).executeTakeFirst();
  if (!user || user.delete_at !== 0) return null;
  return { session, user };
}

/**
 * End every session that has expired or gone idle, everywhere (their
 * WebSockets close): run every minute, so a session nobody uses still ends.
 */
export async function staleSessionsSweeper(host: Pick<Host, "db" | "caches" | "config">): Promise<number> {
  const now = clockOf(host.config).now();
  const idle = idleTimeoutMs(host.config);
  const rows = await host.db
    .selectFrom("sessions")
    .select("token_hash")
    .where((eb) => {
      const expired = eb.and([eb("expires_at", "<>", 0), eb("expires_at", "<=", now)]);
      if (idle === 0) return expired;
      const idleSince = now - idle - activityWriteIntervalMs(host.config);
      return eb.or([expired, eb.and([eb("access_token_id", "=", ""), eb("last_activity_at", "<", idleSince)])]);
    })
    .limit(1000)
    .execute();
  await sessionsByHashEnder(
    host,
    rows.map((r) => r.token_hash),
  );
  return rows.length;
}
