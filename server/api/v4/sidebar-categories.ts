/**
 * @module api/v4/sidebar-categories
 * The sidebar's categories (`GET /users/{id}/teams/{id}/channels/categories`,
 * its `order` and one category), as Mattermost answers them for a user who
 * never rearranged them, and the user's sessions (`GET /users/{id}/sessions`):
 * what the official web app reads to draw its sidebar and its "sessions" page.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { sessionInfoSchema, sidebarCategoriesSchema, sidebarCategorySchema } from "#common/wire-schemas.ts";
import type { User } from "#common/wire.ts";
import { notFound } from "../../errors.ts";
import type { Host } from "../../host.ts";
import { accessBrowsableTeam, requireSelfOrAdmin } from "../../policies/index.ts";
import { sessionsOfUser } from "../../services/session-list.ts";
import { sidebarCategoriesOf } from "../../services/sidebar-categories.ts";
import { hostRoute } from "../route.ts";

const teamParams = z.object({ userId: z.string(), teamId: z.string() });

export function registerSidebarCategoryRoutes(app: FastifyInstance, host: Host): void {
  /** The user's categories in a team, for themselves or a system admin, in a team they may look inside. */
  async function categoriesFor(props: { params: z.output<typeof teamParams>; user: User }) {
    requireSelfOrAdmin({ viewer: props.user, userId: props.params.userId, message: "You may read only your own sidebar." });
    await accessBrowsableTeam(host, { user: props.user, teamId: props.params.teamId });
    return sidebarCategoriesOf(host, { userId: props.params.userId, teamId: props.params.teamId });
  }

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/users/:userId/teams/:teamId/channels/categories",
    access: "user",
    summary: "The user's sidebar categories in a team: Favorites, Channels, Direct Messages",
    policy: "self or system admin; team member",
    params: teamParams,
    response: sidebarCategoriesSchema,
    handler: ({ params, user }) => categoriesFor({ params, user }),
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/users/:userId/teams/:teamId/channels/categories/order",
    access: "user",
    summary: "The order of the user's sidebar categories in a team (their ids)",
    policy: "self or system admin; team member",
    params: teamParams,
    response: z.array(z.string()),
    handler: async ({ params, user }) => (await categoriesFor({ params, user })).order,
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/users/:userId/teams/:teamId/channels/categories/:categoryId",
    access: "user",
    summary: "One of the user's sidebar categories in a team",
    policy: "self or system admin; team member",
    params: teamParams.extend({ categoryId: z.string() }),
    response: sidebarCategorySchema,
    handler: async ({ params, user }) => {
      const found = (await categoriesFor({ params, user })).categories.find((c) => c.id === params.categoryId);
      if (!found) throw notFound("channel_category", "categoryId: no such category of this user in this team");
      return found;
    },
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/users/:userId/sessions",
    access: "user",
    summary: "A user's live sessions, newest first (sign-ins and personal access tokens in use; never a token)",
    policy: "self or system admin",
    params: z.object({ userId: z.string() }),
    response: z.array(sessionInfoSchema),
    handler: async ({ params, user }) => {
      requireSelfOrAdmin({ viewer: user, userId: params.userId, message: "You may list only your own sessions." });
      return sessionsOfUser(host, { userId: params.userId, now: Date.now() });
    },
  });
}
