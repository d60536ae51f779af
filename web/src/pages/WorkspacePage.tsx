/**
 * The team workspace (Mattermost's layout): team sidebar, channel sidebar,
 * the channel in the center, and the right-hand sidebar. Handles
 * `/{team}`, `/{team}/channels/{channel}`, `/{team}/pl/{post_id}`,
 * `/{team}/messages/@{username}` (opens the direct message with that user:
 * where a linked `@user` in a message goes) and plugin pages `/{team}/{path}/...`.
 * Ctrl+K (Cmd+K) opens the channel switcher anywhere in it.
 */
import { useEffect, useState } from "react";
import { channelSchema, postSchema, userSchema } from "#common/wire-schemas.ts";
import type { Channel, Post } from "#common/wire.ts";
import { errorMessage } from "../api/client.ts";
import { ChannelSidebar } from "../components/ChannelSidebar.tsx";
import { ChannelSwitcher } from "../components/ChannelSwitcher.tsx";
import { Rhs } from "../components/Rhs.tsx";
import { TeamSidebar } from "../components/TeamSidebar.tsx";
import { WorkspaceNotice } from "../components/WorkspaceNotice.tsx";
import { useUnreadTracking } from "../notifications/use-unread-tracking.ts";
import { paths, type Route } from "../router/router.ts";
import { channelsLoader } from "../store/channels.ts";
import { directChannelOpener } from "../store/direct-channels.ts";
import { useServices } from "../store/services.ts";
import { useStore } from "../store/store.ts";
import { DEFAULT_CHANNEL } from "../store/teams.ts";
import { ChannelView } from "./ChannelView.tsx";
import { NotFoundPage } from "./NotFoundPage.tsx";
import { PluginPageView } from "../components/PluginPageView.tsx";

type WorkspaceRoute = Extract<Route, { page: "team" | "channel" | "permalink" | "plugin_page" | "messages" }>;
type Permalink = { status: "loading" } | { status: "ok"; channel: Channel; post: Post } | { status: "missing"; message: string };

export function WorkspacePage({ route }: { route: WorkspaceRoute }) {
  const services = useServices();
  const teams = useStore(services.store, (s) => s.teams);
  const team = teams?.find((t) => t.name === route.team);
  const channels = useStore(services.store, (s) => (team ? s.channels[team.id] : undefined));
  const [menuOpen, setMenuOpen] = useState(false);
  const [permalink, setPermalink] = useState<Permalink>({ status: "loading" });
  useUnreadTracking(services);

  useEffect(() => {
    if (!team) return;
    localStorage.setItem("sitrep.lastTeam", team.name);
    services.store.update((s) => (s.currentTeamId === team.id ? s : { ...s, currentTeamId: team.id }));
    void channelsLoader(services, team.id).catch(() => undefined);
  }, [team, services]);

  // `/{team}`: open Town Square, or the first channel.
  useEffect(() => {
    if (route.page !== "team" || !team || !channels) return;
    const target = channels.find((c) => c.name === DEFAULT_CHANNEL) ?? channels[0];
    services.router.navigate(paths.channel(team.name, target?.name ?? DEFAULT_CHANNEL), { replace: true });
  }, [route.page, team, channels, services.router]);

  // Esc closes the narrow-window menu.
  useEffect(() => {
    if (!menuOpen) return;
    const onKey = (event: KeyboardEvent) => event.key === "Escape" && setMenuOpen(false);
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [menuOpen]);

  // `/{team}/messages/@{username}`: open (or make) the direct message, then show it under its channel path.
  const messagesTo = route.page === "messages" ? route.username : null;
  const [messagesError, setMessagesError] = useState<string | null>(null);
  useEffect(() => {
    if (!messagesTo || !team) return;
    let cancelled = false;
    setMessagesError(null);
    (async () => {
      const user = await services.api.get(`/api/v4/users/username/${encodeURIComponent(messagesTo)}`, userSchema);
      const channel = await directChannelOpener(services, { userIds: [user.id] });
      if (!cancelled) services.router.navigate(paths.channel(team.name, channel.name), { replace: true });
    })().catch((e: unknown) => !cancelled && setMessagesError(errorMessage(e)));
    return () => {
      cancelled = true;
    };
  }, [messagesTo, team, services]);

  const postId = route.page === "permalink" ? route.postId : null;
  useEffect(() => {
    if (!postId) return;
    let cancelled = false;
    setPermalink({ status: "loading" });
    (async () => {
      const post = await services.api.get(`/api/v4/posts/${postId}`, postSchema);
      const channel = await services.api.get(`/api/v4/channels/${post.channel_id}`, channelSchema);
      if (!cancelled) setPermalink({ status: "ok", channel, post });
    })().catch((e: unknown) => !cancelled && setPermalink({ status: "missing", message: errorMessage(e) }));
    return () => {
      cancelled = true;
    };
  }, [postId, services]);

  if (!teams)
    return (
      <main className="loading-page" aria-busy="true">
        <p>Loading…</p>
      </main>
    );
  if (!team)
    return (
      <NotFoundPage
        title="Team not found"
        message={`There is no team “${route.team}” that you belong to. Join or create one from the team list.`}
      />
    );

  let center;
  const menu = () => setMenuOpen((v) => !v);
  if (route.page === "plugin_page") center = <PluginPageView path={route.path} subpath={route.subpath} />;
  else if (route.page === "channel") center = <ChannelView team={team} channelName={route.channel} onMenu={menu} menuOpen={menuOpen} />;
  else if (route.page === "permalink" && permalink.status === "ok")
    center = (
      <ChannelView team={team} channelName={permalink.channel.name} highlightPostId={permalink.post.id} onMenu={menu} menuOpen={menuOpen} />
    );
  else if (route.page === "messages" && messagesError)
    center = (
      <main className="center center-message" id="main">
        <h1>User not found</h1>
        <p>{messagesError}</p>
      </main>
    );
  else if (route.page === "permalink" && permalink.status === "missing")
    center = (
      <main className="center center-message" id="main">
        <h1>Message not found</h1>
        <p>{permalink.message}</p>
      </main>
    );
  else
    center = (
      <main className="center center-message" id="main" aria-busy="true">
        <p>Loading…</p>
      </main>
    );

  return (
    <div className={`workspace${menuOpen ? " menu-open" : ""}`}>
      <a href="#main" className="skip-link">
        Skip to messages
      </a>
      <div className="sidebars" id="channel-sidebar">
        <TeamSidebar teams={teams} currentTeamId={team.id} />
        <ChannelSidebar team={team} onNavigate={() => setMenuOpen(false)} />
      </div>
      <div className="center-column">
        <WorkspaceNotice />
        {center}
      </div>
      <Rhs />
      <ChannelSwitcher team={team} />
    </div>
  );
}
