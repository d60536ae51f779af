/**
 * @module api/v4/post-search
 * `POST /api/v4/teams/{team_id}/posts/search`: Mattermost's post search
 * (services/post-search.ts), what Client4's `searchPosts` calls.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { postSearchResultsSchema } from "#common/wire-schemas.ts";
import type { Host } from "../../host.ts";
import { postSearcher, searchRequestSchema } from "../../services/post-search.ts";
import { withReactionsInList } from "../../services/reactions.ts";
import { hostRoute } from "../route.ts";

/** Register the search route. */
export function registerPostSearchRoutes(app: FastifyInstance, host: Host): void {
  hostRoute(app, host, {
    method: "POST",
    path: "/api/v4/teams/:teamId/posts/search",
    access: "user",
    summary: "Search a team's posts: words, quoted phrases, from:, in:, on:, before:, after:, -exclusions; newest first",
    policy: "team member (or system admin); only posts of channels the caller may read",
    params: z.object({ teamId: z.string() }),
    body: searchRequestSchema,
    invalidId: "api.post.search.invalid",
    response: postSearchResultsSchema,
    handler: async ({ params, body, user }) => {
      const results = await postSearcher(host, {
        user,
        teamId: params.teamId,
        terms: body.terms,
        isOrSearch: body.is_or_search,
        page: body.page,
        perPage: body.per_page,
        timeZoneOffset: body.time_zone_offset,
        includeArchived: body.include_deleted_channels,
      });
      return withReactionsInList(host, results);
    },
  });
}
