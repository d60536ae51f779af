/**
 * @module services/channel-management
 * Changing a channel after it is made, as Mattermost's API v4 does: patch its
 * name, display name, purpose and header, remove a member (or leave), change
 * its privacy, archive it and bring it back. Who may do each is decided in `policies/channel.ts`;
 * this module stores the change, drops the cached rows in every process (so
 * the realtime delivery predicate and every read see it at once) and
 * publishes the event to whoever may see the channel.
 */
import { z } from "zod";
import { LIMITS, nameSchema } from "#common/limits.ts";
import { isDirectOrGroup, type Channel } from "#common/wire.ts";
import type { EventScope } from "#plugin-api";
import type { ChannelsTable } from "../db/schema.ts";
import { type AppError, badRequest, conflict, notFound } from "../errors.ts";
import type { Host } from "../host.ts";
import { getChannelRow, isChannelMember, presentChannel, suggestChannelName } from "./channels.ts";
import { DEFAULT_CHANNEL } from "./teams.ts";
import { membershipPoster } from "./membership-posts.ts";

/** The body of `PUT /api/v4/channels/{id}/patch`: Mattermost's field limits (a new name as on create). */
export const channelPatchSchema = z.object({
  name: nameSchema.optional(),
  display_name: z.string().trim().min(1, "is required").max(LIMITS.displayNameMax).optional(),
  purpose: z.string().max(250).optional(),
  header: z.string().max(1024).optional(),
});

/** The body of `PUT /api/v4/channels/{id}/privacy`. */
export const channelPrivacySchema = z.object({ privacy: z.enum(["O", "P"], "must be O (public) or P (private)") });

/** Who may see a channel's events: the team for a public channel, its members otherwise. */
export function channelAudience(channel: Pick<Channel, "id" | "team_id" | "type">): EventScope {
  return channel.type === "O" ? { teamId: channel.team_id } : { channelId: channel.id };
}

/** Store a changed channel row, drop it from every process's cache and publish `channel_updated`. */
async function storeChannelChange(host: Host, props: { channel: Channel; changes: Partial<ChannelsTable> }): Promise<Channel> {
  const changes = { ...props.changes, update_at: Date.now() };
  await host.db.updateTable("channels").set(changes).where("id", "=", props.channel.id).execute();
  host.caches.invalidate({ kind: "channel", id: props.channel.id });
  const row = await getChannelRow(host, props.channel.id);
  if (!row) throw notFound("channel", "channel not found");
  const updated = presentChannel(row);
  host.realtime.publish("channel_updated", { channel: JSON.stringify(updated) }, channelAudience(updated));
  return updated;
}

/** The 409 of a name another channel of the team has, with a free one to try. */
async function channelNameTaken(host: Host, props: { teamId: string; name: string }): Promise<AppError> {
  const suggestion = await suggestChannelName(host, props.teamId, props.name);
  return conflict(
    "store.sql_channel.update.exists.app_error",
    `name: a channel named "${props.name}" already exists in this team; try "${suggestion}"`,
    { suggestion },
  );
}

/**
 * Patch a channel's name, display name, purpose and header; fields left out
 * stay as they are. A new name is checked as on create, must be free in the
 * team (archived channels keep theirs: a 409), and neither Town Square nor a
 * direct or group message is renamed (a 400, as Mattermost).
 */
export async function channelPatcher(
  host: Host,
  props: { channel: Channel; patch: z.output<typeof channelPatchSchema> },
): Promise<Channel> {
  const { name, display_name, purpose, header } = props.patch;
  const { channel } = props;
  const changes: Partial<ChannelsTable> = {};
  if (name !== undefined && name !== channel.name) {
    if (isDirectOrGroup(channel))
      throw badRequest(
        "api.channel.patch_update_channel.update_direct_or_group_messages_not_allowed.app_error",
        "name: a direct or group message's name cannot be changed",
      );
    if (channel.name === DEFAULT_CHANNEL.name)
      throw badRequest("api.channel.update_channel.tried.app_error", `name: ${DEFAULT_CHANNEL.display_name} cannot be renamed`);
    const taken = await host.db
      .selectFrom("channels")
      .select("id")
      .where("team_id", "=", channel.team_id)
      .where("name", "=", name)
      .executeTakeFirst();
    if (taken) throw await channelNameTaken(host, { teamId: channel.team_id, name });
    changes.name = name;
  }
  if (display_name !== undefined) changes.display_name = display_name;
  if (purpose !== undefined) changes.purpose = purpose;
  if (header !== undefined) changes.header = header;
  try {
    return await storeChannelChange(host, { channel, changes });
  } catch (error) {
    // Two renames racing for one name: the unique constraint decides.
    if (changes.name && String(error).match(/unique|duplicate/i))
      throw await channelNameTaken(host, { teamId: channel.team_id, name: changes.name });
    throw error;
  }
}

/** Refuse what no one may do to a team's Town Square or to a direct or group message. */
function refuseFixedChannel(channel: Channel, props: { id: string; what: string }): void {
  if (isDirectOrGroup(channel)) throw badRequest(`${props.id}.direct`, `channel: a direct or group message cannot be ${props.what}`);
  if (channel.name === DEFAULT_CHANNEL.name)
    throw badRequest(`${props.id}.default`, `channel: ${DEFAULT_CHANNEL.display_name} cannot be ${props.what}`);
}

/** Make a channel public (`O`) or private (`P`); Town Square and direct or group messages keep theirs. */
export async function channelPrivacyChanger(host: Host, props: { channel: Channel; privacy: "O" | "P" }): Promise<Channel> {
  refuseFixedChannel(props.channel, { id: "api.channel.update_channel_privacy", what: "converted" });
  if (props.channel.type === props.privacy) return props.channel;
  const updated = await storeChannelChange(host, { channel: props.channel, changes: { type: props.privacy } });
  host.realtime.publish("channel_converted", { channel_id: updated.id }, { channelId: updated.id });
  return updated;
}

/** Archive a channel (`delete_at` set): it leaves every list, and nobody posts in it any more. */
export async function channelArchiver(host: Host, props: { channel: Channel }): Promise<void> {
  refuseFixedChannel(props.channel, { id: "api.channel.delete_channel", what: "archived" });
  const now = Date.now();
  await host.db.updateTable("channels").set({ delete_at: now, update_at: now }).where("id", "=", props.channel.id).execute();
  host.caches.invalidate({ kind: "channel", id: props.channel.id });
  host.realtime.publish("channel_deleted", { channel_id: props.channel.id, delete_at: now }, channelAudience(props.channel));
}

/**
 * Bring an archived channel back (Mattermost's `restore`): `delete_at` 0, so it
 * is listed and posted in again; `channel_restored {channel_id}` to whoever may
 * see it. A 400 for a channel that is not archived.
 */
export async function channelRestorer(host: Host, props: { channel: Channel }): Promise<Channel> {
  if (props.channel.delete_at === 0)
    throw badRequest("api.channel.restore_channel.restored.app_error", "channel: is not archived; there is nothing to restore");
  await host.db.updateTable("channels").set({ delete_at: 0, update_at: Date.now() }).where("id", "=", props.channel.id).execute();
  host.caches.invalidate({ kind: "channel", id: props.channel.id });
  const row = await getChannelRow(host, props.channel.id);
  if (!row) throw notFound("channel", "channel not found");
  const restored = presentChannel(row);
  host.realtime.publish("channel_restored", { channel_id: restored.id }, channelAudience(restored));
  return restored;
}

/**
 * Remove a member from a channel (`removerId` is the member themselves when
 * they leave). The removed user is told with `user_removed {channel_id,
 * remover_id}`, the remaining members with `user_removed {user_id,
 * remover_id}`; the member cache is dropped in every process first, so the
 * removed user gets no further event of the channel. The channel is told
 * ("@alice left the channel." or "… was removed from the channel.").
 */
export async function channelMemberRemover(host: Host, props: { channel: Channel; userId: string; removerId: string }): Promise<void> {
  refuseFixedChannel(props.channel, { id: "api.channel.remove_user_from_channel", what: "left" });
  if (!(await isChannelMember(host, props.channel.id, props.userId)))
    throw notFound("channel_member", "user_id: not a member of this channel");
  await host.db.deleteFrom("channel_members").where("channel_id", "=", props.channel.id).where("user_id", "=", props.userId).execute();
  host.caches.invalidate({ kind: "members", channelId: props.channel.id });
  host.realtime.publish("user_removed", { channel_id: props.channel.id, remover_id: props.removerId }, { userId: props.userId });
  host.realtime.publish("user_removed", { user_id: props.userId, remover_id: props.removerId }, { channelId: props.channel.id });
  host.hooks.fireMemberRemoved({ channelId: props.channel.id, userId: props.userId, removerId: props.removerId });
  await membershipPoster(host, { kind: "removed", channelId: props.channel.id, userId: props.userId, actorId: props.removerId });
}

/**
 * Remove a channel for good — its row, its members, and the bots' posts in it
 * with their reactions — when nobody but bots has used it: no post from a
 * person (a membership's system post, such as "@bob added to the channel by
 * @alice.", is not one), no uploaded file, no incoming webhook. What a plugin made and could
 * not finish (an incident start that failed after creating its channel) goes
 * without a trace, and its name is free again. Answers false, changing
 * nothing, when a person has used the channel; true when it is gone (or never
 * was). The members are told with `channel_deleted`, as for an archive.
 */
export async function unusedChannelRemover(host: Host, props: { channelId: string }): Promise<boolean> {
  const row = await host.db.selectFrom("channels").selectAll().where("id", "=", props.channelId).executeTakeFirst();
  if (!row) return true;
  const channel = presentChannel(row);
  refuseFixedChannel(channel, { id: "api.channel.permanent_delete", what: "deleted" });
  const members = await host.db.transaction().execute(async (trx) => {
    // The row locked first: a post's counter update in the channel waits for this to end.
    let locked = trx.selectFrom("channels").select("id").where("id", "=", channel.id);
    if (host.dialect === "postgres") locked = locked.forUpdate();
    if (!(await locked.executeTakeFirst())) return [];
    const used = await Promise.all([
      trx
        .selectFrom("posts")
        .innerJoin("users", "users.id", "posts.user_id")
        .select("posts.id")
        .where("posts.channel_id", "=", channel.id)
        .where("users.is_bot", "=", 0)
        // A membership's system post ("@alice joined the channel.") is nobody's use of the channel.
        .where("posts.type", "not like", "system_%")
        .limit(1)
        .executeTakeFirst(),
      trx.selectFrom("file_infos").select("id").where("channel_id", "=", channel.id).limit(1).executeTakeFirst(),
      trx.selectFrom("incoming_webhooks").select("id").where("channel_id", "=", channel.id).limit(1).executeTakeFirst(),
    ]);
    if (used.some(Boolean)) return null;
    const memberRows = await trx.selectFrom("channel_members").select("user_id").where("channel_id", "=", channel.id).execute();
    await trx.deleteFrom("reactions").where("channel_id", "=", channel.id).execute();
    await trx.deleteFrom("posts").where("channel_id", "=", channel.id).execute();
    await trx.deleteFrom("channel_members").where("channel_id", "=", channel.id).execute();
    await trx.deleteFrom("channels").where("id", "=", channel.id).execute();
    return memberRows.map((m) => m.user_id);
  });
  if (members === null) return false;
  host.caches.invalidate({ kind: "channel", id: channel.id });
  host.caches.invalidate({ kind: "members", channelId: channel.id });
  // The members are gone from the table: each is told by id, as a channel audience would no longer reach them.
  const event = { channel_id: channel.id, team_id: channel.team_id, delete_at: Date.now() };
  for (const userId of members) host.realtime.publish("channel_deleted", event, { userId });
  return true;
}
