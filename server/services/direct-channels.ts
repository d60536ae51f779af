/**
 * @module services/direct-channels
 * Direct messages (type `D`, two people) and group messages (type `G`, 3–8
 * people), as Mattermost makes them: no team (`team_id` ""), a name derived
 * from the members' ids so the same people always get the same channel, and
 * members fixed at creation. Who may read them — their members only, system
 * admins included — is `policies/channel.ts`.
 */
import { createHash } from "node:crypto";
import type { Channel, User } from "#common/wire.ts";
import type { ChannelsTable } from "../db/schema.ts";
import { badRequest, forbidden } from "../errors.ts";
import type { Host } from "../host.ts";
import { newChannelRow, presentChannel } from "./channels.ts";

/** Members of a group message, the creator included (Mattermost's limits). */
export const GROUP_MEMBERS = { min: 3, max: 8 } as const;

/** Mattermost's name of a direct channel: the two ids, sorted, joined by `__`. */
export function directChannelName(userIds: readonly [string, string]): string {
  return [...userIds].sort().join("__");
}

/** Mattermost's name of a group channel: the SHA-1 (hex) of the sorted ids, concatenated. */
export function groupChannelName(userIds: readonly string[]): string {
  const hash = createHash("sha1");
  for (const id of [...userIds].sort()) hash.update(id);
  return hash.digest("hex");
}

/** Mattermost's display name of a group channel: the usernames, sorted, joined by ", ". */
function groupDisplayName(usernames: readonly string[]): string {
  return [...usernames].sort().join(", ");
}

/** The active people among `userIds`, or a 400 naming the first id that is not one. */
async function activeUsers(host: Host, userIds: readonly string[]): Promise<Map<string, { id: string; username: string }>> {
  const rows = await host.db
    .selectFrom("users")
    .select(["id", "username"])
    .where("id", "in", [...userIds])
    .where("delete_at", "=", 0)
    .execute();
  const found = new Map(rows.map((r) => [r.id, r]));
  const missing = userIds.find((id) => !found.has(id));
  if (missing !== undefined)
    throw badRequest("api.channel.create_direct_channel.invalid_user.app_error", `user_ids: no active user ${missing}`);
  return found;
}

/**
 * The channel named `row.name` with no team, made with `memberIds` as its
 * members if it does not exist yet. `created` is false when it already
 * existed (or another request made it at the same moment).
 */
async function openChannel(
  host: Host,
  props: { row: ChannelsTable; memberIds: readonly string[] },
): Promise<{ channel: Channel; created: boolean }> {
  const existing = async () =>
    host.db.selectFrom("channels").selectAll().where("team_id", "=", "").where("name", "=", props.row.name).executeTakeFirst();
  const found = await existing();
  if (found) return { channel: presentChannel(found), created: false };
  try {
    await host.db.transaction().execute(async (trx) => {
      await trx.insertInto("channels").values(props.row).execute();
      await trx
        .insertInto("channel_members")
        .values(
          props.memberIds.map((userId) => ({
            channel_id: props.row.id,
            user_id: userId,
            roles: "channel_user",
            last_viewed_at: 0,
            msg_count: 0,
            create_at: props.row.create_at,
          })),
        )
        .execute();
    });
  } catch (error) {
    // Two requests for the same people racing: the unique (team_id, name) decides, and both get the one channel.
    const raced = await existing();
    if (raced) return { channel: presentChannel(raced), created: false };
    throw error;
  }
  host.caches.invalidate({ kind: "members", channelId: props.row.id });
  return { channel: presentChannel(props.row), created: true };
}

/**
 * Open the direct channel of two people (`[me, other]`, or `[me, me]` for
 * notes to self), creating it the first time; idempotent. The caller must be
 * one of them: nobody, system admins included, makes a direct channel they
 * cannot read. `direct_added` goes to its members when it is made.
 */
export async function directChannelOpener(
  host: Host,
  props: { creator: Pick<User, "id">; userIds: readonly [string, string] },
): Promise<Channel> {
  if (!props.userIds.includes(props.creator.id)) throw forbidden("You may open only a direct channel you are one of the two members of.");
  await activeUsers(host, props.userIds);
  const memberIds = [...new Set(props.userIds)];
  const { channel, created } = await openChannel(host, {
    row: newChannelRow({
      teamId: "",
      type: "D",
      name: directChannelName(props.userIds),
      displayName: "",
      creatorId: props.creator.id,
      now: Date.now(),
    }),
    memberIds,
  });
  if (created) {
    const teammateId = props.userIds.find((id) => id !== props.creator.id) ?? props.creator.id;
    host.realtime.publish("direct_added", { creator_id: props.creator.id, teammate_id: teammateId }, { channelId: channel.id });
  }
  return channel;
}

/**
 * Open the group channel of 3–8 people, the caller among them (added when
 * missing, as Mattermost does), creating it the first time; idempotent.
 * `group_added` goes to its members when it is made.
 */
export async function groupChannelOpener(host: Host, props: { creator: Pick<User, "id">; userIds: readonly string[] }): Promise<Channel> {
  const memberIds = [...new Set([...props.userIds, props.creator.id])];
  if (memberIds.length < GROUP_MEMBERS.min || memberIds.length > GROUP_MEMBERS.max)
    throw badRequest(
      "api.channel.create_group.bad_size.app_error",
      `user_ids: a group message has ${GROUP_MEMBERS.min} to ${GROUP_MEMBERS.max} different members, you included (got ${memberIds.length})`,
    );
  const users = await activeUsers(host, memberIds);
  const { channel, created } = await openChannel(host, {
    row: newChannelRow({
      teamId: "",
      now: Date.now(),
      type: "G",
      name: groupChannelName(memberIds),
      displayName: groupDisplayName([...users.values()].map((u) => u.username)),
      creatorId: props.creator.id,
    }),
    memberIds,
  });
  if (created) host.realtime.publish("group_added", { teammate_ids: JSON.stringify(memberIds) }, { channelId: channel.id });
  return channel;
}
