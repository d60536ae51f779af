/**
 * @module store/reactions
 * Emoji reactions, kept on each post's `metadata.reactions` (where the server
 * sends them with the post): adding and taking back one's own, and the
 * `reaction_added` / `reaction_removed` events, applied by the same updates.
 */
import { reactionSchema } from "#common/wire-schemas.ts";
import type { Post, Reaction } from "#common/wire.ts";
import type { Services } from "./services.ts";
import type { AppState } from "./state.ts";

type Deps = Pick<Services, "api" | "store">;

/** The post's reactions, oldest first. */
export function reactionsOf(post: Post): Reaction[] {
  return post.metadata?.reactions ?? [];
}

function sameReaction(a: Pick<Reaction, "user_id" | "emoji_name">, b: Pick<Reaction, "user_id" | "emoji_name">): boolean {
  return a.user_id === b.user_id && a.emoji_name === b.emoji_name;
}

function withReactionsOf(state: AppState, post: Post, reactions: Reaction[]): AppState {
  const next: Post = { ...post, has_reactions: reactions.length > 0, metadata: { ...post.metadata, reactions } };
  return { ...state, posts: { ...state.posts, [post.id]: next } };
}

/** A reaction added to its post (once: the answer and the event may both arrive). */
export function withReaction(state: AppState, reaction: Reaction): AppState {
  const post = state.posts[reaction.post_id];
  if (!post || reactionsOf(post).some((r) => sameReaction(r, reaction))) return state;
  return withReactionsOf(state, post, [...reactionsOf(post), reaction]);
}

/** A reaction taken off its post. */
export function withoutReaction(state: AppState, reaction: Pick<Reaction, "post_id" | "user_id" | "emoji_name">): AppState {
  const post = state.posts[reaction.post_id];
  if (!post || !reactionsOf(post).some((r) => sameReaction(r, reaction))) return state;
  return withReactionsOf(
    state,
    post,
    reactionsOf(post).filter((r) => !sameReaction(r, reaction)),
  );
}

/** One emoji's reactions on a post: who reacted, in the order they did. */
export interface ReactionGroup {
  emojiName: string;
  userIds: string[];
}

/** A post's reactions grouped by emoji, each group where its emoji was first used. */
export function reactionGroups(post: Post): ReactionGroup[] {
  const groups = new Map<string, ReactionGroup>();
  for (const reaction of reactionsOf(post)) {
    const group = groups.get(reaction.emoji_name);
    if (group) group.userIds.push(reaction.user_id);
    else groups.set(reaction.emoji_name, { emojiName: reaction.emoji_name, userIds: [reaction.user_id] });
  }
  return [...groups.values()];
}

/** React to a post with an emoji as the signed-in user; reacting again with the same one changes nothing. */
export async function reactionAdder(services: Deps, props: { postId: string; emojiName: string }): Promise<void> {
  const me = services.store.get().me;
  if (!me) return;
  const reaction = await services.api.post(
    "/api/v4/reactions",
    { user_id: me.id, post_id: props.postId, emoji_name: props.emojiName },
    reactionSchema,
  );
  services.store.update((s) => withReaction(s, reaction));
}

/** Take back the signed-in user's reaction. */
export async function reactionRemover(services: Deps, props: { postId: string; emojiName: string }): Promise<void> {
  const me = services.store.get().me;
  if (!me) return;
  await services.api.delete(`/api/v4/users/${me.id}/posts/${props.postId}/reactions/${encodeURIComponent(props.emojiName)}`);
  services.store.update((s) => withoutReaction(s, { post_id: props.postId, user_id: me.id, emoji_name: props.emojiName }));
}

/** Add the signed-in user's reaction with this emoji, or take it back when it is there (a reaction chip's click). */
export function reactionToggler(services: Deps, props: { postId: string; emojiName: string }): Promise<void> {
  const { me, posts } = services.store.get();
  const post = posts[props.postId];
  const mine = post !== undefined && reactionsOf(post).some((r) => r.user_id === me?.id && r.emoji_name === props.emojiName);
  return mine ? reactionRemover(services, props) : reactionAdder(services, props);
}
