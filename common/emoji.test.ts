import { describe, expect, it } from "vitest";
import { COMMON_EMOJI_COUNT, EMOJI, emojiFor, emojiMatching } from "./emoji.ts";

describe("emoji table", () => {
  it("names Mattermost's reactions and their aliases", () => {
    expect(emojiFor("+1")?.unicode).toBe("👍");
    expect(emojiFor("thumbsup")?.name).toBe("+1");
    expect(emojiFor("white_check_mark")?.unicode).toBe("✅");
    expect(emojiFor("thinking")?.name).toBe("thinking_face");
    expect(emojiFor("no_such_emoji")).toBeUndefined();
  });

  it("holds each name once, each a name the server accepts", () => {
    const names = EMOJI.flatMap((e) => [e.name, ...(e.aliases ?? [])]);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-zA-Z0-9_+-]{1,64}$/);
  });

  it("searches by name: words starting with the query first, then names containing it", () => {
    expect(emojiMatching("").map((e) => e.name)).toEqual(EMOJI.slice(0, COMMON_EMOJI_COUNT).map((e) => e.name));
    expect(emojiMatching("che").map((e) => e.name)).toEqual(["white_check_mark", "heavy_check_mark", "checkered_flag"]);
    expect(emojiMatching(":Fire:").map((e) => e.name)).toEqual(["fire", "fire_engine"]);
    expect(emojiMatching("thumbsup").map((e) => e.name)).toEqual(["+1"]);
    expect(emojiMatching("ircle").map((e) => e.name)).toEqual(["red_circle", "large_blue_circle", "white_circle"]);
    expect(emojiMatching("zzzz")).toEqual([]);
  });
});
