/**
 * @module api/v4/channels
 * Channels, members and unread state.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { pageQuerySchema } from "#common/limits.ts";
import { isSystemAdmin } from "#common/wire.ts";
import { forbidden, notFound } from "../../errors.ts";
import type { Host } from "../../host.ts";
import { parse, requireUser } from "../context.ts";
import {
  canReadChannel,
  channelCreator,
  channelMemberAdder,
  channelMemberIds,
  channelMembersOfUser,
  channelsOfUser,
  channelViewer,
  getChannelByName,
  getChannelMember,
  presentChannelMember,
  publicChannels,
  readableChannel,
} from "../../services/channels.ts";
import { getTeam, isTeamMember } from "../../services/teams.ts";

const pageSchema = pageQuerySchema();

export function registerChannelRoutes(app: FastifyInstance, host: Host): void {
  /** The team, when the caller belongs to it (or is a system admin); 404 otherwise. */
  async function memberTeam(teamId: string, user: { id: string; roles: string }) {
    const team = await getTeam(host, teamId);
    if (!team || (!isSystemAdmin(user) && !(await isTeamMember(host, team.id, user.id))))
      throw notFound("team", "team not found, or you are not a member of it");
    return team;
  }

  app.post("/api/v4/channels", async (request, reply) => {
    const user = requireUser(request);
    return reply.status(201).send(await channelCreator(host, { input: request.body, creator: user }));
  });

  app.get<{ Params: { id: string } }>("/api/v4/channels/:id", async (request) => {
    const user = requireUser(request);
    return readableChannel(host, user, request.params.id);
  });

  app.get<{ Params: { userId: string; teamId: string } }>("/api/v4/users/:userId/teams/:teamId/channels", async (request) => {
    const user = requireUser(request);
    const userId = request.params.userId === "me" ? user.id : request.params.userId;
    if (userId !== user.id && !isSystemAdmin(user)) throw forbidden("You may list only your own channels.");
    await memberTeam(request.params.teamId, user);
    return channelsOfUser(host, { teamId: request.params.teamId, userId });
  });

  app.get<{ Params: { userId: string; teamId: string } }>("/api/v4/users/:userId/teams/:teamId/channels/members", async (request) => {
    const user = requireUser(request);
    const userId = request.params.userId === "me" ? user.id : request.params.userId;
    if (userId !== user.id && !isSystemAdmin(user)) throw forbidden("You may list only your own memberships.");
    await memberTeam(request.params.teamId, user);
    return channelMembersOfUser(host, { teamId: request.params.teamId, userId });
  });

  app.get<{ Params: { teamId: string } }>("/api/v4/teams/:teamId/channels", async (request) => {
    const user = requireUser(request);
    await memberTeam(request.params.teamId, user);
    const q = parse(pageSchema, request.query);
    return publicChannels(host, { teamId: request.params.teamId, page: q.page, perPage: q.per_page });
  });

  app.get<{ Params: { teamId: string; name: string } }>("/api/v4/teams/:teamId/channels/name/:name", async (request) => {
    const user = requireUser(request);
    await memberTeam(request.params.teamId, user);
    const channel = await getChannelByName(host, request.params.teamId, request.params.name);
    if (!channel || !(await canReadChannel(host, user, channel)))
      throw notFound("channel", "channel not found, or you do not have access to it");
    return channel;
  });

  app.get<{ Params: { id: string } }>("/api/v4/channels/:id/members", async (request) => {
    const user = requireUser(request);
    const channel = await readableChannel(host, user, request.params.id);
    const rows = await host.db.selectFrom("channel_members").selectAll().where("channel_id", "=", channel.id).execute();
    return rows.map(presentChannelMember);
  });

  app.get<{ Params: { id: string; userId: string } }>("/api/v4/channels/:id/members/:userId", async (request) => {
    const user = requireUser(request);
    const channel = await readableChannel(host, user, request.params.id);
    const member = await getChannelMember(host, channel.id, request.params.userId === "me" ? user.id : request.params.userId);
    if (!member) throw notFound("channel_member", "not a member of this channel");
    return member;
  });

  app.post<{ Params: { id: string } }>("/api/v4/channels/:id/members", async (request, reply) => {
    const actor = requireUser(request);
    const { user_id } = parse(z.object({ user_id: z.string().min(1, "is required") }), request.body);
    const channel = await readableChannel(host, actor, request.params.id);
    const actorIsMember = (await channelMemberIds(host, channel.id)).has(actor.id);
    if (!isSystemAdmin(actor)) {
      if (channel.type === "P" && !actorIsMember) throw notFound("channel", "channel not found, or you do not have access to it");
      // Join a public channel yourself; add others only as a member.
      if (user_id !== actor.id && !actorIsMember) throw forbidden("You must be a member of the channel to add others to it.");
      if (!(await isTeamMember(host, channel.team_id, user_id)))
        throw forbidden("user_id: the user is not a member of this channel's team.");
    }
    return reply.status(201).send(await channelMemberAdder(host, { channelId: channel.id, userId: user_id, actorId: actor.id }));
  });

  app.post("/api/v4/channels/members/:userId/view", async (request) => {
    const user = requireUser(request);
    const { channel_id } = parse(
      z.object({ channel_id: z.string().length(26, "must be a 26-character id"), prev_channel_id: z.string().optional() }),
      request.body,
    );
    await readableChannel(host, user, channel_id);
    await channelViewer(host, { channelId: channel_id, userId: user.id });
    return { status: "OK", last_viewed_at_times: { [channel_id]: Date.now() } };
  });
}
