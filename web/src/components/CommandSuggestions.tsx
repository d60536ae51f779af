/** The slash-command autocomplete list above the composer (an ARIA listbox). */
import type { Suggestion } from "../composer/suggestions.ts";

export function CommandSuggestions({
  id,
  suggestions,
  active,
  onPick,
}: {
  id: string;
  suggestions: Suggestion[];
  active: number;
  onPick(s: Suggestion): void;
}) {
  return (
    <ul className="suggestions" id={id} role="listbox" aria-label="Slash commands">
      {suggestions.map((s, i) => (
        <li
          key={s.id}
          id={`${id}-${i}`}
          role="option"
          aria-selected={i === active}
          className={i === active ? "active" : undefined}
          onMouseDown={(e) => {
            e.preventDefault(); // keep focus in the composer
            onPick(s);
          }}
        >
          <span className="suggestion-label">{s.label}</span>
          {s.hint && <span className="suggestion-hint"> {s.hint}</span>}
          {s.description && <span className="suggestion-description"> — {s.description}</span>}
        </li>
      ))}
    </ul>
  );
}
