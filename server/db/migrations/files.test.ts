/**
 * Migration 0010: a workspace made before files existed (the previous main's
 * migrations, with a post in it) opens with this version, keeps its rows, and
 * takes uploads attached to its old posts.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Kysely } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { newId } from "#common/ids.ts";
import { testDatabaseUrl, testDialect } from "#testing";
import { loadConfig } from "../../config.ts";
import { createHost } from "../../host.ts";
import { fileBytes, filesOfPosts, fileStorer } from "../../services/files.ts";
import { dropPgSchema, migrate, openDatabase } from "../index.ts";
import { hostMigrations } from "./host.ts";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "sitrep-files-migration-"));
const pgSchema = testDialect === "postgres" ? `t_${newId()}` : undefined;
const databaseUrl = testDialect === "postgres" ? testDatabaseUrl : undefined;

afterAll(async () => {
  fs.rmSync(dataDir, { recursive: true, force: true });
  if (pgSchema) await dropPgSchema(testDatabaseUrl, pgSchema);
});

describe("migration 0010_files", () => {
  it("opens a workspace made before files, keeps its posts, and attaches files to them", async () => {
    const old = await openDatabase({ dataDir, pgSchema, databaseUrl });
    const before = Object.fromEntries(Object.entries(hostMigrations(old.dialect)).filter(([name]) => name < "0010"));
    expect(Object.keys(before)).toContain("0009_reactions");
    await migrate({ db: old.views().typed<unknown>() satisfies Kysely<unknown>, namespace: "host", migrations: before });
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
    await old.close();

    const host = await createHost(loadConfig({ NODE_ENV: "test" }, { dataDir, pgSchema, databaseUrl, port: 0, host: "127.0.0.1" }));
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
