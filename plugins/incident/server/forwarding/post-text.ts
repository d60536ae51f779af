/**
 * @module forwarding/post-text
 * The text of a post that forwarding rules read: its message and the text of
 * its Slack-style attachments, where alert senders such as Alertmanager put
 * everything (pretext, title, text, fields' titles and values, fallback).
 */
import type { Post } from "#common/wire.ts";

function asText(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return "";
}

/**
 * The message and attachment text of a post, one part per line so that words
 * of different parts never run together; an attachment field is one line,
 * `title: value`.
 * @example forwardableText({message: "", props: {attachments: [{title: "db-prod down"}]}}) // "db-prod down"
 */
export function forwardableText(post: Pick<Post, "message" | "props">): string {
  const parts: string[] = [];
  if (post.message) parts.push(post.message);
  const attachments = post.props?.attachments;
  if (Array.isArray(attachments)) {
    for (const attachment of attachments) {
      if (!attachment || typeof attachment !== "object") continue;
      const a = attachment as Record<string, unknown>;
      for (const key of ["pretext", "title", "text", "fallback"]) {
        const text = asText(a[key]);
        if (text) parts.push(text);
      }
      if (Array.isArray(a.fields)) {
        for (const field of a.fields) {
          if (!field || typeof field !== "object") continue;
          const f = field as Record<string, unknown>;
          // "severity: critical" on one line reads well in a copy; ": " keeps the words apart for matching.
          const line = [asText(f.title), asText(f.value)].filter(Boolean).join(": ");
          if (line) parts.push(line);
        }
      }
    }
  }
  return parts.join("\n");
}

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
