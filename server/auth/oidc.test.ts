/**
 * Single sign-on against a real OpenID Connect provider (`oidc-provider`, run
 * here on loopback HTTP): a new person gets an account, an existing one is
 * linked only by a verified email, a wrong state, a replayed answer and a
 * wrong nonce are refused, an account the provider no longer knows cannot
 * sign in again, the admin group decides who is a system admin, and password
 * sign-in turns off only once an admin can sign in through the provider.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { apiErrorBodySchema, userSchema } from "#common/wire-schemas.ts";
import { expectBody, freePort, startTestServer, TestClient, type TestServer } from "#testing";
// Imported on its own, not through #testing: the provider and its web framework load only where a test uses them.
import { browserFetch, followSignIn, startOidcProvider, type CookieJar, type TestOidcProvider } from "../testing/oidc-provider.ts";
import { CALLBACK_PATH, STATE_COOKIE, usernameFrom } from "./oidc.ts";

let idp: TestOidcProvider;
let server: TestServer;
let siteUrl: string;

beforeAll(async () => {
  const port = await freePort();
  siteUrl = `http://127.0.0.1:${port}`;
  idp = await startOidcProvider({ redirectUri: `${siteUrl}${CALLBACK_PATH}` });
  server = await startTestServer({
    port,
    siteUrl,
    oidc: {
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret: idp.clientSecret,
      name: "Test IdP",
      adminGroup: "sitrep-admins",
      groupsClaim: "groups",
    },
  });
  await server.admin();
});
afterAll(async () => {
  await server?.close();
  await idp?.close();
});

/** What the callback answered: where it sends the browser, and the session token it set (if any). */
interface Outcome {
  status: number;
  location: string;
  token: string | undefined;
}

async function answer(callbackUrl: string, jar: CookieJar): Promise<Outcome> {
  const response = await browserFetch(callbackUrl, jar);
  return { status: response.status, location: response.headers.get("location") ?? "", token: jar.get("MMAUTHTOKEN") };
}

/** Sign in through the provider as `login`, from a fresh browser. */
async function signIn(login: string, redirectTo = "/"): Promise<Outcome> {
  const jar: CookieJar = new Map();
  const start = `${siteUrl}/oauth/openid/login?redirect_to=${encodeURIComponent(redirectTo)}`;
  const callback = await followSignIn({ start, login, stopAt: `${siteUrl}${CALLBACK_PATH}`, jar });
  if (!callback) throw new Error(`the provider did not send ${login} back`);
  return answer(callback, jar);
}

async function me(token: string | undefined) {
  return expectBody(await new TestClient(server.url, token).get("/api/v4/users/me"), userSchema);
}

async function lastAudit(): Promise<string> {
  const admin = await server.admin();
  const audits = expectBody(await admin.get("/api/v4/audits?per_page=1"), z.array(z.object({ extra_info: z.string() })));
  return audits[0]?.extra_info ?? "";
}

describe("sign-in through the provider", () => {
  it("creates an account for a new person and sends them where they were going", async () => {
    idp.accounts.set("carol-sub", {
      email: "Carol@Example.com",
      email_verified: true,
      preferred_username: "Carol Doe",
      given_name: "Carol",
    });
    const outcome = await signIn("carol-sub", "/acme/channels/town-square");
    expect(outcome).toMatchObject({ status: 302, location: "/acme/channels/town-square" });
    const carol = await me(outcome.token);
    expect(carol).toMatchObject({ username: "carol-doe", email: "carol@example.com", first_name: "Carol", roles: "system_user" });
    expect(await lastAudit()).toBe("success - openid");
    // The next sign-in is the same account, found by the provider's subject.
    expect((await me((await signIn("carol-sub")).token)).id).toBe(carol.id);
  });

  it("links an existing account by its email only when the provider verified it", async () => {
    const alice = await server.createUser();
    idp.accounts.set("alice-sub", { email: alice.user.email, email_verified: false });
    const refused = await signIn("alice-sub");
    expect(refused).toEqual({ status: 302, location: "/login?sso_error=unverified_email", token: undefined });
    expect(await lastAudit()).toBe(
      `failure - openid unverified_email: ${alice.user.email} belongs to an account and is not verified by the provider`,
    );
    idp.accounts.set("alice-sub", { email: alice.user.email, email_verified: true });
    expect((await me((await signIn("alice-sub")).token)).id).toBe(alice.user.id);
  });

  it("refuses an answer whose state is not this browser's, and one used already", async () => {
    idp.accounts.set("erin-sub", { email: "erin@example.com", email_verified: true });
    const jar: CookieJar = new Map();
    const callback = await followSignIn({
      start: `${siteUrl}/oauth/openid/login`,
      login: "erin-sub",
      stopAt: `${siteUrl}${CALLBACK_PATH}`,
      jar,
    });
    if (!callback) throw new Error("no callback");
    const forged = new URL(callback);
    forged.searchParams.set("state", "not-the-state");
    expect(await answer(forged.href, new Map(jar))).toEqual({ status: 302, location: "/login?sso_error=invalid_state", token: undefined });
    expect(await lastAudit()).toBe("failure - openid invalid_state: state does not match this browser's sign-in");

    const state = jar.get(STATE_COOKIE) ?? "";
    const first = await answer(callback, jar);
    expect(first.status).toBe(302);
    expect(first.token).toBeTruthy();
    const replay = await answer(callback, new Map([[STATE_COOKIE, state]]));
    expect(replay).toEqual({ status: 302, location: "/login?sso_error=invalid_state", token: undefined });
    expect(await lastAudit()).toMatch(/^failure - openid invalid_state: no sign-in is waiting for this state/);
  });

  it("refuses an ID token whose nonce is not the one this sign-in sent", async () => {
    idp.accounts.set("frank-sub", { email: "frank@example.com", email_verified: true });
    const jar: CookieJar = new Map();
    const begun = await browserFetch(`${siteUrl}/oauth/openid/login`, jar);
    expect(begun.status).toBe(302);
    const authorize = new URL(begun.headers.get("location") ?? "");
    expect(authorize.origin).toBe(idp.issuer);
    expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
    authorize.searchParams.set("nonce", "a-nonce-sitrep-never-sent");
    const callback = await followSignIn({ start: authorize.href, login: "frank-sub", stopAt: `${siteUrl}${CALLBACK_PATH}`, jar });
    if (!callback) throw new Error("no callback");
    expect(await answer(callback, jar)).toEqual({ status: 302, location: "/login?sso_error=provider", token: undefined });
    expect(await lastAudit()).toMatch(/^failure - openid provider: .*nonce/);
  });

  it("does not sign in an account the provider no longer knows", async () => {
    idp.accounts.set("gone-sub", { email: "gone@example.com", email_verified: true });
    expect((await signIn("gone-sub")).token).toBeTruthy();
    idp.accounts.delete("gone-sub");
    const jar: CookieJar = new Map();
    const callback = await followSignIn({
      start: `${siteUrl}/oauth/openid/login`,
      login: "gone-sub",
      stopAt: `${siteUrl}${CALLBACK_PATH}`,
      jar,
    });
    expect(callback).toBeNull();
    expect(jar.get("MMAUTHTOKEN")).toBeUndefined();
  });

  it("makes members of the admin group system admins, and takes it back when they leave the group", async () => {
    idp.accounts.set("hana-sub", { email: "hana@example.com", email_verified: true, groups: ["staff", "sitrep-admins"] });
    expect((await me((await signIn("hana-sub")).token)).roles).toBe("system_admin system_user");
    expect(await lastAudit()).toBe("success - openid");
    idp.accounts.set("hana-sub", { email: "hana@example.com", email_verified: true, groups: ["staff"] });
    expect((await me((await signIn("hana-sub")).token)).roles).toBe("system_user");
  });
});

describe("password sign-in turned off", () => {
  it("stays on until a system admin has signed in through the provider, then answers 403 naming the provider", async () => {
    const bob = await server.createUser({ password: "password-123" });
    server.config.passwordLogin = false;
    try {
      // hana is no longer an admin, so no admin has signed in through the provider yet in this test's state.
      idp.accounts.set("hana-sub", { email: "hana@example.com", email_verified: true, groups: ["staff"] });
      await signIn("hana-sub");
      const open = await server.anonymous.post("/api/v4/users/login", { login_id: bob.user.username, password: "password-123" });
      expect(open.status).toBe(200);

      idp.accounts.set("hana-sub", { email: "hana@example.com", email_verified: true, groups: ["sitrep-admins"] });
      await signIn("hana-sub");
      const closed = await server.anonymous.post("/api/v4/users/login", { login_id: bob.user.username, password: "password-123" });
      expect(closed.status).toBe(403);
      expect(expectBody(closed, apiErrorBodySchema)).toMatchObject({
        id: "api.user.login.password_disabled",
        message: "Password sign-in is turned off on this workspace; sign in with Test IdP.",
      });
      const signUp = await server.anonymous.post("/api/v4/users", {
        username: "newbie",
        email: "newbie@example.com",
        password: "password-123",
      });
      expect(signUp.status).toBe(403);
      const config = expectBody(await server.anonymous.get("/api/v4/config/client?format=old"), z.record(z.string(), z.string()));
      expect(config).toMatchObject({
        EnableSignInWithEmail: "false",
        EnableSignUpWithOpenId: "true",
        OpenIdButtonText: "Sign in with Test IdP",
      });
    } finally {
      server.config.passwordLogin = true;
    }
  });
});

describe("without a provider", () => {
  it("answers 404 naming the setting, and refuses a redirect_to that leaves the site", async () => {
    const plain = await startTestServer();
    try {
      const res = await plain.anonymous.get("/oauth/openid/login");
      expect(res.status).toBe(404);
      expect(expectBody(res, apiErrorBodySchema).message).toBe("Single sign-on is not set up on this workspace (SITREP_OIDC_ISSUER).");
      const config = expectBody(await plain.anonymous.get("/api/v4/config/client?format=old"), z.record(z.string(), z.string()));
      expect(config.EnableSignUpWithOpenId).toBe("false");
    } finally {
      await plain.close();
    }
    for (const bad of ["//evil.example", "/\\evil.example", "https://evil.example/", "/ok\r", "/a\nb"]) {
      const res = await server.anonymous.get(`/oauth/openid/login?redirect_to=${encodeURIComponent(bad)}`);
      expect(res.status, bad).toBe(400);
      expect(expectBody(res, apiErrorBodySchema).message, bad).toMatch(/^redirect_to: must be a path on this site/);
    }
  });
});

describe("usernameFrom", () => {
  it("makes a valid username from what the provider says", () => {
    expect(usernameFrom({ preferred_username: "Jane.Doe" })).toBe("jane.doe");
    expect(usernameFrom({ preferred_username: "  ", email: "42ops@example.com" })).toBe("ops");
    expect(usernameFrom({ email: "x@example.com" })).toBe("user-x");
    expect(usernameFrom({})).toBe("user");
  });
});
