/**
 * @module api/route
 * How a host route is declared and served. Each route is data — method, path,
 * who may call it, zod schemas of its params, query, body and answer — given
 * to {@link hostRoute}, which records it in `host.routes` (so OpenAPI, the
 * authorization matrix and the fuzz test read the same declaration) and
 * serves it on Fastify in one order for every route:
 *
 * 1. access: 401 for anonymous callers unless `access` is `"none"`, 403 for
 *    others than system admins on `"system_admin"` routes;
 * 2. `me` in a `:userId` parameter becomes the caller's id (the one place it
 *    is resolved);
 * 3. params, query and body parsed with their schemas — a 400 naming each
 *    field (`zodProblem`) before the handler runs;
 * 4. the handler, with the parsed values and the caller, answering with the
 *    route's `status` (200 unless declared).
 *
 * The body limit (`maxBodyBytes`, body-limit.ts), input guard, CSRF check and
 * content-type parsers of `app.ts` run before all of this, as Fastify hooks and parsers.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { z, ZodType } from "zod";
import type { $ZodType } from "zod/v4/core";
import type { RouteAccess } from "#plugin-api";
import { isSystemAdmin, type User } from "#common/wire.ts";
import { zodProblem } from "#common/zod-problem.ts";
import { forbidden, unauthorized } from "../errors.ts";
import type { Host } from "../host.ts";
import type { RouteEntry } from "./route-table.ts";
import "./context.ts"; // declares `request.auth`

/** What a handler receives: the parsed request parts and the caller. */
export interface HostRequest<Params, Query, Body, Access extends RouteAccess> {
  params: Params;
  query: Query;
  body: Body;
  /** The signed-in caller; `null` only on `access: "none"` routes called anonymously. */
  user: Access extends "none" ? User | null : User;
  /** For what schemas do not cover: response headers and cookies, multipart files, the session token. */
  request: FastifyRequest;
  reply: FastifyReply;
}

/** A host route as declared in `server/api/v4/*.ts`. */
export interface HostRouteDefinition<P extends ZodType, Q extends ZodType, B extends ZodType, A extends RouteAccess> extends Omit<
  RouteEntry,
  "owner" | "access" | "params" | "query" | "body" | "response"
> {
  access: A;
  summary: string;
  params?: P;
  query?: Q;
  body?: B;
  /** Schema of the answer (from `common/wire-schemas.ts` where there is one); not enforced at run time. */
  response?: $ZodType;
  /** Error id of the 400 when params, query or body do not parse (default `api.validation`). */
  invalidId?: string;
  /** Status of a successful answer (default 200). */
  status?: number;
  /** Authorize, call a service, present; throw an `AppError` for 4xx. */
  handler(request: HostRequest<z.output<P>, z.output<Q>, z.output<B>, A>): Promise<unknown>;
}

/** The path parameter that names a user; `me` in it means the caller. */
export const USER_PARAM = "userId";

/**
 * Declare a host route: record it in `host.routes` (owner `host`) and serve it
 * on `app` through the steps in the module comment.
 *
 * @example
 * hostRoute(app, host, {
 *   method: "GET", path: "/api/v4/posts/:id", access: "user", summary: "Read a post",
 *   params: z.object({ id: z.string() }), response: postSchema,
 *   handler: ({ params, user }) => readablePost(host, { user, postId: params.id }),
 * });
 */
export function hostRoute<
  A extends RouteAccess,
  P extends ZodType = ZodType<undefined>,
  Q extends ZodType = ZodType<undefined>,
  B extends ZodType = ZodType<undefined>,
>(app: FastifyInstance, host: Host, definition: HostRouteDefinition<P, Q, B, A>): void {
  const { handler, invalidId = "api.validation", status, ...entry } = definition;
  host.routes.add({ ...entry, owner: "host" });
  // A part without a schema reaches the handler as `undefined`: handlers see only parsed values.
  const parse = <S extends ZodType>(schema: S | undefined, input: unknown): z.output<S> | undefined => {
    if (!schema) return undefined;
    const result = schema.safeParse(input);
    if (!result.success) throw zodProblem(result.error, { id: invalidId, input });
    return result.data;
  };
  app.route({
    method: definition.method,
    url: definition.path,
    // Checked by Fastify before the body is parsed; the error handler names the limit (body-limit.ts).
    ...(definition.maxBodyBytes !== undefined ? { bodyLimit: definition.maxBodyBytes } : {}),
    handler: async (request, reply) => {
      const user = callerOf(request, definition.access);
      const rawParams = resolveMe(request.params, user);
      // The casts restate what TypeScript cannot link: a part whose schema was left out has the default
      // `ZodType<undefined>` and is undefined, and `callerOf` returns a user for every access but "none".
      const answer = await handler({
        params: parse(definition.params, rawParams) as z.output<P>,
        query: parse(definition.query, request.query) as z.output<Q>,
        body: parse(definition.body, request.body) as z.output<B>,
        user: user as HostRequest<unknown, unknown, unknown, A>["user"],
        request,
        reply,
      });
      if (reply.sent || answer === reply) return reply;
      return reply.status(status ?? 200).send(answer);
    },
  });
}

/** The caller a route's access allows: a 401 or 403 otherwise. */
function callerOf(request: FastifyRequest, access: RouteAccess): User | null {
  const user = request.auth?.user ?? null;
  if (access === "none") return user;
  if (!user) throw unauthorized();
  if (access === "system_admin" && !isSystemAdmin(user)) throw forbidden("Only system admins may do that.");
  return user;
}

/** The path parameters with `me` in {@link USER_PARAM} replaced by the caller's id. */
function resolveMe(params: unknown, user: User | null): unknown {
  if (!user || params === null || typeof params !== "object" || !(USER_PARAM in params)) return params;
  const values: Record<string, unknown> = { ...params };
  if (values[USER_PARAM] === "me") values[USER_PARAM] = user.id;
  return values;
}
