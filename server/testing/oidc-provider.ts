/**
 * @module testing/oidc-provider
 * A real OpenID Connect provider for single sign-on tests: `oidc-provider`
 * on loopback HTTP with its development login and consent pages (any login
 * name, any password), one client for the Sitrep under test, and accounts
 * a test adds, changes and removes while it runs. {@link followSignIn}
 * is a small browser for server tests: it follows redirects and submits the
 * provider's forms, and stops before the request that brings the answer back
 * to Sitrep, so a test can send it as is, or altered. Not exported by the
 * test kit's index: `oidc-provider` (and Koa) load only in the tests that use it.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";

/** What the provider says about one account. */
export interface ProviderAccount {
  email?: string;
  email_verified?: boolean;
  preferred_username?: string;
  given_name?: string;
  family_name?: string;
  groups?: string[];
}

export interface TestOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The provider's accounts by login name (its `sub`); change them at will. */
  accounts: Map<string, ProviderAccount>;
  close(): Promise<void>;
}

/** Start a provider whose one client may send browsers back to `redirectUri`. */
export async function startOidcProvider(props: { redirectUri: string }): Promise<TestOidcProvider> {
  const accounts = new Map<string, ProviderAccount>();
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;
  const clientId = "sitrep-test";
  const clientSecret = "sitrep-test-secret-of-at-least-32-characters";
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [props.redirectUri],
        response_types: ["code"],
        grant_types: ["authorization_code"],
        token_endpoint_auth_method: "client_secret_post",
      },
    ],
    claims: {
      openid: ["sub"],
      email: ["email", "email_verified"],
      profile: ["preferred_username", "given_name", "family_name", "groups"],
    },
    cookies: { keys: ["a-test-key-that-signs-the-provider-cookies"] },
    features: { devInteractions: { enabled: true } },
    pkce: { required: () => true },
    async findAccount(_ctx, id) {
      const account = accounts.get(id);
      if (!account) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...account }) };
    },
  });
  // The development pages warn on every start; the test does not need to hear it.
  provider.on("server_error", () => {});
  server.on("request", provider.callback());
  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Cookies by name, shared by every port of 127.0.0.1 as a browser shares them. */
export type CookieJar = Map<string, string>;

/** One request as a browser with `jar` sends it (no redirects followed), keeping the cookies it sets. */
export async function browserFetch(url: string, jar: CookieJar, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("cookie", [...jar].map(([name, value]) => `${name}=${value}`).join("; "));
  const response = await fetch(url, { ...init, headers, redirect: "manual" });
  keepCookies(jar, response);
  return response;
}

function keepCookies(jar: CookieJar, response: Response): void {
  for (const line of response.headers.getSetCookie()) {
    const [pair = ""] = line.split(";");
    const at = pair.indexOf("=");
    const name = pair.slice(0, at).trim();
    const value = pair.slice(at + 1).trim();
    const expired = /max-age=0|expires=thu, 01 jan 1970/i.test(line);
    if (expired || value === "") jar.delete(name);
    else jar.set(name, value);
  }
}

/** A form of an HTML page: where it posts and its named inputs' values. */
function firstForm(html: string, base: string): { action: string; fields: Record<string, string> } | undefined {
  const form = /<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) return undefined;
  const fields: Record<string, string> = {};
  for (const input of (form[2] ?? "").matchAll(/<input([^>]*)>/gi)) {
    const name = /name="([^"]*)"/.exec(input[1] ?? "")?.[1];
    if (name) fields[name] = /value="([^"]*)"/.exec(input[1] ?? "")?.[1] ?? "";
  }
  return { action: new URL((form[1] ?? "").replace(/&amp;/g, "&"), base).href, fields };
}

/**
 * Follow a sign-in from `start` (Sitrep's `/oauth/openid/login`, or a provider
 * URL), logging in as `login` on the provider's page and consenting, until
 * the provider sends the browser to a URL under `stopAt`: that URL is
 * returned, not requested. `null` when the provider never sends it back
 * (it keeps asking for a login, as for an account it no longer knows).
 */
export async function followSignIn(props: { start: string; login: string; stopAt: string; jar: CookieJar }): Promise<string | null> {
  let url = props.start;
  let init: RequestInit = {};
  let logins = 0;
  for (let step = 0; step < 20; step++) {
    if (url.startsWith(props.stopAt)) return url;
    const response = await browserFetch(url, props.jar, init);
    const location = response.headers.get("location");
    if (location) {
      url = new URL(location, url).href;
      init = {};
      continue;
    }
    const form = firstForm(await response.text(), url);
    if (!form) return null;
    if (form.fields.prompt === "login") {
      if (++logins > 1) return null; // asked to log in again: the provider does not take this account
      Object.assign(form.fields, { login: props.login, password: "any password" });
    }
    url = form.action;
    init = { method: "POST", body: new URLSearchParams(form.fields), headers: { "content-type": "application/x-www-form-urlencoded" } };
  }
  return null;
}
