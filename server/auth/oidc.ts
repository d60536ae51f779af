/**
 * @module auth/oidc
 * Sign-in through the company's OpenID Connect provider, with `openid-client`:
 * the authorization code flow with PKCE, a `state` tied to the browser (a
 * cookie) and to one row of `oidc_logins` (used once, by whichever process the
 * browser comes back to), and a `nonce` the ID token must carry.
 *
 * Who the provider's account is here: the user already linked to its `sub`;
 * else the user with its email, linked only when the provider says the email
 * is verified (an unverified email never takes over an account); else a new
 * user. With `SITREP_OIDC_ADMIN_GROUP`, the groups claim decides at every
 * sign-in whether the user is a system admin.
 */
import * as oidc from "openid-client";
import { LIMITS } from "#common/limits.ts";
import type { FastifyRequest } from "fastify";
import { systemAdminRole, systemUserRole, type User } from "#common/wire.ts";
import type { OidcSettings } from "../config.ts";
import { AppError } from "../errors.ts";
import type { Host } from "../host.ts";
import { auditRecorder } from "../services/audits.ts";
import { getUserRow, personInserter, presentUser, rolesUpdater } from "../services/users.ts";
import { clockOf } from "./sessions.ts";

/** The `provider` of identities linked through OpenID Connect (Mattermost's `auth_service`). */
export const OPENID_PROVIDER = "openid";
/** Where the provider sends the browser back (Mattermost's path for OpenID). */
export const CALLBACK_PATH = "/signup/openid/complete";
/** The cookie that ties a sign-in's state to the browser that began it. */
export const STATE_COOKIE = "SITREPOIDCSTATE";
/** How long a sign-in may take at the provider before its state is forgotten. */
export const LOGIN_TTL_MS = 10 * 60_000;

/** Why a sign-in through the provider was refused: a code the login page explains, and the detail for the audit log. */
export class SignInRefused extends Error {
  constructor(
    readonly code: "invalid_state" | "expired" | "provider" | "unverified_email" | "no_email" | "inactive" | "bot",
    detail: string,
  ) {
    super(detail);
  }
}

/** The claims Sitrep reads from the ID token and the userinfo answer. */
interface Claims {
  sub: string;
  email?: unknown;
  email_verified?: unknown;
  preferred_username?: unknown;
  given_name?: unknown;
  family_name?: unknown;
  [claim: string]: unknown;
}

/** `value` if it is a non-empty string. */
function text(value: unknown): string {
  return typeof value === "string" ? value.trim() : "";
}

/** A free-to-try username from what the provider says: lowercase, allowed characters, starting with a letter. */
export function usernameFrom(claims: Pick<Claims, "preferred_username" | "email">): string {
  const wanted = text(claims.preferred_username) || text(claims.email).split("@")[0] || "user";
  let name = wanted
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[^a-z]+/, "");
  if (name.length < LIMITS.usernameMin) name = `user-${name}`.replace(/-$/, "");
  return name.slice(0, LIMITS.usernameMax);
}

/** What went wrong in an exchange with the provider, with openid-client's cause (which names the claim that failed a check). */
function providerFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const inner = error.cause instanceof Error ? error.cause.message : "";
  return inner && inner !== error.message ? `${error.message}: ${inner}` : error.message;
}

/** One workspace's sign-in through its provider. The provider's metadata is fetched once, on first use. */
export class OidcSignIn {
  private configuration: Promise<oidc.Configuration> | undefined;

  constructor(
    private readonly host: Host,
    readonly settings: OidcSettings,
  ) {}

  private discover(): Promise<oidc.Configuration> {
    const { issuer, clientId, clientSecret } = this.settings;
    // Plain HTTP is allowed only for a loopback issuer (config.ts refuses any other).
    const insecure = new URL(issuer).protocol === "http:";
    this.configuration ??= oidc
      .discovery(new URL(issuer), clientId, clientSecret, undefined, insecure ? { execute: [oidc.allowInsecureRequests] } : undefined)
      .catch((error: unknown) => {
        this.configuration = undefined; // the provider may be back on the next attempt
        throw new SignInRefused("provider", `discovery of ${issuer} failed: ${error instanceof Error ? error.message : String(error)}`);
      });
    return this.configuration;
  }

  private redirectUri(): string {
    return `${this.host.config.siteUrl}${CALLBACK_PATH}`;
  }

  /** Begin a sign-in: the provider's URL to send the browser to, and the state its cookie must hold. */
  async start(props: { redirectTo: string }): Promise<{ url: string; state: string }> {
    const configuration = await this.discover();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const now = clockOf(this.host.config).now();
    await this.host.db
      .deleteFrom("oidc_logins")
      .where("create_at", "<", now - LOGIN_TTL_MS)
      .execute();
    await this.host.db
      .insertInto("oidc_logins")
      .values({ state, nonce, code_verifier: codeVerifier, redirect_to: props.redirectTo, create_at: now })
      .execute();
    const url = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: this.redirectUri(),
      scope: "openid email profile",
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: "S256",
      state,
      nonce,
    });
    return { url: url.href, state };
  }

  /**
   * Finish a sign-in from the provider's answer (`currentUrl`, the callback with
   * `code` and `state`): the user it signs in, and where to send them.
   */
  async complete(props: { currentUrl: URL; cookieState: string; request?: FastifyRequest }): Promise<{ user: User; redirectTo: string }> {
    const state = props.currentUrl.searchParams.get("state") ?? "";
    if (!state || state !== props.cookieState) throw new SignInRefused("invalid_state", "state does not match this browser's sign-in");
    const login = await this.host.db.deleteFrom("oidc_logins").where("state", "=", state).returningAll().executeTakeFirst();
    if (!login) throw new SignInRefused("invalid_state", "no sign-in is waiting for this state (used already, or never started)");
    if (login.create_at < clockOf(this.host.config).now() - LOGIN_TTL_MS) throw new SignInRefused("expired", "the sign-in took too long");
    const configuration = await this.discover();
    const callback = new URL(`${this.redirectUri()}${props.currentUrl.search}`);
    let claims: Claims;
    try {
      const tokens = await oidc.authorizationCodeGrant(configuration, callback, {
        pkceCodeVerifier: login.code_verifier,
        expectedState: state,
        expectedNonce: login.nonce,
        idTokenExpected: true,
      });
      const idClaims = tokens.claims();
      if (!idClaims) throw new Error("the provider sent no ID token");
      const info = await oidc.fetchUserInfo(configuration, tokens.access_token, idClaims.sub);
      // The ID token's claims win: userinfo only adds what the token left out (often the groups).
      claims = { ...info, ...idClaims };
    } catch (error) {
      if (error instanceof SignInRefused) throw error;
      throw new SignInRefused("provider", providerFailure(error));
    }
    const user = await this.userFor(claims);
    return { user: await this.syncAdmin({ user, claims, request: props.request }), redirectTo: login.redirect_to };
  }

  /** The user a provider account signs in as: linked, matched by verified email, or created. */
  private async userFor(claims: Claims): Promise<User> {
    const { db } = this.host;
    const now = clockOf(this.host.config).now();
    const linked = await db
      .selectFrom("user_identities")
      .select("user_id")
      .where("provider", "=", OPENID_PROVIDER)
      .where("subject", "=", claims.sub)
      .executeTakeFirst();
    if (linked) {
      const row = await getUserRow(this.host, linked.user_id);
      if (row) {
        if (row.delete_at) throw new SignInRefused("inactive", `@${row.username} is deactivated`);
        await db
          .updateTable("user_identities")
          .set({ last_login_at: now })
          .where("provider", "=", OPENID_PROVIDER)
          .where("subject", "=", claims.sub)
          .execute();
        return presentUser(row);
      }
    }
    const email = text(claims.email).toLowerCase();
    if (!email) throw new SignInRefused("no_email", "the provider sent no email for this account");
    const existing = await db.selectFrom("users").selectAll().where("email", "=", email).executeTakeFirst();
    let user: User;
    if (existing) {
      if (claims.email_verified !== true)
        throw new SignInRefused("unverified_email", `${email} belongs to an account and is not verified by the provider`);
      if (existing.is_bot) throw new SignInRefused("bot", `${email} belongs to a bot`);
      if (existing.delete_at) throw new SignInRefused("inactive", `@${existing.username} is deactivated`);
      user = presentUser(existing);
    } else {
      user = await this.created(claims, email);
    }
    await db
      .insertInto("user_identities")
      .values({ provider: OPENID_PROVIDER, subject: claims.sub, user_id: user.id, create_at: now, last_login_at: now })
      .onConflict((oc) => oc.columns(["provider", "subject"]).doNothing())
      .execute();
    // A newly linked admin closes password sign-in (passwordLoginOpen) in every process.
    this.host.caches.invalidate({ kind: "user", id: user.id });
    return user;
  }

  /** A new account for a provider account: its preferred username, with a number added while that is taken. */
  private async created(claims: Claims, email: string): Promise<User> {
    const base = usernameFrom(claims);
    for (let attempt = 0; ; attempt++) {
      const suffix = attempt === 0 ? "" : String(attempt + 1);
      const username = base.slice(0, LIMITS.usernameMax - suffix.length) + suffix;
      try {
        return await personInserter(this.host, {
          person: {
            username,
            email,
            password_hash: "", // no password: this account signs in through the provider
            first_name: text(claims.given_name).slice(0, 64),
            last_name: text(claims.family_name).slice(0, 64),
            nickname: "",
          },
          signUp: "provider",
        });
      } catch (error) {
        if (!(error instanceof AppError) || error.id !== "api.user.username_taken" || attempt >= 20) throw error;
      }
    }
  }

  /** With an admin group set, make the user a system admin exactly when the groups claim lists it. */
  private async syncAdmin(props: { user: User; claims: Claims; request?: FastifyRequest }): Promise<User> {
    const { user, claims } = props;
    const { adminGroup, groupsClaim } = this.settings;
    if (!adminGroup) return user;
    const groups = claims[groupsClaim];
    const member = Array.isArray(groups) && groups.includes(adminGroup);
    const isAdmin = user.roles.split(" ").includes(systemAdminRole);
    if (member === isAdmin) return user;
    const updated = await rolesUpdater(this.host, { userId: user.id, roles: member ? systemAdminRole : systemUserRole });
    await auditRecorder(this.host, {
      request: props.request,
      userId: user.id,
      action: CALLBACK_PATH,
      extraInfo: `${member ? "granted" : "revoked"} system_admin from the ${groupsClaim} claim (${adminGroup})`,
    });
    return updated;
  }
}

/**
 * Whether password sign-in is open: always unless `SITREP_PASSWORD_LOGIN=false`,
 * and even then until at least one active system admin has signed in through
 * the provider, so turning it off never locks the admins out.
 */
export async function passwordLoginOpen(host: Pick<Host, "db" | "config" | "caches">): Promise<boolean> {
  if (host.config.passwordLogin || !host.config.oidc) return true;
  // Held until a user changes (roles, deactivation, a provider identity linked: a `user` invalidation, in every process).
  return host.caches.flag("passwordLoginOpen", async () => {
    const admin = await host.db
      .selectFrom("user_identities")
      .innerJoin("users", "users.id", "user_identities.user_id")
      .select("users.id")
      .where("user_identities.provider", "=", OPENID_PROVIDER)
      .where("users.delete_at", "=", 0)
      .where("users.roles", "like", `%${systemAdminRole}%`)
      .limit(1)
      .executeTakeFirst();
    return !admin;
  });
}

/**
 * A `redirect_to` that stays on this site: a path (not `//host` or `/\\host`),
 * without control characters, at most 2,048 characters; anything else is refused.
 */
export function isSitePath(value: string): boolean {
  // eslint-disable-next-line no-control-regex -- control characters are what this refuses
  return value.startsWith("/") && !/^\/[/\\]/.test(value) && !/[\u0000-\u001f\u007f]/.test(value) && value.length <= 2048;
}
