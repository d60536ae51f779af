/**
 * @module wire
 * Wire types of the Mattermost v4 subset, shared by the server, web app and plugins.
 * Each is inferred from its zod schema in `wire-schemas.ts` (written once, there);
 * this file imports them as types only, so importing it loads no zod.
 */

import type * as z from "zod/mini";
import type * as schemas from "./wire-schemas.ts";

/** A user as the API returns it (never with the password). */
export type User = z.infer<typeof schemas.userSchema>;
export type Team = z.infer<typeof schemas.teamSchema>;
export type TeamMember = z.infer<typeof schemas.teamMemberSchema>;
export type Channel = z.infer<typeof schemas.channelSchema>;
export type ChannelMember = z.infer<typeof schemas.channelMemberSchema>;
export type Post = z.infer<typeof schemas.postSchema>;
/** `GET /channels/{id}/posts`: ids newest first, and the posts by id. */
export type PostList = z.infer<typeof schemas.postListSchema>;
/** `POST /teams/{id}/posts/search`: matching posts newest first, and the searched words found in each. */
export type PostSearchResults = z.infer<typeof schemas.postSearchResultsSchema>;
/** An emoji reaction to a post. */
export type Reaction = z.infer<typeof schemas.reactionSchema>;
/** An uploaded file's metadata. */
export type FileInfo = z.infer<typeof schemas.fileInfoSchema>;
/** An entry of the audit log (`GET /api/v4/audits`). */
export type Audit = z.infer<typeof schemas.auditSchema>;
/** A personal access token, without its secret. */
export type UserAccessToken = z.infer<typeof schemas.userAccessTokenSchema>;
/** A collapsed reply thread as its reader sees it. */
export type UserThread = z.infer<typeof schemas.userThreadSchema>;
/** A page of a user's threads in a team, with totals. */
export type UserThreadList = z.infer<typeof schemas.userThreadListSchema>;
/** A sidebar category with its channels. */
export type SidebarCategory = z.infer<typeof schemas.sidebarCategorySchema>;
/** A user's sidebar categories in a team, and their order. */
export type SidebarCategories = z.infer<typeof schemas.sidebarCategoriesSchema>;
/** A signed-in session as its user sees it. */
export type SessionInfo = z.infer<typeof schemas.sessionInfoSchema>;
/** Where a member's reading of a channel stands. */
export type ChannelUnreadAt = z.infer<typeof schemas.channelUnreadAtSchema>;
/** The error body of every 4xx/5xx answer. */
export type ApiErrorBody = z.infer<typeof schemas.apiErrorBodySchema>;
/** A WebSocket event as Mattermost sends it. */
export type WebSocketEvent = z.infer<typeof schemas.webSocketEventSchema>;
/** A slash command as Mattermost's `Command`, as the autocomplete routes list it. */
export type SlashCommand = z.infer<typeof schemas.slashCommandSchema>;
/** The answer of `POST /api/v4/commands/execute`. */
export type CommandResponseBody = z.infer<typeof schemas.commandResponseSchema>;
/** One field of an interactive dialog. */
export type DialogElement = z.infer<typeof schemas.dialogElementSchema>;
export type Dialog = z.infer<typeof schemas.dialogSchema>;

/**
 * The elements of a dialog that show with these values: those without
 * `show_when`, and those whose condition the named element's value meets.
 * The web app renders these, and the server checks and passes on only these.
 */
export function shownDialogElements(elements: readonly DialogElement[], values: Readonly<Record<string, unknown>>): DialogElement[] {
  return elements.filter((e) => !e.show_when || e.show_when.values.includes(String(values[e.show_when.element] ?? "")));
}
/** The answer of `POST /api/v4/actions/dialogs/submit`. */
export type DialogSubmitResult = z.infer<typeof schemas.dialogSubmitResultSchema>;
/** A plugin as `GET /api/v4/plugins` lists it. */
export type PluginStatus = z.infer<typeof schemas.pluginStatusSchema>;
/** `GET /api/v4/plugins`. */
export type PluginList = z.infer<typeof schemas.pluginListSchema>;
/** What the web app needs to load a plugin's web code (`GET /api/v4/plugins/webapp`). */
export type WebappPlugin = z.infer<typeof schemas.webappPluginSchema>;

/** A user's presence (`POST /api/v4/users/status/ids`, `status_change`). */
export type UserStatus = z.infer<typeof schemas.userStatusSchema>;
/** `GET /api/v4/users/autocomplete`. */
export type UserAutocomplete = z.infer<typeof schemas.userAutocompleteSchema>;

/** Channel types that have no team and are readable by their members only (system admins included). */
export function isDirectOrGroup(channel: Pick<Channel, "type">): boolean {
  return channel.type === "D" || channel.type === "G";
}

/** The role of system admins (Mattermost's). */
export const systemAdminRole = "system_admin";
/** The role every person has; system admins have {@link systemAdminRole} besides. */
export const systemUserRole = "system_user";

/** True when the user's roles include `system_admin`. */
export function isSystemAdmin(user: Pick<User, "roles">): boolean {
  return user.roles.split(" ").includes(systemAdminRole);
}
