import { describe, expect, it } from "vitest";
import type { User } from "#common/wire.ts";
import { mentionQueryAt, mentionSuggestions, withMention } from "./mention-suggestions.ts";

function user(props: Partial<User> & { id: string; username: string }): User {
  return {
    email: "",
    first_name: "",
    last_name: "",
    nickname: "",
    roles: "system_user",
    is_bot: false,
    create_at: 1,
    update_at: 1,
    delete_at: 0,
    ...props,
  };
}

const alice = user({ id: "a", username: "alice", first_name: "Alice", last_name: "Smith" });
const alfred = user({ id: "f", username: "alfred", nickname: "Al" });
const bob = user({ id: "b", username: "bob", first_name: "Bob" });
const gone = user({ id: "g", username: "algone", delete_at: 5 });

describe("mentionQueryAt", () => {
  it("finds the @ word the caret is in, lowercased, from the @ to the end of the word", () => {
    expect(mentionQueryAt("hi @Al", 6)).toEqual({ start: 3, end: 6, prefix: "al" });
    expect(mentionQueryAt("@", 1)).toEqual({ start: 0, end: 1, prefix: "" });
    // The caret inside a word: the whole word is replaced, the prefix is what is before the caret.
    expect(mentionQueryAt("ping @alice now", 8)).toEqual({ start: 5, end: 11, prefix: "al" });
    expect(mentionQueryAt("(@bo", 4)).toEqual({ start: 1, end: 4, prefix: "bo" });
  });

  it("finds nothing outside a mention: no @, an address, after a space, in inline code", () => {
    expect(mentionQueryAt("hello", 5)).toBeNull();
    expect(mentionQueryAt("bob@example", 11)).toBeNull();
    expect(mentionQueryAt("@alice done", 11)).toBeNull();
    expect(mentionQueryAt("@alice ", 7)).toBeNull();
    expect(mentionQueryAt("see `@al", 8)).toBeNull();
    expect(mentionQueryAt("see `code` @al", 14)).toEqual({ start: 11, end: 14, prefix: "al" });
  });
});

describe("withMention", () => {
  it("puts @name and a space in place of the query, the caret after them", () => {
    const text = "hi @al";
    const query = mentionQueryAt(text, 6);
    if (!query) throw new Error("no query");
    expect(withMention(text, query, "alice")).toEqual({ complete: "hi @alice ", caret: 10 });
  });

  it("keeps the rest of the message, without doubling a space that follows", () => {
    const text = "ping @al now";
    const query = mentionQueryAt(text, 8);
    if (!query) throw new Error("no query");
    expect(withMention(text, query, "alice")).toEqual({ complete: "ping @alice now", caret: 12 });
  });
});

describe("mentionSuggestions", () => {
  const query = { start: 0, end: 3, prefix: "al" };

  it("lists channel members, then other team members, then the channel-wide mentions that match", () => {
    const list = mentionSuggestions({
      text: "@al",
      query,
      candidates: { inChannel: [alice, bob], outOfChannel: [alfred, alice, gone] },
      channelType: "O",
      meId: "a",
    });
    expect(list.map((s) => [s.label, s.section, s.hint, s.description])).toEqual([
      ["@alice", "Channel members", "Alice Smith", "(you)"],
      ["@alfred", "Other members", "Al", ""],
      ["@all", "Special mentions", "", "Notifies everyone in this channel"],
    ]);
    expect(list[0]).toMatchObject({ complete: "@alice ", caret: 7 });
  });

  it("filters an older answer by the new prefix, and offers no channel-wide mention in a direct message", () => {
    const list = mentionSuggestions({
      text: "@bo",
      query: { start: 0, end: 3, prefix: "bo" },
      candidates: { inChannel: [alice, bob], outOfChannel: [] },
      channelType: "D",
    });
    expect(list.map((s) => s.label)).toEqual(["@bob"]);
    expect(
      mentionSuggestions({
        text: "@",
        query: { start: 0, end: 1, prefix: "" },
        candidates: { inChannel: [], outOfChannel: [] },
        channelType: "P",
      }).map((s) => s.label),
    ).toEqual(["@here", "@channel", "@all"]);
  });
});
