/**
 * @module forwarding/post-text
 * What forwarding rules read of a post: its text (the one definition in
 * `#common/text-match.ts`, shared with workflows) and the names its author
 * goes by (`from_users`).
 */
import type { Post } from "#common/wire.ts";
import { asText, postText } from "#common/text-match.ts";

/** The text forwarding reads: the one "text of a post" of `#common/text-match.ts`. */
export { postText as forwardableText };

/**
 * Names a post's author goes by, lowercased: the username, and for a post
 * made through an incoming webhook the name it was posted under
 * (`override_username`) and the webhook's display name.
 */
export function authorNames(post: Pick<Post, "props">, username: string | undefined): string[] {
  const names: string[] = [];
  if (username) names.push(username.toLowerCase());
  if (post.props?.from_webhook === "true") {
    for (const key of ["override_username", "webhook_display_name"]) {
      const name = asText(post.props[key]).trim().toLowerCase();
      if (name) names.push(name);
    }
  }
  return names;
}
