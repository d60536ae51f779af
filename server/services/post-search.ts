/**
 * @module services/post-search
 * Full-text search of posts (`POST /api/v4/teams/{id}/posts/search`): one
 * query — the searcher's readable channels, `from:` and `in:`, deleted and
 * system posts left out, newest first — with one dialect-specific part, the
 * text match: SQLite FTS5 (`posts_fts`, kept in step with `posts` by
 * triggers, migration 0008) or PostgreSQL full-text search (a GIN index on
 * the `simple` configuration's vector of the message with punctuation turned
 * into spaces, so `db-01.prod.example.com` has the word `prod` on both
 * dialects). The terms are cut into words once (services/search-terms.ts),
 * so both dialects search for the same words. Mattermost's date filters
 * (`on:`, `before:`, `after:` a day in the searcher's time zone,
 * `time_zone_offset`) and exclusions (`-word`, `-"phrase"`, `-from:`, `-in:`,
 * `-on:`…) are conditions of the same query.
 */
import { sql, type RawBuilder } from "kysely";
import { z } from "zod";
import { pageQuerySchema } from "#common/limits.ts";
import type { Post, PostSearchResults } from "#common/wire.ts";
import { badRequest } from "../errors.ts";
import type { Host } from "../host.ts";
import { accessBrowsableTeam, type Actor } from "../policies/team.ts";
import { presentPosts } from "./posts.ts";
import { parseSearchTerms, searchHasCriteria, searchWords, type SearchDay, type SearchTerm } from "./search-terms.ts";

/** The longest search accepted, in characters. */
export const SEARCH_TERMS_MAX = 1024;

/** The farthest a time zone is from UTC, in seconds (UTC+14; UTC−12 is nearer). */
const TIME_ZONE_OFFSET_MAX = 14 * 60 * 60;

/** The body of a search, as Client4's `searchPostsWithParams` sends it (its other fields are accepted and ignored). */
export const searchRequestSchema = pageQuerySchema().extend({
  terms: z
    .string({ error: (issue) => (issue.input === undefined ? "is required" : "must be a string") })
    .trim()
    .min(1, "must not be empty")
    .max(SEARCH_TERMS_MAX, `must be at most ${SEARCH_TERMS_MAX} characters`),
  is_or_search: z.boolean({ error: "must be true or false" }).default(false),
  /** Seconds east of UTC of the searcher's time zone, for the days of `on:`, `before:` and `after:` (Mattermost's field). */
  time_zone_offset: z
    .number({ error: "must be a number of seconds" })
    .int("must be a whole number of seconds")
    .min(-TIME_ZONE_OFFSET_MAX, `must be -${TIME_ZONE_OFFSET_MAX} to ${TIME_ZONE_OFFSET_MAX} seconds`)
    .max(TIME_ZONE_OFFSET_MAX, `must be -${TIME_ZONE_OFFSET_MAX} to ${TIME_ZONE_OFFSET_MAX} seconds`)
    .default(0),
  /** Search archived channels too (Mattermost's field; their posts stay readable to who could read them). */
  include_deleted_channels: z.boolean({ error: "must be true or false" }).default(false),
});

/** A day, in milliseconds. */
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The first millisecond of a day in a time zone `offsetSeconds` east of UTC
 * (as Mattermost's `time_zone_offset`: 7200 for UTC+2).
 * @example startOfSearchDay({ year: 2024, month: 5, day: 1 }, 7200) // Date.UTC(2024, 4, 1) - 7_200_000
 */
export function startOfSearchDay(day: SearchDay, offsetSeconds: number): number {
  return Date.UTC(day.year, day.month - 1, day.day) - offsetSeconds * 1000;
}

/** Terms to match, and whether one of them suffices (`is_or_search`) or all must match. */
export interface TermsQuery {
  terms: SearchTerm[];
  matchAny: boolean;
}

/** One dialect's text match: the condition on `p` (posts) for the terms. */
export interface TextMatch {
  condition(query: TermsQuery): RawBuilder<boolean>;
}

/**
 * The FTS5 query of terms: each a quoted phrase of its words (`*` after a
 * prefix), joined by spaces (AND) or `OR`. Words are letters and digits only,
 * so nothing in them is FTS5 syntax.
 * @example fts5Query({ terms: [{ words: ["error", "rate"], prefix: false }], matchAny: false }) // '"error rate"'
 */
export function fts5Query(props: TermsQuery): string {
  return props.terms.map((t) => `"${t.words.join(" ")}"${t.prefix ? "*" : ""}`).join(props.matchAny ? " OR " : " ");
}

/**
 * The `to_tsquery` text of terms: each the phrase of its quoted words
 * (`<->`, `:*` after a prefix), joined by `&` or `|`.
 * @example tsQuery({ terms: [{ words: ["error", "rate"], prefix: false }], matchAny: false }) // "('error' <-> 'rate')"
 */
export function tsQuery(props: TermsQuery): string {
  return props.terms
    .map((t) => `(${t.words.map((w, i) => `'${w}'${t.prefix && i === t.words.length - 1 ? ":*" : ""}`).join(" <-> ")})`)
    .join(props.matchAny ? " | " : " & ");
}

/** The expression migration 0008 indexes on PostgreSQL, on posts as `p`; queries repeat it exactly so the index serves them. */
export const POSTGRES_SEARCH_VECTOR_SQL = "to_tsvector('simple', regexp_replace(p.message, '[[:punct:][:space:]]+', ' ', 'g'))";
/** {@link POSTGRES_SEARCH_VECTOR_SQL} for the query builder. */
export const POSTGRES_SEARCH_VECTOR = sql.raw<string>(POSTGRES_SEARCH_VECTOR_SQL);

/** The text match of each dialect. */
export const TEXT_MATCH: Record<Host["dialect"], TextMatch> = {
  sqlite: {
    condition: (props) => sql<boolean>`p.rowid IN (SELECT rowid FROM posts_fts WHERE posts_fts MATCH ${fts5Query(props)})`,
  },
  postgres: {
    condition: (props) => sql<boolean>`${POSTGRES_SEARCH_VECTOR} @@ to_tsquery('simple', ${tsQuery(props)})`,
  },
};

/**
 * Search a team's posts for a user: posts of the team's public channels
 * (the searcher is on the team, or a system admin), of the channels they are
 * a member of in the team, and of their direct and group messages — never
 * another private channel, another's DM, a deleted post or a system message;
 * archived channels only with `includeArchived`. A 404 for a team the user
 * may not look inside; a 400 for terms with no word and no filter, or a date
 * filter that is not a day.
 */
export async function postSearcher(
  host: Host,
  props: {
    user: Actor;
    teamId: string;
    terms: string;
    isOrSearch: boolean;
    page: number;
    perPage: number;
    /** Seconds east of UTC of the searcher's days (default 0). */
    timeZoneOffset?: number;
    includeArchived?: boolean;
  },
): Promise<PostSearchResults> {
  const parsed = parseSearchTerms(props.terms);
  if (parsed.badDates.length > 0)
    throw badRequest("api.post.search.date", `terms: ${parsed.badDates.map((d) => `"${d}"`).join(", ")} must name a day as YYYY-MM-DD`);
  if (!searchHasCriteria(parsed))
    throw badRequest("api.post.search.terms", "terms: must contain a word, a quoted phrase, from:, in:, on:, before: or after:");
  const team = await accessBrowsableTeam(host, { user: props.user, teamId: props.teamId });
  // The readable channels (and the authors of `from:`) first, as lists: with them the planner picks the
  // cheaper of the text index and the channel's posts by time (one `in:` channel), as it would for a bare query.
  let channels = host.db
    .selectFrom("channels as c")
    .select("c.id")
    .where((eb) =>
      eb.or([
        eb.and([eb("c.team_id", "=", team.id), eb("c.type", "=", "O")]),
        eb.and([
          // Direct and group messages belong to no team.
          eb.or([eb("c.team_id", "=", team.id), eb("c.team_id", "=", "")]),
          eb("c.id", "in", eb.selectFrom("channel_members").select("channel_id").where("user_id", "=", props.user.id)),
        ]),
      ]),
    );
  if (!props.includeArchived) channels = channels.where("c.delete_at", "=", 0);
  if (parsed.inChannels.length > 0) channels = channels.where("c.name", "in", parsed.inChannels);
  if (parsed.excludedInChannels.length > 0) channels = channels.where("c.name", "not in", parsed.excludedInChannels);
  const channelIds = (await channels.execute()).map((c) => c.id);
  const userIdsOf = async (usernames: string[]) =>
    (await host.db.selectFrom("users").select("id").where("username", "in", usernames).execute()).map((u) => u.id);
  const authorIds = parsed.fromUsernames.length > 0 ? await userIdsOf(parsed.fromUsernames) : null;
  const excludedAuthorIds = parsed.excludedFromUsernames.length > 0 ? await userIdsOf(parsed.excludedFromUsernames) : [];
  if (channelIds.length === 0 || authorIds?.length === 0) return searchResults({ page: [], terms: parsed.terms, hasNext: false });
  let query = host.db
    .selectFrom("posts as p")
    .selectAll("p")
    .where("p.delete_at", "=", 0)
    .where("p.type", "not like", "system_%")
    .where("p.channel_id", "in", channelIds);
  if (authorIds) query = query.where("p.user_id", "in", authorIds);
  if (excludedAuthorIds.length > 0) query = query.where("p.user_id", "not in", excludedAuthorIds);
  const start = (day: SearchDay) => startOfSearchDay(day, props.timeZoneOffset ?? 0);
  const { dates, excludedDates } = parsed;
  if (dates.on) query = query.where("p.create_at", ">=", start(dates.on)).where("p.create_at", "<", start(dates.on) + DAY_MS);
  if (dates.after) query = query.where("p.create_at", ">=", start(dates.after) + DAY_MS);
  if (dates.before) query = query.where("p.create_at", "<", start(dates.before));
  const excludedOn = excludedDates.on;
  if (excludedOn)
    query = query.where((eb) => eb.or([eb("p.create_at", "<", start(excludedOn)), eb("p.create_at", ">=", start(excludedOn) + DAY_MS)]));
  if (excludedDates.after) query = query.where("p.create_at", "<", start(excludedDates.after) + DAY_MS);
  if (excludedDates.before) query = query.where("p.create_at", ">=", start(excludedDates.before));
  const textMatch = TEXT_MATCH[host.dialect];
  if (parsed.terms.length > 0) query = query.where(textMatch.condition({ terms: parsed.terms, matchAny: props.isOrSearch }));
  if (parsed.excluded.length > 0)
    query = query.where(sql<boolean>`NOT (${textMatch.condition({ terms: parsed.excluded, matchAny: true })})`);
  const rows = await query
    .orderBy("p.create_at", "desc")
    .orderBy("p.id", "desc")
    .limit(props.perPage + 1)
    .offset(props.page * props.perPage)
    .execute();
  const page = await presentPosts(host, rows.slice(0, props.perPage));
  return searchResults({ page, terms: parsed.terms, hasNext: rows.length > props.perPage });
}

/** A page of found posts on the wire, each with the searched words found in it. */
function searchResults(props: { page: Post[]; terms: SearchTerm[]; hasNext: boolean }): PostSearchResults {
  const posts: Record<string, Post> = {};
  const matches: Record<string, string[]> = {};
  for (const post of props.page) {
    posts[post.id] = post;
    matches[post.id] = matchedWords(post.message, props.terms);
  }
  return {
    order: props.page.map((p) => p.id),
    posts,
    matches,
    next_post_id: "",
    prev_post_id: "",
    has_next: props.hasNext,
    first_inaccessible_post_time: 0,
  };
}

/** The words of a message that a term's word (or prefix) matches, as written in the message, each once. */
function matchedWords(message: string, terms: SearchTerm[]): string[] {
  const wanted = terms.flatMap((t) => t.words.map((w, i) => ({ word: w.toLowerCase(), prefix: t.prefix && i === t.words.length - 1 })));
  const found = new Set<string>();
  for (const word of searchWords(message)) {
    const lower = word.toLowerCase();
    if (wanted.some((w) => (w.prefix ? lower.startsWith(w.word) : lower === w.word))) found.add(word);
  }
  return [...found];
}
