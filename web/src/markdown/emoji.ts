/**
 * @module markdown/emoji
 * Mattermost's `:emoji_name:` in a rendered message, drawn as the character.
 * The common names (common/emoji.ts) are always there; the rest
 * (common/emoji-names.ts) load with a dynamic import the first time a
 * message names one the common table lacks ({@link moreEmojiLoader}), and
 * messages render again once they are in. A name neither lists stays text.
 */
import type { MarkedExtension, Tokens } from "marked";
import { emojiFor } from "#common/emoji.ts";
import { escapeAttr } from "./links.ts";

/** An `:emoji:` token in marked's inline tokens. */
export interface EmojiToken extends Tokens.Generic {
  type: "emoji";
  raw: string;
  name: string;
}

const EMOJI = /^:([a-z0-9_+-]{1,64}):/;
const EMOJI_ANYWHERE = /:([a-z0-9_+-]{1,64}):/g;
let more: Readonly<Record<string, string>> | null = null;
let loading: Promise<void> | null = null;

/** The character of an emoji name, from the common table or the loaded larger one. */
export function emojiCharacter(name: string): string | undefined {
  return emojiFor(name)?.unicode ?? more?.[name];
}

/** True when `text` names an emoji only the larger table (not loaded yet) could know. */
export function needsMoreEmoji(text: string): boolean {
  if (more) return false;
  return [...text.matchAll(EMOJI_ANYWHERE)].some((match) => !emojiFor(match[1] ?? ""));
}

/** Load the larger emoji table once; resolves when it is in. */
export function moreEmojiLoader(): Promise<void> {
  loading ??= import("#common/emoji-names.ts").then((module) => {
    more = module.MORE_EMOJI;
  });
  return loading;
}

/** The marked extension drawing `:name:` as its emoji (with the name as label and tooltip). */
export function emojiExtension(): MarkedExtension {
  return {
    extensions: [
      {
        name: "emoji",
        level: "inline",
        start(src: string) {
          const index = src.search(EMOJI_ANYWHERE);
          return index < 0 ? undefined : index;
        },
        tokenizer(src: string): EmojiToken | undefined {
          const match = EMOJI.exec(src);
          const name = match?.[1];
          if (!match || !name || emojiCharacter(name) === undefined) return undefined;
          return { type: "emoji", raw: match[0], name };
        },
        renderer(token) {
          const name = typeof token.name === "string" ? token.name : "";
          const character = emojiCharacter(name) ?? "";
          return `<span role="img" aria-label="${escapeAttr(name.replace(/_/g, " "))}" title=":${escapeAttr(name)}:">${character}</span>`;
        },
      },
    ],
  };
}
