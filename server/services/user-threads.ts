/**
 * @module services/user-threads
 * Collapsed reply threads as Mattermost's `/users/{id}/teams/{id}/threads`
 * answers them: the threads a user follows in a team (and in their direct and
 * group messages), newest reply first, each with its root post, reply count,
 * participants and what the user has not read; marking them read, unread,
 * followed or not. Memberships are made by the post path
 * (`thread-memberships.ts`). A thread in a channel the user is no longer a
 * member of is not listed.
 */
import { z } from "zod";
import { queryFlagSchema } from "#common/limits.ts";
import type { Channel, User, UserThread, UserThreadList } from "#common/wire.ts";
import type { ThreadMembershipsTable } from "../db/schema.ts";
import { notFound } from "../errors.ts";
import type { Host } from "../host.ts";
import { canSeeEmail, type Actor } from "../policies/index.ts";
import { postMentions } from "./mentions.ts";
import { presentPosts } from "./posts.ts";
import { getUsers } from "./users.ts";

/** Mattermost's default page of threads. */
const THREADS_PER_PAGE_DEFAULT = 25;

/** `GET /users/{id}/teams/{id}/threads` (Mattermost's `GetUserThreadsOpts`). */
export const userThreadsQuerySchema = z.object({
  per_page: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(200, "must be at most 200")
    .default(THREADS_PER_PAGE_DEFAULT),
  /** Threads older (by last reply) than this thread's. */
  before: z.string().optional(),
  /** Threads newer than this thread's. */
  after: z.string().optional(),
  /** Threads changed after this time. */
  since: z.coerce.number({ error: "must be a number" }).int("must be a whole number").min(0, "must be 0 or more").optional(),
  unread: queryFlagSchema(),
  extended: queryFlagSchema(),
  deleted: queryFlagSchema(),
  totalsOnly: queryFlagSchema(),
  threadsOnly: queryFlagSchema(),
});

/** What the replies of these threads come to for one reader: count, last reply, unread, participants. */
async function replyStats(host: Pick<Host, "db">, memberships: ReadonlyArray<Pick<ThreadMembershipsTable, "post_id" | "last_viewed">>) {
  const stats = new Map<string, { count: number; last: number; unread: number; participants: string[] }>();
  if (memberships.length === 0) return stats;
  const viewed = new Map(memberships.map((m) => [m.post_id, m.last_viewed]));
  const rows = await host.db
    .selectFrom("posts")
    .select(["root_id", "user_id", "create_at"])
    .where("root_id", "in", [...viewed.keys()])
    .where("root_id", "<>", "")
    .where("delete_at", "=", 0)
    .orderBy("create_at")
    .execute();
  for (const row of rows) {
    const s = stats.get(row.root_id) ?? { count: 0, last: 0, unread: 0, participants: [] };
    const unread = row.create_at > (viewed.get(row.root_id) ?? 0) ? 1 : 0;
    // Latest last: a replier moves to the end with each reply, as Mattermost keeps its participants.
    const participants = [...s.participants.filter((id) => id !== row.user_id), row.user_id];
    stats.set(row.root_id, { count: s.count + 1, last: row.create_at, unread: s.unread + unread, participants });
  }
  return stats;
}

/** The user's memberships of threads in `teamId`'s channels (and their direct and group messages) they are still a member of. */
async function membershipsInTeam(host: Pick<Host, "db">, props: { userId: string; teamId: string; threadId?: string }) {
  let query = host.db
    .selectFrom("thread_memberships as tm")
    .innerJoin("posts", "posts.id", "tm.post_id")
    .innerJoin("channels", "channels.id", "posts.channel_id")
    .innerJoin("channel_members as cm", (join) =>
      join.onRef("cm.channel_id", "=", "posts.channel_id").onRef("cm.user_id", "=", "tm.user_id"),
    )
    .selectAll("tm")
    .select(["posts.delete_at as root_delete_at"])
    .where("tm.user_id", "=", props.userId)
    .where("channels.team_id", "in", [props.teamId, ""]);
  if (props.threadId) query = query.where("tm.post_id", "=", props.threadId);
  return query.execute();
}

/** The users among these ids, as `viewer` may see them (another's email hidden from non-admins). */
async function participantUsers(host: Host, props: { viewer: Actor; ids: readonly string[] }): Promise<Map<string, User>> {
  const users = await getUsers(host, [...new Set(props.ids)]);
  return new Map(users.map((u) => [u.id, canSeeEmail(props.viewer, u) ? u : { ...u, email: "" }]));
}

/** Threads as the user sees them, from their memberships (one query each for posts, replies and, `extended`, users). */
async function presentThreads(
  host: Host,
  props: { viewer: Actor; memberships: Array<ThreadMembershipsTable & { root_delete_at: number }>; extended: boolean },
): Promise<UserThread[]> {
  if (props.memberships.length === 0) return [];
  const stats = await replyStats(host, props.memberships);
  const rootRows = await host.db
    .selectFrom("posts")
    .selectAll()
    .where(
      "id",
      "in",
      props.memberships.map((m) => m.post_id),
    )
    .execute();
  const roots = new Map((await presentPosts(host, rootRows)).map((p) => [p.id, p]));
  const users = props.extended
    ? await participantUsers(host, { viewer: props.viewer, ids: [...stats.values()].flatMap((s) => s.participants) })
    : null;
  return props.memberships.flatMap((m) => {
    const post = roots.get(m.post_id);
    if (!post) return [];
    const s = stats.get(m.post_id) ?? { count: 0, last: 0, unread: 0, participants: [] };
    return [
      {
        id: m.post_id,
        reply_count: s.count,
        last_reply_at: s.last,
        last_viewed_at: m.last_viewed,
        participants: s.participants.map((id) => users?.get(id) ?? { id }),
        post: { ...post, is_following: m.following === 1, last_reply_at: s.last },
        unread_replies: m.following === 1 ? s.unread : 0,
        unread_mentions: m.following === 1 ? m.unread_mentions : 0,
        unread_urgent_mentions: 0,
        is_following: m.following === 1,
        delete_at: m.root_delete_at,
      },
    ];
  });
}

/**
 * The threads `userId` follows in a team, by last reply newest first, a page
 * of `per_page` (before/after a thread), with the totals over all of them.
 */
export async function userThreadsOf(
  host: Host,
  props: { viewer: Actor; userId: string; teamId: string; query: z.output<typeof userThreadsQuerySchema> },
): Promise<UserThreadList> {
  const { query } = props;
  const memberships = (await membershipsInTeam(host, props)).filter((m) => m.following === 1 && (query.deleted || m.root_delete_at === 0));
  const all = (await presentThreads(host, { viewer: props.viewer, memberships, extended: query.extended })).sort(
    (a, b) => b.last_reply_at - a.last_reply_at || b.id.localeCompare(a.id),
  );
  const totals = {
    total: all.length,
    total_unread_threads: all.filter((t) => t.unread_replies > 0).length,
    total_unread_mentions: all.reduce((n, t) => n + t.unread_mentions, 0),
    total_unread_urgent_mentions: 0,
  };
  if (query.totalsOnly) return { threads: [], ...totals };
  let page = all;
  // Mattermost reads 0 (what Client4 sends by default) as no `since`.
  if (query.since) {
    const since = query.since;
    const changed = new Set(memberships.filter((m) => m.last_updated > since).map((m) => m.post_id));
    page = page.filter((t) => changed.has(t.id));
  }
  if (query.unread) page = page.filter((t) => t.unread_replies > 0);
  const cut = (id: string | undefined) => (id ? page.findIndex((t) => t.id === id) : -1);
  const beforeAt = cut(query.before);
  if (beforeAt >= 0) page = page.slice(beforeAt + 1);
  const afterAt = cut(query.after);
  if (afterAt >= 0) page = page.slice(Math.max(0, afterAt - query.per_page), afterAt);
  return { threads: page.slice(0, query.per_page), ...(query.threadsOnly ? { ...totals, total: 0 } : totals) };
}

/** One thread as `userId` sees it; a 404 when they are not a member of it (or of its channel). */
export async function userThreadOf(
  host: Host,
  props: { viewer: Actor; userId: string; teamId: string; threadId: string; extended: boolean },
): Promise<UserThread> {
  const memberships = await membershipsInTeam(host, props);
  const [thread] = await presentThreads(host, { viewer: props.viewer, memberships, extended: props.extended });
  if (!thread) throw notFound("thread_membership", "threadId: you are not a member of this thread");
  return thread;
}

/** The replies of a thread after `at` that mention the user: their unread mentions once read up to `at`. */
async function mentionsAfter(host: Host, props: { channel: Channel; threadId: string; userId: string; at: number }): Promise<number> {
  const rows = await host.db
    .selectFrom("posts")
    .select(["message", "user_id"])
    .where("root_id", "=", props.threadId)
    .where("root_id", "<>", "")
    .where("delete_at", "=", 0)
    .where("create_at", ">", props.at)
    .execute();
  let count = 0;
  for (const row of rows) if ((await postMentions(host, { post: row, channel: props.channel })).includes(props.userId)) count++;
  return count;
}

/**
 * Mark a thread read by `userId` up to `at` (or unread from just before it):
 * the membership is made if there was none (not following, as Mattermost
 * makes it), and its unread mentions are those of the replies after `at`.
 */
export async function threadReader(host: Host, props: { userId: string; channel: Channel; threadId: string; at: number }): Promise<void> {
  const mentions = await mentionsAfter(host, props);
  await host.db
    .insertInto("thread_memberships")
    .values({
      post_id: props.threadId,
      user_id: props.userId,
      following: 0,
      last_viewed: props.at,
      last_updated: Date.now(),
      unread_mentions: mentions,
    })
    .onConflict((oc) => oc.columns(["post_id", "user_id"]).doUpdateSet({ last_viewed: props.at, unread_mentions: mentions }))
    .execute();
  host.realtime.publish(
    "thread_read_changed",
    { thread_id: props.threadId, timestamp: props.at, unread_mentions: mentions, channel_id: props.channel.id },
    { userId: props.userId },
  );
}

/** Mark every thread `userId` is a member of in a team read, now. */
export async function allThreadsReader(host: Host, props: { userId: string; teamId: string }): Promise<void> {
  const ids = (await membershipsInTeam(host, props)).map((m) => m.post_id);
  if (ids.length === 0) return;
  await host.db
    .updateTable("thread_memberships")
    .set({ last_viewed: Date.now(), unread_mentions: 0 })
    .where("user_id", "=", props.userId)
    .where("post_id", "in", ids)
    .execute();
}

/** Follow a thread, or stop following it (a membership is made when there was none). */
export async function threadFollowSetter(host: Host, props: { userId: string; threadId: string; following: boolean }): Promise<void> {
  const following = props.following ? 1 : 0;
  await host.db
    .insertInto("thread_memberships")
    .values({ post_id: props.threadId, user_id: props.userId, following, last_viewed: 0, last_updated: Date.now(), unread_mentions: 0 })
    .onConflict((oc) => oc.columns(["post_id", "user_id"]).doUpdateSet({ following }))
    .execute();
}
