/**
 * @module services/posts
 * The post path: validate → permission → `messageWillBePosted` hooks → insert →
 * realtime `posted` → `onMessagePosted` hooks (after commit, not awaited).
 */
import { CompiledQuery, type Selectable, type Transaction } from "kysely";
import { z } from "zod";
import { newId } from "#common/ids.ts";
import { LIMITS } from "#common/limits.ts";
import type { Post, PostList, User } from "#common/wire.ts";
import { isConnectionError, whileUnreachable } from "../db/health.ts";
import type { Database, PostsTable } from "../db/schema.ts";
import { AppError, badRequest, forbidden, fromZodError, notFound } from "../errors.ts";
import type { Host } from "../host.ts";
import { canPostInChannel, canReadChannel } from "../policies/channel.ts";
import { getChannelRow } from "./channels.ts";
import { checkAttachable, filesAttacher, MAX_FILES_PER_POST, postWithFiles } from "./files.ts";
import { postMentions } from "./mentions.ts";
import { replyFollowers } from "./thread-memberships.ts";

/** Mattermost's limit on a post's props (attachments included), so one post cannot be megabytes sent to every member. */
export const POST_PROPS_MAX = 800_000;

/** Props that only the incoming-webhook route sets; stripped from posts made through the API. */
const WEBHOOK_PROPS = ["from_webhook", "override_username", "override_icon_url", "override_icon_emoji", "webhook_display_name"];

/** A post's message, as created and as edited. */
export const postMessageSchema = z.string().max(LIMITS.postMessageMax, `must be at most ${LIMITS.postMessageMax} characters`);

/** A post's props, as created and as edited. */
export const postPropsSchema = z
  .record(z.string(), z.unknown())
  .refine((props) => JSON.stringify(props).length <= POST_PROPS_MAX, `must be at most ${POST_PROPS_MAX} characters as JSON`);

/** The body of `POST /api/v4/posts`. */
export const newPostSchema = z.object({
  channel_id: z.string().length(26, "must be a 26-character id"),
  message: postMessageSchema.default(""),
  root_id: z.string().optional(),
  type: z.string().max(64).optional(),
  props: postPropsSchema.optional(),
  /** Uploads (`POST /api/v4/files`) by the author to this channel, not yet attached to a post. */
  file_ids: z.array(z.string()).max(MAX_FILES_PER_POST, `must list at most ${MAX_FILES_PER_POST} files`).optional(),
  /** The client's id of its optimistic copy (`userId:timestamp`), echoed in the answer so it replaces that copy. */
  pending_post_id: z.string().max(64, "must be at most 64 characters").optional(),
});

/** Refuse a post with neither text nor an attachment (on create and on edit alike). */
export function checkNotEmpty(post: { message: string; props?: Record<string, unknown> }): void {
  const attachments = post.props?.attachments;
  if (!post.message.trim() && !(Array.isArray(attachments) && attachments.length > 0)) {
    throw badRequest("api.post.create.empty", "message: must not be empty");
  }
}

/**
 * Whether an author may give a post this type: plugins any; webhooks
 * Mattermost's `slack_attachment` and `custom_*` types; people none.
 */
function mayUseType(via: PostAuthor["via"], type: string): boolean {
  return via === "plugin" || (via === "webhook" && (type === "slack_attachment" || type.startsWith("custom_")));
}

/** Drop the props only the incoming-webhook route sets, from props a person or token sent. */
export function withoutWebhookProps(props: Record<string, unknown>): Record<string, unknown> {
  const kept = { ...props };
  for (const key of WEBHOOK_PROPS) delete kept[key];
  return kept;
}

/** Mattermost's longest `hashtags` value; more are dropped at a space. */
const HASHTAGS_MAX = 1000;

/** A word Mattermost counts as a hashtag: `#`, a letter, then letters, digits, `-`, `_` or `.`, not ending in punctuation. */
const HASHTAG = /^#\p{L}[\p{L}\p{N}\-_.]*[\p{L}\p{N}]$/u;

/**
 * A message's hashtags as Mattermost's `ParseHashtags` finds them: words cut
 * at anything but letters, digits, `#`, `-`, `_` and `.`, those that are
 * hashtags kept once each in the order written, space-separated, at most
 * {@link HASHTAGS_MAX} characters.
 */
export function parseHashtags(message: string): string {
  const tags = new Set<string>();
  for (const word of message.split(/[^\p{L}\p{N}#\-_.]+/u)) {
    const trimmed = word.replace(/[-_.]+$/, "");
    if (HASHTAG.test(trimmed)) tags.add(trimmed);
  }
  let joined = "";
  for (const tag of tags) {
    const next = joined ? `${joined} ${tag}` : tag;
    if (next.length > HASHTAGS_MAX) break;
    joined = next;
  }
  return joined;
}

/** A post's `metadata.embeds`: a `message_attachment` embed when it has attachments (links are not previewed). */
function embedsOf(props: Record<string, unknown>): Array<{ type: string }> | undefined {
  const attachments = props.attachments;
  return Array.isArray(attachments) && attachments.length > 0 ? [{ type: "message_attachment" }] : undefined;
}

/** The fields Mattermost derives from a post's message, props and pin for every answer. */
function derivedFields(post: { message: string; props: Record<string, unknown>; pinned: boolean }) {
  const embeds = embedsOf(post.props);
  return {
    is_pinned: post.pinned,
    hashtags: parseHashtags(post.message),
    original_id: "",
    // Mattermost sends it on every post; only the create answer fills it (with the client's id).
    pending_post_id: "",
    metadata: embeds ? { embeds } : {},
  };
}

/**
 * A post made or changed here (not read back), with the fields every answer
 * has ({@link presentPost}) worked out again from its message and props; its
 * reactions and files kept.
 */
export function withDerivedFields(post: Post): Post {
  const derived = derivedFields({ message: post.message, props: post.props, pinned: post.is_pinned ?? false });
  const { reactions, files } = post.metadata ?? {};
  return { ...post, ...derived, metadata: { ...derived.metadata, ...(reactions ? { reactions } : {}), ...(files ? { files } : {}) } };
}

/** A stored post as the API shows it, with its thread's reply count (see {@link presentPosts}). */
export function presentPost(row: Selectable<PostsTable>, replyCount = 0): Post {
  const props = JSON.parse(row.props) as Record<string, unknown>;
  return {
    id: row.id,
    channel_id: row.channel_id,
    user_id: row.user_id,
    root_id: row.root_id,
    message: row.message,
    type: row.type,
    props,
    create_at: row.create_at,
    update_at: row.update_at,
    edit_at: row.edit_at,
    delete_at: row.delete_at,
    reply_count: replyCount,
    ...derivedFields({ message: row.message, props, pinned: row.is_pinned === 1 }),
  };
}

/** The thread a post belongs to: its root's id (a root is its own thread). */
export function threadIdOf(post: Pick<PostsTable, "id" | "root_id">): string {
  return post.root_id || post.id;
}

/** The number of live replies of each of these threads (by root id); a thread without replies is absent. */
export async function replyCounts(host: Pick<Host, "db">, rootIds: readonly string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  if (rootIds.length === 0) return counts;
  const rows = await host.db
    .selectFrom("posts")
    .select((eb) => ["root_id", eb.fn.countAll().as("n")])
    .where("root_id", "in", [...new Set(rootIds)])
    // Says what the partial index `posts_root_id` holds, so both dialects use it.
    .where("root_id", "<>", "")
    .where("delete_at", "=", 0)
    .groupBy("root_id")
    .execute();
  for (const row of rows) counts.set(row.root_id, Number(row.n));
  return counts;
}

/** Stored posts as the API shows them, each with its thread's `reply_count` (Mattermost's `ReplyCount`), in one query. */
export async function presentPosts(host: Pick<Host, "db">, rows: ReadonlyArray<Selectable<PostsTable>>): Promise<Post[]> {
  const counts = await replyCounts(host, rows.map(threadIdOf));
  return rows.map((row) => presentPost(row, counts.get(threadIdOf(row)) ?? 0));
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
  const countPost = `UPDATE channels SET last_post_at = ${p()}, total_msg_count = total_msg_count + ${p()}, total_msg_count_root = total_msg_count_root + ${p()} WHERE id = ${p()}`;
  n = 0;
  const markReadByAuthor = `UPDATE channel_members SET last_viewed_at = ${p()}, last_update_at = ${p()}, msg_count = msg_count + ${p()}, msg_count_root = msg_count_root + ${p()} WHERE channel_id = ${p()} AND user_id = ${p()}`;
  n = 0;
  const countMention = `UPDATE channel_members SET last_update_at = ${p()}, mention_count = mention_count + ${p()}, mention_count_root = mention_count_root + ${p()} WHERE channel_id = ${p()} AND user_id = ${p()}`;
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
 *
 * A commit that fails because the database connection broke (a restart, a
 * failover, a backend ended) is tried again on a new connection for up to
 * {@link POST_RETRY_MS}: the posts' ids are fixed, so when the first attempt
 * did commit before the answer was lost, the posts are found stored and
 * nothing is written twice.
 */
/** How long a group of posts is tried again while the database is unreachable, before its requests answer 503. */
const POST_RETRY_MS = 10_000;

/**
 * Writes that belong with one post, committed in its transaction or not at all
 * (a member added with the system post that announces it and their read mark).
 * Either may throw to refuse the post; the group it was in is then written
 * again without it. `before` runs ahead of the group's posts, `after` once they
 * and the channels' counters are written.
 */
export interface PostAlongside {
  before?(trx: Transaction<Database>): Promise<void>;
  after?(trx: Transaction<Database>): Promise<void>;
}

/** One post queued for the next group commit. */
interface QueuedPost {
  post: Post;
  mentions: readonly string[];
  alongside?: PostAlongside;
}

export class PostWriter {
  private queue: Array<QueuedPost & { done: (error?: unknown) => void }> = [];
  private draining = false;

  constructor(private readonly host: Pick<Host, "db" | "dialect">) {}

  /**
   * Store a post; `mentions` (the members it mentions) each get one more unread mention, and
   * `alongside`'s writes are made, in the same transaction.
   */
  write(post: Post, mentions: readonly string[] = [], alongside?: PostAlongside): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ post, mentions, alongside, done: (error) => (error === undefined ? resolve() : reject(error)) });
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
        await this.commitAcrossGaps(group);
        for (const g of group) g.done();
      } catch (error) {
        if (group.length === 1) group[0]?.done(error);
        else
          for (const g of group)
            await this.commitAcrossGaps([g]).then(
              () => g.done(),
              (e: unknown) => g.done(e),
            );
      }
    }
  }

  /** {@link commit}, tried again on a new connection while the database is unreachable; stored is done. */
  private async commitAcrossGaps(group: readonly QueuedPost[]): Promise<void> {
    try {
      await this.commit(group);
      return;
    } catch (error) {
      if (!isConnectionError(error)) throw error;
    }
    await whileUnreachable(
      async () => {
        // The lost attempt may have committed: then every post of the group is there (one transaction), and that is all.
        const ids = group.map((g) => g.post.id);
        const stored = await this.host.db.selectFrom("posts").select("id").where("id", "in", ids).execute();
        if (stored.length === ids.length) return;
        await this.commit(group);
      },
      { maxMs: POST_RETRY_MS },
    );
  }

  private async commit(group: readonly QueuedPost[]): Promise<void> {
    const posts = group.map((g) => g.post);
    const writes = POST_WRITES[this.host.dialect];
    // Each counter counts every post, and its `_root` twin the root posts only (Mattermost's `*_root` counts).
    const mentioned = new Map<string, { channelId: string; userId: string; count: number; roots: number; at: number }>();
    for (const { post, mentions } of group)
      for (const userId of mentions) {
        const key = `${post.channel_id}:${userId}`;
        const m = mentioned.get(key) ?? { channelId: post.channel_id, userId, count: 0, roots: 0, at: 0 };
        mentioned.set(key, { ...m, count: m.count + 1, roots: m.roots + rootCount(post), at: Math.max(m.at, post.create_at) });
      }
    const channels = new Map<string, { count: number; roots: number; at: number }>();
    // The author has read their own posts.
    const authors = new Map<string, { channelId: string; userId: string; count: number; roots: number; at: number }>();
    for (const post of posts) {
      const c = channels.get(post.channel_id) ?? { count: 0, roots: 0, at: 0 };
      channels.set(post.channel_id, { count: c.count + 1, roots: c.roots + rootCount(post), at: Math.max(c.at, post.create_at) });
      const key = `${post.channel_id}:${post.user_id}`;
      const a = authors.get(key) ?? { channelId: post.channel_id, userId: post.user_id, count: 0, roots: 0, at: 0 };
      authors.set(key, { ...a, count: a.count + 1, roots: a.roots + rootCount(post), at: Math.max(a.at, post.create_at) });
    }
    await this.host.db.transaction().execute(async (trx) => {
      for (const { alongside } of group) await alongside?.before?.(trx);
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
      for (const [channelId, c] of channels)
        await trx.executeQuery(CompiledQuery.raw(writes.countPost, [c.at, c.count, c.roots, channelId]));
      for (const a of authors.values())
        await trx.executeQuery(CompiledQuery.raw(writes.markReadByAuthor, [a.at, a.at, a.count, a.roots, a.channelId, a.userId]));
      for (const m of mentioned.values())
        await trx.executeQuery(CompiledQuery.raw(writes.countMention, [m.at, m.count, m.roots, m.channelId, m.userId]));
      for (const { alongside } of group) await alongside?.after?.(trx);
    });
  }
}

/** 1 for a root post, 0 for a reply: what a `_root` counter adds for it. */
function rootCount(post: Pick<Post, "root_id">): number {
  return post.root_id ? 0 : 1;
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
export async function postCreator(
  host: Host,
  props: {
    input: unknown;
    author: PostAuthor;
    /** Writes committed with the post (see {@link PostAlongside}); `committed` runs after the commit, before `posted` goes out. */
    alongside?: PostAlongside & { committed?(): void };
  },
): Promise<Post> {
  const parsed = newPostSchema.safeParse(props.input);
  if (!parsed.success) throw fromZodError(parsed.error, "api.post.create.invalid");
  const input = parsed.data;
  const fileIds = input.file_ids ?? [];
  // A post of files alone is a post, as in Mattermost.
  if (fileIds.length === 0) checkNotEmpty(input);
  if (input.type && !mayUseType(props.author.via, input.type)) {
    // Post types are cards rendered as a plugin's own (e.g. the Incident bot's updates); people could forge them.
    throw badRequest("api.post.create.type", `type: "${input.type}" is reserved for the system and plugins`);
  }
  // Only the webhook route may say a post came from a webhook or override its author's name.
  if (props.author.via === "api" && input.props) input.props = withoutWebhookProps(input.props);
  const channel = await getChannelRow(host, input.channel_id);
  if (!channel) throw notFound("channel", "channel_id: channel not found, or you do not have access to it");
  if (channel.delete_at !== 0) {
    // An archived channel stays readable to who could read it (as in Mattermost); nobody posts in it.
    if (!props.author.trusted && !(await canReadChannel(host, props.author.user, channel)))
      throw notFound("channel", "channel_id: channel not found, or you do not have access to it");
    throw badRequest(
      "api.post.create_post.can_not_post_to_deleted.error",
      "channel_id: the channel is archived; nothing can be posted in it",
    );
  }
  if (!props.author.trusted && !(await canPostInChannel(host, props.author.user, channel))) {
    // A private channel's outsiders learn nothing, not even that it exists.
    if (!(await canReadChannel(host, props.author.user, channel)))
      throw notFound("channel", "channel_id: channel not found, or you do not have access to it");
    throw forbidden("You must be a member of this channel to post in it.");
  }
  if (input.root_id) await checkRoot(host, { rootId: input.root_id, channelId: channel.id });
  await checkAttachable(host, { fileIds, userId: props.author.user.id, channelId: channel.id });
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
  // A system post (who joined, left, was added) names people without mentioning them, as in Mattermost.
  const mentions = checked.post.type.startsWith("system_") ? [] : await postMentions(host, { post: checked.post, channel });
  await host.postWriter.write(checked.post, mentions, props.alongside);
  props.alongside?.committed?.();
  const files = await filesAttacher(host, { fileIds, postId: checked.post.id });
  // A reply carries its thread's count, as the root does, so a client can show it without asking.
  const rootId = checked.post.root_id;
  if (rootId) await replyFollowers(host, { reply: checked.post, mentions });
  const post: Post = postWithFiles(
    {
      ...withDerivedFields(checked.post),
      reply_count: rootId ? ((await replyCounts(host, [rootId])).get(rootId) ?? 0) : 0,
      pending_post_id: input.pending_post_id ?? "",
    },
    files,
  );
  host.caches.channels.bumpCounters(channel.id, now, !rootId);
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
      // The author is active: clients show them online (Mattermost's REST `?set_online=false` is not served).
      set_online: true,
    },
    { channelId: channel.id },
  );
  host.hooks.firePosted(post);
  return post;
}

/**
 * Refuse a reply whose root is not a live root post of the same channel, as
 * Mattermost does (`api.post.create_post.root_id.app_error`): a reply to a
 * reply is refused, not moved to its thread. One answer for a missing post
 * and one of another channel, so no post of a private channel is confirmed.
 */
async function checkRoot(host: Host, props: { rootId: string; channelId: string }): Promise<void> {
  const root = await host.db
    .selectFrom("posts")
    .select(["channel_id", "root_id"])
    .where("id", "=", props.rootId)
    .where("delete_at", "=", 0)
    .executeTakeFirst();
  if (!root || root.channel_id !== props.channelId)
    throw badRequest("api.post.create.root_id", "root_id: no post with this id in this channel");
  if (root.root_id) throw badRequest("api.post.create.root_id", "root_id: is a reply; reply to the thread's root post instead");
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

/** The live posts with these ids (those there are), newest first, with their `reply_count`. */
export async function postsByIds(host: Pick<Host, "db">, postIds: readonly string[]): Promise<Post[]> {
  const rows = await host.db
    .selectFrom("posts")
    .selectAll()
    .where("id", "in", [...new Set(postIds)])
    .where("delete_at", "=", 0)
    .orderBy("create_at", "desc")
    .orderBy("id", "desc")
    .execute();
  return presentPosts(host, rows);
}

/** A live (not deleted) post by id, with its `reply_count`, or null. */
export async function getPost(host: Pick<Host, "db">, postId: string): Promise<Post | null> {
  const row = await host.db.selectFrom("posts").selectAll().where("id", "=", postId).where("delete_at", "=", 0).executeTakeFirst();
  if (!row) return null;
  const [post] = await presentPosts(host, [row]);
  return post ?? null;
}

/** How to page through a thread, as Mattermost's `GET /posts/{id}/thread` takes it. */
export interface ThreadPaging {
  /** Posts of the thread per page (the asked-for post aside); 0 for all of them. */
  perPage: number;
  /** `down`: oldest first, pages go forward in time; `up` (or none): newest first, pages go back. */
  direction?: "up" | "down";
  /** Start after this time: posts later than it (`down`) or earlier (`up`). */
  fromCreateAt?: number;
  /** With {@link fromCreateAt}: start after this post among those created at that very time. */
  fromPost?: string;
  /** Only the asked-for post, none of its thread. */
  skipFetchThreads?: boolean;
}

/**
 * A page of a post's thread as Mattermost's `GET /posts/{id}/thread`
 * answers it: the asked-for post first, always, then the page of the thread
 * (its root and live replies, the asked-for post left out) in `direction`'s
 * order, from `fromCreateAt`/`fromPost` on; `has_next` when the thread goes
 * on past the page (the next page starts from the page's last post).
 */
export async function postThread(host: Pick<Host, "db">, props: { post: Post; paging: ThreadPaging }): Promise<PostList> {
  const { post, paging } = props;
  const posts: Record<string, Post> = { [post.id]: post };
  const order = [post.id];
  if (paging.skipFetchThreads) return { order, posts, next_post_id: "", prev_post_id: "", has_next: false };
  const rootId = threadIdOf(post);
  const ascending = paging.direction === "down";
  let query = host.db
    .selectFrom("posts")
    .selectAll()
    .where((eb) => eb.or([eb("id", "=", rootId), eb.and([eb("root_id", "=", rootId), eb("root_id", "<>", "")])]))
    .where("delete_at", "=", 0);
  const from = paging.fromCreateAt;
  if (from !== undefined && from > 0) {
    const op = ascending ? ">" : "<";
    const fromPost = paging.fromPost;
    query = fromPost
      ? query.where((eb) => eb.or([eb("create_at", op, from), eb.and([eb("create_at", "=", from), eb("id", op, fromPost)])]))
      : query.where("create_at", op, from);
  }
  query = query.orderBy("create_at", ascending ? "asc" : "desc").orderBy("id", ascending ? "asc" : "desc");
  if (paging.perPage > 0) query = query.limit(paging.perPage + 1);
  const rows = await query.execute();
  const hasNext = paging.perPage > 0 && rows.length > paging.perPage;
  const page = (hasNext ? rows.slice(0, paging.perPage) : rows).filter((r) => r.id !== post.id);
  for (const p of await presentPosts(host, page)) {
    posts[p.id] = p;
    order.push(p.id);
  }
  return { order, posts, next_post_id: "", prev_post_id: "", has_next: hasNext };
}

/** What `GET /channels/{id}/posts` asks for, as Client4's `getPosts`, `getPostsBefore`, `getPostsAfter` and `getPostsSince` send it. */
export interface ChannelPostsQuery {
  channelId: string;
  page: number;
  perPage: number;
  /** Older than this post (newest first); `page` pages on from it. */
  before?: string;
  /** Newer than this post (still listed newest first); `page` pages on from it. */
  after?: string;
  /** Every post changed (`update_at`) after this time, deleted ones included, so a client can catch up. */
  since?: number;
  /** Root posts only (collapsed reply threads): replies are read through their thread. */
  collapsedThreads?: boolean;
  /** Leave out the root posts of listed replies (which are otherwise in `posts`, not in `order`). */
  skipFetchThreads?: boolean;
}

/** A position in a channel's timeline: a post's time, its id breaking ties. */
interface TimelinePoint {
  create_at: number;
  id: string;
}

/** Mattermost's cap on `since` (`GetPostsSince`): the client catches up in one answer. */
const SINCE_MAX = 1000;

/** The live posts of a channel (root posts only with `collapsedThreads`). */
function livePostsOf(host: Pick<Host, "db">, props: { channelId: string; collapsedThreads?: boolean }) {
  const query = host.db.selectFrom("posts").where("channel_id", "=", props.channelId).where("delete_at", "=", 0);
  return props.collapsedThreads ? query.where("root_id", "=", "") : query;
}

/**
 * The id of the live post next to `point` in the channel's timeline, newer
 * (`after`) or older (`before`), or "" when there is none — Mattermost's
 * `GetPostIdAfterTime`/`GetPostIdBeforeTime`, with ties broken by id.
 */
async function neighbourPostId(
  host: Pick<Host, "db">,
  props: { channelId: string; collapsedThreads?: boolean; point: TimelinePoint; side: "before" | "after" },
): Promise<string> {
  const op = props.side === "after" ? ">" : "<";
  const direction = props.side === "after" ? "asc" : "desc";
  const { point } = props;
  const row = await livePostsOf(host, props)
    .select("id")
    .where((eb) => eb.or([eb("create_at", op, point.create_at), eb.and([eb("create_at", "=", point.create_at), eb("id", op, point.id)])]))
    .orderBy("create_at", direction)
    .orderBy("id", direction)
    .limit(1)
    .executeTakeFirst();
  return row?.id ?? "";
}

/** The post a `before`/`after` cursor names, in this channel; a 400 naming the field when it is not there. */
async function cursorPoint(host: Pick<Host, "db">, props: { channelId: string; postId: string; field: "before" | "after" }) {
  const anchor = await host.db
    .selectFrom("posts")
    .select(["create_at", "id"])
    .where("id", "=", props.postId)
    .where("channel_id", "=", props.channelId)
    .executeTakeFirst();
  if (!anchor) throw badRequest(`api.post.list.${props.field}`, `${props.field}: no post with this id in this channel`);
  return anchor;
}

/** A list's `posts` with the root posts of its replies added (not to `order`), as Mattermost sends them. */
async function withThreadRoots(host: Pick<Host, "db">, posts: Record<string, Post>): Promise<Record<string, Post>> {
  const missing = [...new Set(Object.values(posts).map((p) => p.root_id))].filter((id) => id && !posts[id]);
  if (missing.length === 0) return posts;
  const rows = await host.db.selectFrom("posts").selectAll().where("id", "in", missing).where("delete_at", "=", 0).execute();
  const roots = await presentPosts(host, rows);
  return { ...posts, ...Object.fromEntries(roots.map((p) => [p.id, p])) };
}

/** A deleted post as `since` lists it: its id, times and place kept, what it said gone. */
function deletedShell(post: Post): Post {
  return { ...post, message: "", props: {}, hashtags: "", metadata: {} };
}

/** `since`: every post changed after the time, newest first, with no cursors (as Mattermost answers it). */
async function postsChangedSince(host: Pick<Host, "db">, query: ChannelPostsQuery & { since: number }): Promise<PostList> {
  let select = host.db.selectFrom("posts").selectAll().where("channel_id", "=", query.channelId).where("update_at", ">", query.since);
  if (query.collapsedThreads) select = select.where("root_id", "=", "");
  const rows = await select.orderBy("create_at", "desc").orderBy("id", "desc").limit(SINCE_MAX).execute();
  const shown = (await presentPosts(host, rows)).map((p) => (p.delete_at ? deletedShell(p) : p));
  const posts = Object.fromEntries(shown.map((p) => [p.id, p]));
  return {
    order: shown.map((p) => p.id),
    posts: query.skipFetchThreads || query.collapsedThreads ? posts : await withThreadRoots(host, posts),
    next_post_id: "",
    prev_post_id: "",
    has_next: false,
  };
}

/**
 * A page of a channel's posts, newest first, as Mattermost lists them:
 * `page`/`per_page` from the newest, or from a `before`/`after` post;
 * `since` for what changed. The cursors are Mattermost's
 * (`AddCursorIdsForPostList`): `prev_post_id` is the post just older than
 * the page and `next_post_id` the one just newer, "" when there is none; the
 * first page after `after` has it as `prev_post_id`, the first before
 * `before` has it as `next_post_id`. `has_next`: `next_post_id` is not "".
 */
export async function postsOfChannel(host: Host, query: ChannelPostsQuery): Promise<PostList> {
  if (query.since !== undefined) return postsChangedSince(host, { ...query, since: query.since });
  let select = livePostsOf(host, query).selectAll();
  const before = query.before ? await cursorPoint(host, { channelId: query.channelId, postId: query.before, field: "before" }) : undefined;
  const after = query.after ? await cursorPoint(host, { channelId: query.channelId, postId: query.after, field: "after" }) : undefined;
  if (before)
    select = select.where((eb) =>
      eb.or([eb("create_at", "<", before.create_at), eb.and([eb("create_at", "=", before.create_at), eb("id", "<", before.id)])]),
    );
  if (after)
    select = select.where((eb) =>
      eb.or([eb("create_at", ">", after.create_at), eb.and([eb("create_at", "=", after.create_at), eb("id", ">", after.id)])]),
    );
  const direction = after && !before ? "asc" : "desc";
  const rows = await select
    .orderBy("create_at", direction)
    .orderBy("id", direction)
    .limit(query.perPage)
    .offset(query.page * query.perPage)
    .execute();
  if (direction === "asc") rows.reverse();
  const listed = await presentPosts(host, rows);
  const newest = rows[0];
  const oldest = rows[rows.length - 1];
  const side = { channelId: query.channelId, collapsedThreads: query.collapsedThreads };
  let next = newest ? await neighbourPostId(host, { ...side, point: newest, side: "after" }) : "";
  let prev = oldest ? await neighbourPostId(host, { ...side, point: oldest, side: "before" }) : "";
  if (query.before && query.page === 0) next = query.before;
  if (query.after && query.page === 0) prev = query.after;
  const posts = Object.fromEntries(listed.map((p) => [p.id, p]));
  return {
    order: listed.map((p) => p.id),
    posts: query.skipFetchThreads || query.collapsedThreads ? posts : await withThreadRoots(host, posts),
    next_post_id: next,
    prev_post_id: prev,
    has_next: next !== "",
  };
}
