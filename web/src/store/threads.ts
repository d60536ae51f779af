/**
 * @module store/threads
 * Threads (Mattermost's collapsed reply threads): a root post and its replies,
 * opened in the right-hand sidebar. The channel lists roots only; a root
 * carries its `reply_count`, kept current as replies arrive and go.
 */
import { postListSchema } from "#common/wire-schemas.ts";
import type { Post } from "#common/wire.ts";
import { ApiError, errorMessage } from "../api/client.ts";
import type { Services } from "./services.ts";
import type { AppState } from "./state.ts";
import { usersEnsurer } from "./users.ts";

type Deps = Pick<Services, "api" | "store">;

/** The id of the thread a post belongs to: its root's (a root is its own thread). */
export function threadIdOf(post: Pick<Post, "id" | "root_id">): string {
  return post.root_id || post.id;
}

/** Sort ids by their posts' creation, oldest first (an id whose post is gone sorts first). */
function byCreation(state: Pick<AppState, "posts">, ids: Iterable<string>): string[] {
  const createdAt = (id: string) => state.posts[id]?.create_at ?? 0;
  return [...new Set(ids)].sort((a, b) => createdAt(a) - createdAt(b) || a.localeCompare(b));
}

/**
 * A reply (or the root) added to its thread's list when that thread is
 * loaded. The post itself must already be in `state.posts`.
 */
export function withThreadPost(state: AppState, post: Post): AppState {
  const threadId = threadIdOf(post);
  const thread = state.threads[threadId];
  if (!thread || thread.status !== "loaded" || thread.order.includes(post.id)) return state;
  return { ...state, threads: { ...state.threads, [threadId]: { ...thread, order: byCreation(state, [...thread.order, post.id]) } } };
}

/**
 * The root's `reply_count` after a reply arrived: the count the server sent
 * with it (the thread's count, this reply included), never lower than the one
 * shown (an answer may arrive after a later reply's event).
 */
export function withReplyCounted(state: AppState, reply: Post, props: { isNew: boolean }): AppState {
  const root = reply.root_id ? state.posts[reply.root_id] : undefined;
  if (!root) return state;
  const shown = root.reply_count ?? 0;
  const count = Math.max(shown, reply.reply_count ?? shown + (props.isNew ? 1 : 0));
  return count === shown ? state : { ...state, posts: { ...state.posts, [root.id]: { ...root, reply_count: count } } };
}

/**
 * Load a thread (its root and every reply, oldest first) for the right-hand
 * sidebar, again after a reconnect. A thread the user may not read, or that is
 * gone, is kept as `missing` with the server's message.
 */
export async function threadLoader(services: Deps, rootId: string): Promise<void> {
  let posts: Post[];
  try {
    const list = await services.api.get(`/api/v4/posts/${rootId}/thread`, postListSchema, { direction: "down" });
    posts = list.order.map((id) => list.posts[id]).filter((p): p is Post => p !== undefined);
  } catch (error) {
    const message =
      error instanceof ApiError && error.status === 404
        ? "This thread does not exist, or you do not have access to it."
        : errorMessage(error);
    services.store.update((s) => ({ ...s, threads: { ...s.threads, [rootId]: { order: [], status: "missing", message } } }));
    return;
  }
  services.store.update((s) => {
    const all = { ...s.posts };
    for (const post of posts) all[post.id] = post;
    const loaded = posts.map((p) => p.id);
    // Replies that arrived over the WebSocket while this answer was on its way stay.
    const newest = posts[posts.length - 1]?.create_at ?? 0;
    const arrived = (s.threads[rootId]?.order ?? []).filter((id) => !loaded.includes(id) && (all[id]?.create_at ?? 0) > newest);
    const next = { ...s, posts: all };
    return { ...next, threads: { ...s.threads, [rootId]: { order: byCreation(next, [...loaded, ...arrived]), status: "loaded" } } };
  });
  void usersEnsurer(
    services,
    posts.map((p) => p.user_id),
  );
}

/**
 * Open a post's thread in the right-hand sidebar (over the plugin panel,
 * which comes back when it is closed). Asking again for the open thread
 * moves the focus to its reply box.
 */
export function threadOpener(services: Pick<Services, "store">, post: Pick<Post, "id" | "root_id">): void {
  services.store.update((s) => ({ ...s, rhs: { kind: "thread", rootId: threadIdOf(post) } }));
}
