/**
 * @module store/session
 * Signing up, in and out.
 */
import { userSchema } from "#common/wire-schemas.ts";
import type { User } from "#common/wire.ts";
import { ApiError, readCookie } from "../api/client.ts";
import type { Services } from "./services.ts";
import { initialState } from "./state.ts";

/** Ask the server who is signed in; sets `me` to the user or `null`. */
export async function sessionChecker(services: Pick<Services, "api" | "store">): Promise<User | null> {
  // No session cookie: signed out, without asking (and logging a 401).
  if (!readCookie("MMUSERID")) {
    services.store.update((s) => ({ ...s, me: null }));
    return null;
  }
  try {
    const me = await services.api.get("/api/v4/users/me", userSchema);
    services.store.update((s) => ({ ...s, me, users: { ...s.users, [me.id]: me } }));
    return me;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      services.store.update((s) => ({ ...s, me: null }));
      return null;
    }
    throw error;
  }
}

/** Log in with a username or email and a password. */
export async function loginStarter(services: Pick<Services, "api" | "store">, props: { loginId: string; password: string }): Promise<User> {
  const me = await services.api.post("/api/v4/users/login", { login_id: props.loginId, password: props.password }, userSchema);
  services.store.update(() => ({ ...initialState, me, users: { [me.id]: me } }));
  return me;
}

/** Create an account, then log in with it. */
export async function signupStarter(
  services: Pick<Services, "api" | "store">,
  props: { username: string; email: string; password: string },
): Promise<User> {
  await services.api.post("/api/v4/users", props, userSchema);
  return loginStarter(services, { loginId: props.username, password: props.password });
}

/** Log out and forget everything loaded for the user. */
export async function logoutStarter(services: Pick<Services, "api" | "store">): Promise<void> {
  await services.api.post("/api/v4/users/logout").catch(() => undefined);
  services.store.update(() => ({ ...initialState, me: null }));
}
