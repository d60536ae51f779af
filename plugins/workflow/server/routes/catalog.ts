/**
 * @module workflow/server/routes/catalog
 * `GET /api/v1/catalog`: the triggers and actions the enabled plugins offer
 * now, for anyone signed in (the editor's help and the CLI's lint).
 */
import type { Disposable } from "#plugin-api";
import type { WorkflowDeps } from "../deps.ts";

/** Register the catalog route. */
export function registerCatalogRoutes(deps: Pick<WorkflowDeps, "ctx">): Disposable[] {
  const { ctx } = deps;
  return [
    ctx.http.route({
      method: "GET",
      path: "/api/v1/catalog",
      policy: "signed-in",
      summary: "The triggers and actions the enabled plugins offer",
      handler: () => {
        const { triggers, actions } = ctx.automation.catalog();
        return { triggers, actions };
      },
    }),
  ];
}
