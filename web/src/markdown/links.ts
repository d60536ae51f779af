/**
 * @module markdown/links
 * The HTML of an in-app link in a rendered message (a `~channel` or an
 * `@user`): marked `data-internal`, which components/Markdown.tsx follows
 * without reloading the page.
 */

/** Escape text for an HTML attribute or text. */
export function escapeAttr(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * An in-app link to `href` showing `text`, with the attributes in `extra` (already escaped).
 * @example internalLinkHtml({ href: "/ops/channels/alerts", text: "~Alerts" }) // '<a href="/ops/channels/alerts" data-internal="">~Alerts</a>'
 */
export function internalLinkHtml(props: { href: string; text: string; extra?: string }): string {
  return `<a href="${escapeAttr(props.href)}" data-internal=""${props.extra ?? ""}>${escapeAttr(props.text)}</a>`;
}
