/**
 * @module api/body-limit
 * How large a request body each route accepts, checked before the body is
 * parsed: a `Content-Length` over the limit is refused without reading a
 * byte, and a body sent without one stops being read at the limit. Either way
 * the answer is a 413 naming the limit. One anonymous 49 MB body to
 * `/api/v4/users/login` used to be read, parsed and walked whole, blocking the
 * server for 14 seconds.
 *
 * A host route declares its limit (`maxBodyBytes`, Fastify's `bodyLimit`); a
 * plugin route too, checked here on the stream since every plugin route is
 * served by one Fastify route. Multipart uploads (files, plugin bundles) have
 * their own limits, enforced as the parts stream in.
 */
import { Transform, type Readable } from "node:stream";
import { AppError } from "../errors.ts";

/** Body limits, in bytes. */
export const BODY_LIMITS = {
  /** Any route that declares none: a post's props, a webhook's Slack attachments. */
  default: 1024 * 1024,
  /** Login and sign-up: a name, an email, a password. */
  credentials: 8 * 1024,
  /** Posts (created, replaced, patched). */
  posts: 1024 * 1024,
  /** A plugin bundle (`POST /api/v4/plugins`, multipart). */
  pluginBundle: 50 * 1024 * 1024,
  /** The most a plugin route may declare. */
  pluginRouteMax: 16 * 1024 * 1024,
} as const;

/** `8 KiB (8192 bytes)`. */
function spelled(limit: number): string {
  const [value, unit] = limit >= 1024 * 1024 ? [limit / (1024 * 1024), "MiB"] : [limit / 1024, "KiB"];
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${unit} (${limit} bytes)`;
}

/** The 413 of a body over a route's limit, naming the limit and the route. */
export function bodyTooLarge(props: { limit: number; method: string; url: string }): AppError {
  return new AppError({
    status: 413,
    id: "api.request.body_too_large",
    message: `body: is larger than the limit of ${spelled(props.limit)} for ${props.method} ${props.url.split("?")[0]}`,
  });
}

/**
 * The body stream cut at `limit` bytes: it fails with the 413 as soon as the
 * limit is passed, so no more is read or buffered. Throws the 413 at once
 * when the request's `Content-Length` already says so.
 */
export function limitedBody(props: {
  payload: Readable;
  contentLength: string | undefined;
  limit: number;
  method: string;
  url: string;
}): Readable {
  const tooLarge = () => bodyTooLarge(props);
  if (Number(props.contentLength) > props.limit) throw tooLarge();
  let received = 0;
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      if (received > props.limit) done(tooLarge());
      else done(null, chunk);
    },
  });
  props.payload.on("error", (error) => counted.destroy(error));
  return props.payload.pipe(counted);
}
