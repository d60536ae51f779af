/**
 * @module services/search-terms
 * What a person types in the search box, as Mattermost reads it:
 * `from:alice in:town-square "exact phrase" deploy*`. Parsing is separate
 * from the query so both dialects (services/post-search.ts) receive the same
 * words: each text term is cut here into its words (runs of letters and
 * digits, the words both SQLite's `unicode61` tokenizer and the normalized
 * PostgreSQL vector index), never by either engine's own query parser.
 */

/** One text term: a word or a quoted phrase, as its words in order. */
export interface SearchTerm {
  /** The term's words, in order (one for a plain word, several for a phrase or `error-rate`). */
  words: string[];
  /** A trailing `*` (`deploy*`): the last word is a prefix. */
  prefix: boolean;
}

/** A parsed search: text terms and the `from:` / `in:` filters (each list OR-ed within itself, as in Mattermost). */
export interface ParsedSearch {
  terms: SearchTerm[];
  /** Terms written with a leading `-` (`-staging`, `-"dry run"`): no post found has any of them. */
  excluded: SearchTerm[];
  /** Usernames of `from:user` (without `@`, lowercase). */
  fromUsernames: string[];
  /** Channel names of `in:channel` (without `~`, lowercase). */
  inChannels: string[];
}

const WORD = /[\p{L}\p{N}]+/gu;
/** A quoted phrase (closed, or open to the end; `-` before it excludes it), or a run of anything but spaces and quotes. */
const TOKEN = /(-?)"([^"]*)"?|[^\s"]+/g;

/** The words of a piece of text, as both search engines cut it. */
export function searchWords(text: string): string[] {
  return text.match(WORD) ?? [];
}

/**
 * Parse search terms. Terms without a letter or digit (`#`, `-`) are dropped.
 * @example parseSearchTerms('from:@alice in:~ops "error rate" deploy* -staging')
 * // { fromUsernames: ["alice"], inChannels: ["ops"], terms: [{words: ["error", "rate"], prefix: false}, {words: ["deploy"], prefix: true}],
 * //   excluded: [{words: ["staging"], prefix: false}] }
 */
export function parseSearchTerms(text: string): ParsedSearch {
  const parsed: ParsedSearch = { terms: [], excluded: [], fromUsernames: [], inChannels: [] };
  for (const match of text.matchAll(TOKEN)) {
    const token = match[0];
    const phrase = match[2];
    if (phrase !== undefined) {
      const words = searchWords(phrase);
      if (words.length > 0) (match[1] ? parsed.excluded : parsed.terms).push({ words, prefix: false });
      continue;
    }
    const filter = /^(from|in|channel):(.+)$/i.exec(token);
    const [, key, value] = filter ?? [];
    if (key && value) {
      if (key.toLowerCase() === "from") parsed.fromUsernames.push(value.replace(/^@/, "").toLowerCase());
      else parsed.inChannels.push(value.replace(/^~/, "").toLowerCase());
      continue;
    }
    const words = searchWords(token);
    const term = { words, prefix: /[\p{L}\p{N}]\*$/u.test(token) };
    if (words.length > 0) (token.startsWith("-") ? parsed.excluded : parsed.terms).push(term);
  }
  return parsed;
}
