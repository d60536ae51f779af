/**
 * The team's channels (public and private sections, unread in bold, mention
 * counts), the direct messages, the user menu, and the buttons to browse and
 * create channels.
 */
import { useState } from "react";
import { isSystemAdmin, type Channel, type Team } from "#common/wire.ts";
import { paths } from "../router/router.ts";
import { useServices } from "../store/services.ts";
import { logoutStarter } from "../store/session.ts";
import { isUnread } from "../store/state.ts";
import { useStore } from "../store/store.ts";
import { themeToggler, useShownTheme } from "../store/theme.ts";
import { mentionCountOf } from "../store/unreads.ts";
import { BrowseChannelsModal } from "./BrowseChannelsModal.tsx";
import { ChannelIcon } from "./ChannelIcon.tsx";
import { CreateChannelModal } from "./CreateChannelModal.tsx";
import { DirectMessagesSection } from "./DirectMessagesSection.tsx";
import { Link } from "./Link.tsx";
import { MentionBadge } from "./MentionBadge.tsx";
import { NotificationBanner } from "./NotificationBanner.tsx";

function ChannelSection({
  title,
  channels,
  team,
  currentChannelId,
  onNavigate,
}: {
  title: string;
  channels: Channel[];
  team: Team;
  currentChannelId: string | null;
  onNavigate(): void;
}) {
  const { store } = useServices();
  const members = useStore(store, (s) => s.members);
  const id = `section-${title.replace(/\W+/g, "-").toLowerCase()}`;
  if (channels.length === 0) return null;
  return (
    <section className="channel-section" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      <ul>
        {channels.map((channel) => {
          const unread = channel.id !== currentChannelId && isUnread(channel, members[channel.id]);
          const mentions = channel.id !== currentChannelId ? mentionCountOf(members[channel.id]) : 0;
          return (
            <li key={channel.id}>
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
  const publicChannels = (channels ?? []).filter((c) => c.type === "O");
  const privateChannels = (channels ?? []).filter((c) => c.type === "P");

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
          title="Public channels"
          channels={publicChannels}
          team={team}
          currentChannelId={currentChannelId}
          onNavigate={onNavigate}
        />
        <ChannelSection
          title="Private channels"
          channels={privateChannels}
          team={team}
          currentChannelId={currentChannelId}
          onNavigate={onNavigate}
        />
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
