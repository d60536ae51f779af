/**
 * The stylesheet defines each theme's colours once: every custom property is
 * declared in one place (a colour that differs by theme as one
 * `light-dark(light, dark)` pair), and the themes switch by `color-scheme`
 * alone, which the system setting and the toggle (`data-theme`) both set.
 */
import fs from "node:fs";
import { describe, expect, it } from "vitest";

const css = fs.readFileSync(new URL("./styles.css", import.meta.url), "utf8");

describe("styles.css themes", () => {
  it("declares each custom property once, with no block repeated per theme", () => {
    const declared = [...css.matchAll(/^\s*(--[\w-]+)\s*:/gm)].map((m) => m[1]);
    const repeated = declared.filter((name, i) => declared.indexOf(name) !== i);
    expect(repeated).toEqual([]);
    expect(css).not.toMatch(/@media\s*\(prefers-color-scheme/);
  });

  it("gives both themes a value for the page's colours, and lets the toggle pick either", () => {
    expect(css).toMatch(/--bg:\s*light-dark\(#ffffff, #161a22\);/);
    expect(css).toMatch(/--text:\s*light-dark\(#1b1d22, #e6e8ee\);/);
    expect(css).toMatch(/:root\s*\{[^}]*color-scheme:\s*light dark;/);
    expect(css).toMatch(/:root\[data-theme="light"\]\s*\{\s*color-scheme:\s*light;\s*\}/);
    expect(css).toMatch(/:root\[data-theme="dark"\]\s*\{\s*color-scheme:\s*dark;\s*\}/);
  });
});
