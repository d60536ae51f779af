/**
 * Migration 0007 (mention counts, presence): a workspace made by the previous
 * version opens with it and keeps its channel memberships, each with no
 * mentions yet; the presence tables are there and empty.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { newId } from "#common/ids.ts";
import { testDatabaseUrl, testDialect } from "#testing";
import { loadConfig } from "../../config.ts";
import { createHost } from "../../host.ts";
import { dropPgSchema, migrate, openDatabase } from "../index.ts";
import { hostMigrations } from "./host.ts";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "sitrep-0007-"));
const pgSchema = testDialect === "postgres" ? `t_${newId()}` : undefined;
const databaseUrl = testDialect === "postgres" ? testDatabaseUrl : undefined;

afterAll(async () => {
  fs.rmSync(dataDir, { recursive: true, force: true });
  if (pgSchema) await dropPgSchema(testDatabaseUrl, pgSchema);
});

it("opens a workspace made before 0007, keeping its channel memberships with no mentions", async () => {
  const old = await openDatabase({ dataDir, pgSchema, databaseUrl });
  const before = Object.fromEntries(Object.entries(hostMigrations(old.dialect)).filter(([name]) => name < "0007"));
  await migrate({ db: old.views().typed<unknown>(), namespace: "host", migrations: before });
  const channelId = newId();
  const userId = newId();
  await old.db
    .insertInto("channel_members")
    .values({ channel_id: channelId, user_id: userId, roles: "channel_user", last_viewed_at: 5, msg_count: 3, create_at: 1 })
    .execute();
  await old.close();

  const host = await createHost(loadConfig({ NODE_ENV: "test" }, { dataDir, pgSchema, databaseUrl, port: 0, host: "127.0.0.1" }));
  try {
    const kept = await host.db.selectFrom("channel_members").selectAll().execute();
    expect(kept).toEqual([
      { channel_id: channelId, user_id: userId, roles: "channel_user", last_viewed_at: 5, msg_count: 3, create_at: 1, mention_count: 0 },
    ]);
    expect(await host.db.selectFrom("user_presence").selectAll().execute()).toEqual([]);
    expect(await host.db.selectFrom("user_activity").selectAll().execute()).toEqual([]);
  } finally {
    await host.close();
  }
});
