/**
 * @module markdown/mentions
 * `@username`, `@channel`, `@all` and `@here` in a rendered message, by the
 * mention rule of `common/mentions.ts`: an `@` word not inside another word
 * or an address, outside code (marked keeps code spans and blocks apart, so
 * they are never looked at). Each becomes `<span data-mention="name">`; the
 * ones that mention the reader (their username or a channel-wide word) also
 * get `data-mention-me`, so they stand out. A mention of a user the reader
 * knows is a link instead of a span (markdown/references.ts).
 */
import type { MarkedExtension, Token, Tokens } from "marked";
import { escapeAttr, internalLinkHtml } from "./links.ts";

/** A mention token in marked's inline tokens. */
export interface MentionToken extends Tokens.Generic {
  type: "mention";
  raw: string;
  /** Lowercased, without trailing `.`, `-` or `_` ("@alice." mentions alice). */
  name: string;
  /** It mentions the reader. */
  me?: boolean;
  /** Where the mention links to (the user's direct message), when the reader may open it. */
  href?: string;
}

/** What comes right before an `@` that starts a mention: nothing, or a character that is not part of a word or address. */
const MENTION_START = /(^|[^\p{L}\p{N}_.@-])@[a-z0-9]/iu;
const MENTION = /^@([a-z0-9][a-z0-9._-]*)/i;
const WORD_END = /[\p{L}\p{N}_.@-]$/u;

/** The channel-wide words: they mention every reader. */
export const CHANNEL_WIDE = ["channel", "all", "here"] as const;

/** The marked extension that makes mention tokens and renders them as spans. */
export function mentionExtension(): MarkedExtension {
  return {
    extensions: [
      {
        name: "mention",
        level: "inline",
        start(src: string) {
          const match = MENTION_START.exec(src);
          return match ? match.index + (match[1] ?? "").length : undefined;
        },
        tokenizer(src: string, tokens: Token[]): MentionToken | undefined {
          const match = MENTION.exec(src);
          if (!match) return undefined;
          const before = tokens.at(-1)?.raw ?? "";
          if (WORD_END.test(before)) return undefined;
          const name = (match[1] ?? "").replace(/[._-]+$/, "");
          if (!name) return undefined;
          return { type: "mention", raw: `@${src.slice(1, 1 + name.length)}`, name: name.toLowerCase() };
        },
        renderer(token) {
          const name = typeof token.name === "string" ? token.name : "";
          const me = token.me === true ? ' data-mention-me=""' : "";
          const mention = ` data-mention="${escapeAttr(name)}"${me}`;
          if (typeof token.href === "string") return internalLinkHtml({ href: token.href, text: token.raw, extra: mention });
          return `<span${mention}>${escapeAttr(token.raw)}</span>`;
        },
      },
    ],
  };
}

/** True for a mention token (in a `walkTokens` callback). */
export function isMentionToken(token: Token): token is MentionToken {
  return token.type === "mention" && "name" in token && typeof token.name === "string";
}

/** The mention words that reach a reader: their username and the channel-wide words. */
export function mentionKeysOf(username: string | undefined): string[] {
  return username ? [username.toLowerCase(), ...CHANNEL_WIDE] : [];
}
