/**
 * @module store/state
 * The shape of the web app's state and the pure updates on it.
 */
import type { Channel, ChannelMember, SlashCommand, Dialog, Post, Team, User, UserStatus } from "#common/wire.ts";
import type { PendingFile } from "./files.ts";

/** A channel's loaded posts: ids oldest first. */
export interface ChannelPosts {
  order: string[];
  /** More (older) posts exist on the server. */
  hasMore: boolean;
  loadingOlder: boolean;
}

/** Where a post is shown: the channel in the center, or its thread in the right-hand sidebar. */
export type PostLocation = "center" | "rhs";

/**
 * A thread opened in the right-hand sidebar: its post ids oldest first (the
 * root first). `deleted` when its root was deleted while it was open,
 * `missing` when the server answered that it does not exist (or not for this user).
 */
export interface ThreadPosts {
  order: string[];
  status: "loaded" | "deleted" | "missing";
  /** Why it is missing: the server's message. */
  message?: string;
}

/** An interactive dialog the server asked to open. */
export interface OpenDialog {
  dialog: Dialog;
  channelId: string;
  teamId: string;
}

export type ConnectionState = "connecting" | "open" | "reconnecting";

/**
 * What the host shows in the right-hand sidebar instead of the plugin panel:
 * a post's thread, search results, or the members of the channel in view
 * (following it from channel to channel, as in Mattermost). `null` shows the
 * open plugin panel (if any); closing a host view brings that panel back.
 */
export type RhsView = { kind: "thread"; rootId: string } | { kind: "search"; terms: string } | { kind: "members" } | null;

export interface AppState {
  /** `undefined` while the session is being checked, `null` when signed out. */
  me: User | null | undefined;
  /** The teams the user belongs to (`undefined` until loaded). */
  teams: Team[] | undefined;
  /** Channels the user is a member of, by team id. */
  channels: Record<string, Channel[]>;
  /** The user's membership of each channel (unread state), by channel id. */
  members: Record<string, ChannelMember>;
  posts: Record<string, Post>;
  postsByChannel: Record<string, ChannelPosts>;
  users: Record<string, User>;
  dialog: OpenDialog | null;
  connection: ConnectionState;
  /** The team in view. */
  currentTeamId: string | null;
  /** The channel in view, so arriving posts there count as read. */
  currentChannelId: string | null;
  /** The channel object in view (a member's or a previewed public channel). */
  viewedChannel: Channel | null;
  /** Why the last server answer or event the app could not read was refused, until dismissed. */
  wireError: string | null;
  /**
   * The slash commands for the composer's autocomplete, loaded once per
   * session and again when a plugin is enabled or disabled (`undefined` until loaded).
   */
  commands: SlashCommand[] | undefined;
  /** The host's right-hand sidebar view (a thread, search results), over the plugin panel. */
  rhs: RhsView;
  /** Threads loaded for the right-hand sidebar, by root post id (absent while loading). */
  threads: Record<string, ThreadPosts>;
  /** The post being edited inline, and where (a root shows in the center and in its thread), or null. */
  editing: { postId: string; location: PostLocation } | null;
  // ---- presence, membership and notices (mentions, DMs, channel management) ----
  /** Who is typing where: by `typingKey(channelId, parentId)`, the typists' ids and until when to show them (ms). */
  typing: Record<string, Record<string, number>>;
  /** Users' presence by user id, as far as loaded (`POST /users/status/ids`, `status_change`). */
  statuses: Record<string, UserStatus["status"]>;
  /** The member ids of the channels whose member list is open, kept live by `user_added` / `user_removed`. */
  channelMemberIds: Record<string, string[]>;
  /** A note for the user about something that happened to them (removed from the channel in view), until dismissed. */
  notice: string | null;
  /** Files being uploaded or uploaded for the next message, by draft (a channel, or a thread: store/files.ts `draftKey`). */
  pendingFiles: Record<string, PendingFile[]>;
}

export const initialState: AppState = {
  me: undefined,
  teams: undefined,
  channels: {},
  members: {},
  posts: {},
  postsByChannel: {},
  users: {},
  dialog: null,
  connection: "connecting",
  currentTeamId: null,
  currentChannelId: null,
  viewedChannel: null,
  wireError: null,
  commands: undefined,
  rhs: null,
  threads: {},
  editing: null,
  typing: {},
  statuses: {},
  channelMemberIds: {},
  notice: null,
  pendingFiles: {},
};

/** Merge posts into a channel's list, keeping it sorted oldest first and without duplicates. */
export function withPosts(state: AppState, channelId: string, posts: Post[], patch: Partial<ChannelPosts> = {}): AppState {
  const allPosts = { ...state.posts };
  for (const post of posts) allPosts[post.id] = post;
  const previous = state.postsByChannel[channelId] ?? { order: [], hasMore: true, loadingOlder: false };
  const ids = new Set([...previous.order, ...posts.map((p) => p.id)]);
  // An id whose post is gone sorts first rather than throwing.
  const createdAt = (id: string) => allPosts[id]?.create_at ?? 0;
  const order = [...ids].sort((a, b) => createdAt(a) - createdAt(b) || a.localeCompare(b));
  return { ...state, posts: allPosts, postsByChannel: { ...state.postsByChannel, [channelId]: { ...previous, ...patch, order } } };
}

/** True when the channel has messages the user has not seen. */
export function isUnread(channel: Channel, member: ChannelMember | undefined): boolean {
  return member !== undefined && channel.total_msg_count > member.msg_count;
}
