/**
 * A "⋯" menu (an ARIA menu button) of a post or a sidebar channel: Enter, Space or a click opens it
 * with the first item focused; arrows, Home and End move; Enter picks; Esc or
 * Tab closes it and focus goes back to the button.
 */
import { useEffect, useId, useRef, useState, type KeyboardEvent, type RefObject } from "react";
import { useAnchoredPosition, usePressOutside } from "./popover.ts";

/** One item of the menu. */
export interface PostMenuItem {
  key: string;
  label: string;
  /** Runs after the menu closed and the focus is back on its button. */
  onSelect(): void;
  danger?: boolean;
}

function MenuList({
  id,
  label,
  items,
  anchor,
  onClose,
  onSelect,
}: {
  id: string;
  label: string;
  items: PostMenuItem[];
  anchor: RefObject<HTMLButtonElement | null>;
  onClose(): void;
  onSelect(item: PostMenuItem): void;
}) {
  const ref = useRef<HTMLUListElement>(null);
  const style = useAnchoredPosition(anchor, ref);
  usePressOutside([ref, anchor], onClose);
  const buttons = () => [...(ref.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? [])];

  useEffect(() => {
    buttons()[0]?.focus();
  }, []);

  const keyDown = (event: KeyboardEvent<HTMLUListElement>) => {
    const all = buttons();
    const at = all.findIndex((b) => b === document.activeElement);
    const move = (index: number) => {
      event.preventDefault();
      all[(index + all.length) % all.length]?.focus();
    };
    if (event.key === "ArrowDown") move(at + 1);
    else if (event.key === "ArrowUp") move(at - 1);
    else if (event.key === "Home") move(0);
    else if (event.key === "End") move(all.length - 1);
    else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      onClose();
    } else if (event.key === "Tab") onClose();
  };

  return (
    <ul className="popover post-menu" role="menu" id={id} aria-label={label} ref={ref} style={style} onKeyDown={keyDown}>
      {items.map((item) => (
        <li role="none" key={item.key}>
          <button type="button" role="menuitem" tabIndex={-1} className={item.danger ? "danger" : undefined} onClick={() => onSelect(item)}>
            {item.label}
          </button>
        </li>
      ))}
    </ul>
  );
}

/** The "⋯" button and, while open, its menu. */
export function PostMenu({
  label,
  items,
  onOpenChange,
  className = "post-action",
}: {
  label: string;
  items: PostMenuItem[];
  onOpenChange?(open: boolean): void;
  /** The button's class beside `icon-button`. */
  className?: string;
}) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const id = useId();
  const change = (next: boolean) => {
    setOpen(next);
    onOpenChange?.(next);
  };
  const close = () => {
    change(false);
    button.current?.focus();
  };
  return (
    <>
      <button
        type="button"
        ref={button}
        className={`icon-button ${className}`}
        aria-label={label}
        title={label}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? id : undefined}
        onClick={() => change(!open)}
      >
        <span aria-hidden="true">⋯</span>
      </button>
      {open && (
        <MenuList
          id={id}
          label={label}
          items={items}
          anchor={button}
          onClose={close}
          onSelect={(item) => {
            close();
            item.onSelect();
          }}
        />
      )}
    </>
  );
}
