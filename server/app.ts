/**
 * @module app
 * The HTTP server: Fastify with the Mattermost v4 subset, plugin routes, the
 * WebSocket upgrade and the web app. Errors leave as Mattermost's
 * `{id, message, detailed_error, request_id, status_code}`; every answer
 * carries `X-Version-Id` and `X-Request-Id`, as Mattermost's do.
 */
import fs from "node:fs";
import path from "node:path";
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import cookie from "@fastify/cookie";
import multipart from "@fastify/multipart";
import fastifyStatic from "@fastify/static";
import { ZodError } from "zod";
import type { ApiErrorBody } from "#common/wire.ts";
import { AppError, databaseUnavailableOf, expectedOf, fromZodError, TooManyRequestsError } from "./errors.ts";
import type { Host } from "./host.ts";
import { fastifyLogging } from "./log.ts";
import { registerSecurityHeaders, withSecurityHeaders } from "./http/security-headers.ts";
import { sessionFromToken } from "./auth/sessions.ts";
import { bearerToken } from "./auth/bearer-token.ts";
import { bodyProblem, jsonBodyProblem, urlProblem } from "./api/input-guard.ts";
import { BODY_LIMITS, bodyTooLarge } from "./api/body-limit.ts";
import { presentUser } from "./services/users.ts";
import { VERSION_ID } from "./api/server-version.ts";
import { registerUserRoutes } from "./api/v4/users.ts";
import { registerAccessTokenRoutes } from "./api/v4/access-tokens.ts";
import { registerAuditRoutes } from "./api/v4/audits.ts";
import { registerSystemRoutes } from "./api/v4/system.ts";
import { registerTeamRoutes } from "./api/v4/teams.ts";
import { registerChannelRoutes } from "./api/v4/channels.ts";
import { registerDirectChannelRoutes } from "./api/v4/direct-channels.ts";
import { registerPresenceRoutes } from "./api/v4/presence.ts";
import { registerClientBootstrapRoutes } from "./api/v4/client-bootstrap.ts";
import { registerPreferenceRoutes } from "./api/v4/preferences.ts";
import { registerRoleRoutes } from "./api/v4/roles.ts";
import { registerBotRoutes } from "./api/v4/bots.ts";
import { registerChannelLookupRoutes } from "./api/v4/channel-lookup.ts";
import { registerUserAutocompleteRoutes } from "./api/v4/user-autocomplete.ts";
import { registerPostRoutes } from "./api/v4/posts.ts";
import { registerSidebarCategoryRoutes } from "./api/v4/sidebar-categories.ts";
import { registerUnsupportedRoutes } from "./api/v4/unsupported.ts";
import { registerUserThreadRoutes } from "./api/v4/user-threads.ts";
import { registerPostSearchRoutes } from "./api/v4/post-search.ts";
import { registerReactionRoutes } from "./api/v4/reactions.ts";
import { registerCommandRoutes } from "./api/v4/commands.ts";
import { registerOutgoingWebhookRoutes } from "./api/v4/outgoing-webhooks.ts";
import { registerWebhookRoutes } from "./api/v4/webhooks.ts";
import { registerPluginRoutes } from "./api/v4/plugins.ts";
import { registerConfigRoutes } from "./api/v4/config.ts";
import { registerOpenApiRoutes } from "./api/v4/openapi.ts";
import { registerOidcRoutes } from "./api/v4/oidc.ts";
import { registerFileRoutes } from "./api/v4/files.ts";
import { registerImageProxyRoutes } from "./api/v4/image-proxy.ts";
import { MAX_FILES_PER_POST, maxFileBytes } from "./services/files.ts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** An error body as Mattermost sends it: the request's id, and no detail beyond the message. */
function errorBody(request: FastifyRequest, body: Omit<ApiErrorBody, "request_id" | "detailed_error">): ApiErrorBody {
  return { ...body, detailed_error: "", request_id: request.id };
}

/**
 * The refusal of a write signed in by cookie without the session's
 * `X-CSRF-Token`: Mattermost's own answer when it refuses one (a 401 that
 * makes its clients sign in again). Unlike Mattermost by default, Sitrep does
 * not accept `X-Requested-With: XMLHttpRequest` instead of the token.
 */
function csrfRefusal(): AppError {
  return new AppError({
    status: 401,
    id: "api.context.session_expired.app_error",
    message: "X-CSRF-Token: missing or does not match the session; requests signed in by cookie must send it.",
  });
}

/** The bearer token of a request, and whether it came from the cookie. */
function requestToken(request: {
  headers: Record<string, string | string[] | undefined>;
  cookies: Record<string, string | undefined>;
}): { token: string; fromCookie: boolean } | null {
  const token = bearerToken(request.headers);
  if (token !== null) return { token, fromCookie: false };
  const cookieToken = request.cookies.MMAUTHTOKEN;
  return cookieToken ? { token: cookieToken, fromCookie: true } : null;
}

/** Build the HTTP app for a host. Call `listen` on it, or `inject` in tests. */
export async function createApp(host: Host): Promise<FastifyInstance> {
  const app = Fastify({
    // Request logs through the host's pino logger, each entry with its request_id.
    ...fastifyLogging(host.log),
    // Routes declare larger or smaller limits (`maxBodyBytes`); this is the limit of those that declare none.
    bodyLimit: BODY_LIMITS.default,
    forceCloseConnections: true,
    // `request.ip` is the client behind a listed proxy (its X-Forwarded-For), else the TCP peer.
    ...(host.config.trustedProxies.length ? { trustProxy: host.config.trustedProxies } : {}),
    // The router's own refusals (a malformed %-escape, a path segment over 100 characters), in the API's error shape.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
      const reason =
        error.code === "FST_ERR_MAX_PARAM_LENGTH" ? "a segment is longer than 100 characters" : "is not a valid URL (a malformed %-escape)";
      void withSecurityHeaders(reply)
        .status(status)
        .send(errorBody(request, { id: `api.request.${error.code.toLowerCase()}`, message: `path: ${reason}`, status_code: status }));
    },
  });
  // First, so every answer carries them, errors and the not-found page included.
  await registerSecurityHeaders(app);
  await app.register(cookie);

  // JSON as Fastify parses it, then refused if it holds what no route can handle (input-guard.ts).
  const parseJson = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    const text = String(body);
    void parseJson(request, text, (error, value) => done(error ?? jsonBodyProblem(text, value), error ? undefined : value));
  });

  // Slack-style webhook senders may post a form with a `payload` field.
  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_req, body, done) => {
    const params = new URLSearchParams(String(body));
    const payload = params.get("payload");
    if (payload === null) {
      const fields = Object.fromEntries(params);
      return done(bodyProblem(fields), fields);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload);
    } catch {
      return done(new AppError({ status: 400, id: "api.webhook.payload", message: "payload: is not valid JSON" }), undefined);
    }
    done(bodyProblem(parsed), parsed);
  });

  // Mattermost answers `Content-Type: application/json` exactly, and Client4
  // parses a body only when the header is exactly that (JSON is UTF-8 anyway).
  app.addHook("onSend", (request, reply, payload, done) => {
    if (reply.getHeader("content-type") === "application/json; charset=utf-8") reply.header("content-type", "application/json");
    reply.header("x-version-id", VERSION_ID);
    reply.header("x-request-id", request.id);
    done(null, payload);
  });

  app.decorateRequest("auth", null);
  app.addHook("onRequest", async (request) => {
    const badUrl = urlProblem(request.url);
    if (badUrl) throw badUrl;
    const found = requestToken(request);
    if (!found) return;
    const auth = await sessionFromToken(host, found.token);
    if (!auth) return;
    if (found.fromCookie && !SAFE_METHODS.has(request.method)) {
      const csrf = request.headers["x-csrf-token"];
      if (csrf !== auth.session.csrf_token) throw csrfRefusal();
    }
    request.auth = { user: presentUser(auth.user), session: auth.session, token: found.token };
  });

  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    let body: ApiErrorBody;
    if (error instanceof TooManyRequestsError) void reply.header("retry-after", String(error.retryAfterSeconds));
    const expected = expectedOf(error);
    const unavailable = expected ? null : databaseUnavailableOf(error);
    if (unavailable) {
      // The loss itself is logged once, by the database's health; each request it fails is noted at a lower level.
      request.log.warn({ method: request.method, url: request.url, error: String(error) }, "request failed: the database is unreachable");
      body = { id: unavailable.id, message: unavailable.message, status_code: unavailable.status };
    } else if (expected) {
      body = {
        id: expected.id,
        message: expected.message,
        status_code: expected.status,
        ...(expected.details !== undefined ? { details: expected.details } : {}),
      };
    } else if (error instanceof ZodError) {
      const appError = fromZodError(error);
      body = { id: appError.id, message: appError.message, status_code: 400, details: appError.details };
    } else if ("code" in error && error.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
      const limit = request.routeOptions.bodyLimit ?? BODY_LIMITS.default;
      const tooLarge = bodyTooLarge({ limit, method: request.method, url: request.url });
      body = { id: tooLarge.id, message: tooLarge.message, status_code: tooLarge.status };
    } else if ("statusCode" in error && typeof error.statusCode === "number" && error.statusCode >= 400 && error.statusCode < 500) {
      // Fastify's own client errors: bad JSON, too large, wrong content type.
      const message =
        error.code === "FST_ERR_CTP_INVALID_JSON_BODY" || error instanceof SyntaxError
          ? `body: is not valid JSON (${error.message})`
          : error.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE"
            ? `Content-Type: ${String(request.headers["content-type"] ?? "").split(";")[0]} is not supported; send application/json`
            : error.message;
      body = { id: `api.request.${(error.code ?? "invalid").toLowerCase()}`, message, status_code: error.statusCode };
    } else {
      request.log.error({ method: request.method, url: request.url, error: error.stack ?? String(error) }, "unhandled error");
      body = { id: "api.internal", message: "An internal error occurred; it has been logged.", status_code: 500 };
    }
    void reply.status(body.status_code).send(errorBody(request, body));
  });

  registerSystemRoutes(app, host);
  registerUserRoutes(app, host);
  registerAccessTokenRoutes(app, host);
  registerAuditRoutes(app, host);
  registerTeamRoutes(app, host);
  registerChannelRoutes(app, host);
  registerDirectChannelRoutes(app, host);
  registerUserAutocompleteRoutes(app, host);
  registerPresenceRoutes(app, host);
  registerClientBootstrapRoutes(app, host);
  registerPreferenceRoutes(app, host);
  registerRoleRoutes(app, host);
  registerBotRoutes(app, host);
  registerChannelLookupRoutes(app, host);
  registerPostRoutes(app, host);
  registerUserThreadRoutes(app, host);
  registerSidebarCategoryRoutes(app, host);
  registerUnsupportedRoutes(app, host);
  registerPostSearchRoutes(app, host);
  registerReactionRoutes(app, host);
  registerCommandRoutes(app, host);
  registerWebhookRoutes(app, host);
  registerOutgoingWebhookRoutes(app, host);
  registerConfigRoutes(app, host);
  registerOpenApiRoutes(app, host);
  registerOidcRoutes(app, host);
  registerImageProxyRoutes(app, host);
  // Multipart is for plugin uploads only: registered for the whole app it adds two async hooks to every request.
  await app.register(async (pluginRoutes) => {
    await pluginRoutes.register(multipart, { limits: { fileSize: BODY_LIMITS.pluginBundle, files: 1 } });
    registerPluginRoutes(pluginRoutes, host);
  });
  // Uploads stop reading a file at the configured limit (a 413), so no upload is buffered beyond it.
  await app.register(async (fileRoutes) => {
    await fileRoutes.register(multipart, { limits: { fileSize: maxFileBytes(host), files: MAX_FILES_PER_POST + 1, fields: 20 } });
    registerFileRoutes(fileRoutes, host);
  });

  app.server.on("upgrade", (request, socket, head) => {
    const url = request.url ?? "";
    if (url === "/api/v4/websocket" || url.startsWith("/api/v4/websocket?")) host.realtime.handleUpgrade(request, socket, head);
    else socket.destroy();
  });

  // The web app: built files, and index.html for every client-side route.
  const webDir = host.config.webDistDir;
  const hasWeb = fs.existsSync(path.join(webDir, "index.html"));
  if (hasWeb)
    await app.register(fastifyStatic, { root: webDir, prefix: "/static/app/", wildcard: true, index: false, decorateReply: true });
  app.setNotFoundHandler((request, reply) => {
    const url = request.url;
    if (url.startsWith("/api/") || url.startsWith("/plugins/") || url.startsWith("/hooks/") || request.method !== "GET") {
      return reply.status(404).send(
        errorBody(request, {
          id: "api.context.404.app_error",
          message: `Sorry, we could not find ${request.method} ${url.split("?")[0]}.`,
          status_code: 404,
        }),
      );
    }
    if (!hasWeb) return reply.status(503).type("text/plain").send("The web app is not built yet: run `npm run build`.");
    return reply.type("text/html").header("cache-control", "no-store").sendFile("index.html");
  });
  return app;
}
