/**
 * @module policies/channel
 * Who may read a channel, post in it and add members to it — one definition
 * for the channel routes, the post path, the webhook routes and the host's
 * automation actions. {@link accessChannel} fetches and authorizes in one
 * call with one 404 for "missing" and "not yours": a private channel's
 * existence is never revealed.
 */
import { isDirectOrGroup, isSystemAdmin, type Channel } from "#common/wire.ts";
import { AppError, forbidden, notFound } from "../errors.ts";
import type { Host } from "../host.ts";
import { getChannel, getChannelOrArchived, isChannelMember } from "../services/channels.ts";
import { isTeamMember } from "../services/teams.ts";
import { isTeamAdmin, type Actor } from "./team.ts";

/**
 * Who may read a channel: its members; anyone on the team for a public one;
 * system admins always (as in Mattermost, for compliance) — except direct and
 * group messages, which only their members read, system admins included
 * (DESIGN §9).
 */
export async function canReadChannel(host: Host, user: Actor, channel: Pick<Channel, "id" | "team_id" | "type">): Promise<boolean> {
  if (isDirectOrGroup(channel)) return isChannelMember(host, channel.id, user.id);
  if (isSystemAdmin(user)) return true;
  if (await isChannelMember(host, channel.id, user.id)) return true;
  return channel.type === "O" && (await isTeamMember(host, channel.team_id, user.id));
}

/** Who may post in a channel: its members, and system admins (but in a direct or group message its members only). */
export async function canPostInChannel(host: Host, user: Actor, channel: Pick<Channel, "id" | "type">): Promise<boolean> {
  return (isSystemAdmin(user) && !isDirectOrGroup(channel)) || (await isChannelMember(host, channel.id, user.id));
}

/** The 404 of a channel the caller may not read, or that does not exist. */
export const channelNotFound = () => notFound("channel", "channel not found, or you do not have access to it");

/**
 * The channel if the user may read it ({@link canReadChannel}), or a 404 that
 * reveals nothing. An archived channel answers 404 unless `archived` is
 * `"readable"`: its posts stay readable to who could read them (as in
 * Mattermost), but nothing new happens in it.
 */
export async function accessChannel(host: Host, props: { user: Actor; channelId: string; archived?: "readable" }): Promise<Channel> {
  const channel =
    props.archived === "readable" ? await getChannelOrArchived(host, props.channelId) : await getChannel(host, props.channelId);
  if (!channel || !(await canReadChannel(host, props.user, channel))) throw channelNotFound();
  return channel;
}

/**
 * Why {@link channelMemberAddRefusal} refuses: adding others needs membership;
 * the added user must be on the team; a direct or group message's members are
 * fixed when it is made.
 */
export type ChannelMemberAddRefusal = "not_a_member" | "target_not_on_team" | "direct_or_group";

/**
 * Whether `actor` may add `targetId` to a channel they can read: system admins
 * always; anyone may join a public channel themselves; adding someone else
 * (or joining a private channel) needs the actor's membership; and the added
 * user must be on the channel's team. Null when allowed.
 */
export async function channelMemberAddRefusal(
  host: Host,
  props: { actor: Actor; channel: Pick<Channel, "id" | "team_id" | "type">; targetId: string },
): Promise<ChannelMemberAddRefusal | null> {
  if (isDirectOrGroup(props.channel)) return "direct_or_group";
  if (isSystemAdmin(props.actor)) return null;
  const selfJoin = props.targetId === props.actor.id && props.channel.type === "O";
  if (!selfJoin && !(await isChannelMember(host, props.channel.id, props.actor.id))) return "not_a_member";
  if (!(await isTeamMember(host, props.channel.team_id, props.targetId))) return "target_not_on_team";
  return null;
}

/**
 * Whether `actor` may change a channel they can read — its properties, its
 * privacy from public to private, archiving it, removing its other members:
 * its members (Mattermost's `channel_user` role holds these permissions by
 * default) and system admins (but a direct or group message only its members).
 */
export async function canManageChannel(host: Host, actor: Actor, channel: Pick<Channel, "id" | "type">): Promise<boolean> {
  return canPostInChannel(host, actor, channel);
}

/**
 * The 403 of something new in an archived channel that its readers asked for
 * (a reaction, an upload): the channel stays readable, nothing is added to it.
 * `id` is Mattermost's (`api.reaction.save.archived_channel.app_error`, …).
 */
export const archivedChannelForbidden = (id: string, what: string) =>
  new AppError({ status: 403, id, message: `channel: the channel is archived; ${what}` });

/**
 * Whether `actor` may bring an archived channel back: system admins and the
 * admins of its team (Mattermost's `manage_team`), among those who may read it.
 */
export async function canRestoreChannel(host: Host, actor: Actor, channel: Pick<Channel, "team_id">): Promise<boolean> {
  return isSystemAdmin(actor) || (channel.team_id !== "" && (await isTeamAdmin(host, actor, channel.team_id)));
}

/** The 403 of a channel the caller may read but not change. */
export const channelManageForbidden = (what: string) => forbidden(`You must be a member of the channel to ${what}.`);
