/**
 * @module services/slack-markup
 * Slack's message markup as Mattermost rewrites it for incoming webhooks
 * (`ProcessSlackText` and `ParseSlackLinksToMarkdown` in Mattermost's server):
 * `<url|text>` becomes `[text](url)`, `<url>` the bare URL, `<!channel>`,
 * `<!here>` and `<!everyone>` become `@channel`, `@here` and `@all`, and
 * `<@USERID>` becomes `@username` when the id is a user's. GitLab, Jenkins and
 * Alertmanager templates write this markup.
 */
import type { Host } from "../host.ts";
import { getUsers } from "./users.ts";

/** Mattermost's `linkWithTextRegex`: `<target|label>` on one line. */
const LINK_WITH_TEXT = /<([^\n<|>]+)\|([^\n>]+)>/g;
/** A bare `<http://…>`, `<https://…>` or `<mailto:…>` (Markdown would show the brackets of other schemes). */
const BARE_LINK = /<((?:https?:\/\/|mailto:)[^\s<>|]+)>/g;
/** `<@USERID>`, the way Slack mentions a user. */
const USER_MENTION = /<@([a-zA-Z0-9]+)>/g;

const ANNOUNCEMENTS: ReadonlyArray<readonly [string, string]> = [
  ["<!channel>", "@channel"],
  ["<!here>", "@here"],
  ["<!everyone>", "@all"],
];

/** Slack links as Markdown links (no lookup needed). */
export function slackLinksToMarkdown(text: string): string {
  return text.replace(LINK_WITH_TEXT, "[$2]($1)").replace(BARE_LINK, "$1");
}

/** `<!channel>`, `<!here>`, `<!everyone>` as Mattermost's `@channel`, `@here`, `@all`. */
export function expandAnnouncements(text: string): string {
  return ANNOUNCEMENTS.reduce((out, [slack, mattermost]) => out.replaceAll(slack, mattermost), text);
}

/**
 * Converts Slack markup in many strings with one user lookup: build it with
 * every text, then {@link SlackTextConverter.convert} each.
 */
export class SlackTextConverter {
  private constructor(private readonly usernames: ReadonlyMap<string, string>) {}

  /** A converter knowing the users mentioned as `<@id>` in any of `texts`. */
  static async forTexts(host: Host, texts: readonly string[]): Promise<SlackTextConverter> {
    const ids = new Set<string>();
    for (const text of texts) for (const match of text.matchAll(USER_MENTION)) if (match[1]) ids.add(match[1].toLowerCase());
    const users = ids.size ? await getUsers(host, [...ids]) : [];
    return new SlackTextConverter(new Map(users.map((user) => [user.id, user.username])));
  }

  /** The text with announcements, user mentions and links converted; unknown user ids stay as written. */
  convert(text: string): string {
    const mentioned = expandAnnouncements(text).replace(USER_MENTION, (whole, id: string) => {
      const username = this.usernames.get(id.toLowerCase());
      return username ? `@${username}` : whole;
    });
    return slackLinksToMarkdown(mentioned);
  }
}
