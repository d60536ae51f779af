/**
 * A post's thread in the right-hand sidebar: the root, its replies oldest
 * first (live: new replies, edits, deletes and reactions arrive as events),
 * and a reply box. A root deleted while open leaves a note instead.
 */
import { useEffect, useLayoutEffect, useRef } from "react";
import type { Channel } from "#common/wire.ts";
import { currentTeam } from "../store/location.ts";
import { useServices } from "../store/services.ts";
import type { AppState } from "../store/state.ts";
import { useStore } from "../store/store.ts";
import { threadLoader } from "../store/threads.ts";
import { Composer } from "./Composer.tsx";
import { PostItem } from "./PostItem.tsx";

const NEAR_PX = 80;

/** The channel of a post as the user has it: a member's, or the public one in view. */
function channelById(state: AppState, channelId: string | undefined): Channel | undefined {
  if (!channelId) return undefined;
  for (const channels of Object.values(state.channels)) {
    const found = channels.find((c) => c.id === channelId);
    if (found) return found;
  }
  return state.viewedChannel?.id === channelId ? state.viewedChannel : undefined;
}

export function ThreadPanel({ rootId }: { rootId: string }) {
  const services = useServices();
  const { store } = services;
  const thread = useStore(store, (s) => s.threads[rootId]);
  const posts = useStore(store, (s) => s.posts);
  const root = posts[rootId];
  const channel = useStore(store, (s) => channelById(s, root?.channel_id));
  const isMember = useStore(store, (s) => (root ? s.members[root.channel_id] !== undefined : false));
  const teamName = useStore(store, (s) => currentTeam(s)?.name ?? "");
  // A new view object each time a Reply asks for this thread: the reply box takes the focus again.
  const view = useStore(store, (s) => s.rhs);
  const list = useRef<HTMLDivElement>(null);
  const stickToBottom = useRef(true);

  useEffect(() => {
    void threadLoader(services, rootId);
  }, [services, rootId]);

  const order = thread?.status === "loaded" ? thread.order : [];
  const replies = order.filter((id) => id !== rootId);

  useLayoutEffect(() => {
    const el = list.current;
    if (el && stickToBottom.current) el.scrollTop = el.scrollHeight;
  });

  if (thread?.status === "deleted")
    return (
      <p className="thread-note" role="status">
        The message that started this thread was deleted, and its replies with it.
      </p>
    );
  if (thread?.status === "missing")
    return (
      <p className="thread-note" role="status">
        {thread.message}
      </p>
    );
  if (!thread || !root)
    return (
      <p className="muted" aria-busy="true">
        Loading thread…
      </p>
    );

  return (
    <div className="thread">
      <div
        className="thread-posts"
        ref={list}
        tabIndex={0}
        role="log"
        aria-label="Thread messages"
        onScroll={() => {
          const el = list.current;
          if (el) stickToBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_PX;
        }}
      >
        {channel && <p className="thread-channel muted">in {channel.display_name}</p>}
        <ol className="posts">
          <PostItem post={root} teamName={teamName} highlighted={false} compact={false} location="rhs" />
        </ol>
        <p className="thread-count muted">
          {replies.length === 0 ? "No replies yet" : `${replies.length} ${replies.length === 1 ? "reply" : "replies"}`}
        </p>
        <ol className="posts">
          {replies.map((id) => {
            const post = posts[id];
            return post ? <PostItem key={id} post={post} teamName={teamName} highlighted={false} compact={false} location="rhs" /> : null;
          })}
        </ol>
      </div>
      {channel && isMember ? (
        <Composer channel={channel} rootId={rootId} focusKey={view} />
      ) : (
        <p className="thread-note muted">Join the channel to reply.</p>
      )}
    </div>
  );
}
