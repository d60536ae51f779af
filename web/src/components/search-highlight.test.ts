import { describe, expect, it } from "vitest";
import { highlightSegments } from "./search-highlight.ts";

describe("highlightSegments", () => {
  it("marks whole matched words without case and gives the text back when joined", () => {
    const text = "Deploy failed: deploys and DEPLOY again";
    const segments = highlightSegments(text, ["Deploy", "DEPLOY"]);
    expect(segments).toEqual([
      { text: "Deploy", match: true },
      { text: " failed: deploys and ", match: false },
      { text: "DEPLOY", match: true },
      { text: " again", match: false },
    ]);
    expect(segments.map((s) => s.text).join("")).toBe(text);
  });

  it("cuts words at punctuation as the search engines do", () => {
    expect(highlightSegments("db-01.prod.example.com down", ["prod"]).filter((s) => s.match)).toEqual([{ text: "prod", match: true }]);
  });

  it("matches letters of any script, and leaves text without matches whole", () => {
    expect(highlightSegments("Störung im Netz", ["störung"])).toEqual([
      { text: "Störung", match: true },
      { text: " im Netz", match: false },
    ]);
    expect(highlightSegments("nothing here", ["else"])).toEqual([{ text: "nothing here", match: false }]);
    expect(highlightSegments("", ["x"])).toEqual([]);
  });
});
