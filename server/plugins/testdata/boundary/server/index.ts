/**
 * The boundary plugin's server side: routes declared with zod schemas and
 * access levels, so the runtime's tests can check what the host enforces
 * before a handler runs. Each handler echoes what it received.
 */
import { z } from "zod";
import type { PluginContext } from "#plugin-api";

export function activate(ctx: PluginContext): void {
  ctx.http.route({
    method: "GET",
    path: "/api/v1/items/:n",
    summary: "Echo the parsed params and query",
    params: z.object({ n: z.coerce.number().int().min(1) }),
    query: z.object({ limit: z.coerce.number().int().max(50).default(10), loud: z.enum(["true", "false"]).optional() }),
    handler: (req) => ({ params: req.params, query: req.query, types: [typeof req.params.n, typeof req.query.limit] }),
  });

  ctx.http.route({
    method: "POST",
    path: "/api/v1/items/:n",
    invalidId: "boundary.item.invalid",
    params: z.object({ n: z.coerce.number().int() }),
    body: z.object({ name: z.string().trim().min(1, "must not be empty"), count: z.number().int().default(1) }),
    handler: (req) => ({ status: 201, body: { n: req.params.n, body: req.body } }),
  });

  ctx.http.route({ method: "GET", path: "/api/v1/admin", auth: "system_admin", handler: (req) => ({ admin: req.user?.username ?? null }) });

  ctx.http.route({ method: "GET", path: "/api/v1/open", auth: "none", handler: (req) => ({ user: req.user?.username ?? null }) });

  // No schemas: the raw strings and body, as before schemas existed.
  ctx.http.route({ method: "PUT", path: "/api/v1/raw/:id", handler: (req) => ({ params: req.params, query: req.query, body: req.body }) });
}
