/**
 * @module services/preferences
 * Mattermost's saved preferences: one string value per user, category and
 * name (display settings, favourite channels, DM visibility, collapsed
 * threads...), which the official clients read at start-up and write as
 * people change settings. A saved ("flagged") post is the preference
 * `flagged_post` named by the post's id, as in Mattermost. Who may read or
 * write whose preferences is the route's rule (`api/v4/preferences.ts`).
 */
import { z } from "zod";
import type { Post, PostList } from "#common/wire.ts";
import type { PreferencesTable } from "../db/schema.ts";
import type { Host } from "../host.ts";
import { canReadChannel, type Actor } from "../policies/index.ts";
import { getChannelOrArchived } from "./channels.ts";
import { presentPosts } from "./posts.ts";

/** A preference as Mattermost sends and takes it. */
export type Preference = PreferencesTable;

/** Mattermost's category of saved posts; the preference's name is the post id. */
export const FLAGGED_POST_CATEGORY = "flagged_post";

/** At most this many preferences in one save or delete (Mattermost's limit). */
export const PREFERENCES_PER_REQUEST_MAX = 100;

/** One preference in a save or delete, with Mattermost's limits on each part. */
export const preferenceSchema = z.object({
  user_id: z.string().min(1, "is required"),
  category: z.string().min(1, "is required").max(32, "must be at most 32 characters"),
  name: z.string().max(32, "must be at most 32 characters"),
  value: z.string().max(2000, "must be at most 2000 characters").default(""),
});

/** The body of `PUT /users/{id}/preferences` and `POST /users/{id}/preferences/delete`. */
export const preferenceListSchema = z
  .array(preferenceSchema)
  .max(PREFERENCES_PER_REQUEST_MAX, `must list at most ${PREFERENCES_PER_REQUEST_MAX} preferences`);

/** A user's preferences, optionally of one category (and one name), by category then name. */
export async function preferencesOf(host: Host, props: { userId: string; category?: string; name?: string }): Promise<Preference[]> {
  let query = host.db.selectFrom("preferences").selectAll().where("user_id", "=", props.userId);
  if (props.category !== undefined) query = query.where("category", "=", props.category);
  if (props.name !== undefined) query = query.where("name", "=", props.name);
  return query.orderBy("category").orderBy("name").execute();
}

/** Save preferences (each replaces the value of its category and name), in one transaction; `preferences_changed` to the user. */
export async function preferencesSaver(host: Host, props: { userId: string; preferences: Preference[] }): Promise<void> {
  if (props.preferences.length === 0) return;
  await host.db.transaction().execute(async (trx) => {
    for (const preference of props.preferences)
      await trx
        .insertInto("preferences")
        .values(preference)
        .onConflict((oc) => oc.columns(["user_id", "category", "name"]).doUpdateSet({ value: preference.value }))
        .execute();
  });
  host.realtime.publish("preferences_changed", { preferences: JSON.stringify(props.preferences) }, { userId: props.userId });
}

/** Delete preferences by category and name (their values are ignored); `preferences_deleted` to the user. */
export async function preferencesDeleter(host: Host, props: { userId: string; preferences: Preference[] }): Promise<void> {
  if (props.preferences.length === 0) return;
  await host.db.transaction().execute(async (trx) => {
    for (const preference of props.preferences)
      await trx
        .deleteFrom("preferences")
        .where("user_id", "=", props.userId)
        .where("category", "=", preference.category)
        .where("name", "=", preference.name)
        .execute();
  });
  host.realtime.publish("preferences_deleted", { preferences: JSON.stringify(props.preferences) }, { userId: props.userId });
}

/**
 * The posts `viewer` saved (flagged), newest first, as a Mattermost
 * PostList: only those still there and in a channel they may read now (a
 * post of a channel they left is not shown, as its existence is not theirs to
 * know), optionally of one team or channel.
 */
export async function flaggedPosts(
  host: Host,
  props: { viewer: Actor; teamId?: string; channelId?: string; page: number; perPage: number },
): Promise<PostList> {
  let query = host.db
    .selectFrom("posts")
    .selectAll("posts")
    .innerJoin("preferences", (join) =>
      join
        .onRef("preferences.name", "=", "posts.id")
        .on("preferences.user_id", "=", props.viewer.id)
        .on("preferences.category", "=", FLAGGED_POST_CATEGORY),
    )
    .where("posts.delete_at", "=", 0);
  if (props.channelId) query = query.where("posts.channel_id", "=", props.channelId);
  const rows = await query.orderBy("posts.create_at", "desc").orderBy("posts.id", "desc").execute();
  const readable: Post[] = [];
  const verdicts = new Map<string, boolean>();
  for (const post of await presentPosts(host, rows)) {
    if (!verdicts.has(post.channel_id)) verdicts.set(post.channel_id, await readableIn(host, props, post.channel_id));
    if (verdicts.get(post.channel_id)) readable.push(post);
  }
  const page = readable.slice(props.page * props.perPage, (props.page + 1) * props.perPage);
  return {
    order: page.map((post) => post.id),
    posts: Object.fromEntries(page.map((post) => [post.id, post])),
    next_post_id: "",
    prev_post_id: "",
    has_next: readable.length > (props.page + 1) * props.perPage,
  };
}

/** Whether the viewer may read the channel now, and it is in the asked team (direct and group messages are in every team). */
async function readableIn(host: Host, props: { viewer: Actor; teamId?: string }, channelId: string): Promise<boolean> {
  const channel = await getChannelOrArchived(host, channelId);
  if (!channel) return false;
  if (props.teamId && channel.team_id && channel.team_id !== props.teamId) return false;
  return canReadChannel(host, props.viewer, channel);
}
