/**
 * The search box of the channel header: Enter searches the team's messages
 * and shows the results in the right-hand sidebar; while it has focus it
 * lists what a search may hold (`from:`, `in:`, phrases…), each a button that
 * starts one. Ctrl/Cmd+Shift+F focuses it; Esc hides the hints.
 */
import { useEffect, useId, useRef, useState } from "react";
import { currentTeam } from "../store/location.ts";
import { useServices } from "../store/services.ts";
import { useStore } from "../store/store.ts";

/** What a search may hold: how it is written, what it does, and what a hint button starts with. */
export const SEARCH_HINTS = [
  { example: "from:username", meaning: "messages by one person", start: "from:" },
  { example: "in:channel-name", meaning: "messages in one channel", start: "in:" },
  { example: '"exact phrase"', meaning: "these words together, in this order", start: '"' },
  { example: "-word", meaning: "leave out messages with this word", start: "-" },
  { example: "deploy*", meaning: "words that start with deploy", start: "" },
] as const;

/** The list of {@link SEARCH_HINTS}; with `onPick`, each is a button that starts its kind of search. */
export function SearchHints({ onPick, id }: { onPick?(start: string): void; id?: string }) {
  const titleId = useId();
  return (
    <div className="search-hints" id={id}>
      <p id={titleId} className="search-hints-title">
        Search options
      </p>
      <ul aria-labelledby={titleId}>
        {SEARCH_HINTS.map((hint) => (
          <li key={hint.example}>
            {onPick && hint.start ? (
              <button type="button" className="search-hint" onClick={() => onPick(hint.start)}>
                <code>{hint.example}</code> <span className="muted">{hint.meaning}</span>
              </button>
            ) : (
              <span className="search-hint">
                <code>{hint.example}</code> <span className="muted">{hint.meaning}</span>
              </span>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Terms with a hint's start added at their end (after a space when they hold something). */
export function termsWithHint(terms: string, start: string): string {
  return terms && !/\s$/.test(terms) ? `${terms} ${start}` : `${terms}${start}`;
}

export function SearchBox() {
  const { store } = useServices();
  const team = useStore(store, currentTeam);
  const [terms, setTerms] = useState("");
  const [focused, setFocused] = useState(false);
  const [hintsHidden, setHintsHidden] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const inputId = useId();
  const hintsId = useId();

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && event.shiftKey && event.key.toLowerCase() === "f") {
        event.preventDefault();
        input.current?.focus();
        input.current?.select();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  if (!team) return null;
  const showHints = focused && !hintsHidden;
  return (
    <form
      role="search"
      aria-label="Messages"
      className="search-box"
      onSubmit={(event) => {
        event.preventDefault();
        const wanted = terms.trim();
        if (!wanted) return;
        setHintsHidden(true);
        store.update((s) => ({ ...s, rhs: { kind: "search", terms: wanted } }));
      }}
      onFocus={() => setFocused(true)}
      onBlur={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget)) setFocused(false);
      }}
      onKeyDown={(event) => {
        if (event.key !== "Escape" || !showHints) return;
        event.preventDefault();
        event.stopPropagation();
        setHintsHidden(true);
        input.current?.focus();
      }}
    >
      <label htmlFor={inputId} className="visually-hidden">
        Search messages
      </label>
      <input
        id={inputId}
        ref={input}
        type="search"
        className="search-input"
        placeholder="Search"
        autoComplete="off"
        value={terms}
        onChange={(event) => {
          setTerms(event.target.value);
          setHintsHidden(false);
        }}
        aria-describedby={showHints ? hintsId : undefined}
      />
      {showHints && (
        <div className="search-hints-popup">
          <SearchHints
            id={hintsId}
            onPick={(start) => {
              setTerms((t) => termsWithHint(t, start));
              input.current?.focus();
            }}
          />
        </div>
      )}
    </form>
  );
}
