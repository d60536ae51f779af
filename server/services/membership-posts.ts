/**
 * @module services/membership-posts
 * The system posts that tell a channel who came and went, with Mattermost's
 * types and props: `system_join_channel` ("@alice joined the channel."),
 * `system_add_to_channel` ("@bob added to the channel by @alice."),
 * `system_leave_channel` ("@alice left the channel.") and
 * `system_remove_from_channel` ("@bob was removed from the channel.").
 * They go through the post path as the system's (trusted, typed), so every
 * member sees them live; a bot coming or going is posted too, as Mattermost does.
 */
import type { Post } from "#common/wire.ts";
import type { Host } from "../host.ts";
import { postCreator, type PostAlongside } from "./posts.ts";

/** A change of a channel's members: who, and who did it (the same user when they joined or left themselves). */
export interface MembershipChange {
  kind: "added" | "removed";
  channelId: string;
  userId: string;
  actorId: string;
}

async function usernameOf(host: Host, userId: string): Promise<{ id: string; username: string; roles: string } | undefined> {
  return host.db.selectFrom("users").select(["id", "username", "roles"]).where("id", "=", userId).executeTakeFirst();
}

/** The post's type, message and props for a change, given the two users' names. */
export function membershipPost(change: MembershipChange, names: { user: string; actor: string }): Pick<Post, "type" | "message" | "props"> {
  const self = change.userId === change.actorId;
  if (change.kind === "added" && self)
    return { type: "system_join_channel", message: `@${names.user} joined the channel.`, props: { username: names.user } };
  if (change.kind === "added")
    return {
      type: "system_add_to_channel",
      message: `@${names.user} added to the channel by @${names.actor}.`,
      props: { userId: change.actorId, username: names.actor, addedUserId: change.userId, addedUsername: names.user },
    };
  if (self) return { type: "system_leave_channel", message: `@${names.user} left the channel.`, props: { username: names.user } };
  return {
    type: "system_remove_from_channel",
    message: `@${names.user} was removed from the channel.`,
    props: { removedUserId: change.userId, removedUsername: names.user },
  };
}

/**
 * Post the system message of a membership change, authored by whoever made it. With `alongside`, the
 * change's own writes are committed in the post's transaction (the member added, their read mark).
 */
export async function membershipPoster(
  host: Host,
  change: MembershipChange,
  alongside?: PostAlongside & { committed?(): void },
): Promise<void> {
  const [user, actor] = await Promise.all([usernameOf(host, change.userId), usernameOf(host, change.actorId)]);
  if (!user || !actor) {
    // Nobody to name (an actor id that names no user): the change is made without its post.
    if (alongside)
      await host.db.transaction().execute(async (trx) => {
        await alongside.before?.(trx);
        await alongside.after?.(trx);
      });
    alongside?.committed?.();
    return;
  }
  const shown = membershipPost(change, { user: user.username, actor: actor.username });
  await postCreator(host, {
    input: { channel_id: change.channelId, ...shown },
    // The system posts these: typed like a plugin's post, and allowed in any channel the change touched.
    author: { user: actor, via: "plugin", trusted: true },
    alongside,
  });
}
