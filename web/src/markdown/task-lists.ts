/**
 * @module markdown/task-lists
 * GitHub task lists in posts (`- [x] done`, `1. [ ] todo`), read-only, and
 * heading lines kept apart from the list above them. `/incident info` sends
 * its checklist as a numbered task list under one emphasized stage line per
 * stage; CommonMark would make such a line a lazy continuation of the item
 * above it, so it is set apart by a blank line first. Runs without a DOM,
 * except {@link taskCheckboxSanitizer} and {@link listAttributeKeeper},
 * the hooks markdown/render.ts gives to DOMPurify.
 */
import type { UponSanitizeAttributeHookEvent } from "dompurify";

/** Only the read-only checkbox of a task list item survives sanitizing; these are its attributes. */
const CHECKBOX_ATTRIBUTES = new Set(["type", "checked", "disabled", "aria-label"]);

/** A whole line that reads as a heading: one emphasized or strong span, or an ATX heading. */
const HEADING_LINE = /^\s{0,3}(?:#{1,6}\s+\S.*|_[^_\s](?:.*[^_\s])?_|\*{1,2}[^*\s](?:.*[^*\s])?\*{1,2})\s*$/;
const LIST_ITEM_LINE = /^\s*(?:[-+*]|\d{1,9}[.)])\s+\S/;
const FENCE = /^\s{0,3}(```|~~~)/;

/**
 * The HTML of a task list item's box: a disabled checkbox named by its state.
 * @example taskCheckboxHtml(true) // '<input type="checkbox" checked disabled aria-label="Done"> '
 */
export function taskCheckboxHtml(checked: boolean): string {
  return `<input type="checkbox"${checked ? " checked" : ""} disabled aria-label="${checked ? "Done" : "Not done"}"> `;
}

/**
 * `markdown` with a blank line between each heading-like line and a list item
 * right above or below it, outside code fences, so the line is a paragraph of
 * its own and the list after it starts at its number.
 * @example separateHeadingLines("1. [x] page\n_Mitigate_\n2. [ ] roll back") // "1. [x] page\n\n_Mitigate_\n\n2. [ ] roll back"
 */
export function separateHeadingLines(markdown: string): string {
  const lines = markdown.split("\n");
  let fenced = false;
  return lines
    .map((line, i) => {
      if (FENCE.test(line)) fenced = !fenced;
      if (fenced || !HEADING_LINE.test(line)) return line;
      const before = LIST_ITEM_LINE.test(lines[i - 1] ?? "") ? "\n" : "";
      const after = LIST_ITEM_LINE.test(lines[i + 1] ?? "") ? "\n" : "";
      return `${before}${line}${after}`;
    })
    .join("\n");
}

/**
 * DOMPurify's `uponSanitizeElement` hook for task lists: an `<input>` that is
 * not a checkbox is removed; a checkbox keeps only its state and label, disabled.
 */
export function taskCheckboxSanitizer(node: Node): void {
  if (!(node instanceof Element) || node.tagName !== "INPUT") return;
  if (node.getAttribute("type") !== "checkbox") {
    node.remove();
    return;
  }
  for (const name of node.getAttributeNames()) if (!CHECKBOX_ATTRIBUTES.has(name)) node.removeAttribute(name);
  node.setAttribute("disabled", "");
}

/**
 * DOMPurify's `uponSanitizeAttribute` hook for lists: keeps a checkbox's
 * `type="checkbox"` and a numbered list's `start` (a stage's items go on from
 * its number), which the URL rule for attribute values would drop.
 */
export function listAttributeKeeper(node: Element, event: UponSanitizeAttributeHookEvent): void {
  const checkbox = node.tagName === "INPUT" && event.attrName === "type" && event.attrValue === "checkbox";
  const start = node.tagName === "OL" && event.attrName === "start" && /^\d{1,9}$/.test(event.attrValue);
  if (checkbox || start) event.forceKeepAttr = true;
}
