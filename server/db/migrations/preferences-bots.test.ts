/**
 * Migration 0014: a workspace made before preferences and Mattermost's user
 * profile fields (a person and a plugin's bot in it) opens with this version,
 * keeps both users — the person with Mattermost's defaults for the new
 * fields, the bot with its nickname as its description — and stores
 * preferences.
 */
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { newId } from "#common/ids.ts";
import { workspaceBefore } from "#testing";
import { preferencesOf, preferencesSaver } from "../../services/preferences.ts";
import { getBot, getUser } from "../../services/users.ts";

describe("migration 0014_preferences_bots", () => {
  it("opens a workspace made before it, keeps its users and bots, and takes preferences", async () => {
    const old = await workspaceBefore("0014");
    expect(old.applied).toContain("0013_accounts");
    expect(old.applied).not.toContain("0014_preferences_bots");
    const [personId, botId] = [newId(), newId()];
    const createAt = 1_700_000_000_000;
    // The users table as 0013 left it, without the profile columns: written in SQL, since the schema type has them.
    await sql`INSERT INTO users (id, username, email, password_hash, nickname, roles, is_bot, bot_owner_id, create_at, update_at)
      VALUES (${personId}, 'alice', 'alice@example.com', 'x', 'Al', 'system_user', 0, '', ${createAt}, ${createAt}),
             (${botId}, 'incident-bot', 'incident-bot@localhost', '', 'Runs incidents', 'system_user', 1, 'incident', ${createAt}, ${createAt})`.execute(
      old.db,
    );

    const host = await old.upgrade();
    try {
      expect(await getUser(host, personId)).toMatchObject({
        id: personId,
        username: "alice",
        nickname: "Al",
        create_at: createAt,
        position: "",
        locale: "en",
        timezone: { useAutomaticTimezone: "true", automaticTimezone: "", manualTimezone: "" },
      });
      expect(await getBot(host, botId)).toMatchObject({
        user_id: botId,
        username: "incident-bot",
        description: "Runs incidents",
        owner_id: "incident",
      });
      const preference = { user_id: personId, category: "flagged_post", name: newId(), value: "true" };
      await preferencesSaver(host, { userId: personId, preferences: [preference] });
      expect(await preferencesOf(host, { userId: personId })).toEqual([preference]);
    } finally {
      await host.close();
    }
  });
});
