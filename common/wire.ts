/**
 * @module wire
 * Wire types of the Mattermost v4 subset, shared by the server, web app and plugins.
 */

/** A user as the API returns it (never with the password). */
export interface User {
  id: string;
  username: string;
  email: string;
  first_name: string;
  last_name: string;
  nickname: string;
  /** Space-separated: `system_user` or `system_admin system_user`. */
  roles: string;
  is_bot: boolean;
  create_at: number;
  update_at: number;
  delete_at: number;
}

export interface Team {
  id: string;
  name: string;
  display_name: string;
  /** `O` open, `I` invite-only. */
  type: "O" | "I";
  description: string;
  create_at: number;
  update_at: number;
  delete_at: number;
}

export interface TeamMember {
  team_id: string;
  user_id: string;
  roles: string;
  delete_at: number;
}

export interface Channel {
  id: string;
  team_id: string;
  name: string;
  display_name: string;
  /** `O` public, `P` private. */
  type: "O" | "P";
  header: string;
  purpose: string;
  creator_id: string;
  create_at: number;
  update_at: number;
  delete_at: number;
  last_post_at: number;
  total_msg_count: number;
}

export interface ChannelMember {
  channel_id: string;
  user_id: string;
  roles: string;
  last_viewed_at: number;
  msg_count: number;
  mention_count: number;
}

export interface Post {
  id: string;
  channel_id: string;
  user_id: string;
  root_id: string;
  message: string;
  type: string;
  props: Record<string, unknown>;
  create_at: number;
  update_at: number;
  edit_at: number;
  delete_at: number;
}

/** `GET /channels/{id}/posts`: ids newest first, and the posts by id. */
export interface PostList {
  order: string[];
  posts: Record<string, Post>;
  next_post_id: string;
  prev_post_id: string;
  has_next: boolean;
}

/** The error body of every 4xx/5xx answer. */
export interface ApiErrorBody {
  id: string;
  message: string;
  status_code: number;
  details?: unknown;
}

/** A WebSocket event as Mattermost sends it. */
export interface WebSocketEvent {
  event: string;
  data: Record<string, unknown>;
  broadcast: { channel_id: string; team_id: string; user_id: string; omit_users: Record<string, boolean> | null };
  seq: number;
}

/** Autocomplete data for a slash command, as listed by `GET /api/v4/commands/autocomplete`. */
export interface CommandAutocomplete {
  trigger: string;
  plugin_id: string;
  description: string;
  hint: string;
  subcommands: Array<{ name: string; hint: string; description: string }>;
}

/** One field of an interactive dialog. */
export interface DialogElement {
  name: string;
  display_name: string;
  type: "text" | "textarea" | "select" | "user" | "bool";
  optional?: boolean;
  default?: string;
  placeholder?: string;
  help_text?: string;
  options?: Array<{ text: string; value: string }>;
}

export interface Dialog {
  callback_id: string;
  title: string;
  introduction_text?: string;
  submit_label?: string;
  elements: DialogElement[];
}

export const systemAdminRole = "system_admin";

/** True when the user's roles include `system_admin`. */
export function isSystemAdmin(user: Pick<User, "roles">): boolean {
  return user.roles.split(" ").includes(systemAdminRole);
}
