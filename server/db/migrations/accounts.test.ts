/**
 * Migration 0013: a workspace made before accounts were hardened (the
 * previous main's migrations, with a user, a session and a personal access
 * token in it) opens with this version and loses nothing: the session still
 * signs in, the token never expires, and the new tables take their first rows.
 */
import { describe, expect, it } from "vitest";
import { newId, newToken } from "#common/ids.ts";
import { workspaceBefore } from "#testing";
import { hashToken, sessionFromToken } from "../../auth/sessions.ts";
import { accessTokenLister } from "../../auth/access-tokens.ts";
import { attemptTaker } from "../../auth/login-throttle.ts";
import { auditLister, auditRecorder } from "../../services/audits.ts";

describe("migration 0013_accounts", () => {
  it("opens a workspace made before it, keeps its users, sessions and tokens, and adds the throttle and the audit log", async () => {
    const old = await workspaceBefore("0013");
    expect(old.applied).toContain("0010_files");
    expect(old.applied.some((name) => name.startsWith("0013"))).toBe(false);
    const now = Date.now();
    const userId = newId();
    const [sessionToken, patToken] = [newToken(), newToken()];
    const patId = newId();
    await old.db
      .insertInto("users")
      .values({
        id: userId,
        username: "oldtimer",
        email: "oldtimer@example.com",
        password_hash: "",
        first_name: "",
        last_name: "",
        nickname: "",
        roles: "system_user",
        is_bot: 0,
        bot_owner_id: "",
        create_at: now,
        update_at: now,
        delete_at: 0,
      })
      .execute();
    await old.db
      .insertInto("sessions")
      .values({
        id: newId(),
        token_hash: hashToken(sessionToken),
        user_id: userId,
        csrf_token: newToken(),
        access_token_id: "",
        create_at: now,
        expires_at: now + 86_400_000,
        last_activity_at: now,
      })
      .execute();
    // The table as 0001 made it: no expires_at yet.
    await old.db
      .withTables<{
        user_access_tokens: { id: string; user_id: string; token_hash: string; description: string; is_active: number; create_at: number };
      }>()
      .insertInto("user_access_tokens")
      .values({ id: patId, user_id: userId, token_hash: hashToken(patToken), description: "old ci", is_active: 1, create_at: now })
      .execute();

    const host = await old.upgrade();
    try {
      expect((await sessionFromToken(host, sessionToken))?.user.username).toBe("oldtimer");
      expect((await sessionFromToken(host, patToken))?.session.expires_at).toBe(0);
      expect(await accessTokenLister(host, { userId, page: 0, perPage: 10 })).toEqual([
        { id: patId, user_id: userId, description: "old ci", is_active: true, expires_at: 0 },
      ]);
      expect(await attemptTaker(host, { key: "address:192.0.2.1", perMinute: 1 })).toEqual({ ok: true });
      await auditRecorder(host, { userId, extraInfo: "first entry", action: "migration-test" });
      expect((await auditLister(host, { page: 0, perPage: 10 })).map((a) => [a.user_id, a.action, a.extra_info])).toEqual([
        [userId, "migration-test", "first entry"],
      ]);
    } finally {
      await host.close();
    }
  });
});
