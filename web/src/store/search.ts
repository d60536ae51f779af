/**
 * @module store/search
 * Searching a team's posts (`POST /api/v4/teams/{id}/posts/search`): a page
 * of found posts newest first, each with the searched words found in it
 * (for highlighting) and its channel, and their authors cached.
 */
import { channelSchema, postSearchResultsSchema } from "#common/wire-schemas.ts";
import type { Channel, Post } from "#common/wire.ts";
import type { Services } from "./services.ts";
import { usersEnsurer } from "./users.ts";

type Deps = Pick<Services, "api" | "store">;

/** Results asked for at a time. */
export const SEARCH_PAGE_SIZE = 20;

/** One found post. */
export interface SearchHit {
  post: Post;
  /** The words of the message the search matched, as written in it. */
  matches: string[];
  /** The post's channel (`undefined` when it could not be read). */
  channel: Channel | undefined;
}

/** A page of results. */
export interface SearchPage {
  hits: SearchHit[];
  /** More (older) results exist. */
  hasNext: boolean;
}

/**
 * The channels of these ids: the user's own from the store, others (a public
 * channel found by search that the user is not in) read from the server.
 */
async function channelsOf(services: Deps, ids: readonly string[]): Promise<Map<string, Channel>> {
  const state = services.store.get();
  const known = new Map<string, Channel>();
  for (const channel of Object.values(state.channels).flat()) known.set(channel.id, channel);
  if (state.viewedChannel) known.set(state.viewedChannel.id, state.viewedChannel);
  const missing = [...new Set(ids)].filter((id) => !known.has(id));
  const read = await Promise.all(
    missing.map((id) => services.api.get(`/api/v4/channels/${encodeURIComponent(id)}`, channelSchema).catch(() => undefined)),
  );
  for (const channel of read) if (channel) known.set(channel.id, channel);
  return known;
}

/**
 * Search a team's posts for `terms` (words, `"quoted phrases"`, `from:user`,
 * `in:channel`, `-excluded`, `prefix*`), all words required. Rejects with the
 * server's 400 for terms it cannot search (e.g. only punctuation).
 */
export async function postsSearcher(services: Deps, props: { teamId: string; terms: string; page?: number }): Promise<SearchPage> {
  const answer = await services.api.post(
    `/api/v4/teams/${encodeURIComponent(props.teamId)}/posts/search`,
    { terms: props.terms, is_or_search: false, page: props.page ?? 0, per_page: SEARCH_PAGE_SIZE },
    postSearchResultsSchema,
  );
  const posts = answer.order.map((id) => answer.posts[id]).filter((p): p is Post => p !== undefined);
  void usersEnsurer(
    services,
    posts.map((p) => p.user_id),
  ).catch(() => undefined);
  const channels = await channelsOf(
    services,
    posts.map((p) => p.channel_id),
  );
  return {
    hits: posts.map((post) => ({ post, matches: answer.matches[post.id] ?? [], channel: channels.get(post.channel_id) })),
    hasNext: answer.has_next,
  };
}

/** How a result names its channel: `~name` for a team channel, "Direct message" / "Group message" for the others. */
export function channelLabel(channel: Channel | undefined): string {
  if (!channel) return "a channel";
  if (channel.type === "D") return "Direct message";
  if (channel.type === "G") return channel.display_name || "Group message";
  return channel.display_name || `~${channel.name}`;
}
