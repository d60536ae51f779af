/**
 * @module components/search-highlight
 * Marking the words a search matched in a found message. The server names
 * them (`matches`: each word as written in the message); a word here is a run
 * of letters and digits, as the search engines cut text (server
 * services/search-terms.ts), so `db-01` holds the words `db` and `01`.
 */

/** A piece of text, matched by the search or not. */
export interface Segment {
  text: string;
  match: boolean;
}

const WORD = /[\p{L}\p{N}]+/gu;

/**
 * Cut text into segments, the matched words apart (compared without case).
 * Joining the segments' text gives the text back.
 * @example highlightSegments("Deploy failed: deploys", ["Deploy"]) // [{text:"Deploy",match:true},{text:" failed: deploys",match:false}]
 */
export function highlightSegments(text: string, words: readonly string[]): Segment[] {
  const wanted = new Set(words.map((w) => w.toLowerCase()));
  const segments: Segment[] = [];
  const push = (piece: string, match: boolean) => {
    if (!piece) return;
    const last = segments.at(-1);
    if (last && last.match === match && !match) last.text += piece;
    else segments.push({ text: piece, match });
  };
  let at = 0;
  if (wanted.size > 0)
    for (const found of text.matchAll(WORD)) {
      if (!wanted.has(found[0].toLowerCase())) continue;
      push(text.slice(at, found.index), false);
      push(found[0], true);
      at = found.index + found[0].length;
    }
  push(text.slice(at), false);
  return segments;
}

/**
 * Sanitized HTML (a rendered message) with its matched words wrapped in
 * `<mark>`: only text nodes change, so nothing the sanitizer removed comes back.
 */
export function highlightedHtml(html: string, words: readonly string[]): string {
  if (words.length === 0) return html;
  const template = document.createElement("template");
  template.innerHTML = html;
  const walker = document.createTreeWalker(template.content, NodeFilter.SHOW_TEXT);
  const texts: Text[] = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) if (node instanceof Text) texts.push(node);
  for (const node of texts) {
    const segments = highlightSegments(node.data, words);
    if (!segments.some((s) => s.match)) continue;
    const pieces = segments.map((s) => {
      if (!s.match) return document.createTextNode(s.text);
      const mark = document.createElement("mark");
      mark.textContent = s.text;
      return mark;
    });
    node.replaceWith(...pieces);
  }
  return template.innerHTML;
}
