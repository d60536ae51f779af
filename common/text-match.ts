/**
 * @module text-match
 * The one definition of "the text of a post" and of the whole-word keyword
 * rule (DESIGN.md sections 4 and 5), for message forwarding, the workflow
 * trigger `message_posted` and the offline dry run alike. They were three
 * copies once, and the copies had drifted: one read an attachment field as
 * `title\nvalue` and turned objects into `[object Object]`, another as
 * `title: value`, so the same keyword matched a post for forwarding and not
 * for a workflow.
 *
 * - The text: the message, then each Slack-style attachment's pretext, title,
 *   text and fallback, then each field as one line `title: value`, one part
 *   per line so words of different parts never run together. Alert senders
 *   such as Alertmanager put everything in attachments. Only strings, numbers
 *   and booleans are text: an object or a list is left out.
 * - The keyword rule: a keyword (trimmed) matches, case-insensitively (both
 *   sides lowercased with `toLowerCase`), where the characters just before
 *   and just after it are not letters, digits or `_`, in any script. The
 *   keyword itself may hold any characters (`db-prod`, `ERR-500`).
 *
 * The forwarding automaton scans for many keywords at once but checks each
 * hit with {@link isWholeWordAt}, so it cannot answer differently.
 */
import type { Post } from "./wire.ts";

/** A post as far as its text goes. */
export type PostTextSource = Pick<Post, "message" | "props">;

/**
 * A string, number or boolean as text; anything else (an object, a list,
 * null) is no text, never `[object Object]`.
 */
export function asText(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return "";
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * The searchable text of a post: the message and its attachments' pretext,
 * title, text and fallback, then each field as `title: value`, one per line.
 * @example postText({message: "", props: {attachments: [{title: "Alert", fields: [{title: "severity", value: "critical"}]}]}})
 * // "Alert\nseverity: critical"
 */
export function postText(post: PostTextSource): string {
  const parts: string[] = [];
  const message = asText(post.message);
  if (message) parts.push(message);
  const attachments = post.props?.attachments;
  if (!Array.isArray(attachments)) return parts.join("\n");
  for (const attachment of attachments) {
    if (!isRecord(attachment)) continue;
    for (const key of ["pretext", "title", "text", "fallback"]) {
      const text = asText(attachment[key]);
      if (text) parts.push(text);
    }
    if (!Array.isArray(attachment.fields)) continue;
    for (const field of attachment.fields) {
      if (!isRecord(field)) continue;
      // "severity: critical" on one line reads well in a forwarded copy; ": " keeps the words apart for matching.
      const line = [asText(field.title), asText(field.value)].filter(Boolean).join(": ");
      if (line) parts.push(line);
    }
  }
  return parts.join("\n");
}

/** Letters, digits and `_` in any script: what a keyword must not touch. */
const WORD_CHAR = /[\p{L}\p{N}_]/u;

/**
 * True when the code point is a letter, a digit or `_` (any script). ASCII is
 * answered without a regular expression: the forwarding automaton calls this
 * for every keyword hit.
 * @example isWordChar("é".codePointAt(0) ?? 0) // true
 */
export function isWordChar(codePoint: number): boolean {
  if (codePoint < 128) {
    return (
      (codePoint >= 48 && codePoint <= 57) ||
      (codePoint >= 97 && codePoint <= 122) ||
      (codePoint >= 65 && codePoint <= 90) ||
      codePoint === 95
    );
  }
  return WORD_CHAR.test(String.fromCodePoint(codePoint));
}

/** True when the character that ends just before UTF-16 index `end` is a word character. */
function wordCharBefore(text: string, end: number): boolean {
  if (end <= 0) return false;
  const unit = text.charCodeAt(end - 1);
  if (unit >= 0xdc00 && unit <= 0xdfff && end >= 2) return isWordChar(text.codePointAt(end - 2) ?? unit);
  return isWordChar(unit);
}

/** True when the character that starts at UTF-16 index `start` is a word character. */
function wordCharAt(text: string, start: number): boolean {
  if (start >= text.length) return false;
  return isWordChar(text.codePointAt(start) ?? 0);
}

/**
 * The whole-word boundary: true when `text[start, end)` touches no letter,
 * digit or `_` on either side.
 * @example isWholeWordAt("(db-prod)", 1, 8) // true
 */
export function isWholeWordAt(text: string, start: number, end: number): boolean {
  return !wordCharBefore(text, start) && !wordCharAt(text, end);
}

/**
 * A keyword or a text as the rule compares them: trimmed (keywords) and lowercased.
 * @example normalizeKeyword("  DB-Prod ") // "db-prod"
 */
export function normalizeKeyword(keyword: string): string {
  return keyword.trim().toLowerCase();
}

/**
 * The whole-word rule for one keyword.
 * @example keywordMatches("db-prod is down", "DB-Prod") // true
 * @example keywordMatches("SEV10", "SEV1") // false
 */
export function keywordMatches(text: string, keyword: string): boolean {
  const pattern = normalizeKeyword(keyword);
  if (!pattern) return false;
  const lowered = text.toLowerCase();
  for (let at = lowered.indexOf(pattern); at >= 0; at = lowered.indexOf(pattern, at + 1)) {
    if (isWholeWordAt(lowered, at, at + pattern.length)) return true;
  }
  return false;
}

/**
 * The keywords of a `keywords` condition (a list, or one word), blank ones
 * dropped: a condition left with none asks for no keyword, as a forwarding
 * rule without keywords does.
 * @example keywordList(["SEV1", " "]) // ["SEV1"]
 */
export function keywordList(value: unknown): string[] {
  const list: unknown[] = Array.isArray(value) ? value : [value];
  return list.map(asText).filter((keyword) => normalizeKeyword(keyword) !== "");
}

/** Case-insensitive substring test (`where.contains`). */
export function containsText(text: string, needle: string): boolean {
  return text.toLowerCase().includes(needle.toLowerCase());
}
