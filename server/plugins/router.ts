/**
 * @module plugins/router
 * The routes one plugin serves under `/plugins/{id}/`: `:name` segments become
 * params, and a literal segment wins over a param whatever the order they were
 * added in (`/playbooks/schema` before `/playbooks/:id`).
 */
import type { ZodType } from "zod";
import type { Disposable, RouteDefinition } from "#plugin-api";

/** A route as the router keeps it, whatever its schemas: the handler gets what they parse to. */
export type PluginRoute = RouteDefinition<ZodType, ZodType, ZodType>;

interface Compiled {
  route: PluginRoute;
  segments: Array<{ literal: string } | { param: string }>;
}

/** A matched route and its decoded params. */
export interface RouteMatch {
  route: PluginRoute;
  params: Record<string, string>;
}

function splitPath(p: string): string[] {
  return p.split("/").filter(Boolean);
}

/** The routes of one plugin activation, matched by method and path. */
export class PluginRouter {
  private readonly routes: Compiled[] = [];

  /**
   * Add a route; dispose to remove it.
   * @example router.add({ method: "GET", path: "/api/v1/items/:id", handler: (req) => req.params.id })
   */
  add(route: PluginRoute): Disposable {
    const segments = splitPath(route.path).map((s) => (s.startsWith(":") && s.length > 1 ? { param: s.slice(1) } : { literal: s }));
    const entry: Compiled = { route, segments };
    this.routes.push(entry);
    return {
      dispose: () => {
        const index = this.routes.indexOf(entry);
        if (index >= 0) this.routes.splice(index, 1);
      },
    };
  }

  /** The route for a method and a path below the plugin's prefix, or null. */
  match(method: string, pathname: string): RouteMatch | null {
    let parts: string[];
    try {
      parts = splitPath(pathname).map((s) => decodeURIComponent(s));
    } catch {
      return null; // malformed percent-encoding matches nothing
    }
    let best: { entry: Compiled; params: Record<string, string>; score: string } | null = null;
    for (const entry of this.routes) {
      if (entry.route.method !== method.toUpperCase() || entry.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let score = "";
      let ok = true;
      entry.segments.forEach((segment, i) => {
        const part = parts[i] ?? "";
        if ("literal" in segment) {
          ok &&= segment.literal === part;
          score += "1";
        } else {
          params[segment.param] = part;
          score += "0";
        }
      });
      // Literal segments earlier in the path rank first; the first added wins ties.
      if (ok && (!best || score > best.score)) best = { entry, params, score };
    }
    return best ? { route: best.entry.route, params: best.params } : null;
  }

  /** Number of routes, for tests and diagnostics. */
  get size(): number {
    return this.routes.length;
  }
}
