/**
 * Migration 0007 (mention counts, presence): a workspace made by the previous
 * version opens with it and keeps its channel memberships, each with no
 * mentions yet; the presence tables are there and empty.
 */
import { expect, it } from "vitest";
import { newId } from "#common/ids.ts";
import { workspaceBefore } from "#testing";

it("opens a workspace made before 0007, keeping its channel memberships with no mentions", async () => {
  const old = await workspaceBefore("0007");
  const channelId = newId();
  const userId = newId();
  await old.db
    .insertInto("channel_members")
    .values({ channel_id: channelId, user_id: userId, roles: "channel_user", last_viewed_at: 5, msg_count: 3, create_at: 1 })
    .execute();

  const host = await old.upgrade();
  try {
    const kept = await host.db.selectFrom("channel_members").selectAll().execute();
    expect(kept).toEqual([
      {
        channel_id: channelId,
        user_id: userId,
        roles: "channel_user",
        last_viewed_at: 5,
        msg_count: 3,
        create_at: 1,
        mention_count: 0,
        // Added by 0015_pins_threads, counted from the posts there were (none).
        msg_count_root: 0,
        mention_count_root: 0,
        last_update_at: 5,
        notify_props: "{}",
      },
    ]);
    expect(await host.db.selectFrom("user_presence").selectAll().execute()).toEqual([]);
    expect(await host.db.selectFrom("user_activity").selectAll().execute()).toEqual([]);
  } finally {
    await host.close();
  }
});
