/**
 * `/login`: sign in with username or email, or through the workspace's
 * single sign-on provider when it has one, then return to `redirect_to`.
 * The provider's button and whether passwords are open come from the client
 * configuration; a refused single sign-on comes back as `sso_error=<code>`,
 * shown as the sentence for that code (never text from the URL).
 */
import { useEffect, useState } from "react";
import { z } from "zod";
import { FormError } from "../components/FormError.tsx";
import { useFormSubmit } from "../components/form-submit.ts";
import { Link } from "../components/Link.tsx";
import { safeRedirect, useRoute } from "../router/router.ts";
import { useServices } from "../store/services.ts";
import { loginStarter } from "../store/session.ts";
import { useStore } from "../store/store.ts";

/** What the login page reads of `GET /api/v4/config/client?format=old`. */
const signInConfigSchema = z.looseObject({
  EnableSignUpWithOpenId: z.string().optional(),
  OpenIdButtonText: z.string().optional(),
  EnableSignInWithEmail: z.string().optional(),
});

/** The sentences for the provider's refusals (`sso_error` codes of server/auth/oidc.ts). */
const SSO_ERRORS: Record<string, string> = {
  invalid_state: "That sign-in link was already used or did not start in this browser. Try again.",
  expired: "The sign-in took too long. Try again.",
  provider: "The sign-in provider did not confirm who you are. Try again, or ask an admin.",
  unverified_email: "An account with your email exists, but the provider has not verified that email. Ask an admin.",
  no_email: "The sign-in provider did not share your email address. Ask an admin.",
  inactive: "Your account has been deactivated.",
  bot: "That email belongs to a bot account.",
};

export function LoginPage() {
  const services = useServices();
  const me = useStore(services.store, (s) => s.me);
  const { search } = useRoute(services.router);
  const redirectTo = safeRedirect(new URLSearchParams(search).get("redirect_to"), window.location.origin);
  const [loginId, setLoginId] = useState("");
  const [password, setPassword] = useState("");
  const [signIn, setSignIn] = useState<z.infer<typeof signInConfigSchema> | null>(null);
  const ssoError = new URLSearchParams(search).get("sso_error");

  useEffect(() => {
    services.api
      .get("/api/v4/config/client?format=old", signInConfigSchema)
      .then((config) => setSignIn(config ?? {}))
      .catch(() => setSignIn({}));
  }, [services.api]);

  useEffect(() => {
    document.title = "Log in · Sitrep";
    if (me) services.router.navigate(redirectTo, { replace: true });
  }, [me, redirectTo, services.router]);

  const { submit, busy, error } = useFormSubmit(() => loginStarter(services, { loginId: loginId.trim(), password }));

  const sso = signIn?.EnableSignUpWithOpenId === "true";
  const passwords = signIn?.EnableSignInWithEmail !== "false";
  const ssoHref = `/oauth/openid/login${redirectTo !== "/" ? `?redirect_to=${encodeURIComponent(redirectTo)}` : ""}`;

  return (
    <main className="auth-page">
      <form className="auth-card" onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">Log in to Sitrep</h1>
        {ssoError ? <FormError message={SSO_ERRORS[ssoError] ?? "Single sign-on failed. Try again."} /> : null}
        {sso ? (
          <a className="button primary sso-button" href={ssoHref}>
            {signIn?.OpenIdButtonText || "Sign in with single sign-on"}
          </a>
        ) : null}
        {sso && passwords ? <p className="auth-or">or</p> : null}
        {passwords ? (
          <>
            <label htmlFor="login-id">Email or username</label>
            <input
              id="login-id"
              name="login_id"
              autoComplete="username"
              required
              value={loginId}
              onChange={(e) => setLoginId(e.target.value)}
              autoFocus
            />
            <label htmlFor="login-password">Password</label>
            <input
              id="login-password"
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
            <FormError message={error} />
            <button type="submit" className="button primary" disabled={busy}>
              {busy ? "Logging in…" : "Log in"}
            </button>
            <p className="auth-switch">
              No account yet? <Link to={`/signup${search}`}>Create one</Link>
            </p>
          </>
        ) : null}
      </form>
    </main>
  );
}
