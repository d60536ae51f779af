/**
 * @module store/posts
 * A channel's posts: the latest page, older pages, sending, and the
 * client-side ephemeral posts ("Only visible to you").
 */
import { postListSchema, postSchema } from "#common/wire-schemas.ts";
import type { Post, PostList } from "#common/wire.ts";
import type { Services } from "./services.ts";
import { withPosts } from "./state.ts";
import { usersEnsurer } from "./users.ts";

type Deps = Pick<Services, "api" | "store">;
const PAGE_SIZE = 60;

function postsOf(list: PostList): Post[] {
  return list.order.map((id) => list.posts[id]).filter((p): p is Post => p !== undefined);
}

/** Load the newest page of a channel (again, e.g. after a reconnect). */
export async function latestPostsLoader(services: Deps, channelId: string): Promise<void> {
  const list = await services.api.get(`/api/v4/channels/${channelId}/posts`, postListSchema, { per_page: PAGE_SIZE });
  const posts = postsOf(list);
  const known = services.store.get().postsByChannel[channelId];
  services.store.update((s) => withPosts(s, channelId, posts, known ? {} : { hasMore: posts.length >= PAGE_SIZE }));
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

/** Add a post that arrived (over the WebSocket or as an answer). */
export function postReceiver(services: Deps, post: Post): void {
  if (!services.store.get().postsByChannel[post.channel_id]) return; // loaded when the channel is opened
  services.store.update((s) => withPosts(s, post.channel_id, [post]));
  void usersEnsurer(services, [post.user_id]);
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

/** Post a message to a channel, with the ids of uploaded files (store/files.ts) when it carries some. */
export async function postSender(services: Deps, props: { channelId: string; message: string; fileIds?: string[] }): Promise<Post> {
  const files = props.fileIds?.length ? { file_ids: props.fileIds } : {};
  const post = await services.api.post("/api/v4/posts", { channel_id: props.channelId, message: props.message, ...files }, postSchema);
  postReceiver(services, post);
  return post;
}
