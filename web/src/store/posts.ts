/**
 * @module store/posts
 * A channel's posts: the latest page, older pages, sending (a reply with its
 * root), editing and deleting, and the client-side ephemeral posts ("Only
 * visible to you"). The changes that arrive as events (`post_edited`,
 * `post_deleted`) are applied by the same pure updates as one's own.
 */
import { postListSchema, postSchema, statusOkSchema } from "#common/wire-schemas.ts";
import { isSystemAdmin, type Post, type PostList, type User } from "#common/wire.ts";
import type { Services } from "./services.ts";
import { withPosts, type AppState, type PostLocation } from "./state.ts";
import { withReplyCounted, withThreadPost } from "./threads.ts";
import { usersEnsurer } from "./users.ts";

type Deps = Pick<Services, "api" | "store">;
const PAGE_SIZE = 60;

function postsOf(list: PostList): Post[] {
  return list.order.map((id) => list.posts[id]).filter((p): p is Post => p !== undefined);
}

/** True for a post made in this browser only (an ephemeral message), never stored on the server. */
export function isLocalPost(post: Pick<Post, "id">): boolean {
  return post.id.startsWith("local-");
}

/**
 * Drop the posts of a channel's list that a fresh newest page shows are gone
 * (deleted while this browser was not listening): of those listed when the
 * page was asked for (`asked`; what arrived since stays), those since the
 * page's oldest post, or all of them when the page is the whole channel.
 */
function withoutVanished(state: AppState, props: { page: Post[]; asked: ReadonlySet<string> }): AppState {
  const onPage = new Set(props.page.map((p) => p.id));
  const since = props.page.length >= PAGE_SIZE ? Math.min(...props.page.map((p) => p.create_at)) : -Infinity;
  const gone = [...props.asked]
    .map((id) => state.posts[id])
    .filter(
      (p): p is Post => p !== undefined && !isLocalPost(p) && p.type !== "system_ephemeral" && !onPage.has(p.id) && p.create_at >= since,
    );
  return gone.reduce((s, post) => withoutPost(s, { post }), state);
}

/** Load the newest page of a channel (again, e.g. after a reconnect). */
export async function latestPostsLoader(services: Deps, channelId: string): Promise<void> {
  const asked = new Set(services.store.get().postsByChannel[channelId]?.order);
  const list = await services.api.get(`/api/v4/channels/${channelId}/posts`, postListSchema, { per_page: PAGE_SIZE });
  const posts = postsOf(list);
  const known = services.store.get().postsByChannel[channelId];
  services.store.update((s) =>
    withPosts(withoutVanished(s, { page: posts, asked }), channelId, posts, known ? {} : { hasMore: posts.length >= PAGE_SIZE }),
  );
  void usersEnsurer(
    services,
    posts.map((p) => p.user_id),
  );
}

/** Load the page before the oldest loaded post. */
export async function olderPostsLoader(services: Deps, channelId: string): Promise<void> {
  const current = services.store.get().postsByChannel[channelId];
  if (!current || !current.hasMore || current.loadingOlder) return;
  const oldest = current.order.find((id) => !services.store.get().posts[id]?.type.startsWith("system_ephemeral"));
  if (!oldest) return;
  services.store.update((s) => ({ ...s, postsByChannel: { ...s.postsByChannel, [channelId]: { ...current, loadingOlder: true } } }));
  try {
    const list = await services.api.get(`/api/v4/channels/${channelId}/posts`, postListSchema, { before: oldest, per_page: PAGE_SIZE });
    const posts = postsOf(list);
    services.store.update((s) => withPosts(s, channelId, posts, { hasMore: posts.length >= PAGE_SIZE, loadingOlder: false }));
    void usersEnsurer(
      services,
      posts.map((p) => p.user_id),
    );
  } catch (error) {
    services.store.update((s) => {
      const loading = s.postsByChannel[channelId];
      return loading ? { ...s, postsByChannel: { ...s.postsByChannel, [channelId]: { ...loading, loadingOlder: false } } } : s;
    });
    throw error;
  }
}

/**
 * A post that arrived, in the state: in its channel's list when that channel
 * is loaded (a reply too: the channel view shows roots only), in its thread
 * when that is open, and counted in its root's `reply_count`.
 */
export function withReceivedPost(state: AppState, post: Post): AppState {
  const isNew = !state.posts[post.id];
  const threadOpen = state.threads[post.root_id]?.status === "loaded";
  let next = state;
  if (state.postsByChannel[post.channel_id]) next = withPosts(next, post.channel_id, [post]);
  else if (threadOpen) next = { ...next, posts: { ...next.posts, [post.id]: post } };
  if (!post.root_id) return next;
  return withThreadPost(withReplyCounted(next, post, { isNew }), post);
}

/** Add a post that arrived (over the WebSocket or as an answer). */
export function postReceiver(services: Deps, post: Post): void {
  const before = services.store.get();
  services.store.update((s) => withReceivedPost(s, post));
  if (services.store.get() !== before) void usersEnsurer(services, [post.user_id]);
}

/**
 * An edited post (`post_edited`, or the answer to an edit) in place of the
 * one shown. What the event does not carry (its reactions and files, in
 * `metadata`) is kept. A post not loaded here is left alone.
 */
export function withPostEdited(state: AppState, post: Post): AppState {
  const shown = state.posts[post.id];
  if (!shown) return state;
  const metadata = shown.metadata || post.metadata ? { ...shown.metadata, ...post.metadata } : undefined;
  return { ...state, posts: { ...state.posts, [post.id]: { ...shown, ...post, ...(metadata ? { metadata } : {}) } } };
}

/**
 * The state without a deleted post (`post_deleted`, or one's own delete):
 * gone from its channel and thread; a root takes its replies with it (the
 * server deletes them too) and its open thread is marked `deleted`; a reply
 * lowers its root's `reply_count` — to `replyCount`, the thread's count the
 * event carries, or by one when none is known.
 */
export function withoutPost(state: AppState, props: { post: Post; replyCount?: number }): AppState {
  const { post } = props;
  const wasShown = state.posts[post.id] !== undefined;
  const ids = new Set([post.id]);
  if (!post.root_id) for (const each of Object.values(state.posts)) if (each.root_id === post.id) ids.add(each.id);
  const posts = { ...state.posts };
  for (const id of ids) delete posts[id];
  const root = post.root_id ? posts[post.root_id] : undefined;
  if (root) {
    const count = props.replyCount ?? Math.max(0, (root.reply_count ?? 0) - (wasShown ? 1 : 0));
    posts[root.id] = { ...root, reply_count: count };
  }
  const list = state.postsByChannel[post.channel_id];
  const postsByChannel = list
    ? { ...state.postsByChannel, [post.channel_id]: { ...list, order: list.order.filter((id) => !ids.has(id)) } }
    : state.postsByChannel;
  const threads = { ...state.threads };
  const ownThread = threads[post.id];
  if (ownThread) threads[post.id] = { order: [], status: "deleted" };
  const parentThread = post.root_id ? threads[post.root_id] : undefined;
  if (parentThread) threads[post.root_id] = { ...parentThread, order: parentThread.order.filter((id) => id !== post.id) };
  const editing = state.editing && ids.has(state.editing.postId) ? null : state.editing;
  return { ...state, posts, postsByChannel, threads, editing };
}

/** True when `me` may edit the post: their own, never a bot's record, a webhook's post or a system message (policies/post.ts). */
export function isPostEditable(post: Post, props: { me: User | null | undefined; author: User | undefined }): boolean {
  const { me, author } = props;
  if (!me || post.user_id !== me.id || isLocalPost(post)) return false;
  return !post.type.startsWith("system_") && post.props.from_webhook !== "true" && author?.is_bot !== true;
}

/** True when `me` may delete the post: their own, or any as a system admin. */
export function isPostDeletable(post: Post, me: User | null | undefined): boolean {
  if (!me || isLocalPost(post) || post.type === "system_ephemeral") return false;
  return post.user_id === me.id || isSystemAdmin(me);
}

/**
 * The user's last post they may edit, for the Up arrow in an empty composer
 * (as in Mattermost): in a thread (`rootId`), its last such post; in a
 * channel, its last such root post (replies are in their threads).
 */
export function lastEditablePost(state: AppState, props: { channelId: string; rootId?: string }): Post | undefined {
  const order = props.rootId ? (state.threads[props.rootId]?.order ?? []) : (state.postsByChannel[props.channelId]?.order ?? []);
  for (let i = order.length - 1; i >= 0; i--) {
    const post = state.posts[order[i] ?? ""];
    if (!post || (!props.rootId && post.root_id)) continue;
    if (isPostEditable(post, { me: state.me, author: state.users[post.user_id] })) return post;
  }
  return undefined;
}

/** Start editing a post inline, where it is shown (`location`); one post at a time. */
export function postEditOpener(services: Pick<Services, "store">, props: { postId: string; location: PostLocation }): void {
  services.store.update((s) => ({ ...s, editing: { postId: props.postId, location: props.location } }));
}

/** Stop editing (saved or cancelled). */
export function postEditCloser(services: Pick<Services, "store">): void {
  services.store.update((s) => (s.editing ? { ...s, editing: null } : s));
}

/** Change a post's message (`PUT /posts/{id}/patch`); the edit shows here at once and everywhere through `post_edited`. */
export async function postEditor(services: Deps, props: { postId: string; message: string }): Promise<Post> {
  const post = await services.api.read(postSchema, `/api/v4/posts/${props.postId}/patch`, {
    method: "PUT",
    body: { message: props.message },
  });
  services.store.update((s) => withPostEdited(s, post));
  return post;
}

/** Delete a post (a root with its replies); gone here at once and everywhere through `post_deleted`. */
export async function postRemover(services: Deps, post: Post): Promise<void> {
  await services.api.read(statusOkSchema, `/api/v4/posts/${post.id}`, { method: "DELETE" });
  services.store.update((s) => withoutPost(s, { post }));
}

/** Show a message to this user only, in a channel. */
export function ephemeralPoster(services: Deps, props: { channelId: string; message: string }): void {
  const me = services.store.get().me;
  const now = Date.now();
  postReceiver(services, {
    id: `local-${crypto.randomUUID()}`,
    channel_id: props.channelId,
    user_id: me?.id ?? "",
    root_id: "",
    message: props.message,
    type: "system_ephemeral",
    props: {},
    create_at: now,
    update_at: now,
    edit_at: 0,
    delete_at: 0,
  });
}

/** Post a message to a channel, or a reply to the thread of `rootId`, with the ids of uploaded files (store/files.ts) when it carries some. */
export async function postSender(
  services: Deps,
  props: { channelId: string; message: string; rootId?: string; fileIds?: string[] },
): Promise<Post> {
  const files = props.fileIds?.length ? { file_ids: props.fileIds } : {};
  const root = props.rootId ? { root_id: props.rootId } : {};
  const post = await services.api.post(
    "/api/v4/posts",
    { channel_id: props.channelId, message: props.message, ...root, ...files },
    postSchema,
  );
  postReceiver(services, post);
  return post;
}
