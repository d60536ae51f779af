/**
 * @module services/hook-lists
 * The one rule of Mattermost's hook lists (incoming and outgoing webhooks):
 * a page, oldest first, of one team's hooks (and one channel's) — all of
 * them for system admins and that team's admins, otherwise the caller's own;
 * without a team, everyone's for system admins and the caller's own for
 * others.
 */
import { sql, type Selectable } from "kysely";
import { isSystemAdmin, type User } from "#common/wire.ts";
import type { Database } from "../db/schema.ts";
import type { Host } from "../host.ts";
import { isTeamAdmin } from "../policies/team.ts";

/** The hook tables, and the column naming each hook's owner. */
const OWNER_COLUMN = { incoming_webhooks: "user_id", outgoing_webhooks: "creator_id" } as const;

/**
 * One page of the hooks of `table` that `user` may manage.
 * @example const rows = await managedHooksPage(host, { table: "outgoing_webhooks", user, teamId, page: 0, perPage: 60 });
 */
export async function managedHooksPage<T extends keyof typeof OWNER_COLUMN>(
  host: Host,
  props: { table: T; user: User; teamId?: string; channelId?: string; page: number; perPage: number },
): Promise<Selectable<Database[T]>[]> {
  const seesAll = isSystemAdmin(props.user) || (props.teamId !== undefined && (await isTeamAdmin(host, props.user, props.teamId)));
  const { teamId, channelId } = props;
  const rows = await sql<Selectable<Database[T]>>`SELECT * FROM ${sql.table(props.table)} WHERE delete_at = 0
    ${teamId ? sql`AND team_id = ${teamId}` : sql``}
    ${channelId ? sql`AND channel_id = ${channelId}` : sql``}
    ${seesAll ? sql`` : sql`AND ${sql.ref(OWNER_COLUMN[props.table])} = ${props.user.id}`}
    ORDER BY create_at, id LIMIT ${props.perPage} OFFSET ${props.page * props.perPage}`.execute(host.db);
  return rows.rows;
}
