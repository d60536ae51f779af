/**
 * @module services/session-list
 * A user's signed-in sessions as Mattermost's `GET /users/{id}/sessions`
 * lists them (`Session`, its token never shown): one per sign-in and one per
 * personal access token in use, newest first.
 */
import type { SessionInfo } from "#common/wire.ts";
import type { Host } from "../host.ts";

/** The live sessions of a user, newest first. */
export async function sessionsOfUser(host: Pick<Host, "db">, props: { userId: string; now: number }): Promise<SessionInfo[]> {
  const user = await host.db.selectFrom("users").select("roles").where("id", "=", props.userId).executeTakeFirst();
  const rows = await host.db
    .selectFrom("sessions")
    .select(["id", "create_at", "expires_at", "last_activity_at", "access_token_id"])
    .where("user_id", "=", props.userId)
    .where("expires_at", ">", props.now)
    .orderBy("create_at", "desc")
    .execute();
  return rows.map((row): SessionInfo => ({
    id: row.id,
    token: "",
    create_at: row.create_at,
    expires_at: row.expires_at,
    last_activity_at: row.last_activity_at,
    user_id: props.userId,
    device_id: "",
    roles: user?.roles ?? "",
    is_oauth: false,
    expired_notify: false,
    // As Mattermost marks a token's session.
    props: row.access_token_id
      ? { type: "UserAccessToken", user_access_token_id: row.access_token_id }
      : ({} satisfies Record<string, string>),
    team_members: [],
    local: false,
  }));
}
