/**
 * @module auth/sessions
 * Sessions and personal access tokens. Only sha256 hashes of tokens are stored.
 */
import { createHash } from "node:crypto";
import { newId, newToken } from "#common/ids.ts";
import type { SessionsTable, UsersTable } from "../db/schema.ts";
import type { Host } from "../host.ts";

const SESSION_LENGTH_MS = 30 * 24 * 60 * 60 * 1000;

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Start a session for a user; returns the bearer token (shown once) and the CSRF token. */
export async function sessionStarter(
  host: Pick<Host, "db">,
  props: { userId: string; accessTokenId?: string; token?: string },
): Promise<{ token: string; csrf: string; session: SessionsTable }> {
  const token = props.token ?? newToken();
  const now = Date.now();
  const session: SessionsTable = {
    id: newId(),
    token_hash: hashToken(token),
    user_id: props.userId,
    csrf_token: newToken(),
    access_token_id: props.accessTokenId ?? "",
    create_at: now,
    expires_at: props.accessTokenId ? 0 : now + SESSION_LENGTH_MS,
    last_activity_at: now,
  };
  await host.db.insertInto("sessions").values(session).execute();
  return { token, csrf: session.csrf_token, session };
}

/** End the session of this token, everywhere. */
export async function sessionEnder(host: Host, props: { token: string }): Promise<void> {
  const tokenHash = hashToken(props.token);
  await host.db.deleteFrom("sessions").where("token_hash", "=", tokenHash).execute();
  host.caches.invalidate({ kind: "session", tokenHash });
}

/**
 * The live session and active user behind a bearer token (session or personal
 * access token), or null. Cached; invalidated across processes on change.
 */
export async function sessionFromToken(
  host: Pick<Host, "db" | "caches">,
  token: string,
): Promise<{ session: SessionsTable; user: UsersTable } | null> {
  if (!token) return null;
  const tokenHash = hashToken(token);
  const cached = host.caches.sessions.get(tokenHash);
  const now = Date.now();
  if (cached) {
    if (cached.session.expires_at === 0 || cached.session.expires_at > now) return cached;
    host.caches.sessions.delete(tokenHash);
    return null;
  }
  let session = await host.db.selectFrom("sessions").selectAll().where("token_hash", "=", tokenHash).executeTakeFirst();
  if (!session) {
    // A personal access token opens a session on first use.
    const pat = await host.db
      .selectFrom("user_access_tokens")
      .selectAll()
      .where("token_hash", "=", tokenHash)
      .where("is_active", "=", 1)
      .executeTakeFirst();
    if (!pat) return null;
    session = (await sessionStarter(host, { userId: pat.user_id, accessTokenId: pat.id, token })).session;
  }
  if (session.expires_at !== 0 && session.expires_at <= now) return null;
  const user = await host.db.selectFrom("users").selectAll().where("id", "=", session.user_id).executeTakeFirst();
  if (!user || user.delete_at !== 0) return null;
  const entry = { session, user };
  host.caches.sessions.set(tokenHash, entry);
  return entry;
}

/** Create a personal access token for a user; the token is returned once. */
export async function accessTokenCreator(
  host: Host,
  props: { userId: string; description: string },
): Promise<{ id: string; token: string; user_id: string; description: string; is_active: boolean }> {
  const token = newToken();
  const row = {
    id: newId(),
    user_id: props.userId,
    token_hash: hashToken(token),
    description: props.description,
    is_active: 1,
    create_at: Date.now(),
  };
  await host.db.insertInto("user_access_tokens").values(row).execute();
  return { id: row.id, token, user_id: row.user_id, description: row.description, is_active: true };
}
