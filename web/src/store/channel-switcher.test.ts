import { describe, expect, it } from "vitest";
import type { Channel, ChannelMember } from "#common/wire.ts";
import { switcherEntries } from "./channel-switcher.ts";
import { testChannel, testMember } from "./test-fixtures.ts";

let next = 0;
/** A team channel with five posts, found by `display_name`. */
function channel(display_name: string, props: Partial<Channel> = {}): Channel {
  next++;
  return testChannel({
    id: `c${next}`,
    team_id: "t1",
    name: display_name.toLowerCase().replace(/\s+/g, "-"),
    display_name,
    total_msg_count: 5,
    ...props,
  });
}
/** Read up to the end, unless `props` says otherwise. */
function member(c: Channel, props: Partial<ChannelMember> = {}): ChannelMember {
  return testMember(c.id, { msg_count: c.total_msg_count, ...props });
}

const names = (entries: ReturnType<typeof switcherEntries>) => entries.map((e) => e.channel.display_name);

describe("switcherEntries", () => {
  const town = channel("Town Square");
  const load10 = channel("Load 10");
  const load2 = channel("load 2");
  const alerts = channel("alerts");
  const dbProd = channel("DB prod", { name: "db-prod", type: "P" });
  const feedback = channel("Feedback");
  const dm = channel("alice", { name: "u1__u2", type: "D", team_id: "" });
  const all = [town, load10, load2, alerts, dbProd, feedback, dm];
  const read = Object.fromEntries(all.map((c) => [c.id, member(c)]));

  it("offers every channel and direct message with nothing typed, naturally and case-insensitively ordered", () => {
    expect(names(switcherEntries({ channels: all, members: read, query: "" }))).toEqual([
      "alerts",
      "alice",
      "DB prod",
      "Feedback",
      "load 2",
      "Load 10",
      "Town Square",
    ]);
  });

  it("puts unread channels first, mentions counted as unread", () => {
    const members = { ...read, [town.id]: member(town, { msg_count: 2 }), [feedback.id]: member(feedback, { mention_count: 1 }) };
    const entries = switcherEntries({ channels: all, members, query: "" });
    expect(names(entries).slice(0, 3)).toEqual(["Feedback", "Town Square", "alerts"]);
    expect(entries[0]).toMatchObject({ unread: true, mentions: 1 });
    expect(entries[1]).toMatchObject({ unread: true, mentions: 0 });
    expect(entries[2]).toMatchObject({ unread: false });
  });

  it("filters loosely and ignores case, best matches first: a start, then inside, then the letters in order", () => {
    expect(names(switcherEntries({ channels: all, members: read, query: "LOAD" }))).toEqual(["load 2", "Load 10"]);
    // "db" starts "DB prod", is inside "Feedback"'s letters only loosely (f-e-e-d-b).
    expect(names(switcherEntries({ channels: all, members: read, query: "db" }))).toEqual(["DB prod", "Feedback"]);
    expect(names(switcherEntries({ channels: all, members: read, query: "square" }))).toEqual(["Town Square"]);
    expect(names(switcherEntries({ channels: all, members: read, query: "ert" }))).toEqual(["alerts"]);
    expect(names(switcherEntries({ channels: all, members: read, query: "zzz" }))).toEqual([]);
  });

  it("finds team channels by URL name too, and ignores a leading ~ or @", () => {
    expect(names(switcherEntries({ channels: all, members: read, query: "~db-prod" }))).toEqual(["DB prod"]);
    expect(names(switcherEntries({ channels: all, members: read, query: "@ali" }))).toEqual(["alice"]);
    // A direct message's URL name is two ids: never matched.
    expect(names(switcherEntries({ channels: all, members: read, query: "u1__" }))).toEqual([]);
  });
});
