/**
 * The `@` autocomplete list above the composer (an ARIA listbox, grouped:
 * channel members, other members, special mentions). The composer keeps
 * focus and moves the active option with the arrows (`aria-activedescendant`).
 */
import type { Suggestion } from "../composer/suggestions.ts";

export function MentionSuggestions({
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
  const sections: Array<{ title: string; items: Array<{ suggestion: Suggestion; index: number }> }> = [];
  suggestions.forEach((suggestion, index) => {
    const title = suggestion.section ?? "";
    const last = sections.at(-1);
    if (last && last.title === title) last.items.push({ suggestion, index });
    else sections.push({ title, items: [{ suggestion, index }] });
  });
  return (
    <div className="suggestions mention-suggestions" id={id} role="listbox" aria-label="People to mention">
      {sections.map((section) => (
        <div key={section.title} role="group" aria-labelledby={`${id}-${slug(section.title)}`}>
          <p className="suggestion-section" id={`${id}-${slug(section.title)}`} role="presentation">
            {section.title}
          </p>
          {section.items.map(({ suggestion, index }) => (
            <div
              key={suggestion.id}
              id={`${id}-${index}`}
              role="option"
              aria-selected={index === active}
              className={`suggestion${index === active ? " active" : ""}`}
              onMouseDown={(e) => {
                e.preventDefault(); // keep focus in the composer
                onPick(suggestion);
              }}
            >
              <span className="suggestion-label">{suggestion.label}</span>
              {suggestion.hint && <span className="suggestion-name"> {suggestion.hint}</span>}
              {suggestion.description && <span className="suggestion-description"> {suggestion.description}</span>}
            </div>
          ))}
        </div>
      ))}
    </div>
  );
}

function slug(title: string): string {
  return title.replace(/\W+/g, "-").toLowerCase() || "all";
}
