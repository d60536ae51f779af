/**
 * Migration 0010: a workspace made before files existed (the previous main's
 * migrations, with a post in it) opens with this version, keeps its rows, and
 * takes uploads attached to its old posts.
 */
import { describe, expect, it } from "vitest";
import { newId } from "#common/ids.ts";
import { workspaceBefore } from "#testing";
import { fileBytes, filesOfPosts, fileStorer } from "../../services/files.ts";

describe("migration 0010_files", () => {
  it("opens a workspace made before files, keeps its posts, and attaches files to them", async () => {
    const old = await workspaceBefore("0010");
    expect(old.applied).toContain("0009_reactions");
    const now = Date.now();
    const [userId, channelId, postId] = [newId(), newId(), newId()];
    await old.db
      .insertInto("posts")
      .values({
        id: postId,
        channel_id: channelId,
        user_id: userId,
        root_id: "",
        message: "before files",
        type: "",
        props: "{}",
        create_at: now,
        update_at: now,
        edit_at: 0,
        delete_at: 0,
      })
      .execute();

    const host = await old.upgrade();
    try {
      expect(await host.db.selectFrom("posts").select(["id", "message"]).execute()).toEqual([{ id: postId, message: "before files" }]);
      const info = await fileStorer(host, { userId, channelId, name: "log.txt", bytes: Buffer.from("kept") });
      await host.db.updateTable("file_infos").set({ post_id: postId }).where("id", "=", info.id).execute();
      expect((await filesOfPosts(host, [postId])).get(postId)?.map((f) => [f.name, f.mime_type, f.size])).toEqual([
        ["log.txt", "text/plain", 4],
      ]);
      expect((await fileBytes(host, info.id)).toString()).toBe("kept");
    } finally {
      await host.close();
    }
  });
});
