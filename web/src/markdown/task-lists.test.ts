import { describe, expect, it } from "vitest";
import { separateHeadingLines, taskCheckboxHtml } from "./task-lists.ts";
import { markdownToHtml } from "./to-html.ts";

/** What `/incident info` sends for a checklist over two stages (plugins/incident/server/slash-command.ts). */
const INFO = "Checklist (1/3 done):\n_Triage_\n1. [x] Page the on-call · @bob\n2. [ ] Open a bridge\n_Mitigate_\n3. [ ] Roll back";

describe("task lists", () => {
  it("render checked and unchecked items as read-only checkboxes named by their state, in bulleted and numbered lists", () => {
    expect(markdownToHtml("- [x] done\n- [ ] todo")).toBe(
      `<ul>\n<li>${taskCheckboxHtml(true)}done</li>\n<li>${taskCheckboxHtml(false)}todo</li>\n</ul>\n`,
    );
    expect(taskCheckboxHtml(true)).toBe('<input type="checkbox" checked disabled aria-label="Done"> ');
    expect(taskCheckboxHtml(false)).toBe('<input type="checkbox" disabled aria-label="Not done"> ');
    expect(markdownToHtml("1. [ ] first")).toContain(`<ol>\n<li>${taskCheckboxHtml(false)}first</li>`);
  });

  it("keep /incident info's stage lines apart from the items above them, each stage's list starting at its number", () => {
    expect(markdownToHtml(INFO)).toBe(
      [
        "<p>Checklist (1/3 done):<br><em>Triage</em></p>",
        "<ol>",
        `<li>${taskCheckboxHtml(true)}Page the on-call · <span data-mention="bob">@bob</span></li>`,
        `<li>${taskCheckboxHtml(false)}Open a bridge</li>`,
        "</ol>",
        "<p><em>Mitigate</em></p>",
        '<ol start="3">',
        `<li>${taskCheckboxHtml(false)}Roll back</li>`,
        "</ol>",
        "",
      ].join("\n"),
    );
  });

  it("leave a list item's wrapped lines, headings away from lists and code fences as they are", () => {
    expect(separateHeadingLines("- one\ncontinued")).toBe("- one\ncontinued");
    expect(separateHeadingLines("_Note_\nplain text")).toBe("_Note_\nplain text");
    expect(separateHeadingLines("```\n- a\n_b_\n```")).toBe("```\n- a\n_b_\n```");
    expect(separateHeadingLines("- a\n**Stage**\n- b")).toBe("- a\n\n**Stage**\n\n- b");
    expect(separateHeadingLines("- a\n### Stage")).toBe("- a\n\n### Stage");
  });
});
