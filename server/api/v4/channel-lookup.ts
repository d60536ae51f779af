/**
 * @module api/v4/channel-lookup
 * What Mattermost's clients read of channels at start-up and when they
 * follow a link: a channel by team and channel name (permalinks, URL
 * routing), its stats (the member count in the header), and all of a user's
 * channel memberships (mattermost-redux's `fetchAllMyChannelMembers`, which
 * sends `page=-1` for all of them).
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { channelMemberSchema, channelSchema } from "#common/wire-schemas.ts";
import { LIMITS, pageQuerySchema } from "#common/limits.ts";
import type { Host } from "../../host.ts";
import {
  accessChannel,
  accessTeamByName,
  canBrowseTeam,
  canReadChannel,
  channelNotFound,
  requireSelfOrAdmin,
} from "../../policies/index.ts";
import { allChannelMembersOfUser, channelStats, getChannelByName } from "../../services/channels.ts";
import { hostRoute } from "../route.ts";

/** `page=-1` (Mattermost's "all of them"), or a page read as every list reads it. */
const allOrPageQuery = z.object({ page: z.unknown(), per_page: z.unknown() }).transform((query) => {
  if (query.page === "-1") return { all: true as const };
  return { all: false as const, ...pageQuerySchema({ perPageDefault: LIMITS.perPageDefault }).parse(query) };
});

/** `/api/v4/teams/name/{team}/channels/name/{channel}`, `/channels/{id}/stats`, `/users/{id}/channel_members`. */
export function registerChannelLookupRoutes(app: FastifyInstance, host: Host): void {
  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/teams/name/:teamName/channels/name/:channelName",
    access: "user",
    summary: "A channel by its team's name and its own (permalinks and URL routing)",
    policy: "team member; can read the channel — one 404 for missing and not yours",
    params: z.object({ teamName: z.string(), channelName: z.string() }),
    response: channelSchema,
    handler: async ({ params, user }) => {
      const team = await accessTeamByName(host, { user, name: params.teamName });
      if (!(await canBrowseTeam(host, user, team.id))) throw channelNotFound();
      const channel = await getChannelByName(host, team.id, params.channelName);
      if (!channel || !(await canReadChannel(host, user, channel))) throw channelNotFound();
      return channel;
    },
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/channels/:id/stats",
    access: "user",
    summary: "How many people are in a channel, and how many posts are pinned and files were posted in it",
    policy: "can read the channel",
    params: z.object({ id: z.string() }),
    response: z.object({
      channel_id: z.string(),
      member_count: z.number(),
      guest_count: z.number(),
      pinnedpost_count: z.number(),
      files_count: z.number(),
    }),
    handler: async ({ params, user }) => {
      const channel = await accessChannel(host, { user, channelId: params.id });
      return channelStats(host, channel.id);
    },
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/users/:userId/channel_members",
    access: "user",
    summary: "A user's memberships of every channel they are in (page=-1: all of them, as mattermost-redux asks)",
    policy: "self or system admin",
    params: z.object({ userId: z.string() }),
    query: allOrPageQuery,
    response: z.array(channelMemberSchema),
    handler: async ({ params, query, user }) => {
      requireSelfOrAdmin({ viewer: user, userId: params.userId, message: "You may list only your own channel memberships." });
      return allChannelMembersOfUser(host, {
        userId: params.userId,
        page: query.all ? undefined : { page: query.page, perPage: query.per_page },
      });
    },
  });
}
