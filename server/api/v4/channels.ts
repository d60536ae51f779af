/**
 * @module api/v4/channels
 * Channels, members and unread state.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { channelMemberSchema, channelSchema, statusOkSchema } from "#common/wire-schemas.ts";
import { isSystemAdmin, type ChannelMember, type User } from "#common/wire.ts";
import { badRequest, forbidden, notFound } from "../../errors.ts";
import type { Host } from "../../host.ts";
import {
  accessBrowsableTeam,
  accessChannel,
  canManageChannel,
  canReadChannel,
  canRestoreChannel,
  channelManageForbidden,
  channelMemberAddRefusal,
  channelNotFound,
  requireSelfOrAdmin,
} from "../../policies/index.ts";
import {
  channelCreator,
  channelMemberAdder,
  channelMembers,
  channelMembersOfUser,
  channelNotifyPropsSchema,
  channelNotifyPropsUpdater,
  channelsOfUser,
  channelViewer,
  getChannelByName,
  getChannelMember,
  newChannelSchema,
  publicChannels,
} from "../../services/channels.ts";
import {
  channelArchiver,
  channelMemberRemover,
  channelPatcher,
  channelPatchSchema,
  channelPrivacyChanger,
  channelPrivacySchema,
  channelRestorer,
} from "../../services/channel-management.ts";
import { pageQuerySchema } from "#common/limits.ts";
import { hostRoute } from "../route.ts";

const idParams = z.object({ id: z.string() });
const userTeamParams = z.object({ userId: z.string(), teamId: z.string() });
const teamParams = z.object({ teamId: z.string() });

/** Mattermost's largest `user_ids` list in one `POST /channels/{id}/members`. */
const ADD_MEMBERS_MAX = 256;

/** `POST /channels/{id}/members`: one `user_id`, or `user_ids` (Client4's `addToChannels`, the web app's "Add members"). */
const addMembersSchema = z
  .object({
    user_id: z.string().min(1, "is required").optional(),
    user_ids: z
      .array(z.string().min(1, "must not be empty"))
      .min(1, "must list at least one user")
      .max(ADD_MEMBERS_MAX, `must list at most ${ADD_MEMBERS_MAX} users`)
      .optional(),
    /** The thread the web app added the members from; accepted, not read. */
    post_root_id: z.string().optional(),
  })
  .refine((b) => b.user_id !== undefined || b.user_ids !== undefined, { message: "is required (or user_ids)", path: ["user_id"] });

export function registerChannelRoutes(app: FastifyInstance, host: Host): void {
  /** `/users/:userId/teams/:teamId/...`: the caller's own (or any, for admins), in a team they may look inside. */
  async function ownTeamScope(props: { params: z.output<typeof userTeamParams>; user: User; what: string }) {
    requireSelfOrAdmin({ viewer: props.user, userId: props.params.userId, message: `You may list only your own ${props.what}.` });
    await accessBrowsableTeam(host, { user: props.user, teamId: props.params.teamId });
    return { teamId: props.params.teamId, userId: props.params.userId };
  }

  hostRoute(app, host, {
    method: "POST",
    path: "/api/v4/channels",
    access: "user",
    summary: "Create a channel; the creator becomes its first member",
    policy: "team member (or system admin)",
    body: newChannelSchema,
    invalidId: "api.channel.create.invalid",
    response: channelSchema,
    status: 201,
    handler: ({ body, user }) => channelCreator(host, { input: body, creator: user }),
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/channels/:id",
    access: "user",
    summary: "Read a channel",
    policy: "can read the channel",
    params: idParams,
    response: channelSchema,
    handler: ({ params, user }) => accessChannel(host, { user, channelId: params.id, archived: "readable" }),
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/users/:userId/teams/:teamId/channels",
    access: "user",
    summary: "The channels of a team that the user is a member of",
    policy: "self or system admin; team member",
    params: userTeamParams,
    response: z.array(channelSchema),
    handler: async ({ params, user }) => channelsOfUser(host, await ownTeamScope({ params, user, what: "channels" })),
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/users/:userId/teams/:teamId/channels/members",
    access: "user",
    summary: "The user's channel memberships in a team, for unread marks",
    policy: "self or system admin; team member",
    params: userTeamParams,
    response: z.array(channelMemberSchema),
    handler: async ({ params, user }) => channelMembersOfUser(host, await ownTeamScope({ params, user, what: "memberships" })),
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/teams/:teamId/channels",
    access: "user",
    summary: "The public channels of a team, to browse and join",
    policy: "team member",
    params: teamParams,
    query: pageQuerySchema(),
    response: z.array(channelSchema),
    handler: async ({ params, query, user }) => {
      await accessBrowsableTeam(host, { user, teamId: params.teamId });
      return publicChannels(host, { teamId: params.teamId, page: query.page, perPage: query.per_page });
    },
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/teams/:teamId/channels/name/:name",
    access: "user",
    summary: "A channel of a team by name",
    policy: "team member; can read the channel",
    params: z.object({ teamId: z.string(), name: z.string() }),
    response: channelSchema,
    handler: async ({ params, user }) => {
      await accessBrowsableTeam(host, { user, teamId: params.teamId });
      const channel = await getChannelByName(host, params.teamId, params.name);
      if (!channel || !(await canReadChannel(host, user, channel))) throw channelNotFound();
      return channel;
    },
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/channels/:id/members",
    access: "user",
    summary: "The members of a channel",
    policy: "can read the channel",
    params: idParams,
    query: pageQuerySchema(),
    response: z.array(channelMemberSchema),
    handler: async ({ params, query, user }) => {
      const channel = await accessChannel(host, { user, channelId: params.id });
      return channelMembers(host, { channelId: channel.id, page: query.page, perPage: query.per_page });
    },
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/channels/:id/members/:userId",
    access: "user",
    summary: "One membership of a channel",
    policy: "can read the channel",
    params: z.object({ id: z.string(), userId: z.string() }),
    response: channelMemberSchema,
    handler: async ({ params, user }) => {
      const channel = await accessChannel(host, { user, channelId: params.id });
      const member = await getChannelMember(host, channel.id, params.userId);
      if (!member) throw notFound("channel_member", "not a member of this channel");
      return member;
    },
  });

  hostRoute(app, host, {
    method: "POST",
    path: "/api/v4/channels/:id/members",
    access: "user",
    summary: "Add a member (user_id) or several (user_ids) to a channel, or join a public one",
    policy: "can read the channel; channel member to add others; the added users on the team",
    params: idParams,
    body: addMembersSchema,
    response: z.union([channelMemberSchema, z.array(channelMemberSchema)]),
    status: 201,
    handler: async ({ params, body, user }) => {
      const channel = await accessChannel(host, { user, channelId: params.id });
      const targets = body.user_ids ?? [body.user_id ?? ""];
      // Every user checked before any is added, so a refused list adds nobody.
      for (const targetId of targets) {
        const refusal = await channelMemberAddRefusal(host, { actor: user, channel, targetId });
        if (refusal === "not_a_member") throw forbidden("You must be a member of the channel to add others to it.");
        if (refusal === "target_not_on_team")
          throw forbidden(`${body.user_ids ? `user_ids: ${targetId}` : "user_id: the user"} is not a member of this channel's team.`);
        if (refusal === "direct_or_group")
          throw badRequest("api.channel.add_member.direct", "channel: the members of a direct or group message are fixed when it is made");
      }
      const added: ChannelMember[] = [];
      for (const targetId of targets)
        added.push(await channelMemberAdder(host, { channelId: channel.id, userId: targetId, actorId: user.id }));
      // As Mattermost: one member for `user_id`, the list for `user_ids`.
      return body.user_ids ? added : added[0];
    },
  });

  hostRoute(app, host, {
    method: "PUT",
    path: "/api/v4/channels/:id/members/:userId/notify_props",
    access: "user",
    summary: "Change a member's notification settings for the channel (desktop, email, push, mark_unread, ...)",
    policy: "self or system admin; can read the channel; the user is a member",
    params: z.object({ id: z.string(), userId: z.string() }),
    body: channelNotifyPropsSchema,
    invalidId: "api.channel.update_channel_notify_props.invalid",
    response: statusOkSchema,
    handler: async ({ params, body, user }) => {
      requireSelfOrAdmin({ viewer: user, userId: params.userId, message: "You may change only your own notification settings." });
      const channel = await accessChannel(host, { user, channelId: params.id, archived: "readable" });
      await channelNotifyPropsUpdater(host, { channelId: channel.id, userId: params.userId, notifyProps: body });
      return { status: "OK" };
    },
  });

  hostRoute(app, host, {
    method: "POST",
    path: "/api/v4/channels/members/:userId/view",
    access: "user",
    summary: "Mark a channel read for the caller",
    policy: "can read the channel",
    params: z.object({ userId: z.string() }),
    body: z.object({ channel_id: z.string().length(26, "must be a 26-character id"), prev_channel_id: z.string().optional() }),
    response: z.object({ status: z.literal("OK"), last_viewed_at_times: z.record(z.string(), z.number()) }),
    handler: async ({ body, user }) => {
      await accessChannel(host, { user, channelId: body.channel_id });
      const viewedAt = await channelViewer(host, { channelId: body.channel_id, userId: user.id });
      return { status: "OK", last_viewed_at_times: { [body.channel_id]: viewedAt } };
    },
  });

  hostRoute(app, host, {
    method: "PUT",
    path: "/api/v4/channels/:id/patch",
    access: "user",
    summary: "Change a channel's name, display name, purpose or header",
    policy: "can read the channel; channel member or system admin",
    params: idParams,
    body: channelPatchSchema,
    invalidId: "api.channel.patch.invalid",
    response: channelSchema,
    handler: async ({ params, body, user }) => {
      const channel = await accessChannel(host, { user, channelId: params.id });
      if (!(await canManageChannel(host, user, channel))) throw channelManageForbidden("change it");
      return channelPatcher(host, { channel, patch: body });
    },
  });

  hostRoute(app, host, {
    method: "PUT",
    path: "/api/v4/channels/:id/privacy",
    access: "user",
    summary: "Make a channel private (P) or public (O)",
    policy: "can read the channel; to private: channel member or system admin; to public: system admin",
    params: idParams,
    body: channelPrivacySchema,
    invalidId: "api.channel.update_channel_privacy.invalid",
    response: channelSchema,
    handler: async ({ params, body, user }) => {
      const channel = await accessChannel(host, { user, channelId: params.id });
      if (body.privacy === "O" && channel.type === "P" && !isSystemAdmin(user))
        throw forbidden("Only system admins may make a private channel public.");
      if (!(await canManageChannel(host, user, channel))) throw channelManageForbidden("change its privacy");
      return channelPrivacyChanger(host, { channel, privacy: body.privacy });
    },
  });

  hostRoute(app, host, {
    method: "DELETE",
    path: "/api/v4/channels/:id",
    access: "user",
    summary: "Archive a channel",
    policy: "can read the channel; channel member or system admin",
    params: idParams,
    response: statusOkSchema,
    handler: async ({ params, user }) => {
      const channel = await accessChannel(host, { user, channelId: params.id });
      if (!(await canManageChannel(host, user, channel))) throw channelManageForbidden("archive it");
      await channelArchiver(host, { channel });
      return { status: "OK" };
    },
  });

  hostRoute(app, host, {
    method: "POST",
    path: "/api/v4/channels/:id/restore",
    access: "user",
    summary: "Bring an archived channel back",
    policy: "can read the channel; team admin or system admin",
    params: idParams,
    response: channelSchema,
    handler: async ({ params, user }) => {
      const channel = await accessChannel(host, { user, channelId: params.id, archived: "readable" });
      if (!(await canRestoreChannel(host, user, channel))) throw forbidden("Only team admins and system admins may restore a channel.");
      return channelRestorer(host, { channel });
    },
  });

  hostRoute(app, host, {
    method: "DELETE",
    path: "/api/v4/channels/:id/members/:userId",
    access: "user",
    summary: "Leave a channel, or remove another member from it",
    policy: "can read the channel; the member themselves, another channel member or a system admin",
    params: z.object({ id: z.string(), userId: z.string() }),
    response: statusOkSchema,
    handler: async ({ params, user }) => {
      const channel = await accessChannel(host, { user, channelId: params.id });
      if (params.userId !== user.id && !(await canManageChannel(host, user, channel)))
        throw channelManageForbidden("remove others from it");
      await channelMemberRemover(host, { channel, userId: params.userId, removerId: user.id });
      return { status: "OK" };
    },
  });
}
