/**
 * @module api/v4/user-autocomplete
 * `GET /api/v4/users/autocomplete?in_team=&in_channel=&name=&limit=`, as
 * Mattermost answers it: `{users}` — with `in_channel`, the channel's
 * matching members, and `out_of_channel` the matching members of the team
 * (`in_team`, or the channel's own) who are not in it. Only people the caller
 * may see: a team they may look inside, a channel they may read.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { userAutocompleteSchema } from "#common/wire-schemas.ts";
import type { UserAutocomplete } from "#common/wire.ts";
import { notFound } from "../../errors.ts";
import type { Host } from "../../host.ts";
import { canBrowseTeam, canReadChannel } from "../../policies/index.ts";
import { getChannel } from "../../services/channels.ts";
import { AUTOCOMPLETE_LIMIT_MAX, usersMatching } from "../../services/user-autocomplete.ts";
import { hostRoute } from "../route.ts";
import { presentUserTo } from "./users.ts";

const querySchema = z.object({
  name: z.string().max(64, "must be at most 64 characters").default(""),
  in_team: z.string().optional(),
  in_channel: z.string().optional(),
  limit: z.coerce
    .number("must be a number")
    .int("must be a whole number")
    .min(1, `must be 1 to ${AUTOCOMPLETE_LIMIT_MAX}`)
    .max(AUTOCOMPLETE_LIMIT_MAX, `must be 1 to ${AUTOCOMPLETE_LIMIT_MAX}`)
    .default(AUTOCOMPLETE_LIMIT_MAX),
});

/** `GET /api/v4/users/autocomplete`. */
export function registerUserAutocompleteRoutes(app: FastifyInstance, host: Host): void {
  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/users/autocomplete",
    access: "user",
    summary: "Users whose username or name starts with `name`, in a channel or a team (the composer's @ list)",
    policy: "in_team: team member (or system admin); in_channel: can read the channel",
    query: querySchema,
    invalidId: "api.user.autocomplete_users.invalid",
    response: userAutocompleteSchema,
    handler: async ({ query, user: viewer }): Promise<UserAutocomplete> => {
      if (query.in_team && !(await canBrowseTeam(host, viewer, query.in_team)))
        throw notFound("team", "in_team: team not found, or you are not a member of it");
      const present = (users: Awaited<ReturnType<typeof usersMatching>>) => users.map((u) => presentUserTo(viewer, u));
      const common = { name: query.name, limit: query.limit };
      if (!query.in_channel) return { users: present(await usersMatching(host, { ...common, teamId: query.in_team })) };
      const channel = await getChannel(host, query.in_channel);
      if (!channel || !(await canReadChannel(host, viewer, channel)))
        throw notFound("channel", "in_channel: channel not found, or you do not have access to it");
      const teamId = query.in_team ?? channel.team_id;
      return {
        users: present(await usersMatching(host, { ...common, channelId: channel.id })),
        out_of_channel: teamId ? present(await usersMatching(host, { ...common, teamId, notInChannelId: channel.id })) : [],
      };
    },
  });
}
