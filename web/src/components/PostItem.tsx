/**
 * One post: author, time, and the message (markdown + attachments), or the
 * card a plugin registered for its type.
 */
import { memo } from "react";
import type { Post } from "#common/wire.ts";
import { postTypeRenderer } from "../plugins/contributions.ts";
import { useWebLocation } from "../store/location.ts";
import { useServices } from "../store/services.ts";
import { useStore } from "../store/store.ts";
import { displayName } from "../store/users.ts";
import { paths } from "../router/router.ts";
import { Attachments } from "./Attachments.tsx";
import { Link } from "./Link.tsx";
import { Markdown } from "./Markdown.tsx";
import { PluginBoundary } from "./PluginBoundary.tsx";
import { PostFiles } from "./PostFiles.tsx";

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

export const PostItem = memo(function PostItem({
  post,
  teamName,
  highlighted,
  compact,
}: {
  post: Post;
  teamName: string;
  highlighted: boolean;
  compact: boolean;
}) {
  const { store, plugins } = useServices();
  const author = useStore(store, (s) => s.users[post.user_id]);
  const hasRenderer = useStore(plugins.contributions, (c) => postTypeRenderer(c, post.type) !== undefined);
  const ephemeral = post.type === "system_ephemeral";
  const overrideName =
    post.props.from_webhook === "true" && typeof post.props.override_username === "string" ? post.props.override_username : "";
  const name = overrideName || displayName(author);
  const local = post.id.startsWith("local-");

  return (
    <li
      className={`post${ephemeral ? " ephemeral" : ""}${highlighted ? " highlighted" : ""}${compact && !ephemeral ? " compact" : ""}`}
      id={`post-${post.id}`}
      data-post-id={post.id}
    >
      <div className="post-header">
        <span className="post-author">{ephemeral && !author ? "System" : name}</span>
        {author?.is_bot && <span className="badge">BOT</span>}
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
        {hasRenderer ? (
          <PluginPost post={post} />
        ) : (
          <>
            {post.message && <Markdown text={post.message} />}
            <Attachments value={post.props.attachments} />
          </>
        )}
        <PostFiles post={post} />
      </div>
    </li>
  );
});
