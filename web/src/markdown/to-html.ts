/**
 * @module markdown/to-html
 * Post markdown to (unsanitized) HTML, with mentions marked: GitHub-flavoured
 * markdown, line breaks kept, raw HTML shown as text (as Mattermost does).
 * Runs anywhere (no DOM); markdown/render.ts sanitizes the result for the page.
 */
import { Marked } from "marked";
import { emojiExtension } from "./emoji.ts";
import { isMentionToken, mentionExtension } from "./mentions.ts";
import { channelReferenceExtension, linkReferences, type ReferenceTargets } from "./references.ts";
import { separateHeadingLines, taskCheckboxHtml } from "./task-lists.ts";

const marked = new Marked(
  {
    gfm: true,
    breaks: true,
    async: false,
    renderer: {
      html({ text }) {
        return escapeHtml(text);
      },
      checkbox({ checked }) {
        return taskCheckboxHtml(checked);
      },
    },
  },
  mentionExtension(),
  channelReferenceExtension(),
  emojiExtension(),
);

/** Escape text for HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);
}

/** How one reader sees a message: their mention words and what they may link to. */
export interface MarkdownReader {
  mentionKeys?: readonly string[];
  /** `~channel` and `@user` become links to these (markdown/references.ts); without it both stay text. */
  references?: ReferenceTargets;
}

/**
 * A message's markdown as HTML. Mentions of one of `mentionKeys` (the
 * reader's username and the channel-wide words, lowercased) are marked as
 * the reader's; `:emoji:` names are drawn.
 * @example markdownToHtml("hi @alice", { mentionKeys: ["alice"] }) // '<p>hi <span data-mention="alice" data-mention-me="">@alice</span></p>\n'
 */
export function markdownToHtml(markdown: string, options: MarkdownReader = {}): string {
  const keys = new Set(options.mentionKeys ?? []);
  const tokens = marked.lexer(separateHeadingLines(markdown));
  // walkTokens answers with its callbacks' results (promises for async ones); these are synchronous.
  if (keys.size > 0)
    void marked.walkTokens(tokens, (token) => {
      if (isMentionToken(token)) token.me = keys.has(token.name);
    });
  if (options.references) void marked.walkTokens(tokens, linkReferences(options.references));
  return marked.parser(tokens);
}
