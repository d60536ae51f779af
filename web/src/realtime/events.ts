/**
 * @module realtime/events
 * What the web app does with each WebSocket event. Every event is also
 * handed to the plugins' handlers.
 */
import type { Dialog, Post, WebSocketEvent } from "../../../common/wire.ts";
import { channelsLoader, channelViewer } from "../store/channels.ts";
import { postReceiver } from "../store/posts.ts";
import type { Services } from "../store/services.ts";
import { teamsLoader } from "../store/teams.ts";

function parsePost(value: unknown): Post | null {
  if (typeof value !== "string") return null;
  try {
    const post = JSON.parse(value) as Post;
    return typeof post.id === "string" && typeof post.channel_id === "string" ? post : null;
  } catch {
    return null;
  }
}

function onPosted(services: Services, post: Post): void {
  const state = services.store.get();
  const teamId = Object.keys(state.channels).find((id) => state.channels[id].some((c) => c.id === post.channel_id));
  if (teamId) {
    const mine = post.user_id === state.me?.id;
    services.store.update((s) => {
      const channels = s.channels[teamId].map((c) => (c.id === post.channel_id ? { ...c, total_msg_count: c.total_msg_count + 1, last_post_at: post.create_at } : c));
      const member = s.members[post.channel_id];
      const members = mine && member ? { ...s.members, [post.channel_id]: { ...member, msg_count: member.msg_count + 1 } } : s.members;
      return { ...s, channels: { ...s.channels, [teamId]: channels }, members };
    });
    if (post.channel_id === state.currentChannelId && document.visibilityState !== "hidden") void channelViewer(services, post.channel_id);
  } else {
    // A channel the sidebar does not list yet (e.g. just added): reload it.
    const eventTeam = state.currentTeamId;
    if (eventTeam) void channelsLoader(services, eventTeam).catch(() => undefined);
  }
  postReceiver(services, post);
}

/** Apply one event to the app's state, then give it to the plugins. */
export function eventApplier(services: Services, event: WebSocketEvent): void {
  const state = services.store.get();
  const data = event.data ?? {};
  const teamId = typeof data.team_id === "string" ? data.team_id : "";
  switch (event.event) {
    case "posted": {
      const post = parsePost(data.post);
      if (post) onPosted(services, post);
      break;
    }
    case "ephemeral_message": {
      const post = parsePost(data.post);
      if (post) postReceiver(services, { ...post, type: post.type || "system_ephemeral" });
      break;
    }
    case "channel_created":
      if (teamId && state.channels[teamId]) void channelsLoader(services, teamId).catch(() => undefined);
      break;
    case "user_added":
      if (data.user_id === state.me?.id && teamId) void channelsLoader(services, teamId).catch(() => undefined);
      break;
    case "added_to_team":
      void teamsLoader(services).catch(() => undefined);
      break;
    case "plugin_enabled":
    case "plugin_disabled":
    case "plugin_statuses_changed":
      void services.plugins.sync();
      break;
    case "open_dialog": {
      const dialog = data.dialog as Dialog | undefined;
      if (dialog && typeof dialog.callback_id === "string" && Array.isArray(dialog.elements)) {
        services.store.update((s) => ({
          ...s,
          dialog: { dialog, channelId: typeof data.channel_id === "string" ? data.channel_id : (s.currentChannelId ?? ""), teamId: teamId || (s.currentTeamId ?? "") },
        }));
      }
      break;
    }
  }
  services.plugins.dispatch(event);
}

/** After a reconnect: reload what may have changed while disconnected. */
export function resyncer(services: Services, reloadPosts: (channelId: string) => Promise<void>): void {
  const state = services.store.get();
  void teamsLoader(services).catch(() => undefined);
  for (const teamId of Object.keys(state.channels)) void channelsLoader(services, teamId).catch(() => undefined);
  if (state.currentChannelId) void reloadPosts(state.currentChannelId).catch(() => undefined);
  void services.plugins.sync();
}
