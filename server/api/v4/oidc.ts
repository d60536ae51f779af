/**
 * @module api/v4/oidc
 * Single sign-on through OpenID Connect, on Mattermost's paths:
 * `GET /oauth/openid/login?redirect_to=` sends the browser to the provider,
 * `GET /signup/openid/complete` is where it comes back, signed in (the same
 * session cookies as a password sign-in) or sent to `/login?sso_error=<code>`
 * with the reason in the audit log. Both answer 404 when no provider is set.
 */
import type { FastifyInstance, FastifyReply } from "fastify";
import { z } from "zod";
import { CALLBACK_PATH, isSitePath, LOGIN_TTL_MS, OidcSignIn, SignInRefused, STATE_COOKIE } from "../../auth/oidc.ts";
import { sessionStarter } from "../../auth/sessions.ts";
import { notFound } from "../../errors.ts";
import type { Host } from "../../host.ts";
import { auditRecorder } from "../../services/audits.ts";
import { hostRoute } from "../route.ts";
import { setSessionCookies } from "./users.ts";

const loginQuery = z.object({
  redirect_to: z.string().refine(isSitePath, "must be a path on this site, without control characters").optional(),
});

/** `GET /oauth/openid/login` and `GET /signup/openid/complete`. */
export function registerOidcRoutes(app: FastifyInstance, host: Host): void {
  const signIn = host.config.oidc ? new OidcSignIn(host, host.config.oidc) : undefined;
  const secure = host.config.siteUrl.startsWith("https:");
  const provider = () => {
    if (!signIn) throw notFound("oauth", "Single sign-on is not set up on this workspace (SITREP_OIDC_ISSUER).");
    return signIn;
  };
  const clearState = (reply: FastifyReply) => reply.clearCookie(STATE_COOKIE, { path: CALLBACK_PATH });

  hostRoute(app, host, {
    method: "GET",
    path: "/oauth/openid/login",
    access: "none",
    summary: "Begin a sign-in through the OpenID Connect provider: a redirect to it",
    query: loginQuery,
    invalidId: "api.oauth.invalid_redirect",
    handler: async ({ query, reply }) => {
      const { url, state } = await provider().start({ redirectTo: query.redirect_to ?? "/" });
      reply.setCookie(STATE_COOKIE, state, { path: CALLBACK_PATH, httpOnly: true, sameSite: "lax", secure, maxAge: LOGIN_TTL_MS / 1000 });
      return reply.redirect(url, 302);
    },
  });

  hostRoute(app, host, {
    method: "GET",
    path: CALLBACK_PATH,
    access: "none",
    summary: "Finish a sign-in through the OpenID Connect provider: signed in and sent on, or back to the login page with the reason",
    policy: "the state must match this browser's cookie and a sign-in begun here; the ID token's nonce must match it",
    handler: async ({ request, reply }) => {
      const oidc = provider();
      const currentUrl = new URL(request.url, host.config.siteUrl);
      const cookieState = request.cookies[STATE_COOKIE] ?? "";
      clearState(reply);
      try {
        const error = currentUrl.searchParams.get("error");
        if (error) throw new SignInRefused("provider", `${error}: ${currentUrl.searchParams.get("error_description") ?? ""}`);
        const { user, redirectTo } = await oidc.complete({ currentUrl, cookieState, request });
        const { token, csrf, session } = await sessionStarter(host, { userId: user.id });
        await auditRecorder(host, { request, userId: user.id, sessionId: session.id, extraInfo: "success - openid" });
        setSessionCookies(reply, { token, csrf, userId: user.id, secure });
        return reply.redirect(redirectTo, 302);
      } catch (error) {
        if (!(error instanceof SignInRefused)) throw error;
        await auditRecorder(host, { request, extraInfo: `failure - openid ${error.code}: ${error.message}` });
        return reply.redirect(`/login?sso_error=${error.code}`, 302);
      }
    },
  });
}
