/**
 * @module auth/access-tokens
 * Personal access tokens (Mattermost's UserAccessToken): made for a user with
 * an optional expiry, listed, read, disabled, enabled and revoked. A token
 * signs in through a session opened on its first use (auth/sessions.ts);
 * disabling or revoking one ends that session everywhere at once, its
 * WebSockets included, and an expired one is refused from its expiry on.
 */
import { newId, newToken } from "#common/ids.ts";
import type { UserAccessToken } from "#common/wire.ts";
import type { UserAccessTokensTable } from "../db/schema.ts";
import { badRequest, notFound } from "../errors.ts";
import type { Host } from "../host.ts";
import { selfOrAdmin, type Actor } from "../policies/index.ts";
import { clockOf, hashToken, sessionsByHashEnder } from "./sessions.ts";

/** A token as the API shows it: never the secret, which only its creation answers. */
export type AccessTokenView = UserAccessToken;

type TokenRow = Omit<UserAccessTokensTable, "expires_at"> & { expires_at: number };

/** The API shape of a stored token. */
export function presentAccessToken(row: TokenRow): AccessTokenView {
  return { id: row.id, user_id: row.user_id, description: row.description, is_active: row.is_active === 1, expires_at: row.expires_at };
}

/** Create a personal access token for a user; the token is returned once. `expiresAt` 0 (or absent): it never expires. */
export async function accessTokenCreator(
  host: Pick<Host, "db" | "config">,
  props: { userId: string; description: string; expiresAt?: number },
): Promise<AccessTokenView & { token: string }> {
  const now = clockOf(host.config).now();
  const expiresAt = props.expiresAt ?? 0;
  if (expiresAt !== 0 && expiresAt <= now)
    throw badRequest(
      "api.user.create_user_access_token.expires_at",
      "expires_at: must be in the future (milliseconds since the epoch), or 0 for never",
    );
  const token = newToken();
  const row: TokenRow = {
    id: newId(),
    user_id: props.userId,
    token_hash: hashToken(token),
    description: props.description,
    is_active: 1,
    create_at: now,
    expires_at: expiresAt,
  };
  await host.db.insertInto("user_access_tokens").values(row).execute();
  return { ...presentAccessToken(row), token };
}

/** A page of a user's tokens, oldest first. */
export async function accessTokenLister(
  host: Pick<Host, "db">,
  props: { userId: string; page: number; perPage: number },
): Promise<AccessTokenView[]> {
  const rows = await host.db
    .selectFrom("user_access_tokens")
    .selectAll()
    .where("user_id", "=", props.userId)
    .orderBy("create_at")
    .orderBy("id")
    .limit(props.perPage)
    .offset(props.page * props.perPage)
    .execute();
  return rows.map(presentAccessToken);
}

/**
 * A token the viewer may manage (their own, or anyone's for a system admin),
 * or a 404 — the same for a token that does not exist and one of someone
 * else, so nothing tells which.
 */
export async function manageableAccessToken(host: Pick<Host, "db">, props: { tokenId: string; viewer: Actor }): Promise<TokenRow> {
  const row = await host.db.selectFrom("user_access_tokens").selectAll().where("id", "=", props.tokenId).executeTakeFirst();
  if (!row || !selfOrAdmin(props.viewer, row.user_id))
    throw notFound("user_access_token", "token_id: no such personal access token of yours");
  return row;
}

/** Delete a token and end its session everywhere. */
export async function accessTokenRevoker(host: Pick<Host, "db" | "caches">, props: { token: TokenRow }): Promise<void> {
  await host.db.deleteFrom("user_access_tokens").where("id", "=", props.token.id).execute();
  await sessionsByHashEnder(host, [props.token.token_hash]);
}

/** Disable (the token signs in no more, its session ends everywhere) or enable a token. */
export async function accessTokenToggler(
  host: Pick<Host, "db" | "caches">,
  props: { token: TokenRow; active: boolean },
): Promise<AccessTokenView> {
  await host.db
    .updateTable("user_access_tokens")
    .set({ is_active: props.active ? 1 : 0 })
    .where("id", "=", props.token.id)
    .execute();
  if (!props.active) await sessionsByHashEnder(host, [props.token.token_hash]);
  return presentAccessToken({ ...props.token, is_active: props.active ? 1 : 0 });
}
