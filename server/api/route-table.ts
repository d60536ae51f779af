/**
 * @module api/route-table
 * The one table of every HTTP route Sitrep serves, the host's `/api/v4/...`
 * and each plugin's `/plugins/{id}/...`: method, path, who may call it and the
 * zod schemas of its params, query, body and answer. Routes are registered
 * through it, so what validates a request is also what OpenAPI, the
 * authorization matrix and the fuzz test read (`list()`).
 */
import type { $ZodType } from "zod/v4/core";
import type { Disposable, RouteAccess } from "#plugin-api";

/** One route as the table records it. */
export interface RouteEntry {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** The full path with `:param` segments, e.g. `/api/v4/channels/:id` or `/plugins/incident/api/v1/incidents/:id`. */
  path: string;
  /** Who may call it: anonymous callers too, any signed-in user, or system admins only. */
  access: RouteAccess;
  /** `host`, or the id of the plugin that registered it. */
  owner: string;
  /** One line for OpenAPI. */
  summary?: string;
  params?: $ZodType;
  query?: $ZodType;
  body?: $ZodType;
  /** Any zod schema, classic or `zod/mini` (the wire schemas of `common/wire-schemas.ts`). */
  response?: $ZodType;
  /** Extra checks the route makes beyond `access` (e.g. "channel member"), for the authorization matrix. */
  policy?: string;
  /** The largest body it accepts, in bytes (`BODY_LIMITS.default` when not given); a larger one is a 413, before parsing. */
  maxBodyBytes?: number;
}

/** Every route of one host, in the order they were added. */
export class RouteTable {
  private readonly entries: RouteEntry[] = [];

  /** Record a route; dispose to remove it (a plugin's routes go when it is disabled). */
  add(entry: RouteEntry): Disposable {
    this.entries.push(entry);
    return {
      dispose: () => {
        const index = this.entries.indexOf(entry);
        if (index >= 0) this.entries.splice(index, 1);
      },
    };
  }

  /** The routes now served, host routes first, then plugins' in the order added. */
  list(filter: { owner?: string } = {}): readonly RouteEntry[] {
    return this.entries.filter((e) => filter.owner === undefined || e.owner === filter.owner);
  }
}
