/**
 * @module services/mentions
 * The lookups the mention rule (`common/mentions.ts`) needs for a post: the
 * channel's members, the people the `@` words name, who is online for
 * `@here` — each read only when the message asks for it, so a post with no
 * `@` costs nothing here.
 */
import { mentionedUserIds, mentionsNobody, scanMentions } from "#common/mentions.ts";
import type { Post } from "#common/wire.ts";
import type { ChannelsTable } from "../db/schema.ts";
import type { Host } from "../host.ts";
import { channelMemberIds } from "./channels.ts";
import { onlineUserIds } from "./presence.ts";

/** The ids of the members a post mentions (never its author), by the one mention rule. */
export async function postMentions(
  host: Host,
  props: { post: Pick<Post, "message" | "user_id">; channel: Pick<ChannelsTable, "id" | "type"> },
): Promise<string[]> {
  const scan = scanMentions(props.post.message);
  if (props.channel.type !== "D" && mentionsNobody(scan)) return [];
  const memberIds = await channelMemberIds(host, props.channel.id);
  const idsByUsername = new Map<string, string>();
  if (scan.usernames.length > 0) {
    const rows = await host.db
      .selectFrom("users")
      .select(["id", "username"])
      .where("username", "in", scan.usernames)
      .where("delete_at", "=", 0)
      .execute();
    for (const row of rows) idsByUsername.set(row.username.toLowerCase(), row.id);
  }
  const online = scan.here ? await onlineUserIds(host, [...memberIds]) : new Set<string>();
  return mentionedUserIds({
    scan,
    authorId: props.post.user_id,
    channelType: props.channel.type,
    memberIds,
    idsByUsername,
    isOnline: (id) => online.has(id),
  });
}
