/**
 * The posts of a channel, oldest at the top. Scrolling to the top loads
 * older posts; new posts keep the view at the bottom when it was there.
 * Threads are collapsed (Mattermost's collapsed reply threads): replies are
 * not listed here; their root shows how many there are and opens the thread.
 */
import { useEffect, useLayoutEffect, useMemo, useRef } from "react";
import type { Channel } from "#common/wire.ts";
import { olderPostsLoader } from "../store/posts.ts";
import { useServices } from "../store/services.ts";
import { useStore } from "../store/store.ts";
import { threadOpener } from "../store/threads.ts";
import { isGroupedWith } from "./post-author.ts";
import { PostItem, postElementId } from "./PostItem.tsx";

const NEAR_PX = 80;

export function PostList({ channel, teamName, highlightPostId }: { channel: Channel; teamName: string; highlightPostId?: string }) {
  const services = useServices();
  const list = useStore(services.store, (s) => s.postsByChannel[channel.id]);
  const posts = useStore(services.store, (s) => s.posts);
  const users = useStore(services.store, (s) => s.users);
  const ref = useRef<HTMLDivElement>(null);
  const stickToBottom = useRef(true);
  const previous = useRef<{ first?: string; height: number }>({ height: 0 });

  const order = useMemo(() => (list?.order ?? []).filter((id) => posts[id]?.root_id === ""), [list, posts]);
  const firstId = order[0];

  // Keep the reader's place: at the bottom for new posts, still for older ones.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (previous.current.first && firstId !== previous.current.first && !stickToBottom.current) {
      el.scrollTop += el.scrollHeight - previous.current.height;
    } else if (stickToBottom.current && !highlightPostId) {
      el.scrollTop = el.scrollHeight;
    }
    previous.current = { first: firstId, height: el.scrollHeight };
    // Too few roots to scroll (a page of mostly replies): load older ones until it scrolls or there are no more.
    if (list?.hasMore && !list.loadingOlder && el.scrollHeight <= el.clientHeight)
      void olderPostsLoader(services, channel.id).catch(() => undefined);
  });

  useEffect(() => {
    stickToBottom.current = true;
  }, [channel.id]);

  // A permalink to a reply opens its thread, with its root highlighted in the channel.
  const highlightedRootId = (highlightPostId && posts[highlightPostId]?.root_id) || "";
  const highlightId = highlightedRootId || highlightPostId;
  useEffect(() => {
    if (highlightedRootId) threadOpener(services, { id: highlightedRootId, root_id: "" });
  }, [highlightedRootId, services]);

  useEffect(() => {
    if (!highlightId || !order.includes(highlightId)) return;
    document.getElementById(postElementId(highlightId, "center"))?.scrollIntoView({ block: "center" });
  }, [highlightId, order]);

  const onScroll = () => {
    const el = ref.current;
    if (!el) return;
    stickToBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_PX;
    if (el.scrollTop < NEAR_PX && list?.hasMore && !list.loadingOlder) void olderPostsLoader(services, channel.id).catch(() => undefined);
  };

  return (
    <div
      className="post-list"
      ref={ref}
      onScroll={onScroll}
      tabIndex={0}
      role="log"
      aria-label={`Messages in ${channel.display_name}`}
      aria-live="polite"
    >
      {list?.loadingOlder && <p className="muted center">Loading older messages…</p>}
      {list && !list.hasMore && (
        <div className="channel-intro">
          <h2>Beginning of {channel.display_name}</h2>
          {channel.purpose && <p>{channel.purpose}</p>}
        </div>
      )}
      {!list && <p className="muted center">Loading messages…</p>}
      <ol className="posts">
        {order.map((id, i) => {
          const post = posts[id];
          if (!post) return null;
          const previousId = order[i - 1];
          const before = previousId === undefined ? undefined : posts[previousId];
          const compact = isGroupedWith({ post, before, users });
          return <PostItem key={id} post={post} teamName={teamName} highlighted={id === highlightId} compact={compact} location="center" />;
        })}
      </ol>
    </div>
  );
}
