/**
 * @module api/v4/user-threads
 * Collapsed reply threads, on Mattermost's routes under
 * `/users/{id}/teams/{id}/threads`: list the threads a user follows, read
 * one, mark all or one read (or one unread from a post), follow and unfollow.
 * Each person acts on their own threads (system admins on anyone's), in a
 * team they may look inside and on threads whose channel they may read; any
 * other thread answers 404 like one that does not exist.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { queryFlagSchema } from "#common/limits.ts";
import { statusOkSchema, userThreadListSchema, userThreadSchema } from "#common/wire-schemas.ts";
import type { Channel, User } from "#common/wire.ts";
import type { Host } from "../../host.ts";
import { accessBrowsableTeam, accessPost, postNotFound, requireSelfOrAdmin } from "../../policies/index.ts";
import {
  allThreadsReader,
  threadFollowSetter,
  threadReader,
  userThreadOf,
  userThreadsOf,
  userThreadsQuerySchema,
} from "../../services/user-threads.ts";
import { hostRoute } from "../route.ts";

const teamParams = z.object({ userId: z.string(), teamId: z.string() });
const threadParams = teamParams.extend({ threadId: z.string() });
const extendedQuery = z.object({ extended: queryFlagSchema() });
const timestampSchema = z.coerce.number({ error: "must be a number" }).int("must be a whole number").min(0, "must be 0 or more");

export function registerUserThreadRoutes(app: FastifyInstance, host: Host): void {
  /** The caller acting on `userId`'s threads in a team they may look inside. */
  async function ownTeam(props: { params: z.output<typeof teamParams>; user: User }): Promise<void> {
    requireSelfOrAdmin({ viewer: props.user, userId: props.params.userId, message: "You may act only on your own threads." });
    await accessBrowsableTeam(host, { user: props.user, teamId: props.params.teamId });
  }

  /** The thread's root post and channel, when the caller may read it and it is of this team (or a direct or group message). */
  async function ownThread(props: { params: z.output<typeof threadParams>; user: User }): Promise<Channel> {
    await ownTeam(props);
    const { post, channel } = await accessPost(host, { user: props.user, postId: props.params.threadId, archived: "readable" });
    if (post.root_id || (channel.team_id !== "" && channel.team_id !== props.params.teamId)) throw postNotFound();
    return channel;
  }

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/users/:userId/teams/:teamId/threads",
    access: "user",
    summary: "The threads a user follows in a team, latest reply first (per_page, before, after, since, unread, extended)",
    policy: "self or system admin; team member; threads of channels the user is in",
    params: teamParams,
    query: userThreadsQuerySchema,
    response: userThreadListSchema,
    handler: async ({ params, query, user }) => {
      await ownTeam({ params, user });
      return userThreadsOf(host, { viewer: user, userId: params.userId, teamId: params.teamId, query });
    },
  });

  hostRoute(app, host, {
    method: "PUT",
    path: "/api/v4/users/:userId/teams/:teamId/threads/read",
    access: "user",
    summary: "Mark every thread of the user in a team read",
    policy: "self or system admin; team member",
    params: teamParams,
    response: statusOkSchema,
    handler: async ({ params, user }) => {
      await ownTeam({ params, user });
      await allThreadsReader(host, { userId: params.userId, teamId: params.teamId });
      return { status: "OK" };
    },
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/users/:userId/teams/:teamId/threads/:threadId",
    access: "user",
    summary: "One of the user's threads",
    policy: "self or system admin; team member; can read the thread's channel; a member of the thread",
    params: threadParams,
    query: extendedQuery,
    response: userThreadSchema,
    handler: async ({ params, query, user }) => {
      await ownThread({ params, user });
      return userThreadOf(host, { viewer: user, ...params, extended: query.extended });
    },
  });

  hostRoute(app, host, {
    method: "PUT",
    path: "/api/v4/users/:userId/teams/:teamId/threads/:threadId/read/:timestamp",
    access: "user",
    summary: "Mark a thread read up to a time (its later replies stay unread)",
    policy: "self or system admin; team member; can read the thread's channel",
    params: threadParams.extend({ timestamp: timestampSchema }),
    response: userThreadSchema,
    handler: async ({ params, user }) => {
      const channel = await ownThread({ params, user });
      await threadReader(host, { userId: params.userId, channel, threadId: params.threadId, at: params.timestamp });
      return userThreadOf(host, { viewer: user, ...params, extended: false });
    },
  });

  hostRoute(app, host, {
    method: "POST",
    path: "/api/v4/users/:userId/teams/:teamId/threads/:threadId/set_unread/:postId",
    access: "user",
    summary: "Mark a thread unread from one of its posts",
    policy: "self or system admin; team member; can read the thread's channel; the post is of the thread",
    params: threadParams.extend({ postId: z.string() }),
    response: userThreadSchema,
    handler: async ({ params, user }) => {
      const channel = await ownThread({ params, user });
      const { post } = await accessPost(host, { user, postId: params.postId, archived: "readable" });
      if (post.id !== params.threadId && post.root_id !== params.threadId) throw postNotFound();
      await threadReader(host, { userId: params.userId, channel, threadId: params.threadId, at: post.create_at - 1 });
      return userThreadOf(host, { viewer: user, ...params, extended: false });
    },
  });

  for (const method of ["PUT", "DELETE"] as const)
    hostRoute(app, host, {
      method,
      path: "/api/v4/users/:userId/teams/:teamId/threads/:threadId/following",
      access: "user",
      summary: method === "PUT" ? "Follow a thread" : "Stop following a thread",
      policy: "self or system admin; team member; can read the thread's channel",
      params: threadParams,
      response: statusOkSchema,
      handler: async ({ params, user }) => {
        await ownThread({ params, user });
        await threadFollowSetter(host, { userId: params.userId, threadId: params.threadId, following: method === "PUT" });
        return { status: "OK" };
      },
    });
}
