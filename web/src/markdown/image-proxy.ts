/**
 * @module markdown/image-proxy
 * Remote images in messages go through the server's image proxy
 * (`GET /api/v4/image?url=`, Mattermost's), so a reader's browser never
 * contacts the remote host and the page's Content-Security-Policy lists no
 * remote image source. Images of the app's own origin, and relative ones,
 * are left as they are. Runs anywhere (no DOM).
 */

/** The path of the image proxy. */
export const IMAGE_PROXY_PATH = "/api/v4/image";

/**
 * The `src` to show an image by: a remote http(s) URL becomes the proxy's
 * address; a same-origin or relative one stays; anything else is dropped.
 * @example proxiedImageSrc("https://example.com/a.png", "https://chat.example.org") // "/api/v4/image?url=https%3A%2F%2Fexample.com%2Fa.png"
 */
export function proxiedImageSrc(src: string, origin: string): string | undefined {
  const text = src.trim();
  if (text.startsWith("/") && !text.startsWith("//")) return text;
  let url: URL;
  try {
    url = new URL(text, origin);
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  if (url.origin === origin) return `${url.pathname}${url.search}`;
  return `${IMAGE_PROXY_PATH}?url=${encodeURIComponent(url.href)}`;
}
