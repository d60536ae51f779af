import { createElement, Fragment } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, test } from "vitest";
import { inlineMarkdown } from "./inline-markdown.tsx";

const html = (text: string) => renderToStaticMarkup(createElement(Fragment, null, ...inlineMarkdown(text)));

describe("inlineMarkdown", () => {
  test("bold, italic and code become elements; the rest stays text", () => {
    expect(html("@alice changed the severity from SEV3 to **SEV1**")).toBe(
      "@alice changed the severity from SEV3 to <strong>SEV1</strong>",
    );
    expect(html("ran `kubectl rollout undo` *twice*")).toBe("ran <code>kubectl rollout undo</code> <em>twice</em>");
  });

  test("markup in a summary is escaped, never HTML", () => {
    expect(html("<img src=x onerror=alert(1)> **<b>**")).toBe("&lt;img src=x onerror=alert(1)&gt; <strong>&lt;b&gt;</strong>");
  });

  test("unpaired markers stay as they are", () => {
    expect(html("2 * 3 = 6 and a ** alone")).toBe("2 * 3 = 6 and a ** alone");
  });
});
