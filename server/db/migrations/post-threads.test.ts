/**
 * Migration 0006_post_threads on a workspace made by the previous version
 * (0001–0005): it opens, keeps every post, and the new thread reads
 * (`reply_count`, the thread) work on the posts it already held.
 */
import { describe, expect, it } from "vitest";
import { newId } from "#common/ids.ts";
import { workspaceBefore } from "#testing";
import { getPost, postThread } from "../../services/posts.ts";

describe("migration 0006_post_threads", () => {
  it("opens a workspace of the previous version, keeping its posts, and counts the replies it already had", async () => {
    const old = await workspaceBefore("0006");
    expect(old.applied).toEqual([
      "0001_workspace",
      "0002_realtime_events",
      "0003_jobs",
      "0004_system_config",
      "0005_http_allowlist_to_internal_connections",
    ]);
    const row = { channel_id: newId(), user_id: newId(), message: "", type: "", props: "{}", update_at: 1, edit_at: 0, delete_at: 0 };
    const rootId = newId();
    const replyIds = [newId(), newId()];
    await old.db
      .insertInto("posts")
      .values([
        { ...row, id: rootId, root_id: "", message: "root", create_at: 1 },
        ...replyIds.map((id, i) => ({ ...row, id, root_id: rootId, message: `reply ${i}`, create_at: 2 + i })),
      ])
      .execute();

    const host = await old.upgrade();
    try {
      const root = await getPost(host, rootId);
      expect(root).toMatchObject({ id: rootId, message: "root", reply_count: 2 });
      if (!root) throw new Error("the root post was lost");
      const thread = await postThread(host, { post: root, paging: { perPage: 0, direction: "down" } });
      expect(thread.order).toEqual([rootId, ...replyIds]);
      expect(Object.values(thread.posts).map((p) => p.message)).toEqual(["root", "reply 0", "reply 1"]);
    } finally {
      await host.close();
    }
  });
});
