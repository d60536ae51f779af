/**
 * @module services/user-autocomplete
 * Mattermost's user autocomplete (the composer's `@` list): active people
 * whose username, first name, last name or nickname starts with what was
 * typed, in a channel, in a team, or anywhere. Who may ask is the route's
 * rule (`api/v4/user-autocomplete.ts`).
 */
import { sql } from "kysely";
import type { User } from "#common/wire.ts";
import type { Host } from "../host.ts";
import { presentUser } from "./users.ts";

/** At most this many users per list (Mattermost's autocomplete limit). */
export const AUTOCOMPLETE_LIMIT_MAX = 100;

/** `name` as a LIKE prefix pattern, its wildcards escaped (with `\`). */
function prefixPattern(name: string): string {
  return `${name.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Active users matching `name` (a prefix of a username or a name; a leading
 * `@` ignored), by username: those in `channelId` when given (else in
 * `teamId` when given, else everyone), leaving out the members of
 * `notInChannelId` when given.
 */
export async function usersMatching(
  host: Host,
  props: { name: string; limit: number; teamId?: string; channelId?: string; notInChannelId?: string },
): Promise<User[]> {
  const pattern = prefixPattern(props.name.replace(/^@/, ""));
  let query = host.db
    .selectFrom("users")
    .selectAll("users")
    .where("users.delete_at", "=", 0)
    .where((eb) =>
      eb.or(
        (["username", "first_name", "last_name", "nickname"] as const).map(
          (column) => sql<boolean>`lower(${eb.ref(`users.${column}`)}) like ${pattern} escape '\\'`,
        ),
      ),
    );
  if (props.teamId)
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom("team_members")
          .select("team_members.user_id")
          .whereRef("team_members.user_id", "=", "users.id")
          .where("team_members.team_id", "=", props.teamId ?? "")
          .where("team_members.delete_at", "=", 0),
      ),
    );
  if (props.channelId)
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom("channel_members")
          .select("channel_members.user_id")
          .whereRef("channel_members.user_id", "=", "users.id")
          .where("channel_members.channel_id", "=", props.channelId ?? ""),
      ),
    );
  if (props.notInChannelId)
    query = query.where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("channel_members")
            .select("channel_members.user_id")
            .whereRef("channel_members.user_id", "=", "users.id")
            .where("channel_members.channel_id", "=", props.notInChannelId ?? ""),
        ),
      ),
    );
  const rows = await query.orderBy("users.username").limit(props.limit).execute();
  return rows.map(presentUser);
}
