/**
 * @module services/unreads
 * Reading from the first unread post and marking a post unread, as
 * Mattermost does: `set_unread` puts a member back to just before a post
 * (their counts then as if they had not read it or anything after, mentions
 * recounted from those posts); `posts/unread` answers the posts around the
 * member's first unread one, so a client opens the channel there.
 */
import { z } from "zod";
import { queryFlagSchema } from "#common/limits.ts";
import type { Channel, ChannelUnreadAt, Post, PostList } from "#common/wire.ts";
import { notFound } from "../errors.ts";
import type { Host } from "../host.ts";
import { postMentions } from "./mentions.ts";
import { getPost, postsOfChannel } from "./posts.ts";
import { threadReader } from "./user-threads.ts";

/** The membership row's reading state, or a 404 when the user is not a member. */
async function unreadState(host: Pick<Host, "db">, props: { channel: Channel; userId: string }): Promise<ChannelUnreadAt> {
  const row = await host.db
    .selectFrom("channel_members")
    .select(["msg_count", "mention_count", "msg_count_root", "mention_count_root", "last_viewed_at"])
    .where("channel_id", "=", props.channel.id)
    .where("user_id", "=", props.userId)
    .executeTakeFirst();
  if (!row) throw notFound("channel_member", "not a member of this channel");
  return { team_id: props.channel.team_id, user_id: props.userId, channel_id: props.channel.id, urgent_mention_count: 0, ...row };
}

/** The counts of a member who has read everything before `from` and nothing after. */
async function countsFrom(host: Host, props: { channel: Channel; userId: string; from: number }) {
  const totals = await host.db
    .selectFrom("channels")
    .select(["total_msg_count", "total_msg_count_root"])
    .where("id", "=", props.channel.id)
    .executeTakeFirstOrThrow();
  const unread = await host.db
    .selectFrom("posts")
    .select(["message", "user_id", "root_id"])
    .where("channel_id", "=", props.channel.id)
    .where("delete_at", "=", 0)
    .where("create_at", ">=", props.from)
    .execute();
  let [mentions, rootMentions] = [0, 0];
  for (const post of unread)
    if ((await postMentions(host, { post, channel: props.channel })).includes(props.userId)) {
      mentions++;
      if (!post.root_id) rootMentions++;
    }
  const unreadRoots = unread.filter((p) => !p.root_id).length;
  return {
    msg_count: Math.max(0, totals.total_msg_count - unread.length),
    msg_count_root: Math.max(0, (totals.total_msg_count_root ?? 0) - unreadRoots),
    mention_count: mentions,
    mention_count_root: rootMentions,
  };
}

/**
 * Mark `post` and everything after it unread for `userId` (`POST
 * /users/{id}/posts/{id}/set_unread`). A reply, from a client that collapses
 * threads, marks its thread unread from it instead and leaves the channel be.
 * Sends `post_unread` to the user's clients.
 */
export async function channelUnreadSetter(
  host: Host,
  props: { channel: Channel; userId: string; post: Post; collapsedThreads: boolean },
): Promise<ChannelUnreadAt> {
  const { channel, post } = props;
  const before = await unreadState(host, props);
  if (post.root_id && props.collapsedThreads) {
    await threadReader(host, { userId: props.userId, channel, threadId: post.root_id, at: post.create_at - 1 });
    return before;
  }
  const counts = await countsFrom(host, { channel, userId: props.userId, from: post.create_at });
  const lastViewedAt = post.create_at - 1;
  await host.db
    .updateTable("channel_members")
    .set({ ...counts, last_viewed_at: lastViewedAt, last_update_at: Date.now() })
    .where("channel_id", "=", channel.id)
    .where("user_id", "=", props.userId)
    .execute();
  const state: ChannelUnreadAt = { ...before, ...counts, last_viewed_at: lastViewedAt };
  host.realtime.publish("post_unread", { ...state, post_id: post.id }, { userId: props.userId });
  return state;
}

/** `GET /users/{id}/channels/{id}/posts/unread`'s query, as Client4's `getPostsUnread` sends it. */
export const postsUnreadQuerySchema = z.object({
  limit_before: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(0, "must be 0 to 200")
    .max(200, "must be 0 to 200")
    .default(60),
  limit_after: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(1, "must be 1 to 200")
    .max(200, "must be 1 to 200")
    .default(60),
  skipFetchThreads: queryFlagSchema(),
  collapsedThreads: queryFlagSchema(),
  collapsedThreadsExtended: queryFlagSchema(),
});

/**
 * The posts around a member's first unread post, newest first: that post,
 * up to `limit_after - 1` newer and `limit_before` older, with Mattermost's
 * cursors; the newest page when nothing is unread.
 */
export async function postsAroundLastUnread(
  host: Host,
  props: { channel: Channel; userId: string; query: z.output<typeof postsUnreadQuerySchema> },
): Promise<PostList> {
  const { channel, query } = props;
  const state = await unreadState(host, props);
  const shape = {
    channelId: channel.id,
    collapsedThreads: query.collapsedThreads,
    skipFetchThreads: query.skipFetchThreads,
  };
  let firstUnread = host.db
    .selectFrom("posts")
    .select("id")
    .where("channel_id", "=", channel.id)
    .where("delete_at", "=", 0)
    .where("create_at", ">", state.last_viewed_at);
  if (shape.collapsedThreads) firstUnread = firstUnread.where("root_id", "=", "");
  const first = await firstUnread.orderBy("create_at").orderBy("id").limit(1).executeTakeFirst();
  const unread = first ? await getPost(host, first.id) : null;
  if (!unread) return postsOfChannel(host, { ...shape, page: 0, perPage: Math.max(1, query.limit_before) });
  // A side asked for with no posts still has a cursor: the post next to the unread one.
  const olderPage = await postsOfChannel(host, { ...shape, page: 0, perPage: Math.max(1, query.limit_before), before: unread.id });
  const newerPage = await postsOfChannel(host, { ...shape, page: 0, perPage: Math.max(1, query.limit_after - 1), after: unread.id });
  const older = query.limit_before > 0 ? olderPage : { order: [], posts: {} };
  const newer = query.limit_after > 1 ? newerPage : { order: [], posts: {} };
  const nextId = newer.order.length > 0 ? newerPage.next_post_id : (newerPage.order[0] ?? "");
  const prevId = older.order.length > 0 ? olderPage.prev_post_id : (olderPage.order[0] ?? "");
  return {
    order: [...newer.order, unread.id, ...older.order],
    posts: { ...older.posts, ...newer.posts, [unread.id]: unread },
    next_post_id: nextId,
    prev_post_id: prevId,
    has_next: nextId !== "",
  };
}
