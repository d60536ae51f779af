/**
 * The channel switcher (Mattermost's Ctrl+K, Cmd+K on a Mac): a dialog
 * with a box that filters the user's channels, direct and group messages
 * as they type (store/channel-switcher.ts: unread first, then the best
 * matches); the arrows move, Enter goes, Esc closes, and the focus returns
 * where it was. The shortcut works anywhere in the workspace, the composer
 * included, but not over another dialog.
 */
import { useEffect, useId, useState, type KeyboardEvent } from "react";
import type { Channel, Team } from "#common/wire.ts";
import { paths } from "../router/router.ts";
import { switcherEntries } from "../store/channel-switcher.ts";
import { useServices } from "../store/services.ts";
import { useStore } from "../store/store.ts";
import { ChannelIcon } from "./ChannelIcon.tsx";
import { MentionBadge } from "./MentionBadge.tsx";
import { Modal } from "./Modal.tsx";

function SwitcherDialog({ team, onClose }: { team: Team; onClose(): void }) {
  const services = useServices();
  const channels = useStore(services.store, (s) => s.channels[team.id]);
  const members = useStore(services.store, (s) => s.members);
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const id = useId();
  const entries = switcherEntries({ channels: channels ?? [], members, query });
  const activeIndex = Math.min(active, Math.max(0, entries.length - 1));
  const listId = `${id}-list`;

  const go = (channel: Channel) => {
    onClose();
    services.router.navigate(paths.channel(team.name, channel.name));
  };

  const keyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if ((event.key === "ArrowDown" || event.key === "ArrowUp") && entries.length > 0) {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      setActive((activeIndex + step + entries.length) % entries.length);
    } else if (event.key === "Enter") {
      event.preventDefault();
      const chosen = entries[activeIndex];
      if (chosen) go(chosen.channel);
    }
  };

  return (
    <Modal title="Switch channels" onClose={onClose} className="channel-switcher">
      <label htmlFor={`${id}-search`}>Find a channel or a conversation</label>
      <input
        id={`${id}-search`}
        type="text"
        role="combobox"
        data-autofocus
        autoComplete="off"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={keyDown}
        aria-expanded={entries.length > 0}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={entries.length > 0 ? `${id}-${activeIndex}` : undefined}
        aria-describedby={`${id}-help`}
      />
      <p className="help" id={`${id}-help`}>
        Arrows to move, Enter to go, Esc to close.
      </p>
      <ul className="user-options switcher-options" id={listId} role="listbox" aria-label="Channels">
        {entries.map(({ channel, unread, mentions }, i) => (
          <li
            key={channel.id}
            id={`${id}-${i}`}
            role="option"
            aria-selected={i === activeIndex}
            className={`${i === activeIndex ? "active" : ""}${unread ? " unread" : ""}`}
            onMouseDown={(e) => {
              e.preventDefault(); // keep the focus in the box until the channel opens
              go(channel);
            }}
          >
            {channel.type === "D" || channel.type === "G" ? (
              <span aria-hidden="true" className="channel-icon">
                @
              </span>
            ) : (
              <ChannelIcon type={channel.type} />
            )}
            <span className="user-option-name">{channel.display_name}</span>
            {(channel.type === "O" || channel.type === "P") && <span className="muted"> ~{channel.name}</span>}
            {unread && mentions === 0 && <span className="visually-hidden"> (unread)</span>}
            <MentionBadge count={mentions} />
          </li>
        ))}
      </ul>
      {entries.length === 0 && <p className="muted">Nothing matches.</p>}
    </Modal>
  );
}

/** Listens for Ctrl+K / Cmd+K and shows the switcher. */
export function ChannelSwitcher({ team }: { team: Team }) {
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const onKey = (event: globalThis.KeyboardEvent) => {
      if (event.key.toLowerCase() !== "k" || !(event.ctrlKey || event.metaKey) || event.shiftKey || event.altKey) return;
      // Over another dialog the shortcut is the browser's; the switcher's own Ctrl+K closes it.
      if (!open && document.querySelector("dialog[open], [role='dialog'], [role='alertdialog']")) return;
      event.preventDefault();
      setOpen((v) => !v);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [open]);
  return open ? <SwitcherDialog team={team} onClose={() => setOpen(false)} /> : null;
}
