import { describe, expect, it } from "vitest";
import { termsWithHint } from "./SearchBox.tsx";

describe("termsWithHint", () => {
  it("starts a filter after what was typed, with one space between", () => {
    expect(termsWithHint("", "from:")).toBe("from:");
    expect(termsWithHint("deploy", "in:")).toBe("deploy in:");
    expect(termsWithHint("deploy ", '"')).toBe('deploy "');
  });
});
