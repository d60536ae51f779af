import { describe, expect, it } from "vitest";
import { containsText, keywordMatches, postText } from "./text-match.ts";

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
    expect(text.split("\n")).toEqual(["alert", "pre", "T", "body", "fb", "sev", "1"]);
  });
});
