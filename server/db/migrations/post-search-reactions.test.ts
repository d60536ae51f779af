/**
 * Migration 0008: a workspace made before search existed (the previous
 * main's migrations, with posts in it) opens with this version, keeps every
 * row, and its old posts are searchable; posts written afterwards are too.
 */
import { describe, expect, it } from "vitest";
import { newId } from "#common/ids.ts";
import { workspaceBefore } from "#testing";
import { postSearcher } from "../../services/post-search.ts";

describe("migrations 0008_post_search and 0009_reactions", () => {
  it("opens a workspace with posts made before search, and finds its old posts", async () => {
    const old = await workspaceBefore("0008");
    expect(old.applied).toContain("0001_workspace");
    const now = Date.now();
    const [userId, teamId, channelId] = [newId(), newId(), newId()];
    await old.db
      .insertInto("users")
      .values({
        id: userId,
        username: "olduser",
        email: "old@example.com",
        password_hash: "x",
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
      .insertInto("teams")
      .values({
        id: teamId,
        name: "oldteam",
        display_name: "Old",
        type: "O",
        description: "",
        create_at: now,
        update_at: now,
        delete_at: 0,
      })
      .execute();
    await old.db
      .insertInto("team_members")
      .values({ team_id: teamId, user_id: userId, roles: "team_user", create_at: now, delete_at: 0 })
      .execute();
    await old.db
      .insertInto("channels")
      .values({
        id: channelId,
        team_id: teamId,
        name: "war-room",
        display_name: "War room",
        type: "O",
        header: "",
        purpose: "",
        creator_id: userId,
        create_at: now,
        update_at: now,
        delete_at: 0,
        last_post_at: now,
        total_msg_count: 3,
      })
      .execute();
    const messages = ["Database failover started", "Failover finished, replicas healthy", "Lunch at noon"];
    const ids = messages.map(() => newId());
    await old.db
      .insertInto("posts")
      .values(
        messages.map((message, i) => ({
          id: ids[i] ?? "",
          channel_id: channelId,
          user_id: userId,
          root_id: "",
          message,
          type: "",
          props: "{}",
          create_at: now + i,
          update_at: now + i,
          edit_at: 0,
          delete_at: 0,
        })),
      )
      .execute();

    const host = await old.upgrade();
    try {
      const search = (terms: string) =>
        postSearcher(host, { user: { id: userId, roles: "system_user" }, teamId, terms, isOrSearch: false, page: 0, perPage: 60 });
      expect((await host.db.selectFrom("posts").select("id").orderBy("create_at").execute()).map((r) => r.id)).toEqual(ids);
      expect((await search("failover")).order).toEqual([ids[1], ids[0]]);
      expect((await search("lunch")).order).toEqual([ids[2]]);
      // A post written after the upgrade is indexed as it is written.
      await host.db
        .insertInto("posts")
        .values({
          id: "n".repeat(26),
          channel_id: channelId,
          user_id: userId,
          root_id: "",
          message: "Failover drill next week",
          type: "",
          props: "{}",
          create_at: now + 10,
          update_at: now + 10,
          edit_at: 0,
          delete_at: 0,
        })
        .execute();
      expect((await search("failover")).order).toEqual(["n".repeat(26), ids[1], ids[0]]);
      // 0009 came with it: the old posts take reactions.
      await host.db
        .insertInto("reactions")
        .values({ post_id: ids[0] ?? "", user_id: userId, emoji_name: "+1", channel_id: channelId, create_at: now })
        .execute();
      expect(await host.db.selectFrom("reactions").select(["post_id", "emoji_name"]).execute()).toEqual([
        { post_id: ids[0], emoji_name: "+1" },
      ]);
    } finally {
      await host.close();
    }
  });
});
