/**
 * @module services/posts
 * The post path: validate → permission → `messageWillBePosted` hooks → insert →
 * realtime `posted` → `onMessagePosted` hooks (after commit, not awaited).
 */
import { CompiledQuery } from "kysely";
import { z } from "zod";
import { newId } from "#common/ids.ts";
import { LIMITS } from "#common/limits.ts";
import type { Post, PostList, User } from "#common/wire.ts";
import type { PostsTable } from "../db/schema.ts";
import { AppError, badRequest, forbidden, fromZodError, notFound } from "../errors.ts";
import type { Host } from "../host.ts";
import { canPostInChannel, canReadChannel } from "../policies/channel.ts";
import { getChannelRow } from "./channels.ts";
import { postMentions } from "./mentions.ts";

/** Mattermost's limit on a post's props (attachments included), so one post cannot be megabytes sent to every member. */
export const POST_PROPS_MAX = 800_000;

/** Props that only the incoming-webhook route sets; stripped from posts made through the API. */
const WEBHOOK_PROPS = ["from_webhook", "override_username", "override_icon_url", "webhook_display_name"];

export const newPostSchema = z.object({
  channel_id: z.string().length(26, "must be a 26-character id"),
  message: z.string().max(LIMITS.postMessageMax, `must be at most ${LIMITS.postMessageMax} characters`).default(""),
  root_id: z.string().optional(),
  type: z.string().max(64).optional(),
  props: z
    .record(z.string(), z.unknown())
    .refine((props) => JSON.stringify(props).length <= POST_PROPS_MAX, `must be at most ${POST_PROPS_MAX} characters as JSON`)
    .optional(),
});

export function presentPost(row: PostsTable): Post {
  return {
    id: row.id,
    channel_id: row.channel_id,
    user_id: row.user_id,
    root_id: row.root_id,
    message: row.message,
    type: row.type,
    props: JSON.parse(row.props) as Record<string, unknown>,
    create_at: row.create_at,
    update_at: row.update_at,
    edit_at: row.edit_at,
    delete_at: row.delete_at,
  };
}

/**
 * The post path's writes as SQL written once per dialect. Building them
 * with the query builder on every post cost about as much as running them
 * (see bench P2); they are plain enough to be the same in both dialects but
 * for the placeholders.
 */
function buildPostWrites(dialect: Host["dialect"]): {
  insertPost: string;
  countPost: string;
  markReadByAuthor: string;
  countMention: string;
} {
  let n = 0;
  const p = () => (dialect === "postgres" ? `$${++n}` : "?");
  const insertPost = `INSERT INTO posts (id, channel_id, user_id, root_id, message, type, props, create_at, update_at, edit_at, delete_at) VALUES (${Array.from({ length: 11 }, p).join(", ")})`;
  n = 0;
  const countPost = `UPDATE channels SET last_post_at = ${p()}, total_msg_count = total_msg_count + ${p()} WHERE id = ${p()}`;
  n = 0;
  const markReadByAuthor = `UPDATE channel_members SET last_viewed_at = ${p()}, msg_count = msg_count + ${p()} WHERE channel_id = ${p()} AND user_id = ${p()}`;
  n = 0;
  const countMention = `UPDATE channel_members SET mention_count = mention_count + ${p()} WHERE channel_id = ${p()} AND user_id = ${p()}`;
  return { insertPost, countPost, markReadByAuthor, countMention };
}
const POST_WRITES = { sqlite: buildPostWrites("sqlite"), postgres: buildPostWrites("postgres") };

/**
 * Group commit for posts: posts that arrive while a transaction is being
 * written wait for it, then go together in the next one — one commit and one
 * counter update per channel and author for the whole group instead of per
 * post. Each `write` still resolves only once its post is committed, so the
 * API answers and `posted` goes out after the commit, as before. If a group
 * fails, its posts are retried one by one, so one bad post fails alone.
 */
export class PostWriter {
  private queue: Array<{ post: Post; mentions: readonly string[]; done: (error?: unknown) => void }> = [];
  private draining = false;

  constructor(private readonly host: Pick<Host, "db" | "dialect">) {}

  /** Store a post; `mentions` (the members it mentions) each get one more unread mention, in the same transaction. */
  write(post: Post, mentions: readonly string[] = []): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ post, mentions, done: (error) => (error === undefined ? resolve() : reject(error)) });
      // Start on the next turn of the event loop, so posts whose requests arrived in this one join the group.
      if (!this.draining) {
        this.draining = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      await this.drainGroups();
    } finally {
      this.draining = false;
    }
  }

  private async drainGroups(): Promise<void> {
    while (this.queue.length > 0) {
      const group = this.queue.splice(0);
      try {
        await this.commit(group);
        for (const g of group) g.done();
      } catch (error) {
        if (group.length === 1) group[0]?.done(error);
        else
          for (const g of group)
            await this.commit([g]).then(
              () => g.done(),
              (e: unknown) => g.done(e),
            );
      }
    }
  }

  private async commit(group: ReadonlyArray<{ post: Post; mentions: readonly string[] }>): Promise<void> {
    const posts = group.map((g) => g.post);
    const writes = POST_WRITES[this.host.dialect];
    const mentioned = new Map<string, { channelId: string; userId: string; count: number }>();
    for (const { post, mentions } of group)
      for (const userId of mentions) {
        const key = `${post.channel_id}:${userId}`;
        const m = mentioned.get(key) ?? { channelId: post.channel_id, userId, count: 0 };
        mentioned.set(key, { ...m, count: m.count + 1 });
      }
    const channels = new Map<string, { count: number; at: number }>();
    // The author has read their own posts.
    const authors = new Map<string, { channelId: string; userId: string; count: number; at: number }>();
    for (const post of posts) {
      const c = channels.get(post.channel_id) ?? { count: 0, at: 0 };
      channels.set(post.channel_id, { count: c.count + 1, at: Math.max(c.at, post.create_at) });
      const key = `${post.channel_id}:${post.user_id}`;
      const a = authors.get(key) ?? { channelId: post.channel_id, userId: post.user_id, count: 0, at: 0 };
      authors.set(key, { ...a, count: a.count + 1, at: Math.max(a.at, post.create_at) });
    }
    await this.host.db.transaction().execute(async (trx) => {
      for (const post of posts) {
        await trx.executeQuery(
          CompiledQuery.raw(writes.insertPost, [
            post.id,
            post.channel_id,
            post.user_id,
            post.root_id,
            post.message,
            post.type,
            JSON.stringify(post.props),
            post.create_at,
            post.update_at,
            post.edit_at,
            post.delete_at,
          ]),
        );
      }
      for (const [channelId, c] of channels) await trx.executeQuery(CompiledQuery.raw(writes.countPost, [c.at, c.count, channelId]));
      for (const a of authors.values())
        await trx.executeQuery(CompiledQuery.raw(writes.markReadByAuthor, [a.at, a.count, a.channelId, a.userId]));
      for (const m of mentioned.values()) await trx.executeQuery(CompiledQuery.raw(writes.countMention, [m.count, m.channelId, m.userId]));
    });
  }
}

/** Who is posting, and through what; plugins may set a post type, people may not. */
export interface PostAuthor {
  user: Pick<User, "id" | "roles" | "username">;
  /** `api` (a person or token), `plugin`, or `webhook`. */
  via: "api" | "plugin" | "webhook";
  /** Skip the membership check (webhooks and plugins post where they are configured to). */
  trusted?: boolean;
}

/** Create a post through the full post path. */
export async function postCreator(host: Host, props: { input: unknown; author: PostAuthor }): Promise<Post> {
  const parsed = newPostSchema.safeParse(props.input);
  if (!parsed.success) throw fromZodError(parsed.error, "api.post.create.invalid");
  const input = parsed.data;
  const attachments = input.props?.attachments;
  if (!input.message.trim() && !(Array.isArray(attachments) && attachments.length > 0)) {
    throw badRequest("api.post.create.empty", "message: must not be empty");
  }
  if (input.type && props.author.via !== "plugin") {
    // Post types are cards rendered as a plugin's own (e.g. the Incident bot's updates); people could forge them.
    throw badRequest("api.post.create.type", `type: "${input.type}" is reserved for the system and plugins`);
  }
  if (props.author.via === "api" && input.props) {
    // Only the webhook route may say a post came from a webhook or override its author's name.
    for (const key of WEBHOOK_PROPS) delete input.props[key];
  }
  const channel = await getChannelRow(host, input.channel_id);
  if (!channel || channel.delete_at !== 0) throw notFound("channel", "channel_id: channel not found, or you do not have access to it");
  if (!props.author.trusted && !(await canPostInChannel(host, props.author.user, channel))) {
    // A private channel's outsiders learn nothing, not even that it exists.
    if (!(await canReadChannel(host, props.author.user, channel)))
      throw notFound("channel", "channel_id: channel not found, or you do not have access to it");
    throw forbidden("You must be a member of this channel to post in it.");
  }
  if (input.root_id) {
    // A reply's root is a post of the same channel; one answer for every other id, so no post of a private channel is confirmed.
    const root = await host.db
      .selectFrom("posts")
      .select("channel_id")
      .where("id", "=", input.root_id)
      .where("delete_at", "=", 0)
      .executeTakeFirst();
    if (!root || root.channel_id !== channel.id)
      throw badRequest("api.post.create.root_id", "root_id: no post with this id in this channel");
  }
  const now = Date.now();
  const draft: Post = {
    id: newId(),
    channel_id: channel.id,
    user_id: props.author.user.id,
    root_id: input.root_id ?? "",
    message: input.message,
    type: input.type ?? "",
    props: input.props ?? {},
    create_at: now,
    update_at: now,
    edit_at: 0,
    delete_at: 0,
  };
  const checked = await host.hooks.runWillBePosted(draft);
  if ("error" in checked) {
    throw new AppError({
      status: 400,
      id: "api.post.rejected_by_plugin",
      message: checked.error.message,
      details: { plugin_id: checked.error.pluginId },
    });
  }
  const post = checked.post;
  const mentions = await postMentions(host, { post, channel });
  await host.postWriter.write(post, mentions);
  host.caches.channels.bumpCounters(channel.id, now);
  // Other processes re-read the channel's counters (unread state) instead of showing stale ones.
  host.caches.invalidateElsewhere({ kind: "channel", id: channel.id });
  host.realtime.publish(
    "posted",
    {
      post: JSON.stringify(post),
      channel_display_name: channel.display_name,
      channel_name: channel.name,
      channel_type: channel.type,
      sender_name: `@${props.author.user.username}`,
      team_id: channel.team_id,
      // Mattermost sends the mentioned members' ids only when there are some.
      ...(mentions.length > 0 ? { mentions: JSON.stringify(mentions) } : {}),
    },
    { channelId: channel.id },
  );
  host.hooks.firePosted(post);
  return post;
}

/** Show a post to one user in one channel, never stored (e.g. a slash command's answer). */
export function ephemeralSender(
  host: Host,
  props: { userId: string; channelId: string; message: string; authorId?: string; props?: Record<string, unknown> },
): Post {
  const now = Date.now();
  const post: Post = {
    id: newId(),
    channel_id: props.channelId,
    user_id: props.authorId ?? props.userId,
    root_id: "",
    message: props.message,
    type: "system_ephemeral",
    props: props.props ?? {},
    create_at: now,
    update_at: now,
    edit_at: 0,
    delete_at: 0,
  };
  host.realtime.publish("ephemeral_message", { post: JSON.stringify(post) }, { userId: props.userId });
  return post;
}

export async function getPost(host: Host, postId: string): Promise<Post | null> {
  const row = await host.db.selectFrom("posts").selectAll().where("id", "=", postId).where("delete_at", "=", 0).executeTakeFirst();
  return row ? presentPost(row) : null;
}

/**
 * A page of a channel's posts, newest first, as Mattermost lists them.
 * `before`/`after` page from a post id; otherwise `page`/`per_page`.
 */
export async function postsOfChannel(
  host: Host,
  props: { channelId: string; page: number; perPage: number; before?: string; after?: string; since?: number },
): Promise<PostList> {
  let query = host.db.selectFrom("posts").selectAll().where("channel_id", "=", props.channelId).where("delete_at", "=", 0);
  if (props.since !== undefined) query = query.where("create_at", ">", props.since);
  if (props.before) {
    const anchor = await host.db
      .selectFrom("posts")
      .select(["create_at", "id"])
      .where("id", "=", props.before)
      .where("channel_id", "=", props.channelId)
      .executeTakeFirst();
    if (!anchor) throw badRequest("api.post.list.before", "before: no post with this id in this channel");
    query = query.where((eb) =>
      eb.or([eb("create_at", "<", anchor.create_at), eb.and([eb("create_at", "=", anchor.create_at), eb("id", "<", anchor.id)])]),
    );
  }
  if (props.after) {
    const anchor = await host.db
      .selectFrom("posts")
      .select(["create_at", "id"])
      .where("id", "=", props.after)
      .where("channel_id", "=", props.channelId)
      .executeTakeFirst();
    if (!anchor) throw badRequest("api.post.list.after", "after: no post with this id in this channel");
    query = query.where((eb) =>
      eb.or([eb("create_at", ">", anchor.create_at), eb.and([eb("create_at", "=", anchor.create_at), eb("id", ">", anchor.id)])]),
    );
  }
  const ascending = Boolean(props.after);
  const rows = await query
    .orderBy("create_at", ascending ? "asc" : "desc")
    .orderBy("id", ascending ? "asc" : "desc")
    .limit(props.perPage + 1)
    .offset(props.before || props.after ? 0 : props.page * props.perPage)
    .execute();
  const hasMore = rows.length > props.perPage;
  const page = rows.slice(0, props.perPage);
  if (ascending) page.reverse();
  const posts: Record<string, Post> = {};
  for (const row of page) posts[row.id] = presentPost(row);
  const order = page.map((r) => r.id);
  return {
    order,
    posts,
    next_post_id: ascending && hasMore ? (order[0] ?? "") : "",
    prev_post_id: !ascending && hasMore ? (order[order.length - 1] ?? "") : "",
    has_next: ascending ? hasMore : false,
  };
}
