/**
 * @module store/direct-channels
 * Direct (`D`) and group (`G`) messages: who they are with, the name they
 * show (the other member or members, as in Mattermost), and opening one.
 */
import { channelMemberSchema, channelSchema } from "#common/wire-schemas.ts";
import type { Channel, User } from "#common/wire.ts";
import type { Services } from "./services.ts";
import type { AppState } from "./state.ts";
import { displayName, usersEnsurer } from "./users.ts";
import { sortedChannels } from "./channel-order.ts";

type Deps = Pick<Services, "api" | "store">;

/** The other member of a direct channel (named `idA__idB`); the user themselves for notes to self; null for other channels. */
export function directTeammateId(channel: Pick<Channel, "type" | "name">, meId: string): string | null {
  if (channel.type !== "D") return null;
  const [a, b] = channel.name.split("__");
  if (!a || !b) return null;
  return a === meId ? b : a;
}

/**
 * The name a direct or group message shows: the other member's name, or the
 * other members' usernames (the server names a group by all of them).
 * Other channels keep theirs.
 */
export function directDisplayName(channel: Channel, props: { me: Pick<User, "id" | "username">; users: Record<string, User> }): string {
  if (channel.type === "G") {
    const others = channel.display_name
      .split(",")
      .map((n) => n.trim())
      .filter((n) => n && n !== props.me.username);
    return others.join(", ") || channel.display_name;
  }
  const teammateId = directTeammateId(channel, props.me.id);
  if (teammateId === null) return channel.display_name;
  const teammate = props.users[teammateId];
  if (!teammate) return channel.display_name || "Direct message";
  return teammateId === props.me.id ? `${displayName(teammate)} (you)` : displayName(teammate);
}

/** Channels with the names their direct and group messages show. */
export function withDirectNames(channels: Channel[], state: Pick<AppState, "me" | "users">): Channel[] {
  const me = state.me;
  if (!me) return channels;
  return channels.map((c) => {
    if (c.type !== "D" && c.type !== "G") return c;
    const name = directDisplayName(c, { me, users: state.users });
    return name === c.display_name ? c : { ...c, display_name: name };
  });
}

/** Load the people direct channels are with, so their names can show. */
export async function directTeammatesEnsurer(services: Deps, channels: Channel[]): Promise<void> {
  const meId = services.store.get().me?.id;
  if (!meId) return;
  const ids = channels.map((c) => directTeammateId(c, meId)).filter((id): id is string => id !== null);
  await usersEnsurer(services, ids).catch(() => undefined);
}

/**
 * Open the direct message with one user, or the group message with several
 * (the server makes it the first time, and answers with the same channel
 * after), and put it in the sidebar.
 */
export async function directChannelOpener(services: Deps, props: { userIds: string[] }): Promise<Channel> {
  const me = services.store.get().me;
  if (!me) throw new Error("Sign in to send direct messages.");
  const others = [...new Set(props.userIds)].filter((id) => id !== me.id);
  const channel =
    others.length <= 1
      ? await services.api.post("/api/v4/channels/direct", [me.id, others[0] ?? me.id], channelSchema)
      : await services.api.post("/api/v4/channels/group", others, channelSchema);
  await directChannelReceiver(services, channel);
  return channel;
}

/**
 * Put a direct or group channel the user is in (just made, by them or by
 * someone else: `direct_added`, `group_added`) into every team's list, with
 * its membership for unread marks.
 */
export async function directChannelReceiver(services: Deps, channel: Channel): Promise<void> {
  const meId = services.store.get().me?.id;
  if (!meId) return;
  const [member] = await Promise.all([
    services.api.get(`/api/v4/channels/${channel.id}/members/${meId}`, channelMemberSchema),
    directTeammatesEnsurer(services, [channel]),
  ]);
  services.store.update((s) => {
    const [named] = withDirectNames([channel], s);
    if (!named) return s;
    const channels: AppState["channels"] = {};
    for (const [teamId, list] of Object.entries(s.channels)) {
      const rest = list.filter((c) => c.id !== named.id);
      channels[teamId] = sortedChannels([...rest, named]);
    }
    return { ...s, channels, members: { ...s.members, [channel.id]: member } };
  });
}
