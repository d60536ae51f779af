/**
 * @module db/migrations/host
 * Versioned migrations of the host's tables. Append new ones; never edit an applied one.
 */
import { sql, type Kysely, type Migration } from "kysely";
import { columnTypes, type Dialect } from "../column-types.ts";
import { migrateLegacyAllowlist, type ConfigDb } from "../../http/connections-setting.ts";

/** The host's migrations for a dialect, keyed by an ordered name. */
export function hostMigrations(dialect: Dialect): Record<string, Migration> {
  const t = columnTypes(dialect);
  return {
    "0001_workspace": {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable("users")
          .addColumn("id", t.id, (c) => c.primaryKey())
          .addColumn("username", "text", (c) => c.notNull().unique())
          .addColumn("email", "text", (c) => c.notNull().unique())
          .addColumn("password_hash", "text", (c) => c.notNull())
          .addColumn("first_name", "text", (c) => c.notNull().defaultTo(""))
          .addColumn("last_name", "text", (c) => c.notNull().defaultTo(""))
          .addColumn("nickname", "text", (c) => c.notNull().defaultTo(""))
          .addColumn("roles", "text", (c) => c.notNull())
          .addColumn("is_bot", t.int, (c) => c.notNull().defaultTo(0))
          .addColumn("bot_owner_id", "text", (c) => c.notNull().defaultTo(""))
          .addColumn("create_at", t.time, (c) => c.notNull())
          .addColumn("update_at", t.time, (c) => c.notNull())
          .addColumn("delete_at", t.time, (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema
          .createTable("sessions")
          .addColumn("id", t.id, (c) => c.primaryKey())
          .addColumn("token_hash", "text", (c) => c.notNull().unique())
          .addColumn("user_id", t.id, (c) => c.notNull())
          .addColumn("csrf_token", "text", (c) => c.notNull())
          .addColumn("access_token_id", "text", (c) => c.notNull().defaultTo(""))
          .addColumn("create_at", t.time, (c) => c.notNull())
          .addColumn("expires_at", t.time, (c) => c.notNull())
          .addColumn("last_activity_at", t.time, (c) => c.notNull())
          .execute();
        await db.schema.createIndex("sessions_user_id").on("sessions").column("user_id").execute();
        await db.schema
          .createTable("user_access_tokens")
          .addColumn("id", t.id, (c) => c.primaryKey())
          .addColumn("user_id", t.id, (c) => c.notNull())
          .addColumn("token_hash", "text", (c) => c.notNull().unique())
          .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
          .addColumn("is_active", t.int, (c) => c.notNull().defaultTo(1))
          .addColumn("create_at", t.time, (c) => c.notNull())
          .execute();
        await db.schema
          .createTable("teams")
          .addColumn("id", t.id, (c) => c.primaryKey())
          .addColumn("name", "text", (c) => c.notNull().unique())
          .addColumn("display_name", "text", (c) => c.notNull())
          .addColumn("type", "text", (c) => c.notNull())
          .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
          .addColumn("create_at", t.time, (c) => c.notNull())
          .addColumn("update_at", t.time, (c) => c.notNull())
          .addColumn("delete_at", t.time, (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema
          .createTable("team_members")
          .addColumn("team_id", t.id, (c) => c.notNull())
          .addColumn("user_id", t.id, (c) => c.notNull())
          .addColumn("roles", "text", (c) => c.notNull())
          .addColumn("create_at", t.time, (c) => c.notNull())
          .addColumn("delete_at", t.time, (c) => c.notNull().defaultTo(0))
          .addPrimaryKeyConstraint("team_members_pk", ["team_id", "user_id"])
          .execute();
        await db.schema.createIndex("team_members_user_id").on("team_members").column("user_id").execute();
        await db.schema
          .createTable("channels")
          .addColumn("id", t.id, (c) => c.primaryKey())
          .addColumn("team_id", t.id, (c) => c.notNull())
          .addColumn("name", "text", (c) => c.notNull())
          .addColumn("display_name", "text", (c) => c.notNull())
          .addColumn("type", "text", (c) => c.notNull())
          .addColumn("header", "text", (c) => c.notNull().defaultTo(""))
          .addColumn("purpose", "text", (c) => c.notNull().defaultTo(""))
          .addColumn("creator_id", "text", (c) => c.notNull().defaultTo(""))
          .addColumn("create_at", t.time, (c) => c.notNull())
          .addColumn("update_at", t.time, (c) => c.notNull())
          .addColumn("delete_at", t.time, (c) => c.notNull().defaultTo(0))
          .addColumn("last_post_at", t.time, (c) => c.notNull().defaultTo(0))
          .addColumn("total_msg_count", t.int, (c) => c.notNull().defaultTo(0))
          .addUniqueConstraint("channels_team_name", ["team_id", "name"])
          .execute();
        await db.schema
          .createTable("channel_members")
          .addColumn("channel_id", t.id, (c) => c.notNull())
          .addColumn("user_id", t.id, (c) => c.notNull())
          .addColumn("roles", "text", (c) => c.notNull())
          .addColumn("last_viewed_at", t.time, (c) => c.notNull().defaultTo(0))
          .addColumn("msg_count", t.int, (c) => c.notNull().defaultTo(0))
          .addColumn("create_at", t.time, (c) => c.notNull())
          .addPrimaryKeyConstraint("channel_members_pk", ["channel_id", "user_id"])
          .execute();
        await db.schema.createIndex("channel_members_user_id").on("channel_members").column("user_id").execute();
        await db.schema
          .createTable("posts")
          .addColumn("id", t.id, (c) => c.primaryKey())
          .addColumn("channel_id", t.id, (c) => c.notNull())
          .addColumn("user_id", t.id, (c) => c.notNull())
          .addColumn("root_id", "text", (c) => c.notNull().defaultTo(""))
          .addColumn("message", "text", (c) => c.notNull())
          .addColumn("type", "text", (c) => c.notNull().defaultTo(""))
          .addColumn("props", "text", (c) => c.notNull().defaultTo("{}"))
          .addColumn("create_at", t.time, (c) => c.notNull())
          .addColumn("update_at", t.time, (c) => c.notNull())
          .addColumn("edit_at", t.time, (c) => c.notNull().defaultTo(0))
          .addColumn("delete_at", t.time, (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema.createIndex("posts_channel_create_at").on("posts").columns(["channel_id", "create_at"]).execute();
        await db.schema
          .createTable("incoming_webhooks")
          .addColumn("id", t.id, (c) => c.primaryKey())
          .addColumn("channel_id", t.id, (c) => c.notNull())
          .addColumn("team_id", t.id, (c) => c.notNull())
          .addColumn("user_id", t.id, (c) => c.notNull())
          .addColumn("display_name", "text", (c) => c.notNull().defaultTo(""))
          .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
          .addColumn("username", "text", (c) => c.notNull().defaultTo(""))
          .addColumn("icon_url", "text", (c) => c.notNull().defaultTo(""))
          .addColumn("channel_locked", t.int, (c) => c.notNull().defaultTo(0))
          .addColumn("create_at", t.time, (c) => c.notNull())
          .addColumn("delete_at", t.time, (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema
          .createTable("plugins")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("manifest", "text", (c) => c.notNull())
          .addColumn("bundle", t.blob, (c) => c.notNull())
          .addColumn("checksum", "text", (c) => c.notNull())
          .addColumn("enabled", t.int, (c) => c.notNull().defaultTo(0))
          .addColumn("settings", "text", (c) => c.notNull().defaultTo("{}"))
          .addColumn("installed_at", t.time, (c) => c.notNull())
          .addColumn("updated_at", t.time, (c) => c.notNull())
          .execute();
        await db.schema
          .createTable("plugin_kv")
          .addColumn("plugin_id", "text", (c) => c.notNull())
          .addColumn("key", "text", (c) => c.notNull())
          .addColumn("value", "text", (c) => c.notNull())
          .addColumn("expire_at", t.time, (c) => c.notNull().defaultTo(0))
          .addPrimaryKeyConstraint("plugin_kv_pk", ["plugin_id", "key"])
          .execute();
        // Bus messages too large for a PostgreSQL NOTIFY payload travel through this table.
        await db.schema
          .createTable("bus_messages")
          .addColumn("id", t.id, (c) => c.primaryKey())
          .addColumn("payload", "text", (c) => c.notNull())
          .addColumn("create_at", t.time, (c) => c.notNull())
          .execute();
      },
    },
    "0002_realtime_events": {
      // The sequenced realtime event log (realtime/event-log.ts); written on PostgreSQL only, trimmed by age.
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable("realtime_events")
          .addColumn("seq", dialect === "postgres" ? "bigserial" : "integer", (c) => c.primaryKey())
          .addColumn("payload", "text", (c) => c.notNull())
          .addColumn("create_at", t.time, (c) => c.notNull())
          .execute();
        await db.schema.createIndex("realtime_events_create_at").on("realtime_events").column("create_at").execute();
      },
    },
    // Run-once jobs across processes (server/jobs).
    "0003_jobs": {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable("jobs")
          .addColumn("kind", "text", (c) => c.notNull())
          .addColumn("key", "text", (c) => c.notNull())
          .addColumn("run_at", t.time, (c) => c.notNull())
          .addColumn("payload", "text", (c) => c.notNull().defaultTo("null"))
          .addColumn("attempts", t.int, (c) => c.notNull().defaultTo(0))
          .addColumn("claimed_by", "text", (c) => c.notNull().defaultTo(""))
          .addColumn("claim_expires_at", t.time, (c) => c.notNull().defaultTo(0))
          .addPrimaryKeyConstraint("jobs_pk", ["kind", "key"])
          .execute();
        await db.schema.createIndex("jobs_run_at").on("jobs").column("run_at").execute();
      },
    },
    // Stored system configuration (`GET/PUT /api/v4/config`), by dotted name.
    "0004_system_config": {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable("system_config")
          .addColumn("name", "text", (c) => c.primaryKey())
          .addColumn("value", "text", (c) => c.notNull())
          .execute();
      },
    },
    // The Workflow plugin's `http_allowlist` entries become AllowedUntrustedInternalConnections, once.
    "0005_http_allowlist_to_internal_connections": {
      async up(db: Kysely<unknown>) {
        await migrateLegacyAllowlist(db.withTables<ConfigDb>());
      },
    },
    // Threads: a thread's replies by root (`reply_count`, `GET /posts/{id}/thread`, deleting a root with its
    // replies); and a bot's posts by type (a plugin finding its own cards, e.g. the forwarded copies of a post).
    // Both partial, so an ordinary post (no root, no type) costs neither index anything.
    "0006_post_threads": {
      async up(db: Kysely<unknown>) {
        await db.schema.createIndex("posts_root_id").on("posts").columns(["root_id", "create_at"]).where("root_id", "<>", "").execute();
        await db.schema.createIndex("posts_user_type").on("posts").columns(["user_id", "type"]).where("type", "<>", "").execute();
      },
    },
    // Chat (issue 10): mention counts per membership, and who is online (services/presence.ts).
    "0007_mentions_presence": {
      async up(db: Kysely<unknown>) {
        await db.schema
          .alterTable("channel_members")
          .addColumn("mention_count", t.int, (c) => c.notNull().defaultTo(0))
          .execute();
        // One row per process with open WebSockets of the user, refreshed while the process lives.
        await db.schema
          .createTable("user_presence")
          .addColumn("process_id", "text", (c) => c.notNull())
          .addColumn("user_id", t.id, (c) => c.notNull())
          .addColumn("seen_at", t.time, (c) => c.notNull())
          .addPrimaryKeyConstraint("user_presence_pk", ["process_id", "user_id"])
          .execute();
        await db.schema.createIndex("user_presence_user_id").on("user_presence").column("user_id").execute();
        // When each user was last active (connected or disconnected), for `last_activity_at`.
        await db.schema
          .createTable("user_activity")
          .addColumn("user_id", t.id, (c) => c.primaryKey())
          .addColumn("last_activity_at", t.time, (c) => c.notNull())
          .execute();
      },
    },
    // Full-text search of posts (services/post-search.ts), existing posts included.
    "0008_post_search": {
      async up(db: Kysely<unknown>) {
        if (dialect === "postgres") {
          // The `simple` configuration (lowercase, no stemming, no stop words) of the message with punctuation made spaces:
          // the words SQLite's tokenizer cuts (PostgreSQL's parser would keep `db-01.prod.example.com` as one host name).
          // services/post-search.ts repeats this expression exactly, so the index serves its queries.
          await sql`CREATE INDEX posts_message_search ON posts USING gin (to_tsvector('simple', regexp_replace(message, '[[:punct:][:space:]]+', ' ', 'g')))`.execute(
            db,
          );
          return;
        }
        // An external-content FTS5 index over posts.message, keyed by the posts' rowid and kept in step by triggers,
        // so every writer of posts (the post path, edits, deletes, imports) updates it. Diacritics are kept, as in
        // PostgreSQL's `simple` configuration. A VACUUM may renumber rowids: `INSERT INTO posts_fts(posts_fts) VALUES('rebuild')`.
        await sql`CREATE VIRTUAL TABLE posts_fts USING fts5(message, content='posts', content_rowid='rowid', tokenize='unicode61 remove_diacritics 0')`.execute(
          db,
        );
        await sql`CREATE TRIGGER posts_fts_insert AFTER INSERT ON posts BEGIN
          INSERT INTO posts_fts(rowid, message) VALUES (new.rowid, new.message);
        END`.execute(db);
        await sql`CREATE TRIGGER posts_fts_delete AFTER DELETE ON posts BEGIN
          INSERT INTO posts_fts(posts_fts, rowid, message) VALUES ('delete', old.rowid, old.message);
        END`.execute(db);
        await sql`CREATE TRIGGER posts_fts_update AFTER UPDATE OF message ON posts BEGIN
          INSERT INTO posts_fts(posts_fts, rowid, message) VALUES ('delete', old.rowid, old.message);
          INSERT INTO posts_fts(rowid, message) VALUES (new.rowid, new.message);
        END`.execute(db);
        // Index the posts written before this migration.
        await sql`INSERT INTO posts_fts(posts_fts) VALUES ('rebuild')`.execute(db);
      },
    },
    // Emoji reactions to posts (services/reactions.ts): one row per post, user and emoji; the key serves "a post's reactions".
    "0009_reactions": {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable("reactions")
          .addColumn("post_id", t.id, (c) => c.notNull())
          .addColumn("user_id", t.id, (c) => c.notNull())
          .addColumn("emoji_name", "text", (c) => c.notNull())
          .addColumn("channel_id", t.id, (c) => c.notNull())
          .addColumn("create_at", t.time, (c) => c.notNull())
          .addPrimaryKeyConstraint("reactions_pk", ["post_id", "user_id", "emoji_name"])
          .execute();
      },
    },
    // Uploaded files (services/files.ts): their metadata here; their bytes under `<dataDir>/files` on SQLite and in
    // `file_contents` on PostgreSQL, so every process serves them. `post_id` is empty until a post attaches the file.
    "0010_files": {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable("file_infos")
          .addColumn("id", t.id, (c) => c.primaryKey())
          .addColumn("user_id", t.id, (c) => c.notNull())
          .addColumn("channel_id", t.id, (c) => c.notNull())
          .addColumn("post_id", "text", (c) => c.notNull().defaultTo(""))
          .addColumn("name", "text", (c) => c.notNull())
          .addColumn("extension", "text", (c) => c.notNull())
          .addColumn("size", t.time, (c) => c.notNull())
          .addColumn("mime_type", "text", (c) => c.notNull())
          .addColumn("width", t.int, (c) => c.notNull().defaultTo(0))
          .addColumn("height", t.int, (c) => c.notNull().defaultTo(0))
          .addColumn("create_at", t.time, (c) => c.notNull())
          .addColumn("update_at", t.time, (c) => c.notNull())
          .addColumn("delete_at", t.time, (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema.createIndex("file_infos_post_id").on("file_infos").column("post_id").where("post_id", "<>", "").execute();
        if (dialect === "postgres")
          await db.schema
            .createTable("file_contents")
            .addColumn("file_id", t.id, (c) => c.primaryKey())
            .addColumn("content", t.blob, (c) => c.notNull())
            .execute();
      },
    },
    // Accounts under attack (issue 16): sign-in throttling shared by every process, the audit log, an optional expiry
    // of personal access tokens, and idle sessions found by their last activity.
    "0013_accounts": {
      async up(db: Kysely<unknown>) {
        // One row per throttled key (`address:<ip>`, `account:<login id>`): its GCRA theoretical arrival time (auth/login-throttle.ts).
        await db.schema
          .createTable("login_throttle")
          .addColumn("key", "text", (c) => c.primaryKey())
          .addColumn("tat", t.time, (c) => c.notNull())
          .execute();
        // Mattermost's Audits table (`GET /api/v4/audits`), newest first: `seq` is the order written, since ids are
        // random and several entries may share a millisecond.
        await db.schema
          .createTable("audits")
          .addColumn("seq", dialect === "postgres" ? "bigserial" : "integer", (c) =>
            dialect === "postgres" ? c.primaryKey() : c.primaryKey().autoIncrement(),
          )
          .addColumn("id", t.id, (c) => c.notNull().unique())
          .addColumn("create_at", t.time, (c) => c.notNull())
          .addColumn("user_id", "text", (c) => c.notNull().defaultTo(""))
          .addColumn("action", "text", (c) => c.notNull())
          .addColumn("extra_info", "text", (c) => c.notNull().defaultTo(""))
          .addColumn("ip_address", "text", (c) => c.notNull().defaultTo(""))
          .addColumn("session_id", "text", (c) => c.notNull().defaultTo(""))
          .execute();
        // 0: the token never expires (every token made before this migration).
        await db.schema
          .alterTable("user_access_tokens")
          .addColumn("expires_at", t.time, (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema.createIndex("user_access_tokens_user_id").on("user_access_tokens").column("user_id").execute();
        // The idle-session sweep reads sessions by their last activity.
        await db.schema.createIndex("sessions_last_activity_at").on("sessions").column("last_activity_at").execute();
      },
    },
    // Mattermost clients unchanged (issue 11): pinned posts, root-post counters (Mattermost's `*_root` fields, what
    // collapsed threads show), a membership's notification settings and last change, and who follows which thread
    // (collapsed reply threads). Existing rows are counted as they stand.
    "0015_pins_threads": {
      async up(db: Kysely<unknown>) {
        await db.schema
          .alterTable("posts")
          .addColumn("is_pinned", t.int, (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema
          .createIndex("posts_pinned")
          .on("posts")
          .columns(["channel_id", "create_at"])
          .where(sql.ref("is_pinned"), "=", 1)
          .execute();
        await db.schema
          .alterTable("channels")
          .addColumn("total_msg_count_root", t.int, (c) => c.notNull().defaultTo(0))
          .execute();
        for (const [column, type, value] of [
          ["msg_count_root", t.int, 0],
          ["mention_count_root", t.int, 0],
          ["last_update_at", t.time, 0],
          ["notify_props", "text", "{}"],
        ] as const)
          await db.schema
            .alterTable("channel_members")
            .addColumn(column, type, (c) => c.notNull().defaultTo(value))
            .execute();
        await sql`UPDATE channels SET total_msg_count_root = (SELECT count(*) FROM posts WHERE posts.channel_id = channels.id AND posts.root_id = '')`.execute(
          db,
        );
        // What a member had read of the root posts: those created by the time they last viewed the channel.
        await sql`UPDATE channel_members SET last_update_at = CASE WHEN last_viewed_at > create_at THEN last_viewed_at ELSE create_at END,
          msg_count_root = (SELECT count(*) FROM posts WHERE posts.channel_id = channel_members.channel_id AND posts.root_id = ''
            AND posts.create_at <= channel_members.last_viewed_at)`.execute(db);
        await db.schema
          .createTable("thread_memberships")
          .addColumn("post_id", t.id, (c) => c.notNull())
          .addColumn("user_id", t.id, (c) => c.notNull())
          .addColumn("following", t.int, (c) => c.notNull().defaultTo(1))
          .addColumn("last_viewed", t.time, (c) => c.notNull().defaultTo(0))
          .addColumn("last_updated", t.time, (c) => c.notNull())
          .addColumn("unread_mentions", t.int, (c) => c.notNull().defaultTo(0))
          .addPrimaryKeyConstraint("thread_memberships_pk", ["post_id", "user_id"])
          .execute();
        await db.schema.createIndex("thread_memberships_user_id").on("thread_memberships").columns(["user_id", "last_updated"]).execute();
        // The threads there already were: their root's author and each replier follow them, having read up to their own
        // last post in it or to when they last viewed its channel, whichever is later.
        await sql`INSERT INTO thread_memberships (post_id, user_id, following, last_viewed, last_updated, unread_mentions)
          SELECT p.thread_id, p.user_id, 1,
            CASE WHEN COALESCE(cm.last_viewed_at, 0) > p.last_at THEN cm.last_viewed_at ELSE p.last_at END, p.last_at, 0
          FROM (
            SELECT thread_id, user_id, max(create_at) AS last_at FROM (
              SELECT root_id AS thread_id, user_id, create_at FROM posts WHERE root_id <> '' AND delete_at = 0
              UNION ALL
              SELECT roots.id, roots.user_id, roots.create_at FROM posts roots
                WHERE roots.root_id = '' AND roots.delete_at = 0
                AND EXISTS (SELECT 1 FROM posts r WHERE r.root_id = roots.id AND r.delete_at = 0)
            ) AS participants GROUP BY thread_id, user_id
          ) AS p
          INNER JOIN posts roots ON roots.id = p.thread_id
          LEFT JOIN channel_members cm ON cm.channel_id = roots.channel_id AND cm.user_id = p.user_id`.execute(db);
      },
    },
    // Single sign-on (issue 15): who each provider account is here, and the sign-ins under way.
    "0018_sign_in_providers": {
      async up(db: Kysely<unknown>) {
        // One row per provider account linked to a user (`provider` is "openid"; `subject` the ID token's `sub`).
        await db.schema
          .createTable("user_identities")
          .addColumn("provider", "text", (c) => c.notNull())
          .addColumn("subject", "text", (c) => c.notNull())
          .addColumn("user_id", t.id, (c) => c.notNull())
          .addColumn("create_at", t.time, (c) => c.notNull())
          .addColumn("last_login_at", t.time, (c) => c.notNull())
          .addPrimaryKeyConstraint("user_identities_pk", ["provider", "subject"])
          .execute();
        await db.schema.createIndex("user_identities_user_id").on("user_identities").column("user_id").execute();
        // A sign-in sent to the provider and not back yet: used once, by whichever process the browser returns to.
        await db.schema
          .createTable("oidc_logins")
          .addColumn("state", "text", (c) => c.primaryKey())
          .addColumn("nonce", "text", (c) => c.notNull())
          .addColumn("code_verifier", "text", (c) => c.notNull())
          .addColumn("redirect_to", "text", (c) => c.notNull())
          .addColumn("create_at", t.time, (c) => c.notNull())
          .execute();
      },
    },
    // Mattermost's integrations (issue 11): an incoming webhook's `update_at` (rows made before carry their `create_at`),
    // outgoing webhooks (trigger words or a channel, POSTed to callback URLs) and custom slash commands (a team's
    // trigger calling an external URL). Lists (`trigger_words`, `callback_urls`) are JSON text.
    "0016_outgoing_hooks_commands": {
      async up(db: Kysely<unknown>) {
        await db.schema
          .alterTable("incoming_webhooks")
          .addColumn("update_at", t.time, (c) => c.notNull().defaultTo(0))
          .execute();
        await sql`UPDATE incoming_webhooks SET update_at = create_at`.execute(db);
        await db.schema
          .createTable("outgoing_webhooks")
          .addColumn("id", t.id, (c) => c.primaryKey())
          .addColumn("token", "text", (c) => c.notNull())
          .addColumn("creator_id", t.id, (c) => c.notNull())
          .addColumn("team_id", t.id, (c) => c.notNull())
          .addColumn("channel_id", "text", (c) => c.notNull().defaultTo(""))
          .addColumn("trigger_words", "text", (c) => c.notNull().defaultTo("[]"))
          .addColumn("trigger_when", t.int, (c) => c.notNull().defaultTo(0))
          .addColumn("callback_urls", "text", (c) => c.notNull().defaultTo("[]"))
          .addColumn("display_name", "text", (c) => c.notNull().defaultTo(""))
          .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
          .addColumn("content_type", "text", (c) => c.notNull().defaultTo("application/x-www-form-urlencoded"))
          .addColumn("username", "text", (c) => c.notNull().defaultTo(""))
          .addColumn("icon_url", "text", (c) => c.notNull().defaultTo(""))
          .addColumn("create_at", t.time, (c) => c.notNull())
          .addColumn("update_at", t.time, (c) => c.notNull())
          .addColumn("delete_at", t.time, (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema.createIndex("outgoing_webhooks_team_id").on("outgoing_webhooks").column("team_id").execute();
        await db.schema
          .createTable("commands")
          .addColumn("id", t.id, (c) => c.primaryKey())
          .addColumn("token", "text", (c) => c.notNull())
          .addColumn("creator_id", t.id, (c) => c.notNull())
          .addColumn("team_id", t.id, (c) => c.notNull())
          .addColumn("trigger", "text", (c) => c.notNull())
          .addColumn("method", "text", (c) => c.notNull().defaultTo("P"))
          .addColumn("url", "text", (c) => c.notNull())
          .addColumn("username", "text", (c) => c.notNull().defaultTo(""))
          .addColumn("icon_url", "text", (c) => c.notNull().defaultTo(""))
          .addColumn("auto_complete", t.int, (c) => c.notNull().defaultTo(0))
          .addColumn("auto_complete_desc", "text", (c) => c.notNull().defaultTo(""))
          .addColumn("auto_complete_hint", "text", (c) => c.notNull().defaultTo(""))
          .addColumn("display_name", "text", (c) => c.notNull().defaultTo(""))
          .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
          .addColumn("create_at", t.time, (c) => c.notNull())
          .addColumn("update_at", t.time, (c) => c.notNull())
          .addColumn("delete_at", t.time, (c) => c.notNull().defaultTo(0))
          .execute();
        // One live command per trigger and team; deleted ones keep their row (delete_at > 0) and free the trigger.
        await sql`CREATE UNIQUE INDEX commands_team_trigger ON commands (team_id, ${sql.ref("trigger")}) WHERE delete_at = 0`.execute(db);
      },
    },
    // Mattermost clients at start-up (issue 11): saved preferences (favourites, display settings, flagged posts),
    // the user fields of Mattermost's User that a person may set, and a bot's description.
    "0014_preferences_bots": {
      async up(db: Kysely<unknown>) {
        // Mattermost's Preferences table: one value per user, category and name (services/preferences.ts).
        await db.schema
          .createTable("preferences")
          .addColumn("user_id", t.id, (c) => c.notNull())
          .addColumn("category", "text", (c) => c.notNull())
          .addColumn("name", "text", (c) => c.notNull())
          .addColumn("value", "text", (c) => c.notNull())
          .addPrimaryKeyConstraint("preferences_pk", ["user_id", "category", "name"])
          .execute();
        // Flagged (saved) posts are read by category and name (the post id) across users when a post goes.
        await db.schema.createIndex("preferences_category_name").on("preferences").columns(["category", "name"]).execute();
        // "" for each until the person sets it: presented as Mattermost's defaults (services/users.ts).
        for (const column of ["position", "locale", "timezone", "notify_props", "props", "bot_description"])
          await db.schema
            .alterTable("users")
            .addColumn(column, "text", (c) => c.notNull().defaultTo(""))
            .execute();
        // A plugin's bot kept its description as its nickname.
        await sql`UPDATE users SET bot_description = nickname WHERE is_bot = 1`.execute(db);
      },
    },
    // Statuses set by hand (issue 11: `/away`, `/dnd`, `/offline`): one row per user who set one; none means automatic.
    "0019_manual_statuses": {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable("user_statuses")
          .addColumn("user_id", t.id, (c) => c.primaryKey())
          .addColumn("status", "text", (c) => c.notNull())
          .addColumn("update_at", t.time, (c) => c.notNull())
          .execute();
      },
    },
  };
}
