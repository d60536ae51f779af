/**
 * `/signup`: create an account (the workspace's first becomes its admin,
 * which the page says when the server has no account yet) and sign in.
 */
import { useEffect, useState } from "react";
import { FormError } from "../components/FormError.tsx";
import { useFormSubmit } from "../components/form-submit.ts";
import { Link } from "../components/Link.tsx";
import { LIMITS } from "#common/limits.ts";
import { safeRedirect, useRoute } from "../router/router.ts";
import { useServices } from "../store/services.ts";
import { signupStarter } from "../store/session.ts";
import { useStore } from "../store/store.ts";
import * as z from "zod/mini";

/** True once the server said it has no account yet (`NoAccounts` of the client configuration). */
function useFirstAccount(): boolean {
  const { api } = useServices();
  const [first, setFirst] = useState(false);
  useEffect(() => {
    let live = true;
    api.get("/api/v4/config/client?format=old", z.looseObject({ NoAccounts: z.optional(z.string()) })).then(
      (config) => live && setFirst(config.NoAccounts === "true"),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [api]);
  return first;
}

export function SignupPage() {
  const services = useServices();
  const me = useStore(services.store, (s) => s.me);
  const { search } = useRoute(services.router);
  const redirectTo = safeRedirect(new URLSearchParams(search).get("redirect_to"), window.location.origin);
  const [form, setForm] = useState({ email: "", username: "", password: "" });

  useEffect(() => {
    document.title = "Sign up · Sitrep";
    if (me) services.router.navigate(redirectTo, { replace: true });
  }, [me, redirectTo, services.router]);

  const firstAccount = useFirstAccount();
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: e.target.value }));
  const { submit, busy, error } = useFormSubmit(() =>
    signupStarter(services, { email: form.email.trim(), username: form.username.trim().toLowerCase(), password: form.password }),
  );

  return (
    <main className="auth-page">
      <form className="auth-card" onSubmit={submit} aria-labelledby="signup-title">
        <h1 id="signup-title">Create your account</h1>
        {firstAccount && (
          <p className="notice" role="note">
            This is the workspace&apos;s first account: it becomes the system admin.
          </p>
        )}
        <label htmlFor="signup-email">Email</label>
        <input id="signup-email" type="email" autoComplete="email" required value={form.email} onChange={set("email")} autoFocus />
        <label htmlFor="signup-username">Username</label>
        <input
          id="signup-username"
          autoComplete="username"
          required
          minLength={LIMITS.usernameMin}
          maxLength={LIMITS.usernameMax}
          aria-describedby="signup-username-help"
          value={form.username}
          onChange={set("username")}
        />
        <p className="help" id="signup-username-help">
          {LIMITS.usernameMin}–{LIMITS.usernameMax} lowercase letters, digits, “.”, “-” or “_”, starting with a letter.
        </p>
        <label htmlFor="signup-password">Password</label>
        <input
          id="signup-password"
          type="password"
          autoComplete="new-password"
          required
          minLength={LIMITS.passwordMin}
          aria-describedby="signup-password-help"
          value={form.password}
          onChange={set("password")}
        />
        <p className="help" id="signup-password-help">
          At least {LIMITS.passwordMin} characters.
        </p>
        <FormError message={error} />
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? "Creating…" : "Create account"}
        </button>
        <p className="auth-switch">
          Already have an account? <Link to={`/login${search}`}>Log in</Link>
        </p>
      </form>
    </main>
  );
}
