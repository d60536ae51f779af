/**
 * @module automation/text-match
 * How `message_posted` conditions read a post: its message plus the text of
 * its Slack-style attachments (alert senders such as Alertmanager put
 * everything there), a case-insensitive substring test, and the whole-word
 * keyword rule of message forwarding (DESIGN.md section 4).
 */
import type { Post } from "#common/wire.ts";

/** The searchable text of a post: message, then each attachment's pretext, title, text, fields and fallback. */
export function postText(post: Pick<Post, "message" | "props">): string {
  const parts = [post.message];
  const attachments = post.props?.attachments;
  if (Array.isArray(attachments)) {
    for (const attachment of attachments) {
      if (!attachment || typeof attachment !== "object") continue;
      const a = attachment as Record<string, unknown>;
      for (const key of ["pretext", "title", "text", "fallback"]) if (typeof a[key] === "string") parts.push(a[key]);
      if (Array.isArray(a.fields)) {
        for (const field of a.fields) {
          if (!field || typeof field !== "object") continue;
          const f = field as Record<string, unknown>;
          if (typeof f.title === "string") parts.push(f.title);
          if (f.value !== undefined && f.value !== null) parts.push(String(f.value));
        }
      }
    }
  }
  return parts.filter((p) => p.length > 0).join("\n");
}

/** Case-insensitive substring test. */
export function containsText(text: string, needle: string): boolean {
  return text.toLowerCase().includes(needle.toLowerCase());
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The whole-word rule: a keyword matches, case-insensitively, where the
 * characters just before and after it are not letters, digits or `_`.
 * @example keywordMatches("db-prod is down", "db-prod") // true
 * @example keywordMatches("SEV10", "SEV1") // false
 */
export function keywordMatches(text: string, keyword: string): boolean {
  if (!keyword) return false;
  return new RegExp(`(?<![\\p{L}\\p{N}_])${escapeRegExp(keyword)}(?![\\p{L}\\p{N}_])`, "iu").test(text);
}
