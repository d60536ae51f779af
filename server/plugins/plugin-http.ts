/**
 * @module plugins/plugin-http
 * Serves one plugin's HTTP routes under `/plugins/{id}/`: the host checks who
 * may call the route (`auth`), parses `params`, `query` and `body` with the
 * route's zod schemas (a 400 naming each field when they do not parse), and
 * only then calls the handler with the parsed values. Routes declared without
 * schemas get the raw strings and body, as before schemas existed.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import type { ZodType } from "zod";
import { isSystemAdmin } from "#common/wire.ts";
import { zodProblem } from "#common/zod-problem.ts";
import type { PluginRequest, PluginTextAnswer } from "#plugin-api";
import { AppError, databaseUnavailableOf, expectedOf, forbidden, unauthorized } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { PluginRoute, PluginRouter } from "./router.ts";

/** The HTTP request behind each plugin request being served, for `ctx.audit` to read its caller, path and address. */
const originals = new WeakMap<object, FastifyRequest>();

/** The HTTP request a plugin route request came from, while it is being served (and as long as the plugin keeps it). */
export function originalRequest(request: PluginRequest<unknown, unknown, unknown>): FastifyRequest | undefined {
  return originals.get(request);
}

/** Header and query values as plain strings (the last one when repeated). */
function flatten(record: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!record || typeof record !== "object") return out;
  for (const [key, value] of Object.entries(record)) {
    if (Array.isArray(value)) {
      if (value.length) out[key] = String(value[value.length - 1]);
    } else if (value !== undefined) out[key] = String(value);
  }
  return out;
}

/** A handler's `{status, body}` answer (exactly those two keys). */
function isStatusAnswer(value: unknown): value is { status: number; body: unknown } {
  if (!value || typeof value !== "object" || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  const status = "status" in value ? value.status : undefined;
  return (
    keys.length === 2 && keys.includes("body") && typeof status === "number" && Number.isInteger(status) && status >= 200 && status <= 599
  );
}

/** A handler's text answer: `{status, text, content_type}`, and `filename` to offer it as a download. */
function isTextAnswer(value: unknown): value is PluginTextAnswer {
  if (!value || typeof value !== "object" || Array.isArray(value)) return false;
  const keys = Object.keys(value).filter((k) => k !== "filename");
  return (
    keys.length === 3 &&
    "status" in value &&
    typeof value.status === "number" &&
    "text" in value &&
    typeof value.text === "string" &&
    "content_type" in value &&
    typeof value.content_type === "string"
  );
}

/** The 401/403 of a route's `auth`, or nothing when the caller may call it. */
function checkAccess(route: PluginRoute, request: FastifyRequest): void {
  const access = route.auth ?? "user";
  if (access === "none") return;
  if (!request.auth) throw unauthorized();
  if (access === "system_admin" && !isSystemAdmin(request.auth.user)) throw forbidden("Only system admins may do that.");
}

/** `input` parsed by `schema`, or a 400 naming each field; without a schema, `input` as it came. */
function parsePart(props: { schema: ZodType | undefined; input: unknown; invalidId: string }): unknown {
  if (!props.schema) return props.input;
  const result = props.schema.safeParse(props.input);
  if (result.success) return result.data;
  throw zodProblem(result.error, { id: props.invalidId, input: props.input, plain: true });
}

/**
 * Answer a request below `/plugins/{pluginId}` from the plugin's router.
 * `pathname` is the part after the prefix (`/` at least).
 */
export async function servePluginRoute(props: {
  pluginId: string;
  router: PluginRouter;
  pathname: string;
  request: FastifyRequest;
  reply: FastifyReply;
  log: Pick<Logger, "error">;
}): Promise<unknown> {
  const { pluginId, request, reply, pathname } = props;
  const match = props.router.match(request.method, pathname);
  if (!match)
    throw new AppError({
      status: 404,
      id: "api.plugin.route.not_found",
      message: `Plugin "${pluginId}" has no route ${request.method} ${pathname}.`,
    });
  const { route } = match;
  checkAccess(route, request);
  const invalidId = route.invalidId ?? `${pluginId}.request.invalid`;
  const rawBody: unknown = request.body ?? null;
  const pluginRequest: PluginRequest<unknown, unknown, unknown> = {
    method: request.method,
    params: parsePart({ schema: route.params, input: match.params, invalidId }),
    query: parsePart({ schema: route.query, input: flatten(request.query), invalidId }),
    // A missing body reads as `{}` to a schema, so each required field is named.
    body: route.body ? parsePart({ schema: route.body, input: request.body ?? {}, invalidId }) : rawBody,
    user: request.auth?.user ?? null,
    headers: flatten(request.headers),
  };
  originals.set(pluginRequest, request);
  let result: unknown;
  try {
    result = await route.handler(pluginRequest);
  } catch (error) {
    if (!expectedOf(error) && !databaseUnavailableOf(error))
      props.log.error("plugin route failed", {
        plugin_id: pluginId,
        method: request.method,
        path: pathname,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    throw error;
  }
  if (isTextAnswer(result)) {
    if (result.filename) reply.header("content-disposition", `attachment; filename="${result.filename.replace(/[^\w.-]/g, "_")}"`);
    return reply.status(result.status).type(result.content_type).send(result.text);
  }
  const answer = isStatusAnswer(result) ? result : { status: 200, body: result === undefined ? { status: "OK" } : result };
  return reply
    .status(answer.status)
    .type("application/json; charset=utf-8")
    .send(JSON.stringify(answer.body ?? null));
}
