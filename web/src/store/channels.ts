/**
 * @module store/channels
 * The user's channels in a team, unread state, browsing, creating and joining.
 */
import * as z from "zod/mini";
import { channelMemberSchema, channelSchema } from "#common/wire-schemas.ts";
import type { Channel } from "#common/wire.ts";
import type { Services } from "./services.ts";

type Deps = Pick<Services, "api" | "store">;

/** Load the user's channels of a team and their unread state. */
export async function channelsLoader(services: Deps, teamId: string): Promise<Channel[]> {
  const [channels, members] = await Promise.all([
    services.api.get(`/api/v4/users/me/teams/${teamId}/channels`, z.array(channelSchema)),
    services.api.get(`/api/v4/users/me/teams/${teamId}/channels/members`, z.array(channelMemberSchema)),
  ]);
  services.store.update((s) => {
    const byChannel = { ...s.members };
    for (const member of members) byChannel[member.channel_id] = member;
    return { ...s, channels: { ...s.channels, [teamId]: channels }, members: byChannel };
  });
  return channels;
}

/** Public channels of a team, for browsing. */
export function publicChannelsLoader(services: Deps, teamId: string): Promise<Channel[]> {
  return services.api.get(`/api/v4/teams/${teamId}/channels`, z.array(channelSchema), { per_page: 200 });
}

/** Mark a channel read, here and on the server. */
export async function channelViewer(services: Deps, channelId: string): Promise<void> {
  const state = services.store.get();
  const member = state.members[channelId];
  const channel = Object.values(state.channels)
    .flat()
    .find((c) => c.id === channelId);
  if (member && channel && member.msg_count !== channel.total_msg_count) {
    services.store.update((s) => ({
      ...s,
      members: { ...s.members, [channelId]: { ...member, msg_count: channel.total_msg_count, last_viewed_at: Date.now() } },
    }));
  }
  if (!member) return;
  await services.api.post("/api/v4/channels/members/me/view", { channel_id: channelId }).catch(() => undefined);
}

/** Create a channel; the creator is its first member. */
export async function channelCreator(
  services: Deps,
  props: { teamId: string; name: string; displayName: string; type: "O" | "P"; purpose?: string },
): Promise<Channel> {
  const channel = await services.api.post(
    "/api/v4/channels",
    { team_id: props.teamId, name: props.name, display_name: props.displayName, type: props.type, purpose: props.purpose || undefined },
    channelSchema,
  );
  await channelsLoader(services, props.teamId);
  return channel;
}

/** Join a public channel. */
export async function channelJoiner(services: Deps, channel: Channel): Promise<void> {
  const me = services.store.get().me;
  if (!me) return;
  await services.api.post(`/api/v4/channels/${channel.id}/members`, { user_id: me.id });
  await channelsLoader(services, channel.team_id);
}

/** A channel by team and name, readable by the user (throws the server's 404 otherwise). */
export function channelByName(services: Deps, teamId: string, name: string): Promise<Channel> {
  return services.api.get(`/api/v4/teams/${teamId}/channels/name/${encodeURIComponent(name)}`, channelSchema);
}
