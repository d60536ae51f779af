/**
 * Single sign-on in the browser, against a real OpenID Connect provider
 * (`oidc-provider` with its development login and consent pages): the login
 * page offers "Sign in with …", the provider's pages sign the person in, and
 * they come back to Sitrep signed in to a new account; a refusal comes back
 * to the login page with the reason.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { userSchema } from "#common/wire-schemas.ts";
import { freePort } from "#testing";
import { startOidcProvider, type TestOidcProvider } from "../server/testing/oidc-provider.ts";
import { CALLBACK_PATH } from "../server/auth/oidc.ts";
import { startE2E, type E2E } from "./harness.ts";

let e2e: E2E;
let idp: TestOidcProvider;

beforeAll(async () => {
  const port = await freePort();
  const siteUrl = `http://127.0.0.1:${port}`;
  idp = await startOidcProvider({ redirectUri: `${siteUrl}${CALLBACK_PATH}` });
  e2e = await startE2E({
    config: {
      port,
      siteUrl,
      oidc: {
        issuer: idp.issuer,
        clientId: idp.clientId,
        clientSecret: idp.clientSecret,
        name: "Acme SSO",
        adminGroup: "",
        groupsClaim: "groups",
      },
    },
  });
  await e2e.server.admin();
});
afterAll(async () => {
  await e2e?.close();
  await idp?.close();
});

/** The provider's development pages ask for a web font and a favicon this machine cannot serve: not Sitrep's errors. */
function allowProviderPages(allow: (pattern: RegExp) => void): void {
  allow(/fonts\.googleapis\.com/);
  allow(new RegExp(`${idp.issuer.replace(/[.:/]/g, "\\$&")}/favicon\\.ico`));
}

describe("single sign-on", () => {
  test("signs a new person in through the provider's pages and back into Sitrep", async () => {
    idp.accounts.set("ivy-sub", { email: "ivy@example.com", email_verified: true, preferred_username: "ivy", given_name: "Ivy" });
    const { page, allow } = await e2e.open({ path: "/login" });
    allowProviderPages(allow);
    const button = page.getByRole("link", { name: "Sign in with Acme SSO" });
    await button.waitFor();
    expect(await e2e.axe(page)).toEqual([]);
    await e2e.screenshot(page, "sso-login");
    await button.focus();
    await page.keyboard.press("Enter");

    await page.locator('input[name="login"]').fill("ivy-sub");
    await page.locator('input[name="password"]').fill("anything");
    await page.getByRole("button", { name: "Sign-in" }).click();
    await page.getByRole("button", { name: "Continue" }).click();

    await page.getByRole("heading", { name: "Welcome to Sitrep", level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).not.toBe("/login");
    const me = userSchema.parse(await (await page.request.get("/api/v4/users/me")).json());
    expect(me).toMatchObject({ username: "ivy", email: "ivy@example.com", first_name: "Ivy" });
    e2e.assertNoConsoleErrors();
  });

  test("comes back to the login page saying why, when the provider's email is not verified", async () => {
    const taken = await e2e.server.createUser();
    idp.accounts.set("mallory-sub", { email: taken.user.email, email_verified: false });
    const { page, allow } = await e2e.open({ path: "/login" });
    allowProviderPages(allow);
    await page.getByRole("link", { name: "Sign in with Acme SSO" }).click();
    await page.locator('input[name="login"]').fill("mallory-sub");
    await page.locator('input[name="password"]').fill("anything");
    await page.getByRole("button", { name: "Sign-in" }).click();
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByText("An account with your email exists, but the provider has not verified that email. Ask an admin.").waitFor();
    expect(page.url()).toMatch(/\/login\?sso_error=unverified_email$/);
    expect((await page.request.get("/api/v4/users/me")).status()).toBe(401);
    e2e.assertNoConsoleErrors();
  });
});
