/**
 * The channel header's menu (Mattermost's channel name dropdown): members,
 * add members, edit, make private, archive, leave — each item only where
 * the server would allow it. A menu button: Enter, Space or Down opens it
 * on its first item, the arrows (and Home, End) move, Esc closes it and
 * returns to the button.
 */
import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import { isSystemAdmin, type Channel } from "#common/wire.ts";
import { channelArchiver, channelPrivacyChanger } from "../store/channel-management.ts";
import { channelDropper } from "../store/channels.ts";
import { useServices } from "../store/services.ts";
import { useStore } from "../store/store.ts";
import { DEFAULT_CHANNEL } from "../store/teams.ts";
import { ChannelEditModal } from "./ChannelEditModal.tsx";
import { ChannelMembersModal } from "./ChannelMembersModal.tsx";
import { ConfirmModal } from "./ConfirmModal.tsx";
import { LeaveChannelModal } from "./LeaveChannelModal.tsx";

type Dialog = "members" | "add" | "edit" | "private" | "archive" | "leave" | null;

interface Item {
  dialog: Exclude<Dialog, null>;
  label: string;
  danger?: boolean;
}

/** What the user may do with the channel, from its type and their membership. */
export function channelMenuItems(props: { channel: Channel; isMember: boolean; isAdmin: boolean }): Item[] {
  const { channel } = props;
  if (channel.type === "D") return [];
  const team = channel.type === "O" || channel.type === "P";
  const fixed = channel.name === DEFAULT_CHANNEL;
  const manage = props.isMember || props.isAdmin;
  const items: Item[] = [{ dialog: "members", label: "View members" }];
  if (team && manage && !fixed) items.push({ dialog: "add", label: "Add members" });
  if (manage) items.push({ dialog: "edit", label: team ? "Edit channel" : "Edit header" });
  if (channel.type === "O" && manage && !fixed) items.push({ dialog: "private", label: "Convert to private channel" });
  if (team && manage && !fixed) items.push({ dialog: "archive", label: "Archive channel", danger: true });
  if (team && props.isMember && !fixed) items.push({ dialog: "leave", label: "Leave channel", danger: true });
  return items;
}

export function ChannelMenu({ channel }: { channel: Channel }) {
  const services = useServices();
  const me = useStore(services.store, (s) => s.me);
  const isMember = useStore(services.store, (s) => s.members[channel.id] !== undefined);
  const [open, setOpen] = useState(false);
  const [dialog, setDialog] = useState<Dialog>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLUListElement>(null);
  const id = useId();
  const isAdmin = !!me && isSystemAdmin(me);
  const items = channelMenuItems({ channel, isMember, isAdmin });

  const itemButtons = () => [...(menuRef.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? [])];

  useEffect(() => {
    if (!open) return;
    itemButtons()[0]?.focus();
    const onPointer = (event: PointerEvent) => {
      if (event.target instanceof Node && !menuRef.current?.contains(event.target) && !buttonRef.current?.contains(event.target))
        setOpen(false);
    };
    document.addEventListener("pointerdown", onPointer);
    return () => document.removeEventListener("pointerdown", onPointer);
  }, [open]);

  if (items.length === 0) return null;

  const close = () => {
    setOpen(false);
    buttonRef.current?.focus();
  };

  const menuKey = (event: KeyboardEvent<HTMLUListElement>) => {
    const buttons = itemButtons();
    const at = buttons.findIndex((b) => b === document.activeElement);
    const move = (index: number) => {
      event.preventDefault();
      buttons[(index + buttons.length) % buttons.length]?.focus();
    };
    if (event.key === "ArrowDown") move(at + 1);
    else if (event.key === "ArrowUp") move(at - 1);
    else if (event.key === "Home") move(0);
    else if (event.key === "End") move(buttons.length - 1);
    else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      close();
    } else if (event.key === "Tab") setOpen(false);
  };

  const choose = (item: Item) => {
    setOpen(false);
    setDialog(item.dialog);
  };
  const closeDialog = () => setDialog(null);
  const name = channel.display_name;

  return (
    <div className="channel-menu">
      <button
        ref={buttonRef}
        type="button"
        className="icon-button channel-menu-button"
        aria-label={`${name} channel menu`}
        title="Channel menu"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? `${id}-menu` : undefined}
        onClick={() => setOpen((v) => !v)}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown") {
            e.preventDefault();
            setOpen(true);
          }
        }}
      >
        <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <ul className="menu" id={`${id}-menu`} role="menu" aria-label={`${name} channel menu`} ref={menuRef} onKeyDown={menuKey}>
          {items.map((item) => (
            <li key={item.dialog} role="none">
              <button
                type="button"
                role="menuitem"
                tabIndex={-1}
                className={item.danger ? "danger" : undefined}
                onClick={() => choose(item)}
              >
                {item.label}
              </button>
            </li>
          ))}
        </ul>
      )}
      {(dialog === "members" || dialog === "add") && (
        <ChannelMembersModal channel={channel} startAdding={dialog === "add"} onClose={closeDialog} />
      )}
      {dialog === "edit" && <ChannelEditModal channel={channel} onClose={closeDialog} />}
      {dialog === "private" && (
        <ConfirmModal
          title={`Make ${name} private?`}
          confirmLabel="Make private"
          onClose={closeDialog}
          onConfirm={async () => {
            await channelPrivacyChanger(services, { channelId: channel.id, privacy: "P" });
            closeDialog();
          }}
        >
          <p>Only its members will see it and what is said in it. Only a system admin can make it public again.</p>
        </ConfirmModal>
      )}
      {dialog === "archive" && (
        <ConfirmModal
          title={`Archive ${name}?`}
          confirmLabel="Archive"
          danger
          onClose={closeDialog}
          onConfirm={async () => {
            await channelArchiver(services, channel.id);
            closeDialog();
            channelDropper(services, { channelId: channel.id, dropPosts: false, notice: (n) => `${n} was archived.` });
          }}
        >
          <p>It leaves everyone’s sidebar and nobody can post in it any more; its messages stay readable.</p>
        </ConfirmModal>
      )}
      {dialog === "leave" && <LeaveChannelModal channel={channel} onClose={closeDialog} />}
    </div>
  );
}
