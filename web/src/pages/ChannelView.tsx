/**
 * The center of the workspace: a channel's header, posts and composer. A
 * public channel the user has not joined is shown with a "Join" button; a
 * channel the user may not read shows a not-found message and nothing else.
 */
import { useEffect, useState } from "react";
import type { Channel, Team } from "#common/wire.ts";
import { ApiError, errorMessage } from "../api/client.ts";
import { ChannelHeader } from "../components/ChannelHeader.tsx";
import { Composer } from "../components/Composer.tsx";
import { DropOverlay, useDraftDrop } from "../components/ComposerFiles.tsx";
import { FormError } from "../components/FormError.tsx";
import { Link } from "../components/Link.tsx";
import { PostList } from "../components/PostList.tsx";
import { TypingIndicator } from "../components/TypingIndicator.tsx";
import { channelByName, channelJoiner, channelViewer } from "../store/channels.ts";
import { latestPostsLoader } from "../store/posts.ts";
import { useServices } from "../store/services.ts";
import { useStore } from "../store/store.ts";

type Lookup = { status: "loading" } | { status: "ok"; channel: Channel } | { status: "missing"; message: string };

export function ChannelView({
  team,
  channelName,
  highlightPostId,
  onMenu,
  menuOpen,
}: {
  team: Team;
  channelName: string;
  highlightPostId?: string;
  onMenu(): void;
  menuOpen: boolean;
}) {
  const services = useServices();
  const myChannels = useStore(services.store, (s) => s.channels[team.id]);
  const mine = myChannels?.find((c) => c.name === channelName);
  const [lookup, setLookup] = useState<Lookup>({ status: "loading" });
  const [joinError, setJoinError] = useState<string | null>(null);

  // A channel the user is not in: ask the server (404 when it may not be read).
  useEffect(() => {
    if (mine || !myChannels) return;
    let cancelled = false;
    setLookup({ status: "loading" });
    channelByName(services, team.id, channelName).then(
      (channel) => !cancelled && setLookup({ status: "ok", channel }),
      (e: unknown) =>
        !cancelled &&
        setLookup({
          status: "missing",
          message:
            e instanceof ApiError && e.status === 404 ? "This channel does not exist, or you do not have access to it." : errorMessage(e),
        }),
    );
    return () => {
      cancelled = true;
    };
  }, [mine, myChannels, services, team.id, channelName]);

  const channel = mine ?? (lookup.status === "ok" ? lookup.channel : null);
  // Files dropped anywhere on a channel one is in go to its composer.
  const drop = useDraftDrop(mine ? { channelId: mine.id } : null);
  const channelId = channel?.id;

  useEffect(() => {
    services.store.update((s) => ({ ...s, currentChannelId: channel?.id ?? null, viewedChannel: channel }));
  }, [channel, services.store]);

  useEffect(() => {
    if (!channelId) return;
    void latestPostsLoader(services, channelId).catch(() => undefined);
    void channelViewer(services, channelId);
    return () => services.store.update((s) => ({ ...s, currentChannelId: s.currentChannelId === channelId ? null : s.currentChannelId }));
  }, [channelId, services]);

  if (!channel) {
    const missing = lookup.status === "missing" && !mine;
    return (
      <main className="center" id="main">
        <ChannelHeader channel={null} onMenu={onMenu} menuOpen={menuOpen} />
        <div className="center-message">
          {missing ? (
            <>
              <h2>Channel not found</h2>
              <p>{lookup.message}</p>
              <p>
                <Link to={`/${team.name}`}>Go to {team.display_name}</Link>
              </p>
            </>
          ) : (
            <p aria-busy="true">Loading…</p>
          )}
        </div>
      </main>
    );
  }

  const isMember = !!mine;
  const join = async () => {
    setJoinError(null);
    try {
      await channelJoiner(services, channel);
    } catch (e) {
      setJoinError(errorMessage(e));
    }
  };

  return (
    <main className="center" id="main" {...drop.handlers}>
      <DropOverlay active={drop.dragging} target={channel.display_name} />
      <ChannelHeader channel={channel} onMenu={onMenu} menuOpen={menuOpen} />
      <PostList channel={channel} teamName={team.name} highlightPostId={highlightPostId} />
      {isMember ? (
        <>
          <Composer channel={channel} />
          <TypingIndicator channelId={channel.id} />
        </>
      ) : (
        <div className="join-bar">
          <p>You are viewing ~{channel.name} without being a member.</p>
          <FormError message={joinError} />
          <button type="button" className="button primary" onClick={() => void join()}>
            Join channel
          </button>
        </div>
      )}
    </main>
  );
}
