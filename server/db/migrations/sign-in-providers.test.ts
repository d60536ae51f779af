/**
 * Migration 0018: a workspace made before single sign-on (the previous main's
 * migrations, with a person in it) opens with this version and loses
 * nothing: the person can be linked to a provider account, and sign-ins can
 * be begun and used once.
 */
import { describe, expect, it } from "vitest";
import { newId } from "#common/ids.ts";
import { workspaceBefore } from "#testing";
import { OPENID_PROVIDER, passwordLoginOpen } from "../../auth/oidc.ts";
import { getUserRow } from "../../services/users.ts";

describe("migration 0018_sign_in_providers", () => {
  it("keeps the people of a workspace made before it, and links them to provider accounts", async () => {
    const old = await workspaceBefore("0018");
    expect(old.applied).toContain("0013_accounts");
    expect(old.applied.some((name) => name.startsWith("0018"))).toBe(false);
    const now = Date.now();
    const userId = newId();
    await old.db
      .insertInto("users")
      .values({
        id: userId,
        username: "oldadmin",
        email: "oldadmin@example.com",
        password_hash: "",
        first_name: "Old",
        last_name: "",
        nickname: "",
        roles: "system_admin system_user",
        is_bot: 0,
        bot_owner_id: "",
        create_at: now,
        update_at: now,
        delete_at: 0,
      })
      .execute();

    const host = await old.upgrade();
    try {
      expect((await getUserRow(host, userId))?.username).toBe("oldadmin");
      host.config.oidc = {
        issuer: "https://idp.example",
        clientId: "c",
        clientSecret: "",
        name: "IdP",
        adminGroup: "",
        groupsClaim: "groups",
      };
      host.config.passwordLogin = false;
      // No admin has signed in through the provider yet: passwords still work.
      expect(await passwordLoginOpen(host)).toBe(true);
      await host.db
        .insertInto("user_identities")
        .values({ provider: OPENID_PROVIDER, subject: "sub-1", user_id: userId, create_at: now, last_login_at: now })
        .execute();
      // Written here behind the services' back: say so, as linking an identity does (the answer is cached per user change).
      host.caches.invalidate({ kind: "user", id: userId });
      expect(await passwordLoginOpen(host)).toBe(false);
      await host.db
        .insertInto("oidc_logins")
        .values({ state: "s", nonce: "n", code_verifier: "v", redirect_to: "/", create_at: now })
        .execute();
      const used = await host.db.deleteFrom("oidc_logins").where("state", "=", "s").returningAll().executeTakeFirst();
      expect(used).toEqual({ state: "s", nonce: "n", code_verifier: "v", redirect_to: "/", create_at: now });
    } finally {
      await host.close();
    }
  });
});
