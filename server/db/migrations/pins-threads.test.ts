/**
 * Migration 0015_pins_threads on a workspace made by the previous version
 * (0001–0013): it opens, keeps every post, channel and membership, counts the
 * root posts there were (the channel's and what each member had read), and
 * makes the threads there were followed by their root's author and repliers,
 * read up to their own last post or their last view of the channel.
 */
import { describe, expect, it } from "vitest";
import { newId } from "#common/ids.ts";
import { workspaceBefore } from "#testing";
import { getChannelMember } from "../../services/channels.ts";
import { getPost } from "../../services/posts.ts";
import { userThreadOf } from "../../services/user-threads.ts";

describe("migration 0015_pins_threads", () => {
  it("opens a workspace of the previous version, keeping its rows and counting its root posts and threads", async () => {
    const old = await workspaceBefore("0015");
    expect(old.applied.at(-1)).toBe("0014_preferences_bots");
    const [alice, bob, teamId, channelId, rootId, replyId, loneId] = [newId(), newId(), newId(), newId(), newId(), newId(), newId()];
    const person = {
      password_hash: "x",
      first_name: "",
      last_name: "",
      nickname: "",
      roles: "system_user",
      is_bot: 0,
      bot_owner_id: "",
      create_at: 1,
      update_at: 1,
      delete_at: 0,
    };
    await old.db
      .insertInto("users")
      .values([
        { ...person, id: alice, username: `alice${alice.slice(0, 6)}`, email: `${alice}@example.com` },
        { ...person, id: bob, username: `bob${bob.slice(0, 6)}`, email: `${bob}@example.com` },
      ])
      .execute();
    await old.db
      .insertInto("teams")
      .values({
        id: teamId,
        name: `t${teamId.slice(0, 8)}`,
        display_name: "Old",
        type: "O",
        description: "",
        create_at: 1,
        update_at: 1,
        delete_at: 0,
      })
      .execute();
    await old.db
      .insertInto("team_members")
      .values([alice, bob].map((user_id) => ({ team_id: teamId, user_id, roles: "team_user", create_at: 1, delete_at: 0 })))
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
        creator_id: alice,
        create_at: 1,
        update_at: 1,
        delete_at: 0,
        last_post_at: 30,
        total_msg_count: 3,
      })
      .execute();
    const post = { channel_id: channelId, type: "", props: "{}", update_at: 1, edit_at: 0, delete_at: 0 };
    await old.db
      .insertInto("posts")
      .values([
        { ...post, id: rootId, user_id: alice, root_id: "", message: "root", create_at: 10 },
        { ...post, id: replyId, user_id: bob, root_id: rootId, message: "reply", create_at: 20 },
        { ...post, id: loneId, user_id: alice, root_id: "", message: "lone", create_at: 30 },
      ])
      .execute();
    // Alice read up to before the reply (one root post); Bob read everything.
    await old.db
      .insertInto("channel_members")
      .values([
        { channel_id: channelId, user_id: alice, roles: "channel_user channel_admin", last_viewed_at: 15, msg_count: 1, create_at: 1 },
        { channel_id: channelId, user_id: bob, roles: "channel_user", last_viewed_at: 30, msg_count: 3, create_at: 1 },
      ])
      .execute();

    const host = await old.upgrade();
    try {
      expect(await getPost(host, rootId)).toMatchObject({ message: "root", reply_count: 1, is_pinned: false });
      expect(await getPost(host, loneId)).toMatchObject({ message: "lone", is_pinned: false });
      const channel = await host.db.selectFrom("channels").selectAll().where("id", "=", channelId).executeTakeFirstOrThrow();
      expect([channel.total_msg_count, channel.total_msg_count_root]).toEqual([3, 2]);
      expect(await getChannelMember(host, channelId, alice)).toMatchObject({
        msg_count: 1,
        msg_count_root: 1,
        last_update_at: 15,
        scheme_admin: true,
      });
      expect(await getChannelMember(host, channelId, bob)).toMatchObject({ msg_count: 3, msg_count_root: 2, last_update_at: 30 });
      const viewer = { id: alice, roles: "system_user" };
      expect(await userThreadOf(host, { viewer, userId: alice, teamId, threadId: rootId, extended: false })).toMatchObject({
        is_following: true,
        reply_count: 1,
        last_viewed_at: 15,
        unread_replies: 1,
      });
      expect(await userThreadOf(host, { viewer, userId: bob, teamId, threadId: rootId, extended: false })).toMatchObject({
        is_following: true,
        last_viewed_at: 30,
        unread_replies: 0,
      });
      const memberships = await host.db.selectFrom("thread_memberships").select("post_id").execute();
      expect(memberships.map((m) => m.post_id)).toEqual([rootId, rootId]);
    } finally {
      await host.close();
    }
  });
});
