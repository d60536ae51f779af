/**
 * @module commands/split-args
 * Split a slash command's arguments like a shell: whitespace separates words,
 * double quotes keep spaces, and so do single quotes that open a word and are
 * closed later (an apostrophe inside a word, as in "don't", is a letter); a
 * backslash escapes the next character.
 * @example splitArgs('start "DB down" --playbook "Service outage"') // ["start", "DB down", "--playbook", "Service outage"]
 */
export function splitArgs(text: string): string[] {
  const words: string[] = [];
  let current = "";
  let quote: '"' | "'" | null = null;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "\\" && i + 1 < text.length && quote !== "'") {
      current += text[++i];
      inWord = true;
    } else if (quote) {
      if (ch === quote || (quote === '"' && (ch === "\u201c" || ch === "\u201d"))) quote = null;
      else current += ch;
    } else if (ch === '"' || ch === "\u201c" || ch === "\u201d") {
      quote = '"';
      inWord = true;
    } else if (ch === "'" && !inWord && text.indexOf("'", i + 1) !== -1) {
      quote = "'";
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(current);
      current = "";
      inWord = false;
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(current);
  return words;
}
