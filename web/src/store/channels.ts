/**
 * @module store/channels
 * The user's channels in a team (with their direct and group messages),
 * unread state, browsing, creating and joining, and the changes the server
 * announces: a channel updated, archived, or the user removed from it.
 */
import * as z from "zod/mini";
import { channelMemberSchema, channelSchema } from "#common/wire-schemas.ts";
import type { Channel } from "#common/wire.ts";
import { paths } from "../router/router.ts";
import { directTeammatesEnsurer, withDirectNames } from "./direct-channels.ts";
import type { Services } from "./services.ts";
import type { AppState } from "./state.ts";
import { DEFAULT_CHANNEL } from "./teams.ts";
import { channelById, withChannelViewed } from "./unreads.ts";

type Deps = Pick<Services, "api" | "store">;

/** Load the user's channels of a team and their unread state. */
export async function channelsLoader(services: Deps, teamId: string): Promise<Channel[]> {
  const [loaded, members] = await Promise.all([
    services.api.get(`/api/v4/users/me/teams/${teamId}/channels`, z.array(channelSchema)),
    services.api.get(`/api/v4/users/me/teams/${teamId}/channels/members`, z.array(channelMemberSchema)),
  ]);
  await directTeammatesEnsurer(services, loaded);
  const channels = withDirectNames(loaded, services.store.get());
  services.store.update((s) => {
    const byChannel = { ...s.members };
    for (const member of members) byChannel[member.channel_id] = member;
    return { ...s, channels: { ...s.channels, [teamId]: channels }, members: byChannel };
  });
  return channels;
}

/** Load the channels of the user's teams not loaded yet (for the team icons' badges). */
export async function otherTeamsLoader(services: Deps, teamIds: string[]): Promise<void> {
  const loaded = services.store.get().channels;
  await Promise.all(teamIds.filter((id) => !loaded[id]).map((id) => channelsLoader(services, id).catch(() => undefined)));
}

/** The state with a channel as it now reads, wherever it is listed or shown. */
export function withChannel(state: AppState, channel: Channel): AppState {
  const [named] = withDirectNames([channel], state);
  if (!named) return state;
  let changed = false;
  const channels: AppState["channels"] = {};
  for (const [teamId, list] of Object.entries(state.channels)) {
    channels[teamId] = list.map((c) => {
      if (c.id !== named.id) return c;
      changed = true;
      // Counters move with posts here; an update's copy may be older than what arrived since.
      return { ...named, total_msg_count: Math.max(c.total_msg_count, named.total_msg_count), last_post_at: c.last_post_at };
    });
  }
  const viewed = state.viewedChannel?.id === named.id;
  if (!changed && !viewed) return state;
  return { ...state, channels, viewedChannel: viewed ? named : state.viewedChannel };
}

/**
 * The state without a channel the user may no longer see (removed from it)
 * or that left every list (archived). With `dropPosts` its posts leave the
 * store too, and a thread of it closes in the right-hand sidebar.
 */
export function withoutChannel(state: AppState, props: { channelId: string; dropPosts: boolean }): AppState {
  const { channelId } = props;
  const channels: AppState["channels"] = {};
  for (const [teamId, list] of Object.entries(state.channels)) channels[teamId] = list.filter((c) => c.id !== channelId);
  const members = { ...state.members };
  delete members[channelId];
  const channelMemberIds = { ...state.channelMemberIds };
  delete channelMemberIds[channelId];
  const next: AppState = { ...state, channels, members, channelMemberIds };
  if (!props.dropPosts) return next;
  const posts: AppState["posts"] = {};
  for (const [id, post] of Object.entries(state.posts)) if (post.channel_id !== channelId) posts[id] = post;
  const postsByChannel = { ...state.postsByChannel };
  delete postsByChannel[channelId];
  const typing: AppState["typing"] = {};
  for (const [key, typists] of Object.entries(state.typing)) if (!key.startsWith(`${channelId}:`)) typing[key] = typists;
  const rhs = state.rhs?.kind === "thread" && state.posts[state.rhs.rootId]?.channel_id === channelId ? null : state.rhs;
  const viewedChannel = state.viewedChannel?.id === channelId ? null : state.viewedChannel;
  return { ...next, posts, postsByChannel, typing, rhs, viewedChannel };
}

/** A channel changed (`channel_updated`, or the answer to a change): show it as it now reads. */
export function channelReceiver(services: Deps, channel: Channel): void {
  services.store.update((s) => withChannel(s, channel));
}

/**
 * The user lost a channel: removed from it (or left), or it was archived.
 * It leaves the sidebar at once; when it was in view the user lands in the
 * team's Town Square with `notice` saying why.
 */
export function channelDropper(
  services: Pick<Services, "store" | "router">,
  props: { channelId: string; dropPosts: boolean; notice: (channelName: string) => string },
): void {
  const state = services.store.get();
  const channel = channelById(state, props.channelId) ?? (state.viewedChannel?.id === props.channelId ? state.viewedChannel : undefined);
  const inView = state.currentChannelId === props.channelId;
  const team = state.teams?.find((t) => t.id === state.currentTeamId);
  services.store.update((s) => {
    const next = withoutChannel(s, props);
    return inView ? { ...next, notice: props.notice(channel?.display_name ?? "the channel") } : next;
  });
  if (inView && team) services.router.navigate(paths.channel(team.name, DEFAULT_CHANNEL), { replace: true });
}

/** Public channels of a team, for browsing. */
export function publicChannelsLoader(services: Deps, teamId: string): Promise<Channel[]> {
  return services.api.get(`/api/v4/teams/${teamId}/channels`, z.array(channelSchema), { per_page: 200 });
}

/** Mark a channel read (every message seen, no mention left), here and on the server. */
export async function channelViewer(services: Deps, channelId: string): Promise<void> {
  const member = services.store.get().members[channelId];
  services.store.update((s) => withChannelViewed(s, { channelId, now: Date.now() }));
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
