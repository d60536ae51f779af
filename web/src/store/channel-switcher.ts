/**
 * @module store/channel-switcher
 * What the channel switcher (Ctrl+K / Cmd+K) offers for what was typed: the
 * user's channels, direct and group messages whose name matches, loosely
 * (the letters in order, as "dbp" finds "db-prod"). Unread ones come first,
 * as in Mattermost; then names that start with what was typed (or have a
 * word that does), then names that hold it, then the loose matches; each
 * group in the sidebar's natural order.
 */
import type { Channel, ChannelMember } from "#common/wire.ts";
import { compareChannels } from "./channel-order.ts";
import { isUnread } from "./state.ts";
import { mentionCountOf } from "./unreads.ts";

/** A channel offered, with its unread state. */
export interface SwitcherEntry {
  channel: Channel;
  unread: boolean;
  mentions: number;
}

/** How well `text` matches `query` (both lower case): 0 a start, 1 inside, 2 the letters in order, null not at all. */
function matchRank(text: string, query: string): number | null {
  if (text.startsWith(query) || text.split(/[\s\-_.]+/).some((word) => word.startsWith(query))) return 0;
  if (text.includes(query)) return 1;
  let at = 0;
  for (const char of text) if (char === query[at]) at++;
  return at === query.length ? 2 : null;
}

/** The names a channel is found by: its display name, and its URL name for team channels (a direct message's is ids). */
function searchableNames(channel: Channel): string[] {
  const names = [channel.display_name.toLowerCase()];
  if (channel.type === "O" || channel.type === "P") names.push(channel.name.toLowerCase());
  return names;
}

/**
 * The entries for `query` (a leading `~` or `@` is ignored), best first.
 * @example switcherEntries({ channels, members, query: "inc" }) // unread "Incident 7", then "incident-12", "Load incidents"
 */
export function switcherEntries(props: {
  channels: readonly Channel[];
  members: Readonly<Record<string, ChannelMember>>;
  query: string;
}): SwitcherEntry[] {
  const query = props.query.trim().replace(/^[~@]/, "").toLowerCase();
  const ranked: Array<SwitcherEntry & { rank: number }> = [];
  for (const channel of props.channels) {
    const ranks = query ? searchableNames(channel).map((name) => matchRank(name, query)) : [0];
    const found = ranks.filter((r): r is number => r !== null);
    if (found.length === 0) continue;
    const member = props.members[channel.id];
    const mentions = mentionCountOf(member);
    ranked.push({ channel, unread: isUnread(channel, member) || mentions > 0, mentions, rank: Math.min(...found) });
  }
  ranked.sort((a, b) => Number(b.unread) - Number(a.unread) || a.rank - b.rank || compareChannels(a.channel, b.channel));
  return ranked.map(({ channel, unread, mentions }) => ({ channel, unread, mentions }));
}
