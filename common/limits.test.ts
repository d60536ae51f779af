import { describe, expect, it } from "vitest";
import { LIMITS, pageQuerySchema } from "./limits.ts";

describe("pageQuerySchema", () => {
  it("coerces query strings and fills the defaults from LIMITS", () => {
    expect(pageQuerySchema().parse({})).toEqual({ page: 0, per_page: LIMITS.perPageDefault });
    expect(pageQuerySchema({ perPageDefault: 50 }).parse({ page: "2" })).toEqual({ page: 2, per_page: 50 });
  });

  it("names what is wrong, in the given words or the default ones", () => {
    const reason = (query: Record<string, string>, schema = pageQuerySchema()) => schema.safeParse(query).error?.issues[0]?.message;
    expect(reason({ page: "-1" })).toBe("must be 0 or more");
    expect(reason({ page: "abc" })).toBe("must be a number");
    expect(reason({ per_page: "1.5" })).toBe("must be a whole number");
    expect(reason({ per_page: "0" })).toBe("must be at least 1");
    expect(reason({ per_page: String(LIMITS.perPageMax + 1) })).toBe(`must be at most ${LIMITS.perPageMax}`);
    expect(reason({ per_page: "0" }, pageQuerySchema({ messages: { perPageMin: "must be 1 to 200" } }))).toBe("must be 1 to 200");
  });
});
