/**
 * @module markdown/render
 * Post markdown to safe HTML. Raw HTML in a message is shown as text (as
 * Mattermost does), and the output is sanitized by DOMPurify anyway: no
 * scripts, no event handlers, no inputs but task lists' read-only
 * checkboxes, links only to http(s), mailto or the app itself, opened in a
 * new tab with `rel="noopener noreferrer"`, remote images through the
 * server's image proxy.
 */
import DOMPurify from "dompurify";
import { proxiedImageSrc } from "./image-proxy.ts";
import { taskCheckboxSanitizer, listAttributeKeeper } from "./task-lists.ts";
import { markdownToHtml, type MarkdownReader } from "./to-html.ts";

const SAFE_URL = /^(?:https?:|mailto:|\/(?!\/)|#)/i;

const purifier = DOMPurify(window);
purifier.addHook("uponSanitizeElement", taskCheckboxSanitizer);
purifier.addHook("uponSanitizeAttribute", listAttributeKeeper);
purifier.addHook("afterSanitizeAttributes", (node) => {
  if (node.tagName === "A") {
    const href = node.getAttribute("href") ?? "";
    if (!SAFE_URL.test(href.trim())) node.removeAttribute("href");
    node.setAttribute("target", "_blank");
    node.setAttribute("rel", "noopener noreferrer");
  }
  if (node.tagName === "IMG") {
    // Remote images through the server's image proxy (markdown/image-proxy.ts); anything not http(s) dropped.
    const src = proxiedImageSrc(node.getAttribute("src") ?? "", window.location.origin);
    if (src === undefined) node.removeAttribute("src");
    else node.setAttribute("src", src);
    node.setAttribute("loading", "lazy");
    if (!node.hasAttribute("alt")) node.setAttribute("alt", "");
  }
});

const PURIFY_CONFIG = {
  ALLOWED_URI_REGEXP: SAFE_URL,
  FORBID_TAGS: ["style", "form", "button", "textarea", "select", "iframe", "object", "embed", "svg", "math"],
  FORBID_ATTR: ["style", "id", "class"],
  ADD_ATTR: ["target"],
};

/** Sanitize HTML for insertion into the page. */
export function sanitizeHtml(html: string): string {
  return purifier.sanitize(html, PURIFY_CONFIG);
}

/**
 * Render a message's markdown to sanitized HTML; mentions of `mentionKeys`
 * (see markdown/to-html.ts) stand out as the reader's.
 * @example renderMarkdown("**hi** <script>x()</script>") // "<p><strong>hi</strong> &lt;script&gt;x()&lt;/script&gt;</p>"
 */
export function renderMarkdown(markdown: string, options: MarkdownReader = {}): string {
  return sanitizeHtml(markdownToHtml(markdown, options));
}

/** A URL that may be used in an `href`, or undefined. */
export function safeHref(url: unknown): string | undefined {
  return typeof url === "string" && SAFE_URL.test(url.trim()) ? url : undefined;
}
