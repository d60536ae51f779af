import { describe, expect, it } from "vitest";
import { LIMITS, pageQuerySchema } from "./limits.ts";

describe("pageQuerySchema", () => {
  it("coerces query strings and fills the defaults from LIMITS", () => {
    expect(pageQuerySchema().parse({})).toEqual({ page: 0, per_page: LIMITS.perPageDefault });
    expect(pageQuerySchema({ perPageDefault: 50 }).parse({ page: "2" })).toEqual({ page: 2, per_page: 50 });
  });

  it("reads bad values as Mattermost does: a bad or negative page is 0, per_page is clamped or the default", () => {
    const read = (query: Record<string, unknown>) => pageQuerySchema().parse(query);
    expect(read({ page: "-1" }).page).toBe(0);
    expect(read({ page: "abc" }).page).toBe(0);
    expect(read({ page: "1e20" }).page).toBe(0);
    expect(read({ page: ["3", "4"] }).page).toBe(3);
    expect(read({ per_page: "1.5" }).per_page).toBe(LIMITS.perPageDefault);
    expect(read({ per_page: "0" }).per_page).toBe(LIMITS.perPageDefault);
    expect(read({ per_page: "-5" }).per_page).toBe(LIMITS.perPageDefault);
    expect(read({ per_page: "" }).per_page).toBe(LIMITS.perPageDefault);
    expect(read({ per_page: String(LIMITS.perPageMax + 1) }).per_page).toBe(LIMITS.perPageMax);
    expect(read({ per_page: "100000" }).per_page).toBe(LIMITS.perPageMax);
    expect(read({ page: 2, per_page: 7 })).toEqual({ page: 2, per_page: 7 });
  });
});
