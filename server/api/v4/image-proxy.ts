/**
 * @module api/v4/image-proxy
 * Mattermost's image proxy, `GET /api/v4/image?url=`: remote images in
 * messages (markdown `![](https://...)`, attachments' `image_url`) are
 * fetched by the server and served from Sitrep's origin, so readers'
 * browsers never contact the remote host (no address or read receipt leaks to
 * it) and the pages keep a Content-Security-Policy without remote image
 * sources. The web app's markdown renderer rewrites remote image URLs to it.
 *
 * The fetch goes through the host's outbound HTTP (`host.outbound`, the
 * internal-address rule of `ServiceSettings.AllowedUntrustedInternalConnections`
 * on every connection and redirect), reads at most {@link IMAGE_MAX_BYTES},
 * and the answer is served only when its bytes are one of
 * {@link PROXIED_IMAGE_TYPES} by their magic number — never SVG, HTML or
 * anything the remote server merely labels an image. `SITREP_IMAGE_PROXY=off`
 * turns remote images off: every request is a 403 and messages show them as
 * broken images.
 */
import type { FastifyInstance } from "fastify";
import { fileTypeFromBuffer } from "file-type";
import { z } from "zod";
import { AppError, badRequest, forbidden } from "../../errors.ts";
import type { Host } from "../../host.ts";
import { hostRoute } from "../route.ts";

/** The largest remote image served, in bytes. */
export const IMAGE_MAX_BYTES = 10 * 1024 * 1024;

/** The image types served, by their sniffed MIME type. SVG is left out: it is a document that can hold script. */
export const PROXIED_IMAGE_TYPES: ReadonlySet<string> = new Set([
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "image/avif",
  "image/bmp",
  "image/x-icon",
]);

/** How long a reader's browser may keep a proxied image. */
const CACHE_SECONDS = 3600;

const imageQuerySchema = z.object({ url: z.string().min(1) });

const upstreamError = (id: string, message: string) => new AppError({ status: 424, id: `api.image.${id}`, message });

/** The remote URL of a request: absolute, http or https, without credentials. */
function remoteUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw badRequest("api.image.url", "url: must be an absolute http or https URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw badRequest("api.image.url", "url: must be an absolute http or https URL");
  if (url.username || url.password) throw badRequest("api.image.url", "url: must not hold a user name or password");
  return url;
}

/**
 * Fetch a remote image and check it: a 200 whose bytes are an allowed image type.
 * @example const { bytes, mime } = await proxiedImage(host, new URL("https://example.com/a.png"))
 */
export async function proxiedImage(host: Host, url: URL): Promise<{ bytes: Buffer; mime: string }> {
  const answer = await host.outbound.fetch(url.href, { headers: { accept: "image/*" }, maxBytes: IMAGE_MAX_BYTES });
  if (answer.status !== 200) throw upstreamError("upstream", `url: ${url.host} answered ${answer.status}`);
  const found = await fileTypeFromBuffer(answer.bytes);
  if (!found || !PROXIED_IMAGE_TYPES.has(found.mime))
    throw upstreamError(
      "not_image",
      `url: ${url.host} answered ${found ? found.mime : "something"} that is not an image of a type served (${[...PROXIED_IMAGE_TYPES].join(", ")})`,
    );
  return { bytes: answer.bytes, mime: found.mime };
}

export function registerImageProxyRoutes(app: FastifyInstance, host: Host): void {
  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/image",
    access: "user",
    summary: "A remote image fetched by the server (Mattermost's image proxy); a 403 when SITREP_IMAGE_PROXY=off",
    query: imageQuerySchema,
    handler: async ({ query, reply }) => {
      if (!host.config.imageProxy) throw forbidden("Remote images are turned off on this server (SITREP_IMAGE_PROXY=off).");
      const image = await proxiedImage(host, remoteUrl(query.url));
      return reply
        .type(image.mime)
        .header("cache-control", `private, max-age=${CACHE_SECONDS}`)
        .header("content-disposition", "inline")
        .send(image.bytes);
    },
  });
}
