/**
 * The mention rule, alone: what a message's `@` words ask for, and which
 * members that makes mentioned.
 */
import { describe, expect, it } from "vitest";
import { mentionedUserIds, mentionsNobody, scanMentions } from "./mentions.ts";

const members = new Set(["a", "b", "c"]);
const idsByUsername = new Map([
  ["alice", "a"],
  ["bob", "b"],
  ["carol", "c"],
  ["dora", "d"],
]);

function mentioned(message: string, props: { channelType?: string; online?: string[] } = {}): string[] {
  return mentionedUserIds({
    scan: scanMentions(message),
    authorId: "a",
    channelType: props.channelType ?? "O",
    memberIds: members,
    idsByUsername,
    isOnline: (id) => (props.online ?? []).includes(id),
  });
}

describe("scanMentions", () => {
  it("finds usernames in any case, trims trailing punctuation, and ignores code and email addresses", () => {
    expect(scanMentions("Hi @Bob. and @carol_, see `@dora` and mail x@alice.com").usernames.sort()).toEqual([
      "bob",
      "bob.",
      "carol",
      "carol_",
    ]);
    expect(scanMentions("```\n@bob\n```").usernames).toEqual([]);
    expect(scanMentions("@channel @here")).toEqual({ usernames: [], everyone: true, here: true });
    expect(mentionsNobody(scanMentions("no at sign"))).toBe(true);
    expect(mentionsNobody(scanMentions("@all"))).toBe(false);
  });
});

describe("mentionedUserIds", () => {
  it("mentions named members, never the author nor non-members", () => {
    expect(mentioned("@bob @alice @dora")).toEqual(["b"]);
  });
  it("@channel and @all mention every member but the author; @here only those online", () => {
    expect(mentioned("@channel")).toEqual(["b", "c"]);
    expect(mentioned("@all")).toEqual(["b", "c"]);
    expect(mentioned("@here", { online: ["a", "c"] })).toEqual(["c"]);
  });
  it("in a direct message every message mentions the other member", () => {
    expect(mentioned("hello", { channelType: "D" })).toEqual(["b", "c"]);
    expect(mentioned("hello", { channelType: "G" })).toEqual([]);
  });
});
