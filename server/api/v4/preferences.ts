/**
 * @module api/v4/preferences
 * Mattermost's preferences routes (`GET /users/{id}/preferences` at
 * start-up, `PUT` to save, `POST .../delete`) and saved posts
 * (`GET /users/{id}/posts/flagged`: the `flagged_post` preferences). A
 * person reads and writes their own; a system admin anyone's, as in
 * Mattermost. Every preference of a save must name the user of the path.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { postListSchema } from "#common/wire-schemas.ts";
import { pageQuerySchema } from "#common/limits.ts";
import { badRequest, forbidden, notFound } from "../../errors.ts";
import type { Host } from "../../host.ts";
import { requireSelfOrAdmin } from "../../policies/index.ts";
import {
  flaggedPosts,
  preferenceListSchema,
  preferencesDeleter,
  preferenceSchema,
  preferencesOf,
  preferencesSaver,
  type Preference,
} from "../../services/preferences.ts";
import { hostRoute } from "../route.ts";

const userParams = z.object({ userId: z.string() });
const okSchema = z.object({ status: z.literal("OK") });
const NOT_YOURS = "You may read and change only your own preferences.";

/** A 400 naming the first preference that is not the path's user's. */
function requireAllOf(userId: string, preferences: readonly Preference[]): void {
  const index = preferences.findIndex((preference) => preference.user_id !== userId);
  if (index >= 0)
    throw badRequest("api.preference.update_preferences.user_id", `${index}.user_id: must be the user of the path (${userId})`);
}

/** Preferences, flagged posts. */
export function registerPreferenceRoutes(app: FastifyInstance, host: Host): void {
  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/users/:userId/preferences",
    access: "user",
    summary: "A user's saved preferences",
    policy: "self or system admin",
    params: userParams,
    response: z.array(preferenceSchema),
    handler: async ({ params, user }) => {
      requireSelfOrAdmin({ viewer: user, userId: params.userId, message: NOT_YOURS });
      return preferencesOf(host, { userId: params.userId });
    },
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/users/:userId/preferences/:category",
    access: "user",
    summary: "A user's saved preferences of one category",
    policy: "self or system admin",
    params: userParams.extend({ category: z.string() }),
    response: z.array(preferenceSchema),
    handler: async ({ params, user }) => {
      requireSelfOrAdmin({ viewer: user, userId: params.userId, message: NOT_YOURS });
      return preferencesOf(host, { userId: params.userId, category: params.category });
    },
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/users/:userId/preferences/:category/name/:name",
    access: "user",
    summary: "One saved preference",
    policy: "self or system admin",
    params: userParams.extend({ category: z.string(), name: z.string() }),
    response: preferenceSchema,
    handler: async ({ params, user }) => {
      requireSelfOrAdmin({ viewer: user, userId: params.userId, message: NOT_YOURS });
      const [preference] = await preferencesOf(host, params);
      if (!preference) throw notFound("preference", `no preference ${params.category}/${params.name}`);
      return preference;
    },
  });

  /** `PUT /preferences` and `POST /preferences/delete`: the same checks, then save or delete the listed preferences. */
  const preferenceListRoute = (props: {
    method: "PUT" | "POST";
    path: string;
    summary: string;
    invalidId: string;
    change: typeof preferencesSaver;
  }) =>
    hostRoute(app, host, {
      method: props.method,
      path: props.path,
      access: "user",
      summary: props.summary,
      policy: "self or system admin; every preference names the path's user",
      params: userParams,
      body: preferenceListSchema,
      invalidId: props.invalidId,
      response: okSchema,
      handler: async ({ params, body, user }) => {
        requireSelfOrAdmin({ viewer: user, userId: params.userId, message: NOT_YOURS });
        requireAllOf(params.userId, body);
        await props.change(host, { userId: params.userId, preferences: body });
        return { status: "OK" };
      },
    });
  preferenceListRoute({
    method: "PUT",
    path: "/api/v4/users/:userId/preferences",
    summary: "Save preferences (each replaces its category and name's value)",
    invalidId: "api.preference.update_preferences.invalid",
    change: preferencesSaver,
  });
  preferenceListRoute({
    method: "POST",
    path: "/api/v4/users/:userId/preferences/delete",
    summary: "Delete preferences by category and name",
    invalidId: "api.preference.delete_preferences.invalid",
    change: preferencesDeleter,
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/users/:userId/posts/flagged",
    access: "user",
    summary: "The posts a user saved (flagged), newest first, in channels they may read",
    policy: "self only; posts of channels the caller may read now",
    params: userParams,
    query: pageQuerySchema().extend({ team_id: z.string().optional(), channel_id: z.string().optional() }),
    response: postListSchema,
    handler: async ({ params, query, user }) => {
      if (params.userId !== user.id) throw forbidden("You may list only your own saved posts.");
      return flaggedPosts(host, {
        viewer: user,
        teamId: query.team_id,
        channelId: query.channel_id,
        page: query.page,
        perPage: query.per_page,
      });
    },
  });
}
