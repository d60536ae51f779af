/**
 * @module api/v4/teams
 * Teams and team members.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { teamMemberSchema, teamSchema } from "#common/wire-schemas.ts";
import { forbidden, notFound } from "../../errors.ts";
import type { Host } from "../../host.ts";
import {
  accessBrowsableTeam,
  accessTeam,
  accessTeamByName,
  requireSelfOrAdmin,
  teamMemberAddRefusal,
  visibleTeams,
} from "../../policies/index.ts";
import {
  allTeams,
  getTeam,
  newTeamSchema,
  teamCreator,
  teamMemberAdder,
  teamMembers,
  teamMembershipsOfUser,
  teamsOfUser,
  teamStats,
  teamUnreadsOfUser,
} from "../../services/teams.ts";
import { pageQuerySchema } from "#common/limits.ts";
import { hostRoute } from "../route.ts";

const userParams = z.object({ userId: z.string() });
const teamUnreadSchema = z.object({
  team_id: z.string(),
  msg_count: z.number(),
  mention_count: z.number(),
  msg_count_root: z.number(),
  mention_count_root: z.number(),
  thread_count: z.number(),
  thread_mention_count: z.number(),
  thread_urgent_mention_count: z.number(),
});

const idParams = z.object({ id: z.string() });

export function registerTeamRoutes(app: FastifyInstance, host: Host): void {
  hostRoute(app, host, {
    method: "POST",
    path: "/api/v4/teams",
    access: "user",
    summary: "Create a team with its Town Square; the creator becomes its admin",
    body: newTeamSchema,
    invalidId: "api.team.create.invalid",
    response: teamSchema,
    status: 201,
    handler: ({ body, user }) => teamCreator(host, { input: body, creatorId: user.id }),
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/teams",
    access: "user",
    summary: "Open teams anyone may join, plus the caller's own",
    policy: "can see the team",
    response: z.array(teamSchema),
    handler: async ({ user }) => visibleTeams(host, user, await allTeams(host)),
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/users/:userId/teams",
    access: "user",
    summary: "The teams a user belongs to",
    policy: "self or system admin",
    params: userParams,
    response: z.array(teamSchema),
    handler: async ({ params, user }) => {
      requireSelfOrAdmin({ viewer: user, userId: params.userId, message: "You may list only your own teams." });
      return teamsOfUser(host, params.userId);
    },
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/teams/name/:name",
    access: "user",
    summary: "A team by name",
    policy: "can see the team",
    params: z.object({ name: z.string() }),
    response: teamSchema,
    handler: ({ params, user }) => accessTeamByName(host, { user, name: params.name }),
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/teams/:id",
    access: "user",
    summary: "A team by id",
    policy: "can see the team",
    params: idParams,
    response: teamSchema,
    handler: ({ params, user }) => accessTeam(host, { user, teamId: params.id }),
  });

  hostRoute(app, host, {
    method: "POST",
    path: "/api/v4/teams/:id/members",
    access: "user",
    summary: "Add a member to a team (or join an open one)",
    policy: "open team: anyone joins, members add others; invite-only: team or system admins",
    params: idParams,
    body: z.object({ team_id: z.string().optional(), user_id: z.string().min(1, "is required") }),
    response: teamMemberSchema,
    status: 201,
    handler: async ({ params, body, user }) => {
      const team = await getTeam(host, params.id);
      if (!team) throw notFound("team", "team not found");
      const refusal = await teamMemberAddRefusal(host, { actor: user, team, userId: body.user_id });
      if (refusal === "invite_only") throw forbidden("Only team and system admins may add people to an invite-only team.");
      if (refusal === "not_a_member") throw forbidden("You must be a member of the team to add others to it.");
      return teamMemberAdder(host, { teamId: team.id, userId: body.user_id });
    },
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/teams/:id/members",
    access: "user",
    summary: "The members of a team",
    policy: "team member",
    params: idParams,
    query: pageQuerySchema(),
    response: z.array(teamMemberSchema),
    handler: async ({ params, query, user }) => {
      const team = await accessBrowsableTeam(host, { user, teamId: params.id, message: "team not found" });
      return teamMembers(host, { teamId: team.id, page: query.page, perPage: query.per_page });
    },
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/users/:userId/teams/members",
    access: "user",
    summary: "A user's team memberships (mattermost-redux's loadMe reads the caller's)",
    policy: "self or system admin",
    params: userParams,
    response: z.array(teamMemberSchema),
    handler: async ({ params, user }) => {
      requireSelfOrAdmin({ viewer: user, userId: params.userId, message: "You may list only your own team memberships." });
      return teamMembershipsOfUser(host, params.userId);
    },
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/users/:userId/teams/unread",
    access: "user",
    summary: "Unread messages and mentions in each of a user's teams (but exclude_team)",
    policy: "self or system admin",
    params: userParams,
    query: z.object({ exclude_team: z.string().optional(), include_collapsed_threads: z.string().optional() }),
    response: z.array(teamUnreadSchema),
    handler: async ({ params, query, user }) => {
      requireSelfOrAdmin({ viewer: user, userId: params.userId, message: "You may read only your own unread counts." });
      return teamUnreadsOfUser(host, { userId: params.userId, excludeTeamId: query.exclude_team });
    },
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/teams/:id/stats",
    access: "user",
    summary: "How many people are on a team, and how many are active",
    policy: "team member",
    params: idParams,
    response: z.object({ team_id: z.string(), total_member_count: z.number(), active_member_count: z.number() }),
    handler: async ({ params, user }) => {
      const team = await accessBrowsableTeam(host, { user, teamId: params.id, message: "team not found" });
      return teamStats(host, team.id);
    },
  });
}
