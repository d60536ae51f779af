/**
 * @module policies/team
 * Who may see a team, look inside it, and add people to it — the rules the
 * team and channel routes and the host's automation actions share. Each
 * `access*` helper fetches and authorizes in one call and answers one 404 for
 * "missing" and "not yours", so nothing leaks which it was (Zulip's
 * `access_stream_by_id`).
 */
import { isSystemAdmin, type Team, type User } from "#common/wire.ts";
import { notFound } from "../errors.ts";
import type { Host } from "../host.ts";
import { getTeam, getTeamByName, getTeamMember, isTeamMember, teamsOfUser } from "../services/teams.ts";

/** The caller of a policy: who they are and their system roles. */
export type Actor = Pick<User, "id" | "roles">;

/** Whether a user may see a team: an open one, one they belong to, or any as a system admin. */
export async function canSeeTeam(host: Host, user: Actor, team: Pick<Team, "id" | "type">): Promise<boolean> {
  return team.type === "O" || isSystemAdmin(user) || (await isTeamMember(host, team.id, user.id));
}

/** Whether a user may look inside a team (its channels, members, people): its members, and system admins. */
export async function canBrowseTeam(host: Host, user: Actor, teamId: string): Promise<boolean> {
  return isSystemAdmin(user) || (await isTeamMember(host, teamId, user.id));
}

/** The team by id if the user may see it ({@link canSeeTeam}), or a 404 `team not found`. */
export async function accessTeam(host: Host, props: { user: Actor; teamId: string }): Promise<Team> {
  const team = await getTeam(host, props.teamId);
  if (!team || !(await canSeeTeam(host, props.user, team))) throw notFound("team", "team not found");
  return team;
}

/** The team by name if the user may see it ({@link canSeeTeam}), or a 404 `team not found`. */
export async function accessTeamByName(host: Host, props: { user: Actor; name: string }): Promise<Team> {
  const team = await getTeamByName(host, props.name);
  if (!team || !(await canSeeTeam(host, props.user, team))) throw notFound("team", "team not found");
  return team;
}

/**
 * The team if the user may look inside it ({@link canBrowseTeam}), or a 404.
 * `message` is the 404's (default `team not found, or you are not a member of it`).
 */
export async function accessBrowsableTeam(host: Host, props: { user: Actor; teamId: string; message?: string }): Promise<Team> {
  const team = await getTeam(host, props.teamId);
  if (!team || !(await canBrowseTeam(host, props.user, team.id)))
    throw notFound("team", props.message ?? "team not found, or you are not a member of it");
  return team;
}

/** Whether a user is an admin of a team (Mattermost's `team_admin` role, which holds `manage_team`). */
export async function isTeamAdmin(host: Host, user: Actor, teamId: string): Promise<boolean> {
  const member = await getTeamMember(host, teamId, user.id);
  return member?.roles.split(" ").includes("team_admin") ?? false;
}

/** Why {@link teamMemberAddRefusal} refuses: an invite-only team needs an admin; adding others needs membership. */
export type TeamMemberAddRefusal = "invite_only" | "not_a_member";

/**
 * Whether `actor` may add `userId` to `team`: team and system admins always;
 * anyone may join an open team, and its members may add others to it.
 * Null when allowed.
 */
export async function teamMemberAddRefusal(
  host: Host,
  props: { actor: Actor; team: Pick<Team, "id" | "type">; userId: string },
): Promise<TeamMemberAddRefusal | null> {
  if (isSystemAdmin(props.actor) || (await isTeamAdmin(host, props.actor, props.team.id))) return null;
  if (props.team.type !== "O") return "invite_only";
  if (props.userId !== props.actor.id && !(await isTeamMember(host, props.team.id, props.actor.id))) return "not_a_member";
  return null;
}

/** The teams of `teams` the user may see ({@link canSeeTeam}), in their order. */
export async function visibleTeams(host: Host, user: Actor, teams: readonly Team[]): Promise<Team[]> {
  if (isSystemAdmin(user)) return [...teams];
  const mine = new Set((await teamsOfUser(host, user.id)).map((t) => t.id));
  return teams.filter((t) => t.type === "O" || mine.has(t.id));
}
