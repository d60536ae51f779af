import { describe, expect, it } from "vitest";
import { KEYWORD_CASES, POST_TEXT_CASES } from "./text-match.cases.ts";
import { containsText, isWordChar, keywordList, keywordMatches, postText } from "./text-match.ts";

describe("text-match", () => {
  it("applies the whole-word rule: not a letter, digit or _ on either side", () => {
    expect(keywordMatches("SEV1: db down", "sev1")).toBe(true);
    expect(keywordMatches("SEV10", "SEV1")).toBe(false);
    expect(keywordMatches("my_db-prod", "db-prod")).toBe(false);
    expect(keywordMatches("(db-prod)", "db-prod")).toBe(true);
    expect(keywordMatches("café down", "café")).toBe(true);
    expect(keywordMatches("écafé", "café")).toBe(false);
    expect(keywordMatches("a.b+c", "b+c")).toBe(true);
    expect(keywordMatches("anything", "")).toBe(false);
  });

  it("tests substrings case-insensitively", () => {
    expect(containsText("Checkout SEV1 now", "sev1")).toBe(true);
    expect(containsText("Checkout", "sev1")).toBe(false);
  });

  it("reads a post's message and its attachments' pretext, title, text, fields and fallback", () => {
    const text = postText({
      message: "alert",
      props: {
        attachments: [{ pretext: "pre", title: "T", text: "body", fallback: "fb", fields: [{ title: "sev", value: 1 }] }, "junk", null],
      },
    });
    expect(text.split("\n")).toEqual(["alert", "pre", "T", "body", "fb", "sev: 1"]);
  });

  it.each(POST_TEXT_CASES)("post text: $name", ({ post, text }) => {
    expect(postText(post)).toBe(text);
  });

  it.each(KEYWORD_CASES)("keyword rule: $name", ({ post, keyword, matches }) => {
    expect(keywordMatches(postText(post), keyword)).toBe(matches);
  });

  it("treats letters, digits and _ of any script as word characters", () => {
    expect(["a", "Z", "0", "_", "é", "ж", "字", "𝐀"].map((c) => isWordChar(c.codePointAt(0) ?? 0))).toEqual(Array(8).fill(true));
    expect(["-", ".", " ", "\n", "🔥", ":"].map((c) => isWordChar(c.codePointAt(0) ?? 0))).toEqual(Array(6).fill(false));
  });

  it("reads a keywords condition as a list, dropping blank keywords", () => {
    expect(keywordList(["SEV1", " ", ""])).toEqual(["SEV1"]);
    expect(keywordList("db-prod")).toEqual(["db-prod"]);
    expect(keywordList(undefined)).toEqual([]);
  });
});
