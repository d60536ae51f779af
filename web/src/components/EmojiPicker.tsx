/**
 * The reaction picker: the common emoji, and search by name as you type.
 * The search box keeps the focus; arrows move through the grid (Up and Down
 * by a row), Enter picks, Esc closes; a click picks too.
 */
import { useId, useRef, useState, type KeyboardEvent, type RefObject } from "react";
import { emojiMatching } from "#common/emoji.ts";
import { useAnchoredPosition, usePressOutside } from "./popover.ts";

/** Emoji per row of the grid (matches the CSS). */
const COLUMNS = 8;

export function EmojiPicker({
  anchor,
  onPick,
  onClose,
}: {
  anchor: RefObject<HTMLElement | null>;
  onPick(emojiName: string): void;
  onClose(): void;
}) {
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const ref = useRef<HTMLDivElement>(null);
  const style = useAnchoredPosition(anchor, ref);
  usePressOutside([ref, anchor], onClose);
  const id = useId();
  const matches = emojiMatching(query);
  const current = Math.min(active, Math.max(0, matches.length - 1));
  const chosen = matches[current];

  const keyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    const step = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: COLUMNS, ArrowUp: -COLUMNS }[event.key];
    if (step !== undefined && matches.length > 0) {
      event.preventDefault();
      setActive(Math.min(matches.length - 1, Math.max(0, current + step)));
    } else if (event.key === "Enter") {
      event.preventDefault();
      if (chosen) onPick(chosen.name);
    } else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      onClose();
    } else if (event.key === "Tab") {
      onClose();
    }
  };

  return (
    <div className="popover emoji-picker" role="dialog" aria-label="Add a reaction" ref={ref} style={style}>
      <input
        type="search"
        className="emoji-search"
        autoFocus
        placeholder="Search emoji"
        aria-label="Search emoji"
        role="combobox"
        aria-expanded="true"
        aria-controls={`${id}-list`}
        aria-activedescendant={chosen ? `${id}-${current}` : undefined}
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={keyDown}
      />
      {matches.length > 0 ? (
        <ul className="emoji-grid" role="listbox" id={`${id}-list`} aria-label="Emoji">
          {matches.map((emoji, i) => (
            <li
              key={emoji.name}
              id={`${id}-${i}`}
              role="option"
              aria-selected={i === current}
              aria-label={`:${emoji.name}:`}
              title={`:${emoji.name}:`}
              className={i === current ? "active" : undefined}
              onMouseDown={(e) => e.preventDefault()} // keep the focus in the search box
              onMouseEnter={() => setActive(i)}
              onClick={() => onPick(emoji.name)}
            >
              <span aria-hidden="true">{emoji.unicode}</span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted emoji-none" role="status">
          No emoji named “{query}”
        </p>
      )}
      <p className="emoji-name muted" aria-hidden="true">
        {chosen ? `:${chosen.name}:` : " "}
      </p>
    </div>
  );
}
