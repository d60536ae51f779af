/**
 * Migration 0019: a workspace made before statuses set by hand (a user who
 * was last active at some time in it) opens with this version, keeps the
 * user and their activity, reads their status as automatic, and stores one
 * set by hand.
 */
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { newId } from "#common/ids.ts";
import { workspaceBefore } from "#testing";
import { statusSetter, userStatuses } from "../../services/presence.ts";
import { getUser } from "../../services/users.ts";

describe("migration 0019_manual_statuses", () => {
  it("opens a workspace made before it, keeps its users and their activity, and takes statuses set by hand", async () => {
    const old = await workspaceBefore("0019");
    expect(old.applied).toContain("0018_sign_in_providers");
    const userId = newId();
    const createAt = 1_700_000_000_000;
    await sql`INSERT INTO users (id, username, email, password_hash, roles, create_at, update_at)
      VALUES (${userId}, 'alice', 'alice@example.com', 'x', 'system_user', ${createAt}, ${createAt})`.execute(old.db);
    await old.db.insertInto("user_activity").values({ user_id: userId, last_activity_at: createAt }).execute();

    const host = await old.upgrade();
    try {
      expect(await getUser(host, userId)).toMatchObject({ id: userId, username: "alice", create_at: createAt });
      expect(await userStatuses(host, [userId])).toEqual([
        { user_id: userId, status: "offline", manual: false, last_activity_at: createAt },
      ]);
      expect(await statusSetter(host, { userId, status: "dnd" })).toBe("dnd");
      expect(await userStatuses(host, [userId])).toEqual([{ user_id: userId, status: "dnd", manual: true, last_activity_at: createAt }]);
    } finally {
      await host.close();
    }
  });
});
