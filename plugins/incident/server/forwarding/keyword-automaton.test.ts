import { describe, expect, it } from "vitest";
import { KeywordAutomaton } from "./keyword-automaton.ts";

function found(keywords: string[], text: string): string[] {
  const automaton = new KeywordAutomaton(keywords);
  return [...automaton.scan(text)].flatMap((id) => keywords[id] ?? []).sort();
}

describe("KeywordAutomaton", () => {
  it("finds keywords case-insensitively", () => {
    expect(found(["db-prod", "payments"], "Alert: DB-PROD latency high on Payments")).toEqual(["db-prod", "payments"]);
  });

  it("matches whole words only: letters, digits and _ around a keyword refuse it", () => {
    expect(found(["db-prod"], "db-production is fine")).toEqual([]);
    expect(found(["db-prod"], "mydb-prod is fine")).toEqual([]);
    expect(found(["db-prod"], "db-prod_2 is fine")).toEqual([]);
    expect(found(["db-prod"], "db-prod2 is fine")).toEqual([]);
    expect(found(["db-prod"], "(db-prod), db-prod. -db-prod- /db-prod:")).toEqual(["db-prod"]);
    expect(found(["db-prod"], "db-prod")).toEqual(["db-prod"]);
  });

  it("applies the rule to letters of any script", () => {
    expect(found(["api"], "écapi down")).toEqual([]);
    expect(found(["api"], "apié down")).toEqual([]);
    expect(found(["zürich"], "Zürich DC is down")).toEqual(["zürich"]);
    expect(found(["api"], "𝒜api")).toEqual([]); // a letter outside the BMP (surrogate pair) before it
    expect(found(["api"], "🔥api🔥")).toEqual(["api"]);
  });

  it("finds overlapping and nested keywords, each checked on its own", () => {
    expect(found(["he", "she", "his", "hers"], "ushers she, his hers")).toEqual(["hers", "his", "she"]);
    expect(found(["err", "err-500", "500"], "got ERR-500 today")).toEqual(["500", "err", "err-500"]);
    expect(found(["a b", "b c"], "a b c")).toEqual(["a b", "b c"]);
  });

  it("keeps keywords with punctuation: hostnames, codes", () => {
    expect(found(["api-1.prod.example.com", "ERR-42"], "host api-1.prod.example.com said err-42")).toEqual([
      "ERR-42",
      "api-1.prod.example.com",
    ]);
    expect(found(["api-1.prod.example.com"], "host api-1.prod.example.community")).toEqual([]);
  });

  it("ignores empty keywords and has nothing to find without keywords", () => {
    expect(found(["", "  ", "x"], "x y")).toEqual(["x"]);
    expect(new KeywordAutomaton([]).scan("anything").size).toBe(0);
  });

  it("agrees with a naive whole-word search on random text", () => {
    const alphabet = "ab-_ 1";
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const word = (len: number) => Array.from({ length: len }, () => alphabet[random(alphabet.length)]).join("");
    for (let round = 0; round < 200; round++) {
      const keywords = [...new Set(Array.from({ length: 6 }, () => word(1 + random(4)).trim()).filter(Boolean))];
      const text = word(40);
      const naive = keywords.filter((keyword) => {
        for (let i = text.indexOf(keyword); i >= 0; i = text.indexOf(keyword, i + 1)) {
          const before = text[i - 1] ?? " ";
          const after = text[i + keyword.length] ?? " ";
          if (!/[\p{L}\p{N}_]/u.test(before) && !/[\p{L}\p{N}_]/u.test(after)) return true;
        }
        return false;
      });
      expect(found(keywords, text)).toEqual(naive.sort());
    }
  });
});
