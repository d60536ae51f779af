/**
 * @module services/search-terms
 * What a person types in the search box, as Mattermost reads it:
 * `from:alice in:town-square on:2024-05-01 "exact phrase" deploy* -staging`
 * (each filter may be excluded with a leading `-` too: `-from:bot`). Parsing is separate
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

/** A calendar day of a date filter, as typed (`2024-05-01`, or `2024-5-1`). */
export interface SearchDay {
  year: number;
  month: number;
  day: number;
}

/** The date filters: `on:`, `before:` and `after:` a day (the last of each kind counts, as in Mattermost). */
export interface DateFilters {
  on?: SearchDay;
  before?: SearchDay;
  after?: SearchDay;
}

/** A parsed search: text terms and the filters (each list OR-ed within itself, as in Mattermost). */
export interface ParsedSearch {
  terms: SearchTerm[];
  /** Terms written with a leading `-` (`-staging`, `-"dry run"`): no post found has any of them. */
  excluded: SearchTerm[];
  /** Usernames of `from:user` (without `@`, lowercase). */
  fromUsernames: string[];
  /** Usernames of `-from:user`: no post found is by them. */
  excludedFromUsernames: string[];
  /** Channel names of `in:channel` (without `~`, lowercase). */
  inChannels: string[];
  /** Channel names of `-in:channel`: no post found is in them. */
  excludedInChannels: string[];
  /** `on:`, `before:`, `after:`. */
  dates: DateFilters;
  /** `-on:`, `-before:`, `-after:`: no post found is on that day, before it, after it. */
  excludedDates: DateFilters;
  /** Date filters whose value is not a day (`on:yesterday`), as typed: the search is refused, naming them. */
  badDates: string[];
}

const DAY = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;

/** A `YYYY-MM-DD` day (month and day may have one digit), or null when it is no day of the calendar. */
export function parseSearchDay(text: string): SearchDay | null {
  const [, y, m, d] = DAY.exec(text) ?? [];
  if (!y || !m || !d) return null;
  const [year, month, day] = [Number(y), Number(m), Number(d)];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return { year, month, day };
}

/** Whether a parsed search filters anything at all: a word, a phrase or a filter. */
export function searchHasCriteria(parsed: ParsedSearch): boolean {
  const { dates } = parsed;
  return (
    parsed.terms.length > 0 ||
    parsed.fromUsernames.length > 0 ||
    parsed.inChannels.length > 0 ||
    dates.on !== undefined ||
    dates.before !== undefined ||
    dates.after !== undefined
  );
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
 * @example parseSearchTerms('from:@alice in:~ops on:2024-05-01 "error rate" deploy* -staging')
 * // { fromUsernames: ["alice"], inChannels: ["ops"], dates: { on: { year: 2024, month: 5, day: 1 } },
 * //   terms: [{words: ["error", "rate"], prefix: false}, {words: ["deploy"], prefix: true}],
 * //   excluded: [{words: ["staging"], prefix: false}], ... }
 */
export function parseSearchTerms(text: string): ParsedSearch {
  const parsed: ParsedSearch = {
    terms: [],
    excluded: [],
    fromUsernames: [],
    excludedFromUsernames: [],
    inChannels: [],
    excludedInChannels: [],
    dates: {},
    excludedDates: {},
    badDates: [],
  };
  for (const match of text.matchAll(TOKEN)) {
    const token = match[0];
    const phrase = match[2];
    if (phrase !== undefined) {
      const words = searchWords(phrase);
      if (words.length > 0) (match[1] ? parsed.excluded : parsed.terms).push({ words, prefix: false });
      continue;
    }
    const filter = /^(-?)(from|in|channel|on|before|after):(.+)$/i.exec(token);
    const [, minus, rawKey, value] = filter ?? [];
    if (rawKey && value) {
      const key = rawKey.toLowerCase();
      const excluded = minus === "-";
      if (key === "from") (excluded ? parsed.excludedFromUsernames : parsed.fromUsernames).push(value.replace(/^@/, "").toLowerCase());
      else if (key === "in" || key === "channel")
        (excluded ? parsed.excludedInChannels : parsed.inChannels).push(value.replace(/^~/, "").toLowerCase());
      else if (key === "on" || key === "before" || key === "after") {
        const day = parseSearchDay(value);
        if (day) (excluded ? parsed.excludedDates : parsed.dates)[key] = day;
        else parsed.badDates.push(token);
      }
      continue;
    }
    const words = searchWords(token);
    const term = { words, prefix: /[\p{L}\p{N}]\*$/u.test(token) };
    if (words.length > 0) (token.startsWith("-") ? parsed.excluded : parsed.terms).push(term);
  }
  return parsed;
}
