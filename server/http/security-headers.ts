/**
 * @module http/security-headers
 * The browser-hardening headers of every answer, pages and API alike, set by
 * `@fastify/helmet` (DESIGN.md section 2, "Browser hardening"):
 *
 * - a strict Content-Security-Policy: scripts, styles, fonts and connections
 *   only from Sitrep's own origin — no `'unsafe-inline'`, no `'unsafe-eval'`,
 *   no nonces. The web app is built files (web/index.html holds no inline
 *   script), plugin web code is imported from `/static/plugins/...` and
 *   plugin CSS loaded as files. `style-src` needs no exception: React writes
 *   `style={...}` props through the CSSOM (`element.style`), which CSP does
 *   not govern, and the markdown sanitizer drops `style` attributes from
 *   message HTML. Images: the origin (files, the image proxy
 *   `/api/v4/image?url=`), `data:` and `blob:` (pasted files' thumbnails
 *   before upload); remote images in messages are rewritten to the proxy, so
 *   no remote origin is listed.
 * - `frame-ancestors 'none'` (and `X-Frame-Options: DENY` for old browsers):
 *   no page of Sitrep can be framed, so no click-jacking.
 * - `X-Content-Type-Options: nosniff`, `Referrer-Policy: strict-origin-when-cross-origin`,
 *   and helmet's other defaults (Cross-Origin-Opener-Policy and
 *   Cross-Origin-Resource-Policy `same-origin`, `X-DNS-Prefetch-Control: off`, ...).
 *
 * Left out on purpose: `Strict-Transport-Security` (Sitrep is often served on
 * plain HTTP inside a network; a TLS-terminating proxy is the one to send it,
 * as Mattermost leaves it to `TLSStrictTransport`) and
 * `upgrade-insecure-requests` (it would send the app's own files over HTTPS on
 * a plain-HTTP server).
 */
import fastifyHelmet from "@fastify/helmet";
import type { FastifyInstance, FastifyReply } from "fastify";
import helmet, { type HelmetOptions } from "helmet";

/** The Content-Security-Policy directives of every answer (helmet's names; see the module comment for why each). */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", "data:", "blob:"],
  fontSrc: ["'self'"],
  // 'self' covers the WebSocket at ws(s):// of the same host (CSP level 3).
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  upgradeInsecureRequests: null,
} as const;

/** The Referrer-Policy of every answer: the origin only, and nothing when leaving HTTPS for HTTP. */
export const REFERRER_POLICY = "strict-origin-when-cross-origin";

/** Helmet's options, shared by the routes' hook and the router's own refusals. */
const HELMET_OPTIONS = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: Object.fromEntries(Object.entries(CONTENT_SECURITY_POLICY).map(([name, value]) => [name, value && [...value]])),
  },
  strictTransportSecurity: false,
  xFrameOptions: { action: "deny" },
  referrerPolicy: { policy: REFERRER_POLICY },
} satisfies HelmetOptions;

/**
 * Register the headers on an app, for every route and the not-found answer.
 * @example await registerSecurityHeaders(app)
 */
export async function registerSecurityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(fastifyHelmet, { global: true, ...HELMET_OPTIONS });
}

const setHeaders = helmet(HELMET_OPTIONS);

/**
 * Set the headers on an answer that no route hook sees: the router's own
 * refusals (`frameworkErrors`), made before any `onRequest` hook runs.
 * @example frameworkErrors: (error, request, reply) => { withSecurityHeaders(reply); ... }
 */
export function withSecurityHeaders(reply: FastifyReply): FastifyReply {
  setHeaders(reply.request.raw, reply.raw, () => undefined);
  return reply;
}
