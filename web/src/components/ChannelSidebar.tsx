/**
 * The team's channels (public and private sections, then the sections
 * plugins registered, e.g. the Incident plugin's "Incidents"; unread in
 * bold, mention counts; each section sorted naturally and collapsible, the
 * choice kept per user in this browser), the direct messages, the user menu,
 * the theme toggle, and the buttons to browse and create channels.
 */
import { useState } from "react";
import { isSystemAdmin, type Channel, type Team } from "#common/wire.ts";
import { paths } from "../router/router.ts";
import { useServices } from "../store/services.ts";
import { logoutStarter } from "../store/session.ts";
import { isUnread } from "../store/state.ts";
import { useStore } from "../store/store.ts";
import { sortedChannels } from "../store/channel-order.ts";
import { collapsedSectionKeeper, collapsedSections } from "../store/sidebar-sections.ts";
import { channelsBySection } from "../plugins/contributions.ts";
import { themeToggler, useShownTheme } from "../store/theme.ts";
import { mentionCountOf } from "../store/unreads.ts";
import { BrowseChannelsModal } from "./BrowseChannelsModal.tsx";
import { ChannelItemMenu } from "./ChannelItemMenu.tsx";
import { ChannelIcon } from "./ChannelIcon.tsx";
import { CreateChannelModal } from "./CreateChannelModal.tsx";
import { DirectMessagesSection } from "./DirectMessagesSection.tsx";
import { Link } from "./Link.tsx";
import { MentionBadge } from "./MentionBadge.tsx";
import { NotificationBanner } from "./NotificationBanner.tsx";
import { TeamMenuActions } from "./TeamMenuActions.tsx";

function ChannelSection({
  title,
  channels,
  team,
  currentChannelId,
  onNavigate,
  sectionKey,
}: {
  title: string;
  channels: Channel[];
  team: Team;
  currentChannelId: string | null;
  onNavigate(): void;
  /** Keeps the user's collapsed choice. */
  sectionKey: string;
}) {
  const { store } = useServices();
  const members = useStore(store, (s) => s.members);
  const userId = useStore(store, (s) => s.me?.id ?? "");
  const [collapsed, setCollapsed] = useState(() => collapsedSections(userId).has(sectionKey));
  const id = `section-${sectionKey.replace(/\W+/g, "-").toLowerCase()}`;
  if (channels.length === 0) return null;
  const toggle = () => {
    setCollapsed(!collapsed);
    collapsedSectionKeeper({ userId, sectionKey, collapsed: !collapsed });
  };
  return (
    <section className="channel-section" aria-labelledby={id}>
      <h2 id={id}>
        <button type="button" className="section-toggle" aria-expanded={!collapsed} onClick={toggle}>
          {title}
          {collapsed && <span className="section-count"> ({channels.length})</span>}
        </button>
      </h2>
      <ul hidden={collapsed}>
        {sortedChannels(channels).map((channel) => {
          const unread = channel.id !== currentChannelId && isUnread(channel, members[channel.id]);
          const mentions = channel.id !== currentChannelId ? mentionCountOf(members[channel.id]) : 0;
          return (
            <li key={channel.id} className="channel-item">
              <Link
                to={paths.channel(team.name, channel.name)}
                className={`channel-link${unread ? " unread" : ""}`}
                aria-current={channel.id === currentChannelId ? "page" : undefined}
                onClick={onNavigate}
              >
                <ChannelIcon type={channel.type} />
                <span className="channel-name">{channel.display_name}</span>
                {unread && mentions === 0 && <span className="visually-hidden"> (unread)</span>}
                <MentionBadge count={mentions} />
              </Link>
              <ChannelItemMenu channel={channel} />
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** Switches between the light and the dark theme (kept in this browser). */
function ThemeToggle() {
  const theme = useShownTheme();
  return (
    <button type="button" className="link-button" aria-pressed={theme === "dark"} onClick={themeToggler}>
      Dark theme
    </button>
  );
}

export function ChannelSidebar({ team, onNavigate }: { team: Team; onNavigate(): void }) {
  const services = useServices();
  const currentChannelId = useStore(services.store, (s) => s.currentChannelId);
  const me = useStore(services.store, (s) => s.me);
  const channels = useStore(services.store, (s) => s.channels[team.id]);
  const connection = useStore(services.store, (s) => s.connection);
  const [modal, setModal] = useState<"create" | "browse" | null>(null);
  const pluginSections = useStore(services.plugins.contributions, (c) => c.sidebarSections);
  const split = channelsBySection(
    pluginSections,
    (channels ?? []).filter((c) => c.type === "O" || c.type === "P"),
  );
  const publicChannels = split.rest.filter((c) => c.type === "O");
  const privateChannels = split.rest.filter((c) => c.type === "P");

  return (
    <nav className="channel-sidebar" aria-label="Channels">
      <header className="sidebar-header">
        <p className="team-title">{team.display_name}</p>
        <p className="user-line">
          <span>@{me?.username}</span>
          {connection !== "open" && (
            <span className="connection" role="status">
              {connection === "reconnecting" ? " · reconnecting…" : " · connecting…"}
            </span>
          )}
        </p>
      </header>
      <TeamMenuActions />
      <div className="sidebar-actions">
        <button type="button" className="button small" onClick={() => setModal("browse")}>
          Browse channels
        </button>
        <button type="button" className="button small" onClick={() => setModal("create")}>
          Create channel
        </button>
      </div>
      <div className="sidebar-scroll">
        {channels === undefined ? (
          <p className="muted">Loading…</p>
        ) : channels.length === 0 ? (
          <p className="muted sidebar-empty">No channels yet: browse or create one.</p>
        ) : null}
        <ChannelSection
          sectionKey="public"
          title="Public channels"
          channels={publicChannels}
          team={team}
          currentChannelId={currentChannelId}
          onNavigate={onNavigate}
        />
        <ChannelSection
          sectionKey="private"
          title="Private channels"
          channels={privateChannels}
          team={team}
          currentChannelId={currentChannelId}
          onNavigate={onNavigate}
        />
        {split.sections.map(({ section, channels: held }) => (
          <ChannelSection
            key={section.key}
            sectionKey={section.key}
            title={section.title}
            channels={held}
            team={team}
            currentChannelId={currentChannelId}
            onNavigate={onNavigate}
          />
        ))}
        <DirectMessagesSection team={team} currentChannelId={currentChannelId} onNavigate={onNavigate} />
      </div>
      <NotificationBanner />
      <footer className="sidebar-footer">
        {me && isSystemAdmin(me) && (
          <Link to={paths.admin()} className="sidebar-footer-link">
            System console
          </Link>
        )}
        <ThemeToggle />
        <button
          type="button"
          className="link-button"
          onClick={() => void logoutStarter(services).then(() => services.router.navigate("/login"))}
        >
          Log out
        </button>
      </footer>
      {modal === "create" && <CreateChannelModal teamId={team.id} teamName={team.name} onClose={() => setModal(null)} />}
      {modal === "browse" && <BrowseChannelsModal teamId={team.id} teamName={team.name} onClose={() => setModal(null)} />}
    </nav>
  );
}
