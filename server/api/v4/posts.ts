/**
 * @module api/v4/posts
 * Posts: create (a reply with `root_id`), read one, its thread, list a
 * channel's, edit (the author only) and delete (the author or a system admin).
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { channelUnreadAtSchema, postListSchema, postSchema, statusOkSchema } from "#common/wire-schemas.ts";
import type { User } from "#common/wire.ts";
import type { Host } from "../../host.ts";
import { accessChannel, canPostInChannel, canReadChannel } from "../../policies/channel.ts";
import { requireSelfOrAdmin } from "../../policies/index.ts";
import { accessPost } from "../../policies/post.ts";
import { postDeleter, postPatchSchema, postPatcher } from "../../services/post-edits.ts";
import { newPostSchema, postCreator, postThread, postsByIds, postsOfChannel } from "../../services/posts.ts";
import { pinnedPostsOf, postPinSetter } from "../../services/pins.ts";
import { channelUnreadSetter, postsAroundLastUnread, postsUnreadQuerySchema } from "../../services/unreads.ts";
import { withFiles, withFilesInList } from "../../services/files.ts";
import { getChannelOrArchived } from "../../services/channels.ts";
import { withReactions, withReactionsInList } from "../../services/reactions.ts";
import { LIMITS, pageQuerySchema, queryFlagSchema } from "#common/limits.ts";
import { badRequest, forbidden } from "../../errors.ts";
import { hostRoute } from "../route.ts";
import { BODY_LIMITS } from "../body-limit.ts";

/**
 * `GET /posts/{id}/thread`'s query, as Client4's `getPostThread` and
 * `getPaginatedPostThread` send it (its other parameters, such as
 * `collapsedThreads`, are accepted and not read).
 */
const threadQuerySchema = z
  .object({
    perPage: z.coerce
      .number({ error: "must be a number" })
      .int("must be a whole number")
      .min(0, `must be 0 (all) to ${LIMITS.perPageMax}`)
      .max(LIMITS.perPageMax, `must be 0 (all) to ${LIMITS.perPageMax}`)
      .default(0),
    fromCreateAt: z.coerce.number({ error: "must be a number" }).int("must be a whole number").min(0, "must be 0 or more").optional(),
    fromPost: z.string().max(26, "must be a post id").optional(),
    direction: z.enum(["up", "down"], "must be up or down").optional(),
    skipFetchThreads: queryFlagSchema(),
  })
  // As Mattermost: a post to start from is one of those created at `fromCreateAt`.
  .refine((q) => !q.fromPost || (q.fromCreateAt ?? 0) > 0, { message: "is required with fromPost", path: ["fromCreateAt"] });

const listQuerySchema = pageQuerySchema().extend({
  before: z.string().optional(),
  after: z.string().optional(),
  since: z.coerce.number({ error: "must be a number" }).int("must be a whole number").optional(),
  /** Root posts only, as the web app asks with collapsed reply threads on. */
  collapsedThreads: queryFlagSchema(),
  /** Accepted; Sitrep's root posts always carry `reply_count` and `last_reply_at` is in the threads' answers. */
  collapsedThreadsExtended: queryFlagSchema(),
  skipFetchThreads: queryFlagSchema(),
});

/** Mattermost's cap on `POST /posts/ids`. */
const POSTS_BY_IDS_MAX = 1000;

export function registerPostRoutes(app: FastifyInstance, host: Host): void {
  hostRoute(app, host, {
    method: "POST",
    path: "/api/v4/posts",
    access: "user",
    summary: "Create a post",
    policy: "channel member (or system admin)",
    body: newPostSchema,
    maxBodyBytes: BODY_LIMITS.posts,
    invalidId: "api.post.create.invalid",
    response: postSchema,
    status: 201,
    handler: async ({ body, user }) => {
      const post = await postCreator(host, { input: body, author: { user, via: "api" } });
      // Mattermost's clients replace their optimistic copy with the answer carrying its pending_post_id.
      return body.pending_post_id ? { ...post, pending_post_id: body.pending_post_id } : post;
    },
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/posts/:id",
    access: "user",
    summary: "Read a post",
    policy: "can read the post's channel",
    params: z.object({ id: z.string() }),
    response: postSchema,
    handler: async ({ params, user }) => {
      const { post } = await accessPost(host, { user, postId: params.id, archived: "readable" });
      const [withTheirFiles] = await withFiles(host, await withReactions(host, [post]));
      return withTheirFiles ?? post;
    },
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/posts/:id/thread",
    access: "user",
    summary: "A page of a post's thread: the post, then its root and replies (perPage, fromCreateAt, fromPost, direction)",
    policy: "can read the post's channel",
    params: z.object({ id: z.string() }),
    query: threadQuerySchema,
    response: postListSchema,
    handler: async ({ params, query, user }) => {
      const { post } = await accessPost(host, { user, postId: params.id, archived: "readable" });
      return withFilesInList(
        host,
        await withReactionsInList(
          host,
          await postThread(host, {
            post,
            paging: {
              perPage: query.perPage,
              direction: query.direction,
              fromCreateAt: query.fromCreateAt,
              fromPost: query.fromPost,
              skipFetchThreads: query.skipFetchThreads,
            },
          }),
        ),
      );
    },
  });

  /** Edit one post for its author: readable, as Mattermost keeps an archived channel's posts, but no longer changed. */
  const editPost = async (props: { postId: string; patch: unknown; user: User }) => {
    const { post, channel } = await accessPost(host, { user: props.user, postId: props.postId, archived: "readable" });
    if (channel.delete_at !== 0)
      throw badRequest(
        "api.post.patch_post.can_not_update_post_in_deleted.error",
        "channel_id: the channel is archived; its posts can no longer be edited",
      );
    return postPatcher(host, { post, changer: { user: props.user }, patch: props.patch });
  };
  const editPolicy = "the author only, never a bot's, webhook's or system post; system admins neither; not in an archived channel";

  hostRoute(app, host, {
    method: "PUT",
    path: "/api/v4/posts/:id/patch",
    access: "user",
    summary: "Edit a post's message (or props)",
    policy: editPolicy,
    params: z.object({ id: z.string() }),
    body: postPatchSchema,
    maxBodyBytes: BODY_LIMITS.posts,
    invalidId: "api.post.patch.invalid",
    response: postSchema,
    handler: ({ params, body, user }) => editPost({ postId: params.id, patch: body, user }),
  });

  hostRoute(app, host, {
    method: "PUT",
    path: "/api/v4/posts/:id",
    access: "user",
    summary: "Update a post (Client4 updatePost, mattermost-client editPost): the post with its id; its message and props are stored",
    policy: editPolicy,
    params: z.object({ id: z.string() }),
    body: postPatchSchema.extend({ id: z.string({ error: "must be the post's id" }) }),
    maxBodyBytes: BODY_LIMITS.posts,
    invalidId: "api.post.update.invalid",
    response: postSchema,
    handler: ({ params, body, user }) => {
      if (body.id !== params.id) throw badRequest("api.context.invalid_param.app_error", "id: must be the id of the post in the URL");
      return editPost({ postId: params.id, patch: { message: body.message, props: body.props }, user });
    },
  });

  hostRoute(app, host, {
    method: "DELETE",
    path: "/api/v4/posts/:id",
    access: "user",
    summary: "Delete a post (and a root's replies)",
    policy: "the author, or a system admin",
    params: z.object({ id: z.string() }),
    response: statusOkSchema,
    handler: async ({ params, user }) => {
      const { post } = await accessPost(host, { user, postId: params.id });
      await postDeleter(host, { post, changer: { user } });
      return { status: "OK" };
    },
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/channels/:id/posts",
    access: "user",
    summary: "A page of a channel's posts, newest first",
    policy: "can read the channel",
    params: z.object({ id: z.string() }),
    query: listQuerySchema,
    response: postListSchema,
    handler: async ({ params, query, user }) => {
      const channel = await accessChannel(host, { user, channelId: params.id, archived: "readable" });
      const list = await postsOfChannel(host, {
        channelId: channel.id,
        page: query.page,
        perPage: query.per_page,
        before: query.before,
        after: query.after,
        since: query.since,
        collapsedThreads: query.collapsedThreads,
        skipFetchThreads: query.skipFetchThreads,
      });
      return withFilesInList(host, await withReactionsInList(host, list));
    },
  });

  hostRoute(app, host, {
    method: "POST",
    path: "/api/v4/posts/ids",
    access: "user",
    summary: "The posts with these ids that the caller may read, newest first (others left out)",
    policy: "can read each post's channel",
    body: z
      .array(z.string().max(26, "must be a post id"))
      .min(1, "must list at least one post id")
      .max(POSTS_BY_IDS_MAX, `must list at most ${POSTS_BY_IDS_MAX} post ids`),
    invalidId: "api.post.posts_by_ids.invalid_body.request_error",
    response: z.array(postSchema),
    handler: async ({ body, user }) => {
      const posts = await postsByIds(host, body);
      const readable = new Map<string, boolean>();
      for (const post of posts)
        if (!readable.has(post.channel_id)) {
          const channel = await getChannelOrArchived(host, post.channel_id);
          readable.set(post.channel_id, channel !== null && (await canReadChannel(host, user, channel)));
        }
      return withFiles(
        host,
        await withReactions(
          host,
          posts.filter((p) => readable.get(p.channel_id)),
        ),
      );
    },
  });

  for (const action of ["pin", "unpin"] as const)
    hostRoute(app, host, {
      method: "POST",
      path: `/api/v4/posts/:id/${action}`,
      access: "user",
      summary: action === "pin" ? "Pin a post to its channel" : "Unpin a post from its channel",
      policy: "can read the post's channel; channel member (or system admin); not in an archived channel",
      params: z.object({ id: z.string() }),
      response: statusOkSchema,
      handler: async ({ params, user }) => {
        const { post, channel } = await accessPost(host, { user, postId: params.id, archived: "readable" });
        if (channel.delete_at !== 0)
          throw badRequest(
            "api.post.update_post.can_not_update_post_in_deleted.error",
            "channel_id: the channel is archived; its posts can no longer be pinned or unpinned",
          );
        if (!(await canPostInChannel(host, user, channel))) throw forbidden(`You must be a member of the channel to ${action} its posts.`);
        await postPinSetter(host, { post, pinned: action === "pin" });
        return { status: "OK" };
      },
    });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/channels/:id/pinned",
    access: "user",
    summary: "A channel's pinned posts, newest first",
    policy: "can read the channel",
    params: z.object({ id: z.string() }),
    response: postListSchema,
    handler: async ({ params, user }) => {
      const channel = await accessChannel(host, { user, channelId: params.id, archived: "readable" });
      return pinnedPostsOf(host, channel.id);
    },
  });

  hostRoute(app, host, {
    method: "POST",
    path: "/api/v4/users/:userId/posts/:postId/set_unread",
    access: "user",
    summary: "Mark a post and everything after it unread (its thread only, for a reply with collapsed threads)",
    policy: "self or system admin; can read the post's channel; the user is a member",
    params: z.object({ userId: z.string(), postId: z.string() }),
    body: z.object({ collapsed_threads_supported: z.boolean({ error: "must be true or false" }).optional() }).optional(),
    response: channelUnreadAtSchema,
    handler: async ({ params, body, user }) => {
      requireSelfOrAdmin({ viewer: user, userId: params.userId, message: "You may mark posts unread only for yourself." });
      const { post, channel } = await accessPost(host, { user, postId: params.postId, archived: "readable" });
      return channelUnreadSetter(host, {
        channel,
        userId: params.userId,
        post,
        collapsedThreads: body?.collapsed_threads_supported === true,
      });
    },
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/users/:userId/channels/:channelId/posts/unread",
    access: "user",
    summary: "The posts around the caller's first unread post in a channel (limit_before, limit_after)",
    policy: "self or system admin; can read the channel; the user is a member",
    params: z.object({ userId: z.string(), channelId: z.string() }),
    query: postsUnreadQuerySchema,
    response: postListSchema,
    handler: async ({ params, query, user }) => {
      requireSelfOrAdmin({ viewer: user, userId: params.userId, message: "You may read only your own unread posts." });
      const channel = await accessChannel(host, { user, channelId: params.channelId, archived: "readable" });
      const list = await postsAroundLastUnread(host, { channel, userId: params.userId, query });
      return withFilesInList(host, await withReactionsInList(host, list));
    },
  });
}
