/**
 * @module commands/split-args
 * Split a slash command's arguments like a shell: whitespace separates words,
 * double quotes keep spaces, and so do single quotes that open a word and are
 * closed later (an apostrophe inside a word, as in "don't", is a letter); a
 * backslash escapes the next character.
 *
 * Why not a library: a slash command is typed by people in a chat composer,
 * not by a shell. shell-quote's `parse` turns `|`, `;`, `&&`, `>` and `(` into
 * operator objects, expands `$VAR` (or drops it) and treats `#` as the start of
 * a comment, so `/incident start DB #2 down; again` would lose words;
 * string-argv (and minimist, which only parses an argv already split) knows
 * nothing of the curly quotes that phones and macOS type for `"`, nor of an
 * apostrophe inside a word. Neither is installed, and the rule here is the
 * one DESIGN section 2 states, in 30 lines with its own tests.
 * @example splitArgs('start "DB down" --playbook "Service outage"') // ["start", "DB down", "--playbook", "Service outage"]
 */
export function splitArgs(text: string): string[] {
  const words: string[] = [];
  let current = "";
  let quote: '"' | "'" | null = null;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charAt(i);
    if (ch === "\\" && i + 1 < text.length && quote !== "'") {
      current += text.charAt(++i);
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
