/**
 * @module db/schema
 * Row types of the host's tables. Times are integer milliseconds; flags are 0/1
 * integers so both dialects read the same values.
 */
import type { Generated, Selectable } from "kysely";

export interface UsersTable {
  id: string;
  username: string;
  email: string;
  password_hash: string;
  first_name: string;
  last_name: string;
  nickname: string;
  roles: string;
  is_bot: number;
  bot_owner_id: string;
  create_at: number;
  update_at: number;
  delete_at: number;
  /** Mattermost's `position` (a job title); "" until set (0014). */
  position: Generated<string>;
  /** A locale the person chose; "" for the workspace's default (0014). */
  locale: Generated<string>;
  /** Mattermost's timezone object as JSON; "" for the automatic default (0014). */
  timezone: Generated<string>;
  /** Mattermost's notify_props as JSON; "" for the defaults (0014). */
  notify_props: Generated<string>;
  /** Mattermost's free-form user props as JSON; "" for none (0014). */
  props: Generated<string>;
  /** A bot's description, `POST /api/v4/bots` (0014). */
  bot_description: Generated<string>;
}

/** A provider account linked to a user (migration 0018). */
export interface UserIdentitiesTable {
  provider: string;
  subject: string;
  user_id: string;
  create_at: number;
  last_login_at: number;
}

/** An OpenID Connect sign-in under way: what the answer from the provider must match. */
export interface OidcLoginsTable {
  state: string;
  nonce: string;
  code_verifier: string;
  redirect_to: string;
  create_at: number;
}

export interface SessionsTable {
  id: string;
  /** sha256 of the bearer token; the token itself is never stored. */
  token_hash: string;
  user_id: string;
  csrf_token: string;
  /** Set for sessions backed by a personal access token. */
  access_token_id: string;
  create_at: number;
  expires_at: number;
  last_activity_at: number;
}

export interface UserAccessTokensTable {
  id: string;
  user_id: string;
  token_hash: string;
  description: string;
  is_active: number;
  create_at: number;
  /** When the token stops working; 0 never (0013). */
  expires_at: Generated<number>;
}

/** A throttled sign-in key and its GCRA theoretical arrival time (auth/login-throttle.ts). */
export interface LoginThrottleTable {
  /** `address:<ip or /64>` or `account:<login id>`. */
  key: string;
  /** The time at which the key's budget is whole again; attempts are allowed while it is at most a window ahead. */
  tat: number;
}

/** A security-relevant action (Mattermost's Audit): sign-ins, role changes, tokens, plugins, workflows, deactivations. */
export interface AuditsTable {
  /** The order entries were written in (ids are random; times may tie). */
  seq: Generated<number>;
  id: string;
  create_at: number;
  /** Who did it, or "" when nobody signed in (a failed sign-in of an unknown login id). */
  user_id: string;
  /** The request path, as Mattermost records it (e.g. `/api/v4/users/login`), or what a plugin names. */
  action: string;
  /** What happened, e.g. `success`, `failure - login_id=alice`. */
  extra_info: string;
  ip_address: string;
  session_id: string;
}

export interface TeamsTable {
  id: string;
  name: string;
  display_name: string;
  type: "O" | "I";
  description: string;
  create_at: number;
  update_at: number;
  delete_at: number;
}

export interface TeamMembersTable {
  team_id: string;
  user_id: string;
  roles: string;
  create_at: number;
  delete_at: number;
}

export interface ChannelsTable {
  id: string;
  team_id: string;
  name: string;
  display_name: string;
  /** `O` public, `P` private, `D` direct (two people, no team), `G` group message (3–8 people, no team). */
  type: "O" | "P" | "D" | "G";
  header: string;
  purpose: string;
  creator_id: string;
  create_at: number;
  update_at: number;
  delete_at: number;
  last_post_at: number;
  total_msg_count: number;
  /**
   * Root posts only (Mattermost's `TotalMsgCountRoot`). Always there when read (0 by default); optional so that
   * this type stays the row type read and written alike, and rows of earlier versions need not name it.
   */
  total_msg_count_root?: number;
}

export interface ChannelMembersTable {
  channel_id: string;
  user_id: string;
  roles: string;
  last_viewed_at: number;
  msg_count: number;
  /** Mentions since the member last viewed the channel (0007). */
  mention_count: Generated<number>;
  create_at: number;
  /** Root posts read, and unread mentions in root posts (Mattermost's `*_root` counts). */
  msg_count_root: Generated<number>;
  mention_count_root: Generated<number>;
  /** When the membership last changed (read, mentioned, its settings). */
  last_update_at: Generated<number>;
  /** JSON text: the member's notification settings for the channel, as set (Mattermost's defaults fill the rest). */
  notify_props: Generated<string>;
}

/** A process that holds open WebSockets of a user (services/presence.ts); `seen_at` is refreshed while it lives. */
export interface UserPresenceTable {
  process_id: string;
  user_id: string;
  seen_at: number;
}

/** When a user last connected or disconnected, for a status's `last_activity_at`. */
export interface UserActivityTable {
  user_id: string;
  last_activity_at: number;
}

/** A status a user set by hand (`/away`, `/dnd`, `/offline`, `PUT /users/{id}/status`): it holds, connected or not, until they go back online. */
export interface UserStatusesTable {
  user_id: string;
  status: "away" | "dnd" | "offline";
  update_at: number;
}

export interface PostsTable {
  id: string;
  channel_id: string;
  user_id: string;
  root_id: string;
  message: string;
  type: string;
  /** JSON text. */
  props: string;
  create_at: number;
  update_at: number;
  edit_at: number;
  delete_at: number;
  /** 1 when pinned to the channel. */
  is_pinned: Generated<number>;
}

/** A user's place in a thread (collapsed reply threads): following it, read up to `last_viewed`. */
export interface ThreadMembershipsTable {
  /** The thread's root post. */
  post_id: string;
  user_id: string;
  following: number;
  last_viewed: number;
  /** The last reply (or change of the membership), for listing threads newest first. */
  last_updated: number;
  /** Replies after `last_viewed` that mention the user. */
  unread_mentions: number;
}

/** An emoji reaction: one per post, user and emoji name. */
export interface ReactionsTable {
  post_id: string;
  user_id: string;
  /** Mattermost's emoji name, e.g. `+1`, `white_check_mark`. */
  emoji_name: string;
  /** The post's channel, so an event about the reaction is addressed without reading the post. */
  channel_id: string;
  create_at: number;
}

/** An uploaded file's metadata (Mattermost's FileInfo); `post_id` is empty until a post attaches it. */
export interface FileInfosTable {
  id: string;
  user_id: string;
  channel_id: string;
  post_id: string;
  name: string;
  /** The name's extension, lowercase, without the dot. */
  extension: string;
  size: number;
  /** Sniffed from the bytes, never the client's word. */
  mime_type: string;
  /** Pixels of an image; 0 otherwise. */
  width: number;
  height: number;
  create_at: number;
  update_at: number;
  delete_at: number;
}

/** An uploaded file's bytes, on PostgreSQL only (SQLite keeps them under `<dataDir>/files`). */
export interface FileContentsTable {
  file_id: string;
  content: Uint8Array;
}

export interface IncomingWebhooksTable {
  id: string;
  channel_id: string;
  team_id: string;
  user_id: string;
  display_name: string;
  description: string;
  username: string;
  icon_url: string;
  channel_locked: number;
  create_at: number;
  /** Added by migration 0016; rows made before it carry their `create_at`. */
  update_at: number;
  delete_at: number;
}

/** Mattermost's outgoing webhooks (migration 0016): `trigger_words` and `callback_urls` are JSON arrays of strings. */
export interface OutgoingWebhooksTable {
  id: string;
  token: string;
  creator_id: string;
  team_id: string;
  /** "" when the hook fires on trigger words in any public channel of the team. */
  channel_id: string;
  trigger_words: string;
  /** 0: the first word is a trigger word; 1: the first word starts with one. */
  trigger_when: number;
  callback_urls: string;
  display_name: string;
  description: string;
  content_type: string;
  username: string;
  icon_url: string;
  create_at: number;
  update_at: number;
  delete_at: number;
}

/** Mattermost's custom slash commands (migration 0016). */
export interface CommandsTable {
  id: string;
  token: string;
  creator_id: string;
  team_id: string;
  trigger: string;
  /** "P" (POST) or "G" (GET). */
  method: string;
  url: string;
  username: string;
  icon_url: string;
  auto_complete: number;
  auto_complete_desc: string;
  auto_complete_hint: string;
  display_name: string;
  description: string;
  create_at: number;
  update_at: number;
  delete_at: number;
}

export interface PluginsTable {
  id: string;
  /** plugin.json as JSON text. */
  manifest: string;
  /** The uploaded `.tar.gz`, so every process can load it. */
  bundle: Buffer;
  /** sha256 of the bundle; part of the import URL of its code. */
  checksum: string;
  enabled: number;
  /** Admin settings as JSON text. */
  settings: string;
  installed_at: number;
  updated_at: number;
}

export interface PluginKvTable {
  plugin_id: string;
  key: string;
  /** JSON text. */
  value: string;
  expire_at: number;
}

/** A run-once job (server/jobs): one row per (kind, key), claimed by one process when due. */
export interface JobsTable {
  /** Namespaced kind, e.g. `incident.reminder` for a plugin's, `host.*` for the host's. */
  kind: string;
  key: string;
  run_at: number;
  /** JSON text. */
  payload: string;
  /** Attempts started so far. */
  attempts: number;
  /** The claim token of the process running it; empty when unclaimed. */
  claimed_by: string;
  /** When the claim lapses (a process that died mid-run); 0 when unclaimed. */
  claim_expires_at: number;
}

/** A stored value of the system configuration (`GET /api/v4/config`), by dotted name. */
export interface SystemConfigTable {
  /** e.g. `ServiceSettings.AllowedUntrustedInternalConnections`. */
  name: string;
  /** JSON text. */
  value: string;
}

export interface BusMessagesTable {
  id: string;
  payload: string;
  create_at: number;
}

/** The realtime event log (PostgreSQL): `seq` is each event's sequence number. See realtime/event-log.ts. */
export interface RealtimeEventsTable {
  seq: Generated<number>;
  payload: string;
  create_at: number;
}

/** A user row as read (and as written whole, every column given). */
export type UserRow = Selectable<UsersTable>;

/** A saved preference (Mattermost's Preferences): one value per user, category and name (0014). */
export interface PreferencesTable {
  user_id: string;
  category: string;
  name: string;
  value: string;
}

export interface Database {
  bus_messages: BusMessagesTable;
  realtime_events: RealtimeEventsTable;
  users: UsersTable;
  preferences: PreferencesTable;
  sessions: SessionsTable;
  user_identities: UserIdentitiesTable;
  oidc_logins: OidcLoginsTable;
  user_access_tokens: UserAccessTokensTable;
  login_throttle: LoginThrottleTable;
  audits: AuditsTable;
  teams: TeamsTable;
  team_members: TeamMembersTable;
  channels: ChannelsTable;
  channel_members: ChannelMembersTable;
  posts: PostsTable;
  reactions: ReactionsTable;
  thread_memberships: ThreadMembershipsTable;
  file_infos: FileInfosTable;
  file_contents: FileContentsTable;
  incoming_webhooks: IncomingWebhooksTable;
  outgoing_webhooks: OutgoingWebhooksTable;
  commands: CommandsTable;
  plugins: PluginsTable;
  plugin_kv: PluginKvTable;
  jobs: JobsTable;
  system_config: SystemConfigTable;
  user_presence: UserPresenceTable;
  user_activity: UserActivityTable;
  user_statuses: UserStatusesTable;
}
