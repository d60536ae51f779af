/**
 * @module wire-schemas
 * zod schemas of the Mattermost v4 subset's wire data, defined once for the
 * server, the web app and the plugins. The types in `wire.ts` are inferred
 * from these, so a shape is never written twice.
 *
 * Objects are loose: a field the schema does not name (Mattermost adds many)
 * is kept and never fails a parse; a named field that is missing or of the
 * wrong type does. The inferred types list only the named fields.
 *
 * `zod/mini` rather than `zod`: it tree-shakes, which keeps the web app's
 * bundle small; its schemas work on the server just the same.
 *
 * @example const teams = z.array(teamSchema).parse(await response.json());
 */
import * as z from "zod/mini";

/**
 * A loose object schema whose output type has just the named fields (no
 * `[key: string]: unknown`), so the inferred wire types stay exact.
 */
function wireObject<Shape extends z.core.$ZodLooseShape>(
  shape: Shape,
): z.ZodMiniType<z.output<z.ZodMiniObject<Shape>>, z.input<z.ZodMiniObject<Shape>>> {
  return z.looseObject(shape);
}

/** A user as the API returns it (never with the password). */
export const userSchema = wireObject({
  id: z.string(),
  username: z.string(),
  /** Empty when the viewer may not see it (another person's, for non-admins). */
  email: z.string(),
  first_name: z.string(),
  last_name: z.string(),
  nickname: z.string(),
  /** Space-separated: `system_user` or `system_admin system_user`. */
  roles: z.string(),
  is_bot: z.boolean(),
  create_at: z.number(),
  update_at: z.number(),
  delete_at: z.number(),
  // Mattermost's User fields below: the server always sends them; optional so older answers still parse.
  /** `""`: Sitrep signs in with a password only. */
  auth_service: z.optional(z.string()),
  /** The person's locale, `en` unless they chose one. */
  locale: z.optional(z.string()),
  /** Mattermost's timezone object (each value a string). */
  timezone: z.optional(z.record(z.string(), z.string())),
  /** Mattermost's notification settings (each value a string: `"true"`, `"mention"`...). */
  notify_props: z.optional(z.record(z.string(), z.string())),
  /** Free-form props the person's clients set. */
  props: z.optional(z.record(z.string(), z.string())),
  /** A job title. */
  position: z.optional(z.string()),
  /** 0: no uploaded picture, `GET /users/{id}/image` draws initials. */
  last_picture_update: z.optional(z.number()),
  /** A bot's description (bots only). */
  bot_description: z.optional(z.string()),
});

export const teamSchema = wireObject({
  id: z.string(),
  name: z.string(),
  display_name: z.string(),
  /** `O` open, `I` invite-only. */
  type: z.enum(["O", "I"]),
  description: z.string(),
  create_at: z.number(),
  update_at: z.number(),
  delete_at: z.number(),
  // Mattermost's Team fields (always sent; optional so older answers still parse).
  /** True for an open team (`type` O). */
  allow_open_invite: z.optional(z.boolean()),
  /** "": Sitrep has no invite links. */
  invite_id: z.optional(z.string()),
  company_name: z.optional(z.string()),
  email: z.optional(z.string()),
  allowed_domains: z.optional(z.string()),
  scheme_id: z.optional(z.string()),
  group_constrained: z.optional(z.boolean()),
  last_team_icon_update: z.optional(z.number()),
});

export const teamMemberSchema = wireObject({
  team_id: z.string(),
  user_id: z.string(),
  roles: z.string(),
  delete_at: z.number(),
  // Mattermost's scheme flags, from `roles` (always sent; optional so older answers still parse).
  scheme_user: z.optional(z.boolean()),
  scheme_admin: z.optional(z.boolean()),
  scheme_guest: z.optional(z.boolean()),
  explicit_roles: z.optional(z.string()),
});

export const channelSchema = wireObject({
  id: z.string(),
  team_id: z.string(),
  name: z.string(),
  display_name: z.string(),
  /** `O` public, `P` private, `D` direct message (no team: `team_id` ""), `G` group message (no team). */
  type: z.enum(["O", "P", "D", "G"]),
  header: z.string(),
  purpose: z.string(),
  creator_id: z.string(),
  create_at: z.number(),
  update_at: z.number(),
  delete_at: z.number(),
  last_post_at: z.number(),
  total_msg_count: z.number(),
  /** Root posts only, what collapsed reply threads count (Mattermost's field; optional for channels built by clients). */
  total_msg_count_root: z.optional(z.number()),
});

export const channelMemberSchema = wireObject({
  channel_id: z.string(),
  user_id: z.string(),
  roles: z.string(),
  last_viewed_at: z.number(),
  msg_count: z.number(),
  mention_count: z.number(),
  /** Root posts read, and unread mentions in root posts (what collapsed reply threads show). */
  msg_count_root: z.number(),
  mention_count_root: z.number(),
  /** Sitrep has no urgent posts: always 0. */
  urgent_mention_count: z.number(),
  /** The member's notification settings for the channel, Mattermost's defaults where not set. */
  notify_props: z.record(z.string(), z.string()),
  /** When the membership last changed (read, mentioned, its settings). */
  last_update_at: z.number(),
  /** Mattermost's scheme roles: every member is a channel user, a channel admin is `scheme_admin`. */
  scheme_user: z.boolean(),
  scheme_admin: z.boolean(),
  scheme_guest: z.boolean(),
});

/** An emoji reaction to a post: one per user, post and emoji name. */
export const reactionSchema = wireObject({
  user_id: z.string(),
  post_id: z.string(),
  emoji_name: z.string(),
  create_at: z.number(),
  channel_id: z.string(),
});

/** An uploaded file's metadata (Mattermost's `FileInfo`); `post_id` is empty until a post attaches it. */
export const fileInfoSchema = wireObject({
  id: z.string(),
  user_id: z.string(),
  post_id: z.string(),
  channel_id: z.string(),
  create_at: z.number(),
  update_at: z.number(),
  delete_at: z.number(),
  name: z.string(),
  extension: z.string(),
  size: z.number(),
  /** Sniffed from the bytes, never taken from the uploader. */
  mime_type: z.string(),
  width: z.optional(z.number()),
  height: z.optional(z.number()),
  has_preview_image: z.boolean(),
});

/** `POST /api/v4/files`: the stored files, in the order sent. */
export const fileUploadResponseSchema = wireObject({
  file_infos: z.array(fileInfoSchema),
  client_ids: z.array(z.string()),
});

export const postSchema = wireObject({
  id: z.string(),
  channel_id: z.string(),
  user_id: z.string(),
  root_id: z.string(),
  message: z.string(),
  type: z.string(),
  props: z.record(z.string(), z.unknown()),
  create_at: z.number(),
  update_at: z.number(),
  edit_at: z.number(),
  delete_at: z.number(),
  /**
   * The number of replies in the post's thread (Mattermost's field; a reply
   * carries its thread's count too). The server always sends it; optional so
   * that a post made before threads, or built by a client, still parses.
   */
  reply_count: z.optional(z.number()),
  /** True when the post has reactions (Mattermost omits it while false). */
  has_reactions: z.optional(z.boolean()),
  /** The ids of the files attached to the post (Mattermost omits it when there are none). */
  file_ids: z.optional(z.array(z.string())),
  /**
   * What Mattermost attaches to a read post: its embeds (a `message_attachment` one for a post with attachments),
   * reactions and files, each only when there are some.
   */
  metadata: z.optional(
    wireObject({
      embeds: z.optional(z.array(wireObject({ type: z.string(), url: z.optional(z.string()) }))),
      reactions: z.optional(z.array(reactionSchema)),
      files: z.optional(z.array(fileInfoSchema)),
    }),
  ),
  /** Pinned to its channel (`POST /posts/{id}/pin`). */
  is_pinned: z.optional(z.boolean()),
  /** The message's hashtags, space-separated, as Mattermost parses them. */
  hashtags: z.optional(z.string()),
  /** Mattermost's id of the post this one was copied from when edited; Sitrep edits in place, so always "". */
  original_id: z.optional(z.string()),
  /** The id the client gave its optimistic copy, echoed by `POST /posts` (and its `posted` event); "" on every other answer. */
  pending_post_id: z.optional(z.string()),
  /** Collapsed reply threads, on a root: its last reply's time and whether the reader follows it. */
  last_reply_at: z.optional(z.number()),
  is_following: z.optional(z.boolean()),
});

/** `GET /channels/{id}/posts`: ids newest first, and the posts by id. */
export const postListSchema = wireObject({
  order: z.array(z.string()),
  posts: z.record(z.string(), postSchema),
  next_post_id: z.string(),
  prev_post_id: z.string(),
  has_next: z.boolean(),
});

/**
 * `POST /teams/{id}/posts/search`: matching posts newest first, with
 * `matches` (post id → the searched words found in it, for highlighting).
 */
export const postSearchResultsSchema = wireObject({
  order: z.array(z.string()),
  posts: z.record(z.string(), postSchema),
  matches: z.record(z.string(), z.array(z.string())),
  next_post_id: z.string(),
  prev_post_id: z.string(),
  has_next: z.boolean(),
  first_inaccessible_post_time: z.number(),
});

/** The error body of every 4xx/5xx answer. */
export const apiErrorBodySchema = wireObject({
  id: z.string(),
  message: z.string(),
  status_code: z.number(),
  /** Mattermost's: always "" (the message says what is wrong). */
  detailed_error: z.optional(z.string()),
  /** The request's id, as its `X-Request-Id` header and the server's log entries give it. */
  request_id: z.optional(z.string()),
  details: z.optional(z.unknown()),
});

/** A WebSocket event as Mattermost sends it. */
export const webSocketEventSchema = wireObject({
  event: z.string(),
  data: z.record(z.string(), z.unknown()),
  broadcast: wireObject({
    channel_id: z.string(),
    team_id: z.string(),
    user_id: z.string(),
    omit_users: z.nullable(z.record(z.string(), z.boolean())),
  }),
  seq: z.number(),
});

/** The fields of Mattermost's `AutocompleteData` (capitalised, as its Go struct has no JSON tags) one level down. */
const autocompleteDataFields = {
  Trigger: z.string(),
  Hint: z.string(),
  HelpText: z.string(),
  RoleID: z.string(),
  Arguments: z.array(z.unknown()),
};

/** Mattermost's `AutocompleteData` of a command: its subcommands, each with its own. */
export const autocompleteDataSchema = wireObject({
  ...autocompleteDataFields,
  SubCommands: z.array(wireObject({ ...autocompleteDataFields, SubCommands: z.array(z.unknown()) })),
});

/**
 * A slash command as Mattermost's `Command`: what `GET /api/v4/commands`,
 * `GET /api/v4/teams/{id}/commands/autocomplete` (and Sitrep's
 * `GET /api/v4/commands/autocomplete`, every team of the caller) list.
 * Built-in and plugin commands have no `id`; a listed custom command's
 * `token` is empty unless the caller manages it.
 */
export const slashCommandSchema = wireObject({
  id: z.string(),
  token: z.string(),
  create_at: z.number(),
  update_at: z.number(),
  delete_at: z.number(),
  creator_id: z.string(),
  team_id: z.string(),
  trigger: z.string(),
  method: z.string(),
  username: z.string(),
  icon_url: z.string(),
  auto_complete: z.boolean(),
  auto_complete_desc: z.string(),
  auto_complete_hint: z.string(),
  display_name: z.string(),
  description: z.string(),
  url: z.string(),
  plugin_id: z.string(),
  autocomplete_data: z.optional(autocompleteDataSchema),
  autocomplete_icon_data: z.optional(z.string()),
});

/** The answer of `POST /api/v4/commands/execute`. */
export const commandResponseSchema = wireObject({
  response_type: z.string(),
  text: z.string(),
  /** Where the client should go next (a path or a URL), or empty. */
  goto_location: z.string(),
});

/** One field of an interactive dialog. */
export const dialogElementSchema = wireObject({
  name: z.string(),
  display_name: z.string(),
  type: z.enum(["text", "textarea", "select", "user", "bool"]),
  optional: z.optional(z.boolean()),
  default: z.optional(z.string()),
  placeholder: z.optional(z.string()),
  help_text: z.optional(z.string()),
  options: z.optional(z.array(wireObject({ text: z.string(), value: z.string() }))),
  /**
   * Sitrep's addition: the element shows (and counts, its `optional` included)
   * only while the element named `element` holds one of `values`, e.g. a
   * playbook's fields only while that playbook is chosen. Clients that do not
   * know it show every element.
   */
  show_when: z.optional(wireObject({ element: z.string(), values: z.array(z.string()) })),
});

export const dialogSchema = wireObject({
  callback_id: z.string(),
  title: z.string(),
  introduction_text: z.optional(z.string()),
  submit_label: z.optional(z.string()),
  elements: z.array(dialogElementSchema),
});

/** The answer of `POST /api/v4/actions/dialogs/submit`: errors by field, or a general one, or neither. */
export const dialogSubmitResultSchema = wireObject({
  errors: z.optional(z.record(z.string(), z.string())),
  error: z.optional(z.string()),
});

/** A plugin as `GET /api/v4/plugins` lists it. */
export const pluginStatusSchema = wireObject({
  id: z.string(),
  name: z.string(),
  version: z.string(),
  description: z.string(),
  /** Running in this process. */
  active: z.boolean(),
  /** The admin's choice: enabled plugins are activated at start and on every process. */
  enabled: z.boolean(),
  /** Why an enabled plugin is not active (its last activation failed), if it is not. */
  error: z.optional(z.string()),
  /**
   * The plugin's route (under `/plugins/{id}`) answering `{message}` for a
   * system admin about to disable it; the console asks for a confirmation
   * showing a non-empty message (e.g. how many incidents are active).
   */
  disable_warning: z.optional(z.string()),
  /**
   * Set while a `messageWillBePosted` hook of the plugin is skipped, in the
   * answering process, after timing out twice in a row: until when (ms since the epoch).
   */
  before_post_hook_skipped_until: z.optional(z.number()),
});

/** `GET /api/v4/plugins`. */
export const pluginListSchema = wireObject({
  active: z.array(pluginStatusSchema),
  inactive: z.array(pluginStatusSchema),
});

/** The part of a plugin's manifest that `POST /api/v4/plugins` answers with and clients show. */
export const pluginManifestSummarySchema = wireObject({
  id: z.string(),
  name: z.string(),
  version: z.string(),
});

/** What the web app needs to load a plugin's web code (`GET /api/v4/plugins/webapp`). */
export const webappPluginSchema = wireObject({
  id: z.string(),
  /**
   * Mattermost's manifest fields, always sent: `name`, `description` and
   * `webapp.bundle_path` (where Mattermost's web app looks). Sitrep's web app
   * reads `bundle_path`, so it needs none of them.
   */
  name: z.optional(z.string()),
  description: z.optional(z.string()),
  version: z.string(),
  webapp: z.optional(wireObject({ bundle_path: z.string() })),
  /** URL of the ES module exporting `register(registry)` (the same as `webapp.bundle_path`). */
  bundle_path: z.string(),
  /** URLs of its CSS files (manifest `web.styles`), when it has any. */
  style_paths: z.optional(z.array(z.string())),
});

/**
 * A JSON string holding a value of `schema`, as Mattermost sends a post
 * inside a WebSocket event (`data.post`).
 */
export function jsonStringOf<T>(schema: z.ZodMiniType<T>): z.ZodMiniType<T, string> {
  return z.pipe(
    z.pipe(
      z.string(),
      z.transform((text: string, ctx): unknown => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          ctx.issues.push({ code: "custom", message: "is not valid JSON", input: text });
          return z.NEVER;
        }
      }),
    ),
    schema,
  );
}

/**
 * `data` of the `posted` and `ephemeral_message` events. `mentions`, on
 * `posted` when someone is mentioned, is a JSON string of the mentioned
 * members' ids, as Mattermost sends it.
 */
export const postedEventDataSchema = wireObject({
  post: jsonStringOf(postSchema),
  mentions: z.optional(jsonStringOf(z.array(z.string()))),
});

/** `data` of `direct_added` (`teammate_id`) and `group_added` (`teammate_ids`, a JSON string of ids). */
export const directAddedEventDataSchema = wireObject({
  creator_id: z.optional(z.string()),
  teammate_id: z.optional(z.string()),
  teammate_ids: z.optional(jsonStringOf(z.array(z.string()))),
});

/** `data` of the `typing` event: who types, and in which thread (`parent_id` "" for the channel). */
export const typingEventDataSchema = wireObject({ parent_id: z.string(), user_id: z.string() });

/** A user's presence: online, away, do not disturb or offline. */
const statusSchema = z.enum(["online", "away", "dnd", "offline"]);

/** A user's presence, as `POST /api/v4/users/status/ids` lists it. */
export const userStatusSchema = wireObject({
  user_id: z.string(),
  status: statusSchema,
  manual: z.boolean(),
  last_activity_at: z.number(),
});

/** `data` of the `status_change` event: whose status changed, and to what. */
export const statusChangeEventDataSchema = wireObject({ status: statusSchema, user_id: z.string() });

/** `multiple_channels_viewed`: the channels the user marked read (on any of their connections), with their new `last_viewed_at`. */
export const channelsViewedEventDataSchema = wireObject({ channel_times: z.record(z.string(), z.number()) });

/** `GET /api/v4/users/autocomplete`: matching users, and with `in_channel` those of the team outside the channel. */
export const userAutocompleteSchema = wireObject({
  users: z.array(userSchema),
  out_of_channel: z.optional(z.array(userSchema)),
});

/** `data` of the `post_edited` event: the post as it now reads. */
export const postEditedEventDataSchema = wireObject({ post: jsonStringOf(postSchema) });

/** `data` of the `post_deleted` event: the post (with `delete_at` set) and who deleted it. */
export const postDeletedEventDataSchema = wireObject({ post: jsonStringOf(postSchema), delete_by: z.string() });

/** The answer of `DELETE /api/v4/posts/{id}` and other routes that report only success. */
export const statusOkSchema = wireObject({ status: z.literal("OK") });

/** `data` of `reaction_added` and `reaction_removed`: the reaction as a JSON string, as Mattermost sends it. */
export const reactionEventDataSchema = wireObject({ reaction: jsonStringOf(reactionSchema) });

/** `data` of the `open_dialog` event. */
export const openDialogEventDataSchema = wireObject({
  dialog: dialogSchema,
  plugin_id: z.optional(z.string()),
  channel_id: z.optional(z.string()),
  team_id: z.optional(z.string()),
});

/** `data` of `channel_created`, `user_added` and `added_to_team`. */
export const membershipEventDataSchema = wireObject({
  team_id: z.optional(z.string()),
  user_id: z.optional(z.string()),
  channel_id: z.optional(z.string()),
});

/** `data` of `channel_updated`: the channel as it now reads, as a JSON string (as Mattermost sends it). */
export const channelUpdatedEventDataSchema = wireObject({ channel: jsonStringOf(channelSchema) });

/**
 * `data` of `user_removed`: to the removed user `{channel_id, remover_id}`, to
 * the channel's remaining members `{user_id, remover_id}`, as Mattermost sends them.
 */
export const userRemovedEventDataSchema = wireObject({
  channel_id: z.optional(z.string()),
  user_id: z.optional(z.string()),
  remover_id: z.string(),
});

/** `data` of `channel_deleted` (archived), and of `channel_converted` and `channel_restored` (`delete_at` absent). */
export const channelDeletedEventDataSchema = wireObject({ channel_id: z.string(), delete_at: z.optional(z.number()) });

/**
 * An entry of the audit log (`GET /api/v4/audits`, Mattermost's Audit): a
 * security-relevant action — `action` the request path (or what a plugin
 * names), `extra_info` what happened (`success`, `failure - login_id=…`).
 */
export const auditSchema = wireObject({
  id: z.string(),
  create_at: z.number(),
  /** Who acted; "" when nobody signed in (a failed sign-in of an unknown login id). */
  user_id: z.string(),
  action: z.string(),
  extra_info: z.string(),
  ip_address: z.string(),
  session_id: z.string(),
});

const userAccessTokenShape = {
  id: z.string(),
  user_id: z.string(),
  description: z.string(),
  is_active: z.boolean(),
  /** When it stops working; 0 never. */
  expires_at: z.number(),
};

/** A personal access token as `GET /api/v4/users/{id}/tokens` lists it (Mattermost's UserAccessToken, without the secret). */
export const userAccessTokenSchema = wireObject(userAccessTokenShape);

/** The answer of `POST /api/v4/users/{id}/tokens`: the token with its secret, shown this once. */
export const createdUserAccessTokenSchema = wireObject({ ...userAccessTokenShape, token: z.string() });

/** A collapsed reply thread as its reader sees it (`GET /users/{id}/teams/{id}/threads`, Mattermost's `ThreadResponse`). */
export const userThreadSchema = wireObject({
  id: z.string(),
  reply_count: z.number(),
  last_reply_at: z.number(),
  last_viewed_at: z.number(),
  /** Who replied, latest last: `{id}` only, or the users with `extended=true`. */
  participants: z.array(z.union([userSchema, wireObject({ id: z.string() })])),
  post: postSchema,
  unread_replies: z.number(),
  unread_mentions: z.number(),
  /** Sitrep has no urgent posts: always 0. */
  unread_urgent_mentions: z.number(),
  is_following: z.boolean(),
  delete_at: z.number(),
});

/** A page of a user's threads in a team, with totals over all of them. */
export const userThreadListSchema = wireObject({
  threads: z.array(userThreadSchema),
  total: z.number(),
  total_unread_threads: z.number(),
  total_unread_mentions: z.number(),
  total_unread_urgent_mentions: z.number(),
});

/** A sidebar category with its channels (Mattermost's `SidebarCategoryWithChannels`). */
export const sidebarCategorySchema = wireObject({
  id: z.string(),
  user_id: z.string(),
  team_id: z.string(),
  sort_order: z.number(),
  /** "" (the default: by name), "recent", "alpha" or "manual". */
  sorting: z.enum(["", "recent", "alpha", "manual"]),
  /** An "incidents" section may join these as `custom`. */
  type: z.enum(["favorites", "channels", "direct_messages", "custom"]),
  display_name: z.string(),
  muted: z.boolean(),
  collapsed: z.boolean(),
  channel_ids: z.array(z.string()),
});

/** `GET /users/{id}/teams/{id}/channels/categories`: the categories and their order. */
export const sidebarCategoriesSchema = wireObject({ categories: z.array(sidebarCategorySchema), order: z.array(z.string()) });

/** A signed-in session as its user sees it (Mattermost's sanitized `Session`: `token` always ""). */
export const sessionInfoSchema = wireObject({
  id: z.string(),
  token: z.string(),
  create_at: z.number(),
  expires_at: z.number(),
  last_activity_at: z.number(),
  user_id: z.string(),
  device_id: z.string(),
  roles: z.string(),
  is_oauth: z.boolean(),
  expired_notify: z.boolean(),
  /** `{type: "UserAccessToken", user_access_token_id}` for a personal access token's session. */
  props: z.record(z.string(), z.string()),
  team_members: z.array(teamMemberSchema),
  local: z.boolean(),
});

/** Where a member's reading of a channel stands (`set_unread`'s answer, Mattermost's `ChannelUnreadAt`). */
export const channelUnreadAtSchema = wireObject({
  team_id: z.string(),
  user_id: z.string(),
  channel_id: z.string(),
  msg_count: z.number(),
  mention_count: z.number(),
  msg_count_root: z.number(),
  mention_count_root: z.number(),
  urgent_mention_count: z.number(),
  last_viewed_at: z.number(),
});
