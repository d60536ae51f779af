/**
 * @module store/channel-order
 * The order channels are listed in everywhere (sidebar sections, Browse
 * channels, the channel switcher): by display name, case-insensitive and
 * natural — numbers by value ("Load 2" before "Load 10"), "alerts" before
 * "Town Square" — with the URL name breaking ties.
 */
import type { Channel } from "#common/wire.ts";

const collator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });

/** Compare two channels for listing. */
export function compareChannels(a: Pick<Channel, "display_name" | "name">, b: Pick<Channel, "display_name" | "name">): number {
  return collator.compare(a.display_name, b.display_name) || collator.compare(a.name, b.name);
}

/**
 * A sorted copy of `channels`.
 * @example sortedChannels([{ display_name: "Load 10" }, { display_name: "load 2" }]) // load 2, Load 10
 */
export function sortedChannels<T extends Pick<Channel, "display_name" | "name">>(channels: readonly T[]): T[] {
  return [...channels].sort(compareChannels);
}
