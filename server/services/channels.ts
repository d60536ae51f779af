/**
 * @module services/channels
 * Channels and their members (who may read them: `policies/channel.ts`).
 */
import type { Selectable } from "kysely";
import { z } from "zod";
import { newId } from "#common/ids.ts";
import { LIMITS, nameSchema } from "#common/limits.ts";
import { isDirectOrGroup, type Channel, type ChannelMember, type User } from "#common/wire.ts";
import type { ChannelMembersTable, ChannelsTable } from "../db/schema.ts";
import { uniqueViolation } from "../db/unique-violation.ts";
import { badRequest, conflict, forbidden, fromZodError, notFound } from "../errors.ts";
import { pinnedPostCount } from "./pins.ts";
import type { Host } from "../host.ts";
import { canBrowseTeam } from "../policies/team.ts";
import { membershipPoster } from "./membership-posts.ts";

export const newChannelSchema = z.object({
  team_id: z.string().length(26, "must be a 26-character id"),
  name: nameSchema,
  display_name: z.string().trim().min(1, "is required").max(LIMITS.displayNameMax),
  type: z.enum(["O", "P"], "must be O (public) or P (private)").default("O"),
  purpose: z.string().max(250).optional(),
  header: z.string().max(1024).optional(),
});

export function presentChannel(row: ChannelsTable): Channel {
  return {
    id: row.id,
    team_id: row.team_id,
    name: row.name,
    display_name: row.display_name,
    type: row.type,
    header: row.header,
    purpose: row.purpose,
    creator_id: row.creator_id,
    create_at: row.create_at,
    update_at: row.update_at,
    delete_at: row.delete_at,
    last_post_at: row.last_post_at,
    total_msg_count: row.total_msg_count,
    total_msg_count_root: row.total_msg_count_root ?? 0,
  };
}

/** Mattermost's notification settings of a new channel membership (`GetDefaultChannelNotifyProps`). */
export const DEFAULT_CHANNEL_NOTIFY_PROPS: Readonly<Record<string, string>> = {
  desktop: "default",
  email: "default",
  push: "default",
  mark_unread: "all",
  ignore_channel_mentions: "default",
  channel_auto_follow_threads: "off",
};

/** The notification settings a member set, from their stored JSON. */
function storedNotifyProps(stored: string): Record<string, string> {
  return z.record(z.string(), z.string()).catch({}).parse(JSON.parse(stored));
}

/** A membership's stored notification settings over Mattermost's defaults. */
function notifyPropsOf(stored: string): Record<string, string> {
  return { ...DEFAULT_CHANNEL_NOTIFY_PROPS, ...storedNotifyProps(stored) };
}

/** A channel membership on the wire. */
export function presentChannelMember(row: Selectable<ChannelMembersTable>): ChannelMember {
  return {
    channel_id: row.channel_id,
    user_id: row.user_id,
    roles: row.roles,
    last_viewed_at: row.last_viewed_at,
    msg_count: row.msg_count,
    mention_count: row.mention_count,
    msg_count_root: row.msg_count_root,
    mention_count_root: row.mention_count_root,
    urgent_mention_count: 0,
    notify_props: notifyPropsOf(row.notify_props),
    last_update_at: row.last_update_at,
    scheme_user: true,
    scheme_admin: row.roles.split(" ").includes("channel_admin"),
    scheme_guest: false,
  };
}

/** The channel row, from the cache when it is there. */
export async function getChannelRow(host: Host, channelId: string): Promise<ChannelsTable | undefined> {
  const cached = host.caches.channels.get(channelId);
  if (cached) return cached;
  const row = await host.db.selectFrom("channels").selectAll().where("id", "=", channelId).executeTakeFirst();
  if (row && row.delete_at === 0) host.caches.channels.set(channelId, row);
  return row;
}

export async function getChannel(host: Host, channelId: string): Promise<Channel | null> {
  const row = await getChannelRow(host, channelId);
  return row && row.delete_at === 0 ? presentChannel(row) : null;
}

/** The channel even when archived (`delete_at` set), for reading what was said in it; null when there is none. */
export async function getChannelOrArchived(host: Host, channelId: string): Promise<Channel | null> {
  const row = await getChannelRow(host, channelId);
  return row ? presentChannel(row) : null;
}

export async function getChannelByName(host: Host, teamId: string, name: string): Promise<Channel | null> {
  const row = await host.db
    .selectFrom("channels")
    .selectAll()
    .where("team_id", "=", teamId)
    .where("name", "=", name)
    .where("delete_at", "=", 0)
    .executeTakeFirst();
  return row ? presentChannel(row) : null;
}

/** Ids of the channel's members, from the cache when it is there. */
export async function channelMemberIds(host: Pick<Host, "db" | "caches">, channelId: string): Promise<Set<string>> {
  const cached = host.caches.members.get(channelId);
  if (cached) return cached;
  const rows = await host.db.selectFrom("channel_members").select("user_id").where("channel_id", "=", channelId).execute();
  const members = new Set(rows.map((r) => r.user_id));
  host.caches.members.set(channelId, members);
  return members;
}

export async function isChannelMember(host: Host, channelId: string, userId: string): Promise<boolean> {
  return (await channelMemberIds(host, channelId)).has(userId);
}

/** A free channel name near `name` in the team: `name-2`, `name-3`, ... */
export async function suggestChannelName(host: Host, teamId: string, name: string): Promise<string> {
  const base = name.slice(0, LIMITS.nameMax - 4).replace(/[-_]+$/, "") || "channel";
  const rows = await host.db
    .selectFrom("channels")
    .select("name")
    .where("team_id", "=", teamId)
    .where("name", "like", `${base}%`)
    .execute();
  const taken = new Set(rows.map((r) => r.name));
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

/** A page of a channel's members, in the order they joined. */
export async function channelMembers(host: Host, props: { channelId: string; page: number; perPage: number }): Promise<ChannelMember[]> {
  const rows = await host.db
    .selectFrom("channel_members")
    .selectAll()
    .where("channel_id", "=", props.channelId)
    .orderBy("create_at")
    .orderBy("user_id")
    .limit(props.perPage)
    .offset(props.page * props.perPage)
    .execute();
  return rows.map(presentChannelMember);
}

/** A user's memberships of live channels, all of them (`page` undefined) or a page, by channel id. */
export async function allChannelMembersOfUser(
  host: Host,
  props: { userId: string; page?: { page: number; perPage: number } },
): Promise<ChannelMember[]> {
  let query = host.db
    .selectFrom("channel_members")
    .innerJoin("channels", "channels.id", "channel_members.channel_id")
    .selectAll("channel_members")
    .where("channel_members.user_id", "=", props.userId)
    .where("channels.delete_at", "=", 0)
    .orderBy("channel_members.channel_id");
  if (props.page) query = query.limit(props.page.perPage).offset(props.page.page * props.page.perPage);
  return (await query.execute()).map(presentChannelMember);
}

/** Mattermost's ChannelStats, as Sitrep has them: members, files posted, and no guests (Sitrep has none). */
export async function channelStats(
  host: Host,
  channelId: string,
): Promise<{ channel_id: string; member_count: number; guest_count: number; pinnedpost_count: number; files_count: number }> {
  const members = await host.db
    .selectFrom("channel_members")
    .innerJoin("users", "users.id", "channel_members.user_id")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("channel_members.channel_id", "=", channelId)
    .where("users.delete_at", "=", 0)
    .executeTakeFirstOrThrow();
  const files = await host.db
    .selectFrom("file_infos")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("channel_id", "=", channelId)
    .where("post_id", "<>", "")
    .where("delete_at", "=", 0)
    .executeTakeFirstOrThrow();
  return {
    channel_id: channelId,
    member_count: Number(members.n),
    guest_count: 0,
    pinnedpost_count: await pinnedPostCount(host, channelId),
    files_count: Number(files.n),
  };
}

/** A new channel's row: no posts yet, created (and last posted in) `now`. */
export function newChannelRow(props: {
  teamId: string;
  name: string;
  displayName: string;
  type: ChannelsTable["type"];
  creatorId: string;
  header?: string;
  purpose?: string;
  now: number;
}): ChannelsTable {
  return {
    id: newId(),
    team_id: props.teamId,
    name: props.name,
    display_name: props.displayName,
    type: props.type,
    header: props.header ?? "",
    purpose: props.purpose ?? "",
    creator_id: props.creatorId,
    create_at: props.now,
    update_at: props.now,
    delete_at: 0,
    last_post_at: props.now,
    total_msg_count: 0,
  };
}

/** Create a channel; the creator becomes its first member (and admin). */
export async function channelCreator(host: Host, props: { input: unknown; creator: User; skipTeamCheck?: boolean }): Promise<Channel> {
  const parsed = newChannelSchema.safeParse(props.input);
  if (!parsed.success) throw fromZodError(parsed.error, "api.channel.create.invalid");
  const input = parsed.data;
  const team = await host.db.selectFrom("teams").select("id").where("id", "=", input.team_id).where("delete_at", "=", 0).executeTakeFirst();
  if (!team) throw badRequest("api.channel.create.team", "team_id: no team with this id");
  if (!props.skipTeamCheck && !(await canBrowseTeam(host, props.creator, input.team_id))) {
    throw forbidden("You must be a member of the team to create a channel in it.");
  }
  const existing = await getChannelByName(host, input.team_id, input.name);
  if (existing) {
    const suggestion = await suggestChannelName(host, input.team_id, input.name);
    throw conflict(
      "store.sql_channel.save_channel.exists",
      `name: a channel named "${input.name}" already exists in this team; try "${suggestion}"`,
      { suggestion },
    );
  }
  const now = Date.now();
  const row = newChannelRow({
    teamId: input.team_id,
    name: input.name,
    displayName: input.display_name,
    type: input.type,
    header: input.header,
    purpose: input.purpose,
    creatorId: props.creator.id,
    now,
  });
  try {
    await host.db.transaction().execute(async (trx) => {
      await trx.insertInto("channels").values(row).execute();
      await trx
        .insertInto("channel_members")
        .values({
          channel_id: row.id,
          user_id: props.creator.id,
          roles: "channel_user channel_admin",
          last_viewed_at: now,
          msg_count: 0,
          create_at: now,
          last_update_at: now,
        })
        .execute();
    });
  } catch (error) {
    // Two creators racing for one name: the unique constraint decides.
    if (uniqueViolation(error)?.table === "channels") {
      const suggestion = await suggestChannelName(host, input.team_id, input.name);
      throw conflict(
        "store.sql_channel.save_channel.exists",
        `name: a channel named "${input.name}" already exists in this team; try "${suggestion}"`,
        { suggestion },
      );
    }
    throw error;
  }
  host.caches.invalidate({ kind: "members", channelId: row.id });
  const channel = presentChannel(row);
  // To the creator only, public or private, as Mattermost's CreateChannelWithUser: the rest of the team is not in it.
  host.realtime.publish("channel_created", { channel_id: channel.id, team_id: channel.team_id }, { userId: props.creator.id });
  return channel;
}

/**
 * Add a user to a channel (and to its team when missing). Idempotent. A new
 * member is announced in the channel ("@alice joined the channel.", or
 * "added … by @bob" when `actorId` is someone else).
 */
export async function channelMemberAdder(
  host: Host,
  props: { channelId: string; userId: string; actorId?: string },
): Promise<ChannelMember> {
  const channel = await getChannel(host, props.channelId);
  if (!channel) throw notFound("channel", "channel not found");
  if (isDirectOrGroup(channel))
    throw badRequest("api.channel.add_member.direct", "channel: the members of a direct or group message are fixed when it is made");
  const user = await host.db.selectFrom("users").select(["id", "delete_at"]).where("id", "=", props.userId).executeTakeFirst();
  if (!user || user.delete_at) throw badRequest("api.channel.add_member.user", "user_id: no active user with this id");
  const already = await isChannelMember(host, channel.id, props.userId);
  if (!already) await newMemberAdder(host, { channel, userId: props.userId, actorId: props.actorId ?? props.userId });
  const member = await getChannelMember(host, channel.id, props.userId);
  // Just written; gone only if the user was removed at the same moment.
  if (!member) throw notFound("channel_member", "not a member of this channel");
  return member;
}

/** Refuses a member row that a concurrent add wrote first: that add announces the member, this one does nothing. */
class AlreadyMember extends Error {}

/**
 * Write a new member (and their team membership), the system post that announces them and their read
 * mark — up to their own arrival, its post included, as in Mattermost — in one transaction; then tell
 * the channel, the plugins and the member's other sessions.
 */
async function newMemberAdder(host: Host, props: { channel: Channel; userId: string; actorId: string }): Promise<void> {
  const { channel, userId } = props;
  const now = Date.now();
  let viewedAt = now;
  try {
    await membershipPoster(
      host,
      { kind: "added", channelId: channel.id, userId, actorId: props.actorId },
      {
        async before(trx) {
          await trx
            .insertInto("team_members")
            .values({ team_id: channel.team_id, user_id: userId, roles: "team_user", create_at: now, delete_at: 0 })
            .onConflict((oc) => oc.columns(["team_id", "user_id"]).doUpdateSet({ delete_at: 0 }))
            .execute();
          const inserted = await trx
            .insertInto("channel_members")
            .values({
              channel_id: channel.id,
              user_id: userId,
              roles: "channel_user",
              last_viewed_at: 0,
              msg_count: 0,
              create_at: now,
              last_update_at: now,
            })
            .onConflict((oc) => oc.columns(["channel_id", "user_id"]).doNothing())
            .executeTakeFirst();
          if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) throw new AlreadyMember();
        },
        async after(trx) {
          // The channel's counters now count the post of their joining.
          viewedAt = Date.now();
          const counted = trx.selectFrom("channels").where("id", "=", channel.id);
          await trx
            .updateTable("channel_members")
            .set((eb) => ({
              last_viewed_at: viewedAt,
              last_update_at: viewedAt,
              msg_count: counted.select("total_msg_count"),
              msg_count_root: eb.fn.coalesce(counted.select("total_msg_count_root"), eb.lit(0)),
              mention_count: 0,
              mention_count_root: 0,
            }))
            .where("channel_id", "=", channel.id)
            .where("user_id", "=", userId)
            .execute();
        },
        committed() {
          host.caches.invalidate({ kind: "members", channelId: channel.id });
          host.realtime.publish(
            "user_added",
            { user_id: userId, team_id: channel.team_id, channel_id: channel.id },
            { channelId: channel.id },
          );
          host.hooks.fireMemberAdded({ channelId: channel.id, userId });
        },
      },
    );
  } catch (error) {
    // A member already after all (this process's member list was stale, or a concurrent add won): a no-op,
    // announced by nobody; the stale list is dropped.
    if (error instanceof AlreadyMember) {
      host.caches.members.delete(channel.id);
      return;
    }
    throw error;
  }
  host.realtime.publish("multiple_channels_viewed", { channel_times: { [channel.id]: viewedAt } }, { userId });
}

export async function getChannelMember(host: Host, channelId: string, userId: string): Promise<ChannelMember | null> {
  const row = await host.db
    .selectFrom("channel_members")
    .selectAll()
    .where("channel_id", "=", channelId)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return row ? presentChannelMember(row) : null;
}

/**
 * The channels of a team that the user is a member of, with their direct and
 * group messages (which have no team), as Mattermost lists them.
 */
export async function channelsOfUser(host: Host, props: { teamId: string; userId: string }): Promise<Channel[]> {
  const rows = await host.db
    .selectFrom("channels")
    .innerJoin("channel_members", "channel_members.channel_id", "channels.id")
    .selectAll("channels")
    .where("channels.team_id", "in", [props.teamId, ""])
    .where("channel_members.user_id", "=", props.userId)
    .where("channels.delete_at", "=", 0)
    .orderBy("channels.display_name")
    .execute();
  return rows.map(presentChannel);
}

/** The channel memberships of a user in a team and in their direct and group messages, for unread marks. */
export async function channelMembersOfUser(host: Host, props: { teamId: string; userId: string }): Promise<ChannelMember[]> {
  const rows = await host.db
    .selectFrom("channel_members")
    .innerJoin("channels", "channels.id", "channel_members.channel_id")
    .selectAll("channel_members")
    .where("channels.team_id", "in", [props.teamId, ""])
    .where("channel_members.user_id", "=", props.userId)
    .execute();
  return rows.map(presentChannelMember);
}

/** The public channels of a team, to browse and join. */
export async function publicChannels(host: Host, props: { teamId: string; page: number; perPage: number }): Promise<Channel[]> {
  const rows = await host.db
    .selectFrom("channels")
    .selectAll()
    .where("team_id", "=", props.teamId)
    .where("type", "=", "O")
    .where("delete_at", "=", 0)
    .orderBy("display_name")
    .limit(props.perPage)
    .offset(props.page * props.perPage)
    .execute();
  return rows.map(presentChannel);
}

/**
 * Mark a channel read for a user: `last_viewed_at` now, `msg_count` (and its
 * root count) caught up and no mentions left. Answers the new
 * `last_viewed_at`, which Mattermost's `multiple_channels_viewed`
 * `{channel_times}` tells every connection of the user, so their other tabs
 * and devices clear the channel's unread state too.
 */
export async function channelViewer(host: Host, props: { channelId: string; userId: string }): Promise<number> {
  const channel = await host.db
    .selectFrom("channels")
    .select(["total_msg_count", "total_msg_count_root"])
    .where("id", "=", props.channelId)
    .executeTakeFirst();
  if (!channel) throw notFound("channel", "channel not found");
  const now = Date.now();
  const updated = await host.db
    .updateTable("channel_members")
    .set({
      last_viewed_at: now,
      last_update_at: now,
      msg_count: channel.total_msg_count,
      msg_count_root: channel.total_msg_count_root ?? 0,
      mention_count: 0,
      mention_count_root: 0,
    })
    .where("channel_id", "=", props.channelId)
    .where("user_id", "=", props.userId)
    .executeTakeFirst();
  // A channel the user is not a member of has no read state to sync.
  if (updated.numUpdatedRows > 0n)
    host.realtime.publish("multiple_channels_viewed", { channel_times: { [props.channelId]: now } }, { userId: props.userId });
  return now;
}

/** A notification level of Mattermost's channel settings. */
const notifyLevel = () => z.enum(["default", "all", "mention", "none"], "must be default, all, mention or none").optional();

/** The body of `PUT /channels/{id}/members/{userId}/notify_props`: the settings to change, by Mattermost's names (`ChannelNotifyProps`). */
export const channelNotifyPropsSchema = z
  .object({
    desktop: notifyLevel(),
    email: notifyLevel(),
    push: notifyLevel(),
    mark_unread: z.enum(["all", "mention"], "must be all or mention").optional(),
    ignore_channel_mentions: z.enum(["default", "off", "on"], "must be default, off or on").optional(),
    channel_auto_follow_threads: z.enum(["off", "on"], "must be off or on").optional(),
    desktop_threads: notifyLevel(),
    push_threads: notifyLevel(),
    email_threads: notifyLevel(),
    desktop_sound: z.enum(["default", "on", "off"], "must be default, on or off").optional(),
    desktop_notification_sound: z.string().max(64, "must be at most 64 characters").optional(),
  })
  // Other keys (Client4 sends `channel_id` and `user_id` among them) are not settings: dropped, as Mattermost does.
  .strip();

/** Change a member's notification settings for a channel (merged into what was set); 404 when not a member. */
export async function channelNotifyPropsUpdater(
  host: Host,
  props: { channelId: string; userId: string; notifyProps: z.output<typeof channelNotifyPropsSchema> },
): Promise<ChannelMember> {
  const row = await host.db
    .selectFrom("channel_members")
    .select("notify_props")
    .where("channel_id", "=", props.channelId)
    .where("user_id", "=", props.userId)
    .executeTakeFirst();
  if (!row) throw notFound("channel_member", "user_id: not a member of this channel");
  const stored = storedNotifyProps(row.notify_props);
  for (const [key, value] of Object.entries(props.notifyProps)) if (value !== undefined) stored[key] = value;
  await host.db
    .updateTable("channel_members")
    .set({ notify_props: JSON.stringify(stored), last_update_at: Date.now() })
    .where("channel_id", "=", props.channelId)
    .where("user_id", "=", props.userId)
    .execute();
  const member = await getChannelMember(host, props.channelId, props.userId);
  if (!member) throw notFound("channel_member", "user_id: not a member of this channel");
  return member;
}
