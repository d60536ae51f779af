/**
 * The channel's name (with the plugins' badges) and header, its member count
 * (which opens the member list in the right-hand sidebar), the plugins' header
 * buttons, and the narrow-screen menu button.
 */
import type { Channel } from "#common/wire.ts";
import { useWebLocation } from "../store/location.ts";
import { useChannelMemberIds } from "../store/channel-management.ts";
import { useServices } from "../store/services.ts";
import { useStore } from "../store/store.ts";
import { ChannelIcon } from "./ChannelIcon.tsx";
import { ChannelMenu } from "./ChannelMenu.tsx";
import { Markdown } from "./Markdown.tsx";
import { PluginBoundary } from "./PluginBoundary.tsx";
import { SearchBox } from "./SearchBox.tsx";

/** A person icon and "3": how many members the channel has, live; toggles the member list in the right-hand sidebar. */
function MemberCountButton({ channel }: { channel: Channel }) {
  const services = useServices();
  const ids = useChannelMemberIds(services, channel.id);
  const open = useStore(services.store, (s) => s.rhs?.kind === "members");
  if (ids === undefined) return null;
  const label = `${ids.length} ${ids.length === 1 ? "member" : "members"}`;
  return (
    <button
      type="button"
      className="button small member-count"
      aria-label={`Members: ${label}`}
      title={label}
      aria-pressed={open}
      onClick={() => services.store.update((s) => ({ ...s, rhs: s.rhs?.kind === "members" ? null : { kind: "members" } }))}
    >
      <svg aria-hidden="true" className="member-count-icon" viewBox="0 0 16 16" width="14" height="14" focusable="false">
        <path
          fill="currentColor"
          d="M8 8a3 3 0 1 0 0-6 3 3 0 0 0 0 6Zm-5.5 6c-.3 0-.5-.2-.5-.5C2 11 4.7 9.5 8 9.5s6 1.5 6 4c0 .3-.2.5-.5.5h-11Z"
        />
      </svg>
      {ids.length}
    </button>
  );
}

export function ChannelHeader({
  channel,
  onMenu,
  menuOpen,
}: {
  channel: Channel | null;
  title?: string;
  onMenu(): void;
  menuOpen: boolean;
}) {
  const { plugins, store } = useServices();
  const buttons = useStore(plugins.contributions, (c) => c.headerButtons);
  const badges = useStore(plugins.contributions, (c) => c.headerBadges);
  const location = useWebLocation(store);
  return (
    <header className="channel-header">
      <button
        type="button"
        className="icon-button menu-button"
        aria-label="Channels menu"
        aria-expanded={menuOpen}
        aria-controls="channel-sidebar"
        onClick={onMenu}
      >
        <span aria-hidden="true">☰</span>
      </button>
      <div className="channel-title">
        <h1>
          {channel ? (
            <>
              <ChannelIcon type={channel.type} /> {channel.display_name}
              {location &&
                badges.map(({ key, pluginId, component: Badge }) => (
                  <PluginBoundary key={key} pluginId={pluginId} fallback={null}>
                    <Badge host={plugins.webHostFor(pluginId)} location={location} channel={channel} />
                  </PluginBoundary>
                ))}
            </>
          ) : (
            "Sitrep"
          )}
        </h1>
        {channel?.header && <Markdown text={channel.header} className="channel-header-text" />}
      </div>
      <SearchBox />
      {channel && channel.type !== "D" && <MemberCountButton key={channel.id} channel={channel} />}
      {channel && <ChannelMenu key={channel.id} channel={channel} />}
      {channel && buttons.length > 0 && (
        <div className="header-buttons" role="group" aria-label="Plugin actions">
          {buttons.map((b) => (
            <button
              key={b.key}
              type="button"
              className="icon-button header-button"
              aria-label={b.label}
              title={b.label}
              onClick={() => {
                if (!location) return;
                try {
                  b.action(location);
                } catch (error) {
                  console.warn(`Sitrep: header button of ${b.pluginId} failed`, error);
                }
              }}
            >
              {b.icon}
            </button>
          ))}
        </div>
      )}
    </header>
  );
}
