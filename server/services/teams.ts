/**
 * @module services/teams
 * Teams and team membership.
 */
import { z } from "zod";
import { newId } from "#common/ids.ts";
import { nameSchema, RESERVED_TEAM_NAMES } from "#common/limits.ts";
import type { Team, TeamMember } from "#common/wire.ts";
import type { TeamMembersTable, TeamsTable } from "../db/schema.ts";
import { uniqueViolation } from "../db/unique-violation.ts";
import { badRequest, conflict, fromZodError, notFound } from "../errors.ts";
import type { Host } from "../host.ts";
import { channelMemberAdder, newChannelRow } from "./channels.ts";

export const newTeamSchema = z.object({
  name: nameSchema.refine((n) => !RESERVED_TEAM_NAMES.includes(n), "is reserved for a page of the app; choose another name"),
  display_name: z.string().trim().min(1, "is required").max(64),
  type: z.enum(["O", "I"], "must be O (open) or I (invite only)").default("O"),
  description: z.string().max(255).optional(),
});

export function presentTeam(row: TeamsTable): Team {
  return {
    id: row.id,
    name: row.name,
    display_name: row.display_name,
    type: row.type,
    description: row.description,
    create_at: row.create_at,
    update_at: row.update_at,
    delete_at: row.delete_at,
    // Mattermost's Team fields, as Sitrep has them: an open team is one anyone may join; no invite links, schemes or groups.
    allow_open_invite: row.type === "O",
    invite_id: "",
    company_name: "",
    email: "",
    allowed_domains: "",
    scheme_id: "",
    group_constrained: false,
    last_team_icon_update: 0,
  };
}

/** The public channel every team starts with and every member joins, as in Mattermost. */
export const DEFAULT_CHANNEL = { name: "town-square", display_name: "Town Square" } as const;

/** Create a team with its Town Square; the creator becomes a team admin and joins it. `onTeamCreated` hooks run after the commit. */
export async function teamCreator(host: Host, props: { input: unknown; creatorId: string }): Promise<Team> {
  const parsed = newTeamSchema.safeParse(props.input);
  if (!parsed.success) throw fromZodError(parsed.error, "api.team.create.invalid");
  const input = parsed.data;
  const now = Date.now();
  const row: TeamsTable = {
    id: newId(),
    name: input.name,
    display_name: input.display_name,
    type: input.type,
    description: input.description ?? "",
    create_at: now,
    update_at: now,
    delete_at: 0,
  };
  const nameTaken = () => conflict("api.team.name_taken", `name: a team named "${input.name}" already exists`);
  await host.db.transaction().execute(async (trx) => {
    const taken = await trx.selectFrom("teams").select("id").where("name", "=", input.name).executeTakeFirst();
    if (taken) throw nameTaken();
    try {
      await trx.insertInto("teams").values(row).execute();
    } catch (error) {
      // Created by another request since the check: the unique name decides, with the same answer.
      if (uniqueViolation(error)?.table === "teams") throw nameTaken();
      throw error;
    }
    await trx
      .insertInto("team_members")
      .values({ team_id: row.id, user_id: props.creatorId, roles: "team_user team_admin", create_at: now, delete_at: 0 })
      .execute();
    const townSquare = newChannelRow({
      teamId: row.id,
      name: DEFAULT_CHANNEL.name,
      displayName: DEFAULT_CHANNEL.display_name,
      type: "O",
      creatorId: props.creatorId,
      now,
    });
    await trx.insertInto("channels").values(townSquare).execute();
    await trx
      .insertInto("channel_members")
      .values({
        channel_id: townSquare.id,
        user_id: props.creatorId,
        roles: "channel_user channel_admin",
        last_viewed_at: now,
        msg_count: 0,
        create_at: now,
      })
      .execute();
  });
  const team = presentTeam(row);
  host.hooks.fireTeamCreated(team);
  return team;
}

export async function getTeam(host: Host, teamId: string): Promise<Team | null> {
  const row = await host.db.selectFrom("teams").selectAll().where("id", "=", teamId).where("delete_at", "=", 0).executeTakeFirst();
  return row ? presentTeam(row) : null;
}

export async function getTeamByName(host: Host, name: string): Promise<Team | null> {
  const row = await host.db.selectFrom("teams").selectAll().where("name", "=", name).where("delete_at", "=", 0).executeTakeFirst();
  return row ? presentTeam(row) : null;
}

/** A team membership on the wire. */
export function presentTeamMember(row: TeamMembersTable): TeamMember {
  const roles = row.roles.split(" ");
  return {
    team_id: row.team_id,
    user_id: row.user_id,
    roles: row.roles,
    delete_at: row.delete_at,
    // Mattermost's scheme flags, from the roles Sitrep keeps (no custom schemes, no guests, no explicit roles).
    scheme_user: roles.includes("team_user"),
    scheme_admin: roles.includes("team_admin"),
    scheme_guest: false,
    explicit_roles: "",
  };
}

/** Every live team, by display name. */
export async function allTeams(host: Host): Promise<Team[]> {
  const rows = await host.db.selectFrom("teams").selectAll().where("delete_at", "=", 0).orderBy("display_name").execute();
  return rows.map(presentTeam);
}

/** A page of the current members of a team, in the order they joined. */
export async function teamMembers(host: Host, props: { teamId: string; page: number; perPage: number }): Promise<TeamMember[]> {
  const rows = await host.db
    .selectFrom("team_members")
    .selectAll()
    .where("team_id", "=", props.teamId)
    .where("delete_at", "=", 0)
    .orderBy("create_at")
    .orderBy("user_id")
    .limit(props.perPage)
    .offset(props.page * props.perPage)
    .execute();
  return rows.map(presentTeamMember);
}

/** A user's current team memberships. */
export async function teamMembershipsOfUser(host: Host, userId: string): Promise<TeamMember[]> {
  const rows = await host.db
    .selectFrom("team_members")
    .innerJoin("teams", "teams.id", "team_members.team_id")
    .selectAll("team_members")
    .where("team_members.user_id", "=", userId)
    .where("team_members.delete_at", "=", 0)
    .where("teams.delete_at", "=", 0)
    .execute();
  return rows.map(presentTeamMember);
}

/** Mattermost's TeamUnread: a team's unread messages and mentions for one member, over the team's channels they are in. */
export interface TeamUnread {
  team_id: string;
  msg_count: number;
  mention_count: number;
  msg_count_root: number;
  mention_count_root: number;
  thread_count: number;
  thread_mention_count: number;
  thread_urgent_mention_count: number;
}

/**
 * The unread counts of each of a user's teams but `excludeTeamId`: messages
 * posted since they last viewed each channel they are in, and the mentions
 * among them. Sitrep counts replies with their channel (threads are not
 * collapsed), so the root counts equal the totals and thread counts are 0.
 */
export async function teamUnreadsOfUser(host: Host, props: { userId: string; excludeTeamId?: string }): Promise<TeamUnread[]> {
  let query = host.db
    .selectFrom("team_members")
    .innerJoin("teams", "teams.id", "team_members.team_id")
    .leftJoin("channels", (join) => join.onRef("channels.team_id", "=", "team_members.team_id").on("channels.delete_at", "=", 0))
    .leftJoin("channel_members", (join) =>
      join.onRef("channel_members.channel_id", "=", "channels.id").onRef("channel_members.user_id", "=", "team_members.user_id"),
    )
    .select((eb) => [
      "team_members.team_id as team_id",
      eb.fn
        .coalesce(eb.fn.sum<number>(eb("channels.total_msg_count", "-", eb.ref("channel_members.msg_count"))), eb.lit(0))
        .as("msg_count"),
      eb.fn.coalesce(eb.fn.sum<number>("channel_members.mention_count"), eb.lit(0)).as("mention_count"),
    ])
    .where("team_members.user_id", "=", props.userId)
    .where("team_members.delete_at", "=", 0)
    .where("teams.delete_at", "=", 0)
    .groupBy("team_members.team_id");
  if (props.excludeTeamId) query = query.where("team_members.team_id", "<>", props.excludeTeamId);
  const rows = await query.orderBy("team_members.team_id").execute();
  return rows.map((row) => {
    const msgCount = Math.max(0, Number(row.msg_count));
    const mentionCount = Number(row.mention_count);
    return {
      team_id: row.team_id,
      msg_count: msgCount,
      mention_count: mentionCount,
      msg_count_root: msgCount,
      mention_count_root: mentionCount,
      thread_count: 0,
      thread_mention_count: 0,
      thread_urgent_mention_count: 0,
    };
  });
}

/** Mattermost's TeamStats: how many people are on the team, and how many of them are active. */
export async function teamStats(
  host: Host,
  teamId: string,
): Promise<{ team_id: string; total_member_count: number; active_member_count: number }> {
  const row = await host.db
    .selectFrom("team_members")
    .innerJoin("users", "users.id", "team_members.user_id")
    .select((eb) => [
      eb.fn.countAll<number>().as("total"),
      eb.fn.sum<number>(eb.case().when("users.delete_at", "=", 0).then(1).else(0).end()).as("active"),
    ])
    .where("team_members.team_id", "=", teamId)
    .where("team_members.delete_at", "=", 0)
    .executeTakeFirstOrThrow();
  return { team_id: teamId, total_member_count: Number(row.total), active_member_count: Number(row.active ?? 0) };
}

export async function getTeamMember(host: Host, teamId: string, userId: string): Promise<TeamMember | null> {
  const row = await host.db
    .selectFrom("team_members")
    .selectAll()
    .where("team_id", "=", teamId)
    .where("user_id", "=", userId)
    .where("delete_at", "=", 0)
    .executeTakeFirst();
  return row ? presentTeamMember(row) : null;
}

export async function isTeamMember(host: Host, teamId: string, userId: string): Promise<boolean> {
  return (await getTeamMember(host, teamId, userId)) !== null;
}

/** Teams the user belongs to. */
export async function teamsOfUser(host: Host, userId: string): Promise<Team[]> {
  const rows = await host.db
    .selectFrom("teams")
    .innerJoin("team_members", "team_members.team_id", "teams.id")
    .selectAll("teams")
    .where("team_members.user_id", "=", userId)
    .where("team_members.delete_at", "=", 0)
    .where("teams.delete_at", "=", 0)
    .orderBy("teams.display_name")
    .execute();
  return rows.map(presentTeam);
}

/** Add a user to a team (idempotent). Joins the team's `town-square` if it has one. */
export async function teamMemberAdder(host: Host, props: { teamId: string; userId: string }): Promise<TeamMember> {
  const team = await getTeam(host, props.teamId);
  if (!team) throw notFound("team", "team not found");
  const user = await host.db.selectFrom("users").select(["id", "delete_at"]).where("id", "=", props.userId).executeTakeFirst();
  if (!user || user.delete_at) throw badRequest("api.team.add_member.user", "user_id: no active user with this id");
  const now = Date.now();
  await host.db
    .insertInto("team_members")
    .values({ team_id: props.teamId, user_id: props.userId, roles: "team_user", create_at: now, delete_at: 0 })
    .onConflict((oc) => oc.columns(["team_id", "user_id"]).doUpdateSet({ delete_at: 0 }))
    .execute();
  host.realtime.publish("added_to_team", { team_id: props.teamId, user_id: props.userId }, { userId: props.userId });
  const townSquare = await host.db
    .selectFrom("channels")
    .select("id")
    .where("team_id", "=", props.teamId)
    .where("name", "=", DEFAULT_CHANNEL.name)
    .where("delete_at", "=", 0)
    .executeTakeFirst();
  if (townSquare) await channelMemberAdder(host, { channelId: townSquare.id, userId: props.userId });
  const member = await getTeamMember(host, props.teamId, props.userId);
  // Just written; gone only if the user was removed at the same moment.
  if (!member) throw notFound("team_member", "not a member of this team");
  return member;
}
