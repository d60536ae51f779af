/**
 * @module markdown/references
 * `~channel` and `@user` as links in a rendered message. Only what the reader
 * may see becomes a link: a `~name` of a channel in their own channel list
 * (so a private channel they are not in stays plain text, leaking nothing),
 * an `@name` of a user the app knows. Links are in-app paths marked
 * `data-internal`, which components/Markdown.tsx follows without a reload.
 */
import type { MarkedExtension, Token, Tokens } from "marked";
import { escapeAttr, internalLinkHtml } from "./links.ts";
import { isMentionToken } from "./mentions.ts";

/** What the reader may link to: their channels of the current team and the users the app knows, by lowercased name. */
export interface ReferenceTargets {
  teamName: string;
  /** Channel URL name → display name. */
  channels: ReadonlyMap<string, string>;
  /** Lowercased usernames. */
  usernames: ReadonlySet<string>;
}

/** A `~channel` token in marked's inline tokens. */
export interface ChannelReferenceToken extends Tokens.Generic {
  type: "channelReference";
  raw: string;
  name: string;
  /** Set by {@link linkReferences} when the reader may open the channel. */
  href?: string;
  displayName?: string;
}

const REFERENCE_START = /(^|[^\p{L}\p{N}_.~-])~[a-z0-9]/iu;
const REFERENCE = /^~([a-z0-9][a-z0-9_-]*)/i;
const WORD_END = /[\p{L}\p{N}_.~-]$/u;

/** The in-app path of a team's channel. */
export function channelHref(teamName: string, channelName: string): string {
  return `/${encodeURIComponent(teamName)}/channels/${encodeURIComponent(channelName)}`;
}

/** The in-app path that opens the direct message with a user (Mattermost's `/{team}/messages/@{username}`). */
export function userHref(teamName: string, username: string): string {
  return `/${encodeURIComponent(teamName)}/messages/@${encodeURIComponent(username)}`;
}

/** The marked extension that makes `~channel` tokens: a link when {@link linkReferences} found the channel, text otherwise. */
export function channelReferenceExtension(): MarkedExtension {
  return {
    extensions: [
      {
        name: "channelReference",
        level: "inline",
        start(src: string) {
          const match = REFERENCE_START.exec(src);
          return match ? match.index + (match[1] ?? "").length : undefined;
        },
        tokenizer(src: string, tokens: Token[]): ChannelReferenceToken | undefined {
          const match = REFERENCE.exec(src);
          if (!match || WORD_END.test(tokens.at(-1)?.raw ?? "")) return undefined;
          const name = (match[1] ?? "").replace(/[_-]+$/, "");
          return name ? { type: "channelReference", raw: `~${name}`, name: name.toLowerCase() } : undefined;
        },
        renderer(token) {
          const { href, displayName, raw } = token as ChannelReferenceToken;
          if (!href) return escapeAttr(raw);
          return internalLinkHtml({ href, text: `~${displayName ?? raw.slice(1)}`, extra: ' data-channel-link=""' });
        },
      },
    ],
  };
}

function isChannelReference(token: Token): token is ChannelReferenceToken {
  return token.type === "channelReference" && "name" in token && typeof token.name === "string";
}

/** A `walkTokens` callback that links the references `targets` allow. */
export function linkReferences(targets: ReferenceTargets): (token: Token) => void {
  return (token) => {
    if (isChannelReference(token)) {
      const displayName = targets.channels.get(token.name);
      if (displayName !== undefined) Object.assign(token, { href: channelHref(targets.teamName, token.name), displayName });
    } else if (isMentionToken(token) && targets.usernames.has(token.name)) {
      token.href = userHref(targets.teamName, token.name);
    }
  };
}
