/**
 * @module services/presence
 * Who is online: a user is `online` while some process holds an open
 * WebSocket of theirs, `offline` otherwise — unless they set a status by hand
 * (`/away`, `/dnd`, `/offline`, `PUT /users/{id}/status`): that one holds,
 * connected or not, as Mattermost's manual statuses override the automatic
 * ones, until they set `online` again, which goes back to automatic. Each process keeps one `user_presence` row per user it has
 * sockets of and refreshes them every {@link PRESENCE_HEARTBEAT_MS}; a row not
 * refreshed for {@link PRESENCE_STALE_MS} (its process died) counts for
 * nothing, so a crash leaves nobody online for long. `user_activity` keeps
 * when each user last connected or disconnected, for `last_activity_at`.
 *
 * A change of status (online on a user's first socket anywhere, offline when
 * their last one closes or its process stops refreshing it) is told with
 * Mattermost's `status_change` `{status, user_id}` to the user themselves (as
 * Mattermost does) and to the online members of their direct and group
 * messages, whose sidebars show it. Everyone else polls `POST
 * /users/status/ids`, as Mattermost's clients do: telling every teammate of
 * every connect would cost a frame per pair of users on a busy morning.
 */
import type { UserStatus } from "#common/wire.ts";
import type { Host } from "../host.ts";

/** How often a process refreshes its presence rows. */
export const PRESENCE_HEARTBEAT_MS = 30_000;
/** A presence row older than this belongs to a process that stopped: ignored. */
export const PRESENCE_STALE_MS = 3 * PRESENCE_HEARTBEAT_MS;

type PresenceDb = Pick<Host, "db">;

/** The users of `userIds` online now, on any process. */
export async function onlineUserIds(host: PresenceDb, userIds: readonly string[], now = Date.now()): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const rows = await host.db
    .selectFrom("user_presence")
    .select("user_id")
    .distinct()
    .where("user_id", "in", [...new Set(userIds)])
    .where("seen_at", ">", now - PRESENCE_STALE_MS)
    .execute();
  return new Set(rows.map((r) => r.user_id));
}

/** The statuses set by hand of `userIds` (of everyone without it). */
async function manualStatuses(host: PresenceDb, userIds?: readonly string[]): Promise<Map<string, UserStatus["status"]>> {
  if (userIds?.length === 0) return new Map();
  let query = host.db.selectFrom("user_statuses").select(["user_id", "status"]);
  if (userIds) query = query.where("user_id", "in", [...new Set(userIds)]);
  return new Map((await query.execute()).map((r) => [r.user_id, r.status]));
}

/** The status of each of `userIds` (once each, in their order), as `POST /users/status/ids` answers. */
export async function userStatuses(host: PresenceDb, userIds: readonly string[]): Promise<UserStatus[]> {
  const ids = [...new Set(userIds)];
  const now = Date.now();
  const online = await onlineUserIds(host, ids, now);
  const manual = await manualStatuses(host, ids);
  const activity = await host.db.selectFrom("user_activity").selectAll().where("user_id", "in", ids).execute();
  const lastActivity = new Map(activity.map((r) => [r.user_id, r.last_activity_at]));
  return ids.map((id) => ({
    user_id: id,
    status: manual.get(id) ?? (online.has(id) ? "online" : "offline"),
    manual: manual.has(id),
    last_activity_at: lastActivity.get(id) ?? 0,
  }));
}

/**
 * What the WebSocket's `get_statuses` answers: every user online now, on any
 * process, and everyone who set a status by hand, with their status.
 */
export async function onlineStatusMap(host: PresenceDb): Promise<Record<string, UserStatus["status"]>> {
  const rows = await host.db
    .selectFrom("user_presence")
    .select("user_id")
    .distinct()
    .where("seen_at", ">", Date.now() - PRESENCE_STALE_MS)
    .execute();
  return { ...Object.fromEntries(rows.map((r) => [r.user_id, "online" as const])), ...Object.fromEntries(await manualStatuses(host)) };
}

/** Whether the user set a status by hand, which automatic changes (connecting, disconnecting) leave as it is. */
export async function hasManualStatus(host: PresenceDb, userId: string): Promise<boolean> {
  return (await manualStatuses(host, [userId])).size > 0;
}

/**
 * Set a user's status by hand: `away`, `dnd` or `offline` hold until they set
 * `online`, which goes back to automatic (online while connected). Tells the
 * status they have now with `status_change`, and answers it.
 * @example const status = await statusSetter(host, { userId, status: "dnd" });
 */
export async function statusSetter(
  host: Pick<Host, "db" | "realtime">,
  props: { userId: string; status: UserStatus["status"] },
): Promise<UserStatus["status"]> {
  const { userId, status } = props;
  if (status === "online") await host.db.deleteFrom("user_statuses").where("user_id", "=", userId).execute();
  else {
    const now = Date.now();
    await host.db
      .insertInto("user_statuses")
      .values({ user_id: userId, status, update_at: now })
      .onConflict((oc) => oc.column("user_id").doUpdateSet({ status, update_at: now }))
      .execute();
  }
  const [current] = await userStatuses(host, [userId]);
  const now = current?.status ?? status;
  await host.realtime.statusChanged(userId, now);
  return now;
}

/** The status of each of `userIds` by id, as the WebSocket's `get_statuses_by_ids` answers. */
export async function statusMapOf(host: PresenceDb, userIds: readonly string[]): Promise<Record<string, UserStatus["status"]>> {
  return Object.fromEntries((await userStatuses(host, userIds)).map((s) => [s.user_id, s.status]));
}

async function touchActivity(host: PresenceDb, props: { userId: string; now: number }): Promise<void> {
  await host.db
    .insertInto("user_activity")
    .values({ user_id: props.userId, last_activity_at: props.now })
    .onConflict((oc) => oc.column("user_id").doUpdateSet({ last_activity_at: props.now }))
    .execute();
}

/** Whether a process other than `processId` holds a live presence row of the user. */
async function onlineElsewhere(host: PresenceDb, props: { processId: string; userId: string; now: number }): Promise<boolean> {
  const row = await host.db
    .selectFrom("user_presence")
    .select("user_id")
    .where("user_id", "=", props.userId)
    .where("process_id", "<>", props.processId)
    .where("seen_at", ">", props.now - PRESENCE_STALE_MS)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * A process got its first socket of a user. True when no other process has
 * one (the user is online now). The row is written before the others are
 * read, as {@link presenceLeft} deletes before it reads: when one process
 * joins while another leaves, the last of the two to read tells the status
 * the user ends with (at worst an online is told twice).
 */
export async function presenceJoined(host: PresenceDb, props: { processId: string; userId: string }): Promise<boolean> {
  const now = Date.now();
  await host.db
    .insertInto("user_presence")
    .values({ process_id: props.processId, user_id: props.userId, seen_at: now })
    .onConflict((oc) => oc.columns(["process_id", "user_id"]).doUpdateSet({ seen_at: now }))
    .execute();
  await touchActivity(host, { userId: props.userId, now });
  return !(await onlineElsewhere(host, { ...props, now }));
}

/** A process closed its last socket of a user. True when no process has one now (the user went offline). */
export async function presenceLeft(host: PresenceDb, props: { processId: string; userId: string }): Promise<boolean> {
  const now = Date.now();
  await host.db.deleteFrom("user_presence").where("process_id", "=", props.processId).where("user_id", "=", props.userId).execute();
  await touchActivity(host, { userId: props.userId, now });
  return !(await onlineElsewhere(host, { ...props, now }));
}

/**
 * Refresh this process's presence rows, so they stay counted, and take away
 * the rows of processes that stopped refreshing theirs. Answers the users who
 * are offline now because of it: each stale row is deleted by one process
 * only, so one of them tells.
 */
export async function presenceHeartbeat(host: PresenceDb, props: { processId: string }): Promise<string[]> {
  const now = Date.now();
  await host.db.updateTable("user_presence").set({ seen_at: now }).where("process_id", "=", props.processId).execute();
  const stale = await host.db
    .deleteFrom("user_presence")
    .where("seen_at", "<=", now - PRESENCE_STALE_MS)
    .returning("user_id")
    .execute();
  if (stale.length === 0) return [];
  const userIds = [...new Set(stale.map((r) => r.user_id))];
  const online = await onlineUserIds(host, userIds, now);
  return userIds.filter((id) => !online.has(id));
}

/**
 * Who hears of a user's status change besides the user: the members of their
 * direct and group messages who are online now (nobody else has a socket to
 * tell).
 */
export async function statusAudience(host: PresenceDb, props: { userId: string }): Promise<string[]> {
  const rows = await host.db
    .selectFrom("channel_members as mine")
    .innerJoin("channels as c", "c.id", "mine.channel_id")
    .innerJoin("channel_members as other", "other.channel_id", "mine.channel_id")
    .innerJoin("user_presence as p", "p.user_id", "other.user_id")
    .select("other.user_id")
    .distinct()
    .where("mine.user_id", "=", props.userId)
    .where("c.type", "in", ["D", "G"])
    .where("other.user_id", "<>", props.userId)
    .where("p.seen_at", ">", Date.now() - PRESENCE_STALE_MS)
    .execute();
  return rows.map((r) => r.user_id);
}

/**
 * Forget presence rows this process cannot vouch for: its own (on shutdown),
 * or with `everyoneElse` every other process's too — right for SQLite, where
 * this process is the only one and earlier rows are a previous run's.
 */
export async function presenceCleared(host: PresenceDb, props: { processId: string; everyoneElse?: boolean }): Promise<void> {
  await host.db
    .deleteFrom("user_presence")
    .where("process_id", props.everyoneElse ? "<>" : "=", props.processId)
    .execute();
}
