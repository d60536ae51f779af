import { describe, expect, it } from "vitest";
import { safeRedirect } from "./router.ts";

const origin = "https://chat.example.org";

describe("safeRedirect", () => {
  it("follows same-origin paths", () => {
    expect(safeRedirect("/team/channels/town-square", origin)).toBe("/team/channels/town-square");
    expect(safeRedirect("/team/pl/abc?x=1#top", origin)).toBe("/team/pl/abc?x=1#top");
  });

  it("refuses other sites, control characters and backslashes", () => {
    for (const value of [
      null,
      "",
      "https://evil.example/",
      "//evil.example/",
      "/\\evil.example/",
      "/\t/evil.example/",
      "/\n/evil.example/",
      "/\r\n/evil.example",
      "/team\u0000/x",
      "/\u007f/evil.example",
      "/\u0085/x",
      "javascript:alert(1)",
      " /team",
    ])
      expect(safeRedirect(value, origin), JSON.stringify(value)).toBe("/");
  });
});
