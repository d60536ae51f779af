/**
 * One post: author, time, and the message (markdown + attachments), or the
 * card a plugin registered for its type; "(edited)", its reactions, and in
 * the channel its thread's reply count. On hover or focus: Reply, Add
 * reaction and the "⋯" menu (edit inline, delete after a confirm).
 */
import { memo, useState } from "react";
import type { Post } from "#common/wire.ts";
import { errorMessage } from "../api/client.ts";
import { postTypeRenderer } from "../plugins/contributions.ts";
import { useWebLocation } from "../store/location.ts";
import { isLocalPost, isPostDeletable, isPostEditable, postEditOpener } from "../store/posts.ts";
import { reactionAdder, reactionToggler } from "../store/reactions.ts";
import { useServices } from "../store/services.ts";
import type { PostLocation } from "../store/state.ts";
import { useStore } from "../store/store.ts";
import { threadOpener } from "../store/threads.ts";
import { paths } from "../router/router.ts";
import { Attachments } from "./Attachments.tsx";
import { DeletePostDialog } from "./DeletePostDialog.tsx";
import { FormError } from "./FormError.tsx";
import { Link } from "./Link.tsx";
import { Markdown } from "./Markdown.tsx";
import { PluginBoundary } from "./PluginBoundary.tsx";
import { shownAuthor } from "./post-author.ts";
import { PostActions, type PostAbilities } from "./PostActions.tsx";
import { PostEditBox } from "./PostEditBox.tsx";
import { PostFiles } from "./PostFiles.tsx";
import { Reactions } from "./Reactions.tsx";

function formatTime(ms: number): string {
  const date = new Date(ms);
  const today = new Date();
  const time = date.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
  return date.toDateString() === today.toDateString() ? time : `${date.toLocaleDateString()} ${time}`;
}

function PluginPost({ post }: { post: Post }) {
  const { plugins, store } = useServices();
  const renderer = useStore(plugins.contributions, (c) => postTypeRenderer(c, post.type));
  const location = useWebLocation(store);
  if (!renderer || !location) return null;
  const Component = renderer.component;
  return (
    <PluginBoundary pluginId={renderer.pluginId} fallback={<Markdown text={post.message} />}>
      <Component post={post} host={plugins.webHostFor(renderer.pluginId)} location={location} />
    </PluginBoundary>
  );
}

/** The DOM id of a post's element where it is shown (a root is in the channel and in its thread). */
export function postElementId(postId: string, location: PostLocation): string {
  return location === "center" ? `post-${postId}` : `rhs-post-${postId}`;
}

export const PostItem = memo(function PostItem({
  post,
  teamName,
  highlighted,
  compact,
  location = "center",
}: {
  post: Post;
  teamName: string;
  highlighted: boolean;
  compact: boolean;
  /** Where it is shown: the channel (with its reply count) or its thread in the RHS. */
  location?: PostLocation;
}) {
  const services = useServices();
  const { store, plugins } = services;
  const author = useStore(store, (s) => s.users[post.user_id]);
  const me = useStore(store, (s) => s.me);
  const isMember = useStore(store, (s) => s.members[post.channel_id] !== undefined);
  const editing = useStore(store, (s) => s.editing?.postId === post.id && s.editing.location === location);
  const hasRenderer = useStore(plugins.contributions, (c) => postTypeRenderer(c, post.type) !== undefined);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ephemeral = post.type === "system_ephemeral";
  const { name, badge } = shownAuthor(post, author);
  const local = isLocalPost(post);
  const conversational = isMember && !ephemeral && !local && !post.type.startsWith("system_");
  const abilities: PostAbilities = {
    canReply: conversational,
    canReact: conversational,
    canEdit: isPostEditable(post, { me, author }),
    canDelete: isPostDeletable(post, me),
  };
  const replies = location === "center" && !post.root_id ? (post.reply_count ?? 0) : 0;
  const attempt = (work: Promise<unknown>) => {
    setError(null);
    work.catch((e: unknown) => setError(errorMessage(e)));
  };

  return (
    <li
      className={`post${ephemeral ? " ephemeral" : ""}${highlighted ? " highlighted" : ""}${compact && !ephemeral ? " compact" : ""}${editing ? " editing" : ""}`}
      id={postElementId(post.id, location)}
      data-post-id={post.id}
    >
      <div className="post-header">
        <span className="post-author">{ephemeral && !author ? "System" : name}</span>
        {badge && <span className="badge">{badge}</span>}
        {local ? (
          <time dateTime={new Date(post.create_at).toISOString()}>{formatTime(post.create_at)}</time>
        ) : (
          <Link
            to={paths.permalink(teamName, post.id)}
            className="post-time"
            aria-label={`${name}, ${formatTime(post.create_at)}: link to this message`}
          >
            <time dateTime={new Date(post.create_at).toISOString()}>{formatTime(post.create_at)}</time>
          </Link>
        )}
        {ephemeral && <span className="ephemeral-note">(Only visible to you)</span>}
      </div>
      <div className="post-body">
        {editing ? (
          <PostEditBox post={post} onEmptied={() => setConfirmDelete(true)} />
        ) : hasRenderer ? (
          <PluginPost post={post} />
        ) : (
          <>
            {post.message && <Markdown text={post.message} />}
            <Attachments value={post.props.attachments} />
          </>
        )}
        {post.edit_at > 0 && !editing && (
          <span className="post-edited muted" title={`Edited ${formatTime(post.edit_at)}`}>
            (edited)
          </span>
        )}
        <PostFiles post={post} />
        <Reactions
          post={post}
          canReact={abilities.canReact}
          onToggle={(emojiName) => attempt(reactionToggler(services, { postId: post.id, emojiName }))}
        />
        {replies > 0 && (
          <button type="button" className="link-button reply-count" onClick={() => threadOpener(services, post)}>
            {replies} {replies === 1 ? "reply" : "replies"}
          </button>
        )}
        <FormError message={error} />
      </div>
      {!ephemeral && !local && (
        <PostActions
          post={post}
          abilities={abilities}
          onReply={() => threadOpener(services, post)}
          onReact={(emojiName) => attempt(reactionAdder(services, { postId: post.id, emojiName }))}
          onEdit={() => postEditOpener(services, { postId: post.id, location })}
          onDelete={() => setConfirmDelete(true)}
        />
      )}
      {confirmDelete && <DeletePostDialog post={post} onClose={() => setConfirmDelete(false)} />}
    </li>
  );
});
