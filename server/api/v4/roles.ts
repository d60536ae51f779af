/**
 * @module api/v4/roles
 * Sitrep's permissions expressed as Mattermost roles, for the
 * `haveISystemPermission` / `haveITeamPermission` / `haveIChannelPermission`
 * selectors of mattermost-redux (`loadRolesIfNeeded` → `POST /roles/names`).
 * Each role lists what the server really lets its holders do (the rules are
 * in `server/policies/`); the server checks every permission itself, so
 * these only tell clients what to show.
 *
 * - `system_user`: create teams, open direct and group messages, join open teams.
 * - `system_admin`: everything, including `manage_system`.
 * - `team_user`: see the team and its public channels, join and create channels, add people to an open team.
 * - `team_admin`: besides, add people to an invite-only team and restore archived channels.
 * - `channel_user`: read, post, edit and delete one's own posts, react, upload, manage the channel and its members.
 * - `channel_admin`: the same (Sitrep gives channel members these already).
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { notFound } from "../../errors.ts";
import type { Host } from "../../host.ts";
import { hostRoute } from "../route.ts";

/** A role as Mattermost's `/api/v4/roles` answers it. */
const roleSchema = z.object({
  id: z.string(),
  name: z.string(),
  display_name: z.string(),
  description: z.string(),
  permissions: z.array(z.string()),
  scheme_managed: z.boolean(),
  built_in: z.boolean(),
  create_at: z.number(),
  update_at: z.number(),
  delete_at: z.number(),
});
type Role = z.infer<typeof roleSchema>;

/** What every channel member may do in their channel (`canPostInChannel`, `canManageChannel`, `postEditRefusal`). */
const CHANNEL_MEMBER_PERMISSIONS = [
  "read_channel",
  "read_channel_content",
  "create_post",
  "edit_post",
  "delete_post",
  "add_reaction",
  "remove_reaction",
  "upload_file",
  "use_channel_mentions",
  "use_slash_commands",
  "manage_public_channel_members",
  "manage_private_channel_members",
  "manage_public_channel_properties",
  "manage_private_channel_properties",
  "delete_public_channel",
  "delete_private_channel",
  "convert_public_channel_to_private",
  "read_public_channel_groups",
  "read_private_channel_groups",
];

/** What every team member may do in their team (`canBrowseTeam`, `teamMemberAddRefusal`, channel creation). */
const TEAM_MEMBER_PERMISSIONS = [
  "view_team",
  "list_team_channels",
  "join_public_channels",
  "read_public_channel",
  "create_public_channel",
  "create_private_channel",
  "add_user_to_team",
  "view_members",
];

/** What a team admin may do besides (invite-only teams, restoring archived channels: `canRestoreChannel`). */
const TEAM_ADMIN_PERMISSIONS = [...TEAM_MEMBER_PERMISSIONS, "manage_team", "manage_team_roles", "invite_user", "remove_user_from_team"];

/** What every person may do outside teams and channels. */
const SYSTEM_USER_PERMISSIONS = [
  "create_team",
  "create_direct_channel",
  "create_group_channel",
  "list_public_teams",
  "join_public_teams",
  "view_members",
  "create_user_access_token",
  "read_user_access_token",
  "revoke_user_access_token",
];

/** System admins may do everything (DESIGN: except read direct and group messages they are not in). */
const SYSTEM_ADMIN_PERMISSIONS = [
  ...new Set([
    ...SYSTEM_USER_PERMISSIONS,
    ...TEAM_ADMIN_PERMISSIONS,
    ...CHANNEL_MEMBER_PERMISSIONS,
    "manage_system",
    "manage_roles",
    "edit_other_users",
    "manage_others_incoming_webhooks",
    "manage_incoming_webhooks",
    "manage_slash_commands",
    "create_bot",
    "read_bots",
    "read_others_bots",
    "manage_bots",
    "manage_others_bots",
    "edit_others_posts",
    "delete_others_posts",
    "list_private_teams",
    "join_private_teams",
    "sysconsole_read_plugins",
    "sysconsole_write_plugins",
  ]),
];

/** Sitrep's roles by name, dated at the epoch: they are built in and never change at run time. */
const ROLES: ReadonlyMap<string, Role> = new Map(
  (
    [
      ["system_user", "System user", SYSTEM_USER_PERMISSIONS],
      ["system_admin", "System admin", SYSTEM_ADMIN_PERMISSIONS],
      ["team_user", "Team member", TEAM_MEMBER_PERMISSIONS],
      ["team_admin", "Team admin", TEAM_ADMIN_PERMISSIONS],
      ["channel_user", "Channel member", CHANNEL_MEMBER_PERMISSIONS],
      ["channel_admin", "Channel admin", CHANNEL_MEMBER_PERMISSIONS],
    ] as const
  ).map(([name, displayName, permissions]) => [
    name,
    {
      id: name,
      name,
      display_name: displayName,
      description: `Sitrep's ${displayName.toLowerCase()} permissions`,
      permissions: [...permissions],
      scheme_managed: true,
      built_in: true,
      create_at: 0,
      update_at: 0,
      delete_at: 0,
    },
  ]),
);

/** `POST /roles/names`, `GET /roles/name/{name}`, `GET /roles/{id}`. */
export function registerRoleRoutes(app: FastifyInstance, host: Host): void {
  hostRoute(app, host, {
    method: "POST",
    path: "/api/v4/roles/names",
    access: "user",
    summary: "The roles of the given names (unknown names are left out, as Mattermost does)",
    body: z.array(z.string().max(64, "must be at most 64 characters")).max(100, "must list at most 100 role names"),
    response: z.array(roleSchema),
    handler: async ({ body }) => [...new Set(body)].flatMap((name) => ROLES.get(name) ?? []),
  });

  for (const path of ["/api/v4/roles/name/:name", "/api/v4/roles/:name"])
    hostRoute(app, host, {
      method: "GET",
      path,
      access: "user",
      summary: "A role by name (a role's id is its name)",
      params: z.object({ name: z.string() }),
      response: roleSchema,
      handler: async ({ params }) => {
        const role = ROLES.get(params.name);
        if (!role) throw notFound("role", `no role named "${params.name}"`);
        return role;
      },
    });
}
