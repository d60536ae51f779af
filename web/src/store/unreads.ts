/**
 * @module store/unreads
 * The unread and mention arithmetic behind the sidebar's bold names and
 * badges, the team icons' badges and the page title, as Mattermost keeps it:
 * a channel is unread while its `total_msg_count` is ahead of the member's
 * `msg_count`, and the member's `mention_count` counts the mentions since the
 * channel was last viewed (every message of a direct message is one).
 */
import type { Channel, ChannelMember, Post } from "#common/wire.ts";
import { isDirectOrGroup } from "#common/wire.ts";
import { isUnread, type AppState } from "./state.ts";

type Lists = Pick<AppState, "channels" | "members">;

/** The user's channels once each: a direct or group message is listed under every team. */
export function uniqueChannels(state: Pick<AppState, "channels">): Channel[] {
  const byId = new Map<string, Channel>();
  for (const list of Object.values(state.channels)) for (const channel of list) byId.set(channel.id, channel);
  return [...byId.values()];
}

/** A channel the user is a member of, by id, from whichever team lists it. */
export function channelById(state: Pick<AppState, "channels">, channelId: string): Channel | undefined {
  for (const list of Object.values(state.channels)) {
    const found = list.find((c) => c.id === channelId);
    if (found) return found;
  }
  return undefined;
}

/** The unread mentions of a channel for the user. */
export function mentionCountOf(member: ChannelMember | undefined): number {
  return member?.mention_count ?? 0;
}

/**
 * A team's badge: the mentions in its own channels and whether any is unread.
 * Direct and group messages belong to no team; they have their own section.
 */
export function teamUnreads(state: Lists, teamId: string): { mentions: number; unread: boolean } {
  let mentions = 0;
  let unread = false;
  for (const channel of state.channels[teamId] ?? []) {
    if (channel.team_id !== teamId) continue;
    const member = state.members[channel.id];
    mentions += mentionCountOf(member);
    unread ||= isUnread(channel, member);
  }
  return { mentions, unread };
}

/**
 * Mattermost's title status: the number of mentions in every team and direct
 * message, or — with none — `true` when something is unread, else `false`.
 */
export function unreadStatus(state: Lists): number | boolean {
  let mentions = 0;
  let unread = false;
  for (const channel of uniqueChannels(state)) {
    const member = state.members[channel.id];
    mentions += mentionCountOf(member);
    unread ||= isUnread(channel, member);
  }
  return mentions > 0 ? mentions : unread;
}

/**
 * The page title, as Mattermost writes it: `(3) ` with mentions, `* ` when
 * only unread, then the channel and the team.
 * @example pageTitle({ channelName: "Town Square", teamName: "Ops", status: 3 }) // "(3) Town Square · Ops · Sitrep"
 */
export function pageTitle(props: { channelName?: string; teamName?: string; status: number | boolean }): string {
  const prefix = typeof props.status === "number" && props.status > 0 ? `(${props.status}) ` : props.status === true ? "* " : "";
  const parts = [props.channelName, props.teamName, "Sitrep"].filter((p): p is string => !!p);
  return prefix + parts.join(" · ");
}

/**
 * The state after a post arrived in one of the user's channels: the
 * channel's count and last post time in every list holding it, the user's
 * own posts counted as read, and a mention counted unless the user is
 * looking at the channel (which marks it read).
 */
export function withPostCounted(state: AppState, props: { post: Post; mentions: readonly string[]; viewing: boolean }): AppState {
  const { post } = props;
  let found = false;
  const channels: AppState["channels"] = {};
  for (const [teamId, list] of Object.entries(state.channels)) {
    channels[teamId] = list.map((c) => {
      if (c.id !== post.channel_id) return c;
      found = true;
      return { ...c, total_msg_count: c.total_msg_count + 1, last_post_at: Math.max(c.last_post_at, post.create_at) };
    });
  }
  if (!found) return state;
  const meId = state.me?.id;
  const member = state.members[post.channel_id];
  if (!member || !meId) return { ...state, channels };
  const mine = post.user_id === meId;
  const mentioned = !mine && !props.viewing && props.mentions.includes(meId);
  if (!mine && !mentioned) return { ...state, channels };
  const counted = {
    ...member,
    msg_count: mine ? member.msg_count + 1 : member.msg_count,
    mention_count: mentioned ? member.mention_count + 1 : member.mention_count,
  };
  return { ...state, channels, members: { ...state.members, [post.channel_id]: counted } };
}

/** The state with a channel marked read: every message seen, no mention left. */
export function withChannelViewed(state: AppState, props: { channelId: string; now: number }): AppState {
  const member = state.members[props.channelId];
  const channel = channelById(state, props.channelId);
  if (!member || !channel) return state;
  if (member.msg_count === channel.total_msg_count && member.mention_count === 0) return state;
  const viewed = { ...member, msg_count: channel.total_msg_count, mention_count: 0, last_viewed_at: props.now };
  return { ...state, members: { ...state.members, [props.channelId]: viewed } };
}

/** Direct and group messages first by their last message, as Mattermost's "Direct messages" section sorts them. */
export function directChannelsOf(channels: readonly Channel[]): Channel[] {
  return channels.filter(isDirectOrGroup).sort((a, b) => b.last_post_at - a.last_post_at || a.display_name.localeCompare(b.display_name));
}
