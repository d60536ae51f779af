/**
 * @module inline-markdown
 * The little markdown of a one-line summary (timeline entries): `**bold**`,
 * `*italic*` and `` `code` `` become elements, everything else stays text
 * (React escapes it, so nothing in a summary can become HTML).
 */
import type { ReactNode } from "react";

const TOKEN = /(\*\*[^*]+\*\*|`[^`]+`|\*[^*\s][^*]*\*)/g;

export function inlineMarkdown(text: string): ReactNode[] {
  return text
    .split(TOKEN)
    .filter((part) => part !== "")
    .map((part, i) => {
      if (part.startsWith("**") && part.endsWith("**") && part.length > 4) return <strong key={i}>{part.slice(2, -2)}</strong>;
      if (part.startsWith("`") && part.endsWith("`") && part.length > 2) return <code key={i}>{part.slice(1, -1)}</code>;
      if (part.startsWith("*") && part.endsWith("*") && part.length > 2) return <em key={i}>{part.slice(1, -1)}</em>;
      return part;
    });
}
