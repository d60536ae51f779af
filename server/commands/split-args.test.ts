import { describe, expect, it } from "vitest";
import { splitArgs } from "./split-args.ts";

describe("splitArgs", () => {
  it("splits on whitespace and keeps quoted spaces", () => {
    expect(splitArgs('start "DB down" --playbook "Service outage"')).toEqual(["start", "DB down", "--playbook", "Service outage"]);
    expect(splitArgs("  a   b\tc  ")).toEqual(["a", "b", "c"]);
    expect(splitArgs("rename 'Big outage'")).toEqual(["rename", "Big outage"]);
  });

  it("keeps empty quoted words, escapes and typographic quotes", () => {
    expect(splitArgs('add ""')).toEqual(["add", ""]);
    expect(splitArgs("a\\ b c")).toEqual(["a b", "c"]);
    expect(splitArgs('say "a \\"quote\\""')).toEqual(["say", 'a "quote"']);
    expect(splitArgs("start \u201cDB down\u201d")).toEqual(["start", "DB down"]);
    expect(splitArgs("--field key=value")).toEqual(["--field", "key=value"]);
  });

  it("treats an unclosed quote as running to the end", () => {
    expect(splitArgs('start "DB down')).toEqual(["start", "DB down"]);
    expect(splitArgs("")).toEqual([]);
  });

  it("keeps an apostrophe inside a word, and quotes with single quotes that open a word", () => {
    expect(splitArgs("add Don't forget the DNS")).toEqual(["add", "Don't", "forget", "the", "DNS"]);
    expect(splitArgs("start 'DB down' --channel db")).toEqual(["start", "DB down", "--channel", "db"]);
    expect(splitArgs("add it's")).toEqual(["add", "it's"]);
  });
});
