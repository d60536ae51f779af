/**
 * @module components/post-author
 * Who a post shows as its author, and which posts group under one header.
 * A webhook post shows its override username (or the webhook's name), a bot's
 * post its bot, with a badge either way; posts group by what is shown, so a
 * webhook's or a bot's post never merges into a person's run of posts, nor
 * two webhooks' posts under one name (Mattermost groups the same way).
 */
import type { Post, User } from "#common/wire.ts";
import { displayName } from "../store/users.ts";

/** The author a post shows. */
export interface ShownAuthor {
  /** Posts with the same key (and type, close in time) group under one header. */
  key: string;
  name: string;
  /** "BOT" for a bot account's post, "WEBHOOK" for an incoming webhook's, null for a person's. */
  badge: "BOT" | "WEBHOOK" | null;
}

const SAME_AUTHOR_MS = 5 * 60 * 1000;

function propText(post: Post, name: string): string {
  const value = post.props[name];
  return typeof value === "string" ? value : "";
}

/**
 * The author `post` shows, given its user (when loaded).
 * @example shownAuthor({ ...post, props: { from_webhook: "true", override_username: "alertmanager" } }, alice) // { key: "webhook:…:alertmanager", name: "alertmanager", badge: "WEBHOOK" }
 */
export function shownAuthor(post: Post, author: User | undefined): ShownAuthor {
  if (propText(post, "from_webhook") === "true") {
    const name = propText(post, "override_username") || propText(post, "webhook_display_name") || displayName(author);
    return { key: `webhook:${post.user_id}:${name}`, name, badge: "WEBHOOK" };
  }
  if (author?.is_bot) return { key: `bot:${post.user_id}`, name: displayName(author), badge: "BOT" };
  return { key: `user:${post.user_id}`, name: displayName(author), badge: null };
}

/** True when `post` goes under the header of `before`, the post shown just above it. */
export function isGroupedWith(props: { post: Post; before: Post | undefined; users: Readonly<Record<string, User>> }): boolean {
  const { post, before, users } = props;
  if (!before || before.type !== post.type || post.create_at - before.create_at >= SAME_AUTHOR_MS) return false;
  return shownAuthor(before, users[before.user_id]).key === shownAuthor(post, users[post.user_id]).key;
}
