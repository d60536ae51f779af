/**
 * Migration 0016: a workspace made before outgoing webhooks and custom
 * commands (with an incoming webhook in it) opens with this version, keeps
 * the hook (its `update_at` its `create_at`), and stores the new integrations.
 */
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { newId } from "#common/ids.ts";
import { workspaceBefore } from "#testing";
import { getIncomingWebhook } from "../../services/webhooks.ts";

describe("migration 0016_outgoing_hooks_commands", () => {
  it("opens a workspace made before it, keeps its incoming webhooks, and takes outgoing hooks and commands", async () => {
    const old = await workspaceBefore("0016");
    expect(old.applied).toContain("0013_accounts");
    const [hookId, channelId, teamId, userId] = [newId(), newId(), newId(), newId()];
    const createAt = 1_700_000_000_000;
    // The table as 0001 made it, without `update_at`: written in SQL, since the schema type has the new column.
    await sql`INSERT INTO incoming_webhooks (id, channel_id, team_id, user_id, display_name, description, username, icon_url,
      channel_locked, create_at, delete_at) VALUES (${hookId}, ${channelId}, ${teamId}, ${userId}, 'Alertmanager', 'before', 'am', '',
      1, ${createAt}, 0)`.execute(old.db);

    const host = await old.upgrade();
    try {
      expect(await getIncomingWebhook(host, hookId)).toMatchObject({
        id: hookId,
        channel_id: channelId,
        display_name: "Alertmanager",
        description: "before",
        channel_locked: true,
        create_at: createAt,
        update_at: createAt,
      });
      const now = Date.now();
      await host.db
        .insertInto("commands")
        .values({
          id: newId(),
          token: "t",
          creator_id: userId,
          team_id: teamId,
          trigger: "deploy",
          method: "P",
          url: "http://x",
          username: "",
          icon_url: "",
          auto_complete: 0,
          auto_complete_desc: "",
          auto_complete_hint: "",
          display_name: "",
          description: "",
          create_at: now,
          update_at: now,
          delete_at: 0,
        })
        .execute();
      expect(await host.db.selectFrom("commands").select("trigger").execute()).toEqual([{ trigger: "deploy" }]);
      expect(await host.db.selectFrom("outgoing_webhooks").selectAll().execute()).toEqual([]);
    } finally {
      await host.close();
    }
  });
});
