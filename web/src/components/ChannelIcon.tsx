import type { Channel } from "#common/wire.ts";

/** "#" for a public channel, a padlock for a private one, a direct or a group message (decorative). */
export function ChannelIcon({ type }: { type: Channel["type"] }) {
  if (type === "O") {
    return (
      <span aria-hidden="true" className="channel-icon">
        #
      </span>
    );
  }
  return (
    <svg aria-hidden="true" className="channel-icon" viewBox="0 0 16 16" width="14" height="14" focusable="false">
      <path
        fill="currentColor"
        d="M4 7V5a4 4 0 1 1 8 0v2h1a1 1 0 0 1 1 1v6a1 1 0 0 1-1 1H3a1 1 0 0 1-1-1V8a1 1 0 0 1 1-1h1Zm2 0h4V5a2 2 0 1 0-4 0v2Z"
      />
    </svg>
  );
}
