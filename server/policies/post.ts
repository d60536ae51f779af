/**
 * @module policies/post
 * Who may read, edit and delete a post (DESIGN.md section 9): a post is read
 * by whoever may read its channel, edited by its author only — never a bot's
 * record, a webhook's post or a system message, and not by system admins
 * either — and deleted by its author or a system admin. {@link accessPost}
 * fetches and authorizes in one call with one 404 for "missing", "deleted"
 * and "not yours", so a post of a private channel is never confirmed.
 */
import { isSystemAdmin, type Channel, type Post } from "#common/wire.ts";
import { notFound } from "../errors.ts";
import type { Host } from "../host.ts";
import { getChannel, getChannelOrArchived } from "../services/channels.ts";
import { getPost } from "../services/posts.ts";
import { getUserRow } from "../services/users.ts";
import { canReadChannel } from "./channel.ts";
import type { Actor } from "./team.ts";

/** The 404 of a post the caller may not read, or that does not exist (or no longer). */
export const postNotFound = () => notFound("post", "post not found, or you do not have access to it");

/**
 * The live post and its channel if the user may read the channel
 * ({@link canReadChannel}), or a 404 that reveals nothing. A post of an
 * archived channel answers 404 unless `archived` is `"readable"` (to read it,
 * never to change it).
 */
export async function accessPost(
  host: Host,
  props: { user: Actor; postId: string; archived?: "readable" },
): Promise<{ post: Post; channel: Channel }> {
  const post = await getPost(host, props.postId);
  const fetchChannel = props.archived === "readable" ? getChannelOrArchived : getChannel;
  const channel = post ? await fetchChannel(host, post.channel_id) : null;
  if (!post || !channel || !(await canReadChannel(host, props.user, channel))) throw postNotFound();
  return { post, channel };
}

/** Why {@link postEditRefusal} refuses an edit. */
export type PostEditRefusal = "not_author" | "bot_record" | "webhook_post" | "system_message";

/**
 * Whether `editor` may edit `post`: null when allowed. A person edits only
 * their own posts (system admins included: DESIGN.md section 9 keeps what
 * someone said theirs); a plugin edits only its own bot's posts. Nobody edits
 * a plugin bot's record through the API, a webhook's post (it is the sender's,
 * not the hook owner's words), or a system message. A bot account a person
 * owns (`POST /api/v4/bots`) is a person's integration: signed in as itself
 * (its access token), it edits its own posts, as status-updating bots do.
 */
export async function postEditRefusal(
  host: Host,
  props: { editor: { user: Actor } | { pluginId: string }; post: Pick<Post, "user_id" | "type" | "props"> },
): Promise<PostEditRefusal | null> {
  const { post, editor } = props;
  if (post.type.startsWith("system_")) return "system_message";
  const author = await getUserRow(host, post.user_id);
  if ("pluginId" in editor) return author?.is_bot === 1 && author.bot_owner_id === editor.pluginId ? null : "not_author";
  if (author?.is_bot === 1) {
    const ownedByPerson = author.id === editor.user.id && (await getUserRow(host, author.bot_owner_id)) !== undefined;
    return ownedByPerson ? null : "bot_record";
  }
  if (post.props.from_webhook === "true") return "webhook_post";
  return post.user_id === editor.user.id ? null : "not_author";
}

/** The 403 message of each {@link PostEditRefusal}. */
export const POST_EDIT_REFUSALS: Record<PostEditRefusal, string> = {
  not_author: "Only the author may edit a post.",
  bot_record: "Nobody edits a bot's post: it is the record of what happened.",
  webhook_post: "Nobody edits a webhook's post.",
  system_message: "Nobody edits a system message.",
};

/**
 * Whether `deleter` may delete `post`: its author or a system admin (as
 * Mattermost's `delete_post` / `delete_others_posts`); a plugin only its own
 * bot's posts.
 */
export async function canDeletePost(
  host: Host,
  props: { deleter: { user: Actor } | { pluginId: string }; post: Pick<Post, "user_id"> },
): Promise<boolean> {
  const { deleter, post } = props;
  if ("pluginId" in deleter) {
    const author = await getUserRow(host, post.user_id);
    return author?.is_bot === 1 && author.bot_owner_id === deleter.pluginId;
  }
  return post.user_id === deleter.user.id || isSystemAdmin(deleter.user);
}
