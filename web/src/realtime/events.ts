/**
 * @module realtime/events
 * What the web app does with each WebSocket event. The payload of each event
 * the app reads is parsed with its schema first; one that does not match is
 * reported and skipped. Every event is also handed to the plugins' handlers.
 */
import type * as z from "zod/mini";
import {
  channelDeletedEventDataSchema,
  channelSchema,
  channelUpdatedEventDataSchema,
  channelsViewedEventDataSchema,
  membershipEventDataSchema,
  openDialogEventDataSchema,
  postDeletedEventDataSchema,
  postEditedEventDataSchema,
  postedEventDataSchema,
  reactionEventDataSchema,
  statusChangeEventDataSchema,
  typingEventDataSchema,
  userRemovedEventDataSchema,
} from "#common/wire-schemas.ts";
import type { Post, WebSocketEvent } from "#common/wire.ts";
import { notificationFor, notificationShower } from "../notifications/desktop.ts";
import { withMemberIds } from "../store/channel-management.ts";
import { channelDropper, channelReceiver, channelsLoader, channelViewer } from "../store/channels.ts";
import { commandsEnsurer } from "../store/commands.ts";
import { postReceiver, withoutPost, withPostEdited } from "../store/posts.ts";
import { withoutReaction, withReaction } from "../store/reactions.ts";
import { threadLoader } from "../store/threads.ts";
import { directChannelReceiver } from "../store/direct-channels.ts";
import type { Services } from "../store/services.ts";
import { statusReceiver } from "../store/statuses.ts";
import { teamsLoader } from "../store/teams.ts";
import { typingReceiver, withoutTypist } from "../store/typing.ts";
import { channelById, withChannelViewed, withPostCounted } from "../store/unreads.ts";
import { displayName, usersEnsurer } from "../store/users.ts";

/** The event's `data` parsed with `schema`, or null (reported) when it does not match. */
function payloadOf<T>(services: Services, event: WebSocketEvent, schema: z.ZodMiniType<T>): T | null {
  return services.wire.parseOrNull(schema, event.data, `the "${event.event}" event`);
}

/** True while the tab is in the background (no document outside a browser: never). */
function tabHidden(): boolean {
  return typeof document !== "undefined" && document.visibilityState === "hidden";
}

function onPosted(services: Services, post: Post, mentions: readonly string[]): void {
  const state = services.store.get();
  const channel = channelById(state, post.channel_id);
  if (channel) {
    const viewing = post.channel_id === state.currentChannelId && !tabHidden();
    services.store.update((s) => withPostCounted(s, { post, mentions, viewing }));
    if (viewing) void channelViewer(services, post.channel_id);
    void desktopNotifier(services, { post, mentions });
  } else {
    // A channel the sidebar does not list yet (e.g. a direct message whose first post came before
    // `direct_added` was read): reload the channels, whose counts include this post, then notify.
    const eventTeam = state.currentTeamId;
    if (eventTeam)
      void channelsLoader(services, eventTeam)
        .then(() => desktopNotifier(services, { post, mentions }))
        .catch(() => undefined);
  }
  // Their message is here: they no longer type it.
  services.store.update((s) => withoutTypist(s, { channelId: post.channel_id, parentId: post.root_id, userId: post.user_id }));
  postReceiver(services, post);
}

/** A browser notification for a mention or a direct message while the tab is hidden. */
async function desktopNotifier(services: Services, props: { post: Post; mentions: readonly string[] }): Promise<void> {
  const state = services.store.get();
  const channel = channelById(state, props.post.channel_id);
  const me = state.me;
  const team = state.teams?.find((t) => t.id === (channel?.team_id || state.currentTeamId));
  if (!channel || !me || !team) return;
  const hidden = tabHidden();
  if (!notificationFor({ ...props, channel, me, senderName: "", teamName: team.name, hidden })) return;
  await usersEnsurer(services, [props.post.user_id]).catch(() => undefined);
  const senderName = displayName(services.store.get().users[props.post.user_id]);
  const notification = notificationFor({ ...props, channel, me, senderName, teamName: team.name, hidden });
  if (notification) notificationShower(services, notification);
}

/** The user lost a channel (removed, or left): why, for the note in Town Square. */
function removalNotice(services: Services, removerId: string): (channelName: string) => string {
  const state = services.store.get();
  if (removerId === state.me?.id) return (name) => `You left ${name}.`;
  const remover = state.users[removerId];
  return (name) => (remover ? `${displayName(remover)} removed you from ${name}.` : `You were removed from ${name}.`);
}

/** A direct or group message the user is in was made: into the sidebar. */
function onDirectAdded(services: Services, channelId: string): void {
  if (!channelId) return;
  services.api
    .get(`/api/v4/channels/${channelId}`, channelSchema)
    .then((channel) => directChannelReceiver(services, channel))
    .catch(() => undefined);
}

/** Apply one event to the app's state, then give it to the plugins. */
export function eventApplier(services: Services, event: WebSocketEvent): void {
  const state = services.store.get();
  switch (event.event) {
    case "posted": {
      const data = payloadOf(services, event, postedEventDataSchema);
      if (data) onPosted(services, data.post, data.mentions ?? []);
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
      const { user_id: userId, channel_id: channelId } = data ?? {};
      if (userId && channelId)
        services.store.update((s) => withMemberIds(s, channelId, (ids) => (ids.includes(userId) ? ids : [...ids, userId])));
      break;
    }
    case "channel_updated": {
      const data = payloadOf(services, event, channelUpdatedEventDataSchema);
      if (data) channelReceiver(services, data.channel);
      break;
    }
    case "user_removed": {
      const data = payloadOf(services, event, userRemovedEventDataSchema);
      if (!data) break;
      // To the removed user: `channel_id`; to the channel's remaining members: `user_id`.
      if (data.channel_id) {
        channelDropper(services, { channelId: data.channel_id, dropPosts: true, notice: removalNotice(services, data.remover_id) });
      } else if (data.user_id) {
        const userId = data.user_id;
        services.store.update((s) => withMemberIds(s, event.broadcast.channel_id, (ids) => ids.filter((id) => id !== userId)));
      }
      break;
    }
    case "channel_deleted": {
      const data = payloadOf(services, event, channelDeletedEventDataSchema);
      if (data) channelDropper(services, { channelId: data.channel_id, dropPosts: false, notice: (name) => `${name} was archived.` });
      break;
    }
    case "direct_added":
    case "group_added":
      onDirectAdded(services, event.broadcast.channel_id);
      break;
    case "typing": {
      const data = payloadOf(services, event, typingEventDataSchema);
      if (data && event.broadcast.channel_id) {
        typingReceiver(services, { channelId: event.broadcast.channel_id, parentId: data.parent_id, userId: data.user_id });
        void usersEnsurer(services, [data.user_id]).catch(() => undefined);
      }
      break;
    }
    case "multiple_channels_viewed": {
      // Read on another tab or device: read here too.
      const times = payloadOf(services, event, channelsViewedEventDataSchema)?.channel_times ?? {};
      for (const [channelId, now] of Object.entries(times)) services.store.update((s) => withChannelViewed(s, { channelId, now }));
      break;
    }
    case "status_change": {
      const data = payloadOf(services, event, statusChangeEventDataSchema);
      if (data) statusReceiver(services, { userId: data.user_id, status: data.status });
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
