/**
 * `/login`: sign in with username or email, then return to `redirect_to`.
 */
import { useEffect, useState } from "react";
import { FormError } from "../components/FormError.tsx";
import { useFormSubmit } from "../components/form-submit.ts";
import { Link } from "../components/Link.tsx";
import { safeRedirect, useRoute } from "../router/router.ts";
import { useServices } from "../store/services.ts";
import { loginStarter } from "../store/session.ts";
import { useStore } from "../store/store.ts";

export function LoginPage() {
  const services = useServices();
  const me = useStore(services.store, (s) => s.me);
  const { search } = useRoute(services.router);
  const redirectTo = safeRedirect(new URLSearchParams(search).get("redirect_to"), window.location.origin);
  const [loginId, setLoginId] = useState("");
  const [password, setPassword] = useState("");

  useEffect(() => {
    document.title = "Log in · Sitrep";
    if (me) services.router.navigate(redirectTo, { replace: true });
  }, [me, redirectTo, services.router]);

  const { submit, busy, error } = useFormSubmit(() => loginStarter(services, { loginId: loginId.trim(), password }));

  return (
    <main className="auth-page">
      <form className="auth-card" onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">Log in to Sitrep</h1>
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
      </form>
    </main>
  );
}
