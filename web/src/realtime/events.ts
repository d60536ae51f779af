/**
 * @module realtime/events
 * What the web app does with each WebSocket event. The payload of each event
 * the app reads is parsed with its schema first; one that does not match is
 * reported and skipped. Every event is also handed to the plugins' handlers.
 */
import type * as z from "zod/mini";
import {
  membershipEventDataSchema,
  openDialogEventDataSchema,
  postDeletedEventDataSchema,
  postEditedEventDataSchema,
  postedEventDataSchema,
  reactionEventDataSchema,
} from "#common/wire-schemas.ts";
import type { Post, WebSocketEvent } from "#common/wire.ts";
import { channelsLoader, channelViewer } from "../store/channels.ts";
import { commandsEnsurer } from "../store/commands.ts";
import { postReceiver, withoutPost, withPostEdited } from "../store/posts.ts";
import { withoutReaction, withReaction } from "../store/reactions.ts";
import { threadLoader } from "../store/threads.ts";
import type { Services } from "../store/services.ts";
import { teamsLoader } from "../store/teams.ts";

/** The event's `data` parsed with `schema`, or null (reported) when it does not match. */
function payloadOf<T>(services: Services, event: WebSocketEvent, schema: z.ZodMiniType<T>): T | null {
  return services.wire.parseOrNull(schema, event.data, `the "${event.event}" event`);
}

function onPosted(services: Services, post: Post): void {
  const state = services.store.get();
  const teamId = Object.entries(state.channels).find(([, channels]) => channels.some((c) => c.id === post.channel_id))?.[0];
  if (teamId) {
    const mine = post.user_id === state.me?.id;
    services.store.update((s) => {
      const teamChannels = s.channels[teamId];
      const channels = teamChannels
        ? {
            ...s.channels,
            [teamId]: teamChannels.map((c) =>
              c.id === post.channel_id ? { ...c, total_msg_count: c.total_msg_count + 1, last_post_at: post.create_at } : c,
            ),
          }
        : s.channels;
      const member = s.members[post.channel_id];
      const members = mine && member ? { ...s.members, [post.channel_id]: { ...member, msg_count: member.msg_count + 1 } } : s.members;
      return { ...s, channels, members };
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
  switch (event.event) {
    case "posted": {
      const data = payloadOf(services, event, postedEventDataSchema);
      if (data) onPosted(services, data.post);
      break;
    }
    case "post_edited": {
      const data = payloadOf(services, event, postEditedEventDataSchema);
      if (data) services.store.update((s) => withPostEdited(s, data.post));
      break;
    }
    case "post_deleted": {
      const data = payloadOf(services, event, postDeletedEventDataSchema);
      if (data) services.store.update((s) => withoutPost(s, { post: data.post, replyCount: data.post.reply_count }));
      break;
    }
    case "reaction_added":
    case "reaction_removed": {
      const data = payloadOf(services, event, reactionEventDataSchema);
      const apply = event.event === "reaction_added" ? withReaction : withoutReaction;
      if (data) services.store.update((s) => apply(s, data.reaction));
      break;
    }
    case "ephemeral_message": {
      const data = payloadOf(services, event, postedEventDataSchema);
      if (data) postReceiver(services, { ...data.post, type: data.post.type || "system_ephemeral" });
      break;
    }
    case "channel_created": {
      const teamId = payloadOf(services, event, membershipEventDataSchema)?.team_id;
      if (teamId && state.channels[teamId]) void channelsLoader(services, teamId).catch(() => undefined);
      break;
    }
    case "user_added": {
      const data = payloadOf(services, event, membershipEventDataSchema);
      if (data?.team_id && data.user_id === state.me?.id) void channelsLoader(services, data.team_id).catch(() => undefined);
      break;
    }
    case "added_to_team":
      void teamsLoader(services).catch(() => undefined);
      break;
    case "plugin_enabled":
    case "plugin_disabled":
    case "plugin_statuses_changed":
      void services.plugins.sync();
      void commandsEnsurer(services, { refresh: true }).catch(() => undefined);
      break;
    case "open_dialog": {
      const data = payloadOf(services, event, openDialogEventDataSchema);
      if (data) {
        services.store.update((s) => ({
          ...s,
          dialog: {
            dialog: data.dialog,
            channelId: data.channel_id || (s.currentChannelId ?? ""),
            teamId: data.team_id || (s.currentTeamId ?? ""),
          },
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
  if (state.rhs?.kind === "thread") void threadLoader(services, state.rhs.rootId);
  void services.plugins.sync();
}
