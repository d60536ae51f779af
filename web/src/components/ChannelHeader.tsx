/** The channel's name (with the plugins' badges) and header, the plugins' header buttons, and the narrow-screen menu button. */
import type { Channel } from "#common/wire.ts";
import { useWebLocation } from "../store/location.ts";
import { useServices } from "../store/services.ts";
import { useStore } from "../store/store.ts";
import { ChannelIcon } from "./ChannelIcon.tsx";
import { ChannelMenu } from "./ChannelMenu.tsx";
import { Markdown } from "./Markdown.tsx";
import { PluginBoundary } from "./PluginBoundary.tsx";
import { SearchBox } from "./SearchBox.tsx";

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
