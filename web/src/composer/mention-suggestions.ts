/**
 * @module composer/mention-suggestions
 * What the `@` autocomplete offers for the composer's text at the caret: the
 * channel's members and the team's other members whose username or name
 * starts with what follows the `@` (from `GET /api/v4/users/autocomplete`),
 * then `@here`, `@channel` and `@all`. Picking one writes `@username ` in
 * place of the word being typed, wherever the caret is.
 */
import type { Channel, User } from "#common/wire.ts";
import type { Suggestion } from "./suggestions.ts";

/** The `@` word being typed: where it starts (at the `@`) and ends, and what follows the `@` up to the caret. */
export interface MentionQuery {
  start: number;
  end: number;
  /** Lowercased; "" right after the `@`. */
  prefix: string;
}

/** The users the server offered for a prefix. */
export interface MentionCandidates {
  /** Members of the channel. */
  inChannel: User[];
  /** Members of the team who are not in the channel. */
  outOfChannel: User[];
}

/** Mattermost's channel-wide mentions, in its order. */
export const SPECIAL_MENTIONS = [
  { name: "here", description: "Notifies everyone online in this channel" },
  { name: "channel", description: "Notifies everyone in this channel" },
  { name: "all", description: "Notifies everyone in this channel" },
] as const;

/** How many people the list shows at most. */
export const MENTION_LIST_MAX = 25;

/** A character that may not come right before a mention's `@` (the mention rule of common/mentions.ts: not inside a word or an address). */
const WORD_CHAR = /[\p{L}\p{N}_.@-]/u;
/** The characters of a username. */
const NAME_CHARS = /^[a-z0-9._-]*/i;

/**
 * The `@` word at the caret, or null when the caret is not in one (or it
 * is inside inline code, where nothing mentions anyone).
 * @example mentionQueryAt("hi @al", 6) // {start: 3, end: 6, prefix: "al"}
 */
export function mentionQueryAt(text: string, caret: number): MentionQuery | null {
  const before = text.slice(0, caret);
  const at = before.lastIndexOf("@");
  if (at === -1) return null;
  const typed = before.slice(at + 1);
  if ((NAME_CHARS.exec(typed)?.[0] ?? "") !== typed) return null;
  const previous = before[at - 1];
  if (previous !== undefined && WORD_CHAR.test(previous)) return null;
  if ((before.match(/`/g)?.length ?? 0) % 2 === 1) return null;
  const after = NAME_CHARS.exec(text.slice(caret))?.[0] ?? "";
  return { start: at, end: caret + after.length, prefix: typed.toLowerCase() };
}

/** True when a user's username, first or last name or nickname starts with `prefix`. */
export function userMatches(user: User, prefix: string): boolean {
  if (!prefix) return true;
  return [user.username, user.first_name, user.last_name, user.nickname, `${user.first_name} ${user.last_name}`].some((name) =>
    name.toLowerCase().startsWith(prefix),
  );
}

/** "Alice Smith (al)" — what a user is besides their username, or "". */
export function fullNameOf(user: User): string {
  const full = `${user.first_name} ${user.last_name}`.trim();
  if (full && user.nickname) return `${full} (${user.nickname})`;
  return full || user.nickname;
}

/** The text with the mention of `name` in place of the query, and where the caret goes. */
export function withMention(text: string, query: MentionQuery, name: string): { complete: string; caret: number } {
  const rest = text.slice(query.end);
  const inserted = `@${name}${/^\s/.test(rest) ? "" : " "}`;
  const complete = text.slice(0, query.start) + inserted + rest;
  const caret = query.start + inserted.length + (/^\s/.test(rest) ? 1 : 0);
  return { complete, caret };
}

/**
 * The suggestions for a query: matching channel members, then the team's
 * other members, then the channel-wide mentions (not in a direct message,
 * where the one other person is always mentioned). Candidates of an older,
 * shorter prefix are filtered here, so the list follows the typing before
 * the server's answer for the new prefix arrives.
 */
export function mentionSuggestions(props: {
  text: string;
  query: MentionQuery;
  candidates: MentionCandidates;
  channelType: Channel["type"];
  meId?: string;
}): Suggestion[] {
  const { query, text } = props;
  const seen = new Set<string>();
  const fresh = (user: User) => {
    if (seen.has(user.id)) return false;
    seen.add(user.id);
    return true;
  };
  const people = (users: User[], section: string): Suggestion[] =>
    users
      .filter((u) => u.delete_at === 0 && userMatches(u, query.prefix) && fresh(u))
      .map((u) => ({
        id: `user-${u.id}`,
        ...withMention(text, query, u.username),
        label: `@${u.username}`,
        hint: fullNameOf(u),
        description: u.id === props.meId ? "(you)" : u.is_bot ? "BOT" : "",
        section,
      }));
  const members = people(props.candidates.inChannel, "Channel members");
  const others = people(props.candidates.outOfChannel, "Other members");
  const listed = [...members, ...others].slice(0, MENTION_LIST_MAX);
  const specials: Suggestion[] =
    props.channelType === "D"
      ? []
      : SPECIAL_MENTIONS.filter((m) => m.name.startsWith(query.prefix)).map((m) => ({
          id: `special-${m.name}`,
          ...withMention(text, query, m.name),
          label: `@${m.name}`,
          hint: "",
          description: m.description,
          section: "Special mentions",
        }));
  return [...listed, ...specials];
}
