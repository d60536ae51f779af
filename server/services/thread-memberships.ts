/**
 * @module services/thread-memberships
 * Who follows which thread (collapsed reply threads, the official web app's
 * default), kept as Mattermost keeps it when a reply is posted: the replier
 * follows and has read up to their reply, the root's author and every member
 * the reply mentions follow too (the mentioned with one more unread mention),
 * and every membership of the thread moves to the reply's time. Reads are in
 * `user-threads.ts`.
 */
import type { Kysely } from "kysely";
import type { Post } from "#common/wire.ts";
import type { Database } from "../db/schema.ts";
import type { Host } from "../host.ts";

/** A membership to add, or how an existing one changes. */
interface MembershipChange {
  userId: string;
  /** Read up to this time (the replier's own reply). */
  viewedAt?: number;
  /** One more unread mention. */
  mentioned?: boolean;
  /** Follow again even when the user had stopped (the replier and the mentioned do; the root's author is left be). */
  follow: boolean;
}

/** Add or change one user's membership of a thread at `at`. */
async function membershipUpserter(db: Kysely<Database>, props: { threadId: string; at: number; change: MembershipChange }) {
  const { change } = props;
  await db
    .insertInto("thread_memberships")
    .values({
      post_id: props.threadId,
      user_id: change.userId,
      following: 1,
      last_viewed: change.viewedAt ?? 0,
      last_updated: props.at,
      unread_mentions: change.mentioned ? 1 : 0,
    })
    .onConflict((oc) =>
      oc.columns(["post_id", "user_id"]).doUpdateSet((eb) => ({
        last_updated: props.at,
        ...(change.follow ? { following: 1 } : {}),
        ...(change.viewedAt !== undefined ? { last_viewed: change.viewedAt, unread_mentions: 0 } : {}),
        ...(change.mentioned ? { unread_mentions: eb("thread_memberships.unread_mentions", "+", 1) } : {}),
      })),
    )
    .execute();
}

/** Keep the thread's memberships after `reply` was stored; `mentions` are the members it mentions. */
export async function replyFollowers(host: Pick<Host, "db">, props: { reply: Post; mentions: readonly string[] }): Promise<void> {
  const { reply } = props;
  const threadId = reply.root_id;
  const root = await host.db.selectFrom("posts").select("user_id").where("id", "=", threadId).executeTakeFirst();
  const changes: MembershipChange[] = [{ userId: reply.user_id, viewedAt: reply.create_at, follow: true }];
  if (root && root.user_id !== reply.user_id) changes.push({ userId: root.user_id, follow: false });
  for (const userId of props.mentions) if (userId !== reply.user_id) changes.push({ userId, mentioned: true, follow: true });
  await host.db.transaction().execute(async (trx) => {
    await trx.updateTable("thread_memberships").set({ last_updated: reply.create_at }).where("post_id", "=", threadId).execute();
    for (const change of changes) await membershipUpserter(trx, { threadId, at: reply.create_at, change });
  });
}
