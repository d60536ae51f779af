/**
 * @module workflow/server/routes/runs
 * The run log, for system admins only: `/api/v1/runs` (all runs, or one
 * workflow's with `workflow_id`; `failed=true` for failed ones only),
 * `/api/v1/runs/{id}`, and `/api/v1/workflows/{id}/runs`. Newest first, paged.
 */
import type { Disposable } from "#plugin-api";
import { notFound } from "#common/plugin-errors.ts";
import { runsPageQuerySchema } from "../../common/wire.ts";
import type { WorkflowDeps } from "../deps.ts";
import { existingWorkflow, requireSystemAdmin } from "../policies.ts";
import { presentRun, presentRuns } from "../presenter.ts";
import { parse } from "./validation.ts";

/** Register the run log routes. */
export function registerRunRoutes(deps: WorkflowDeps): Disposable[] {
  const { ctx, store } = deps;
  return [
    ctx.http.route({
      method: "GET",
      path: "/api/v1/workflows/:id/runs",
      async handler(req) {
        requireSystemAdmin(req.user, "read workflow runs");
        const workflow = await existingWorkflow(deps, req.params.id!);
        const page = parse(runsPageQuerySchema, req.query);
        return presentRuns(
          await store.runs({ workflowId: workflow.id, failed: req.query.failed === "true", page: page.page, perPage: page.per_page }),
        );
      },
    }),
    ctx.http.route({
      method: "GET",
      path: "/api/v1/runs",
      async handler(req) {
        requireSystemAdmin(req.user, "read workflow runs");
        const page = parse(runsPageQuerySchema, req.query);
        const workflowId = typeof req.query.workflow_id === "string" && req.query.workflow_id ? req.query.workflow_id : undefined;
        return presentRuns(await store.runs({ workflowId, failed: req.query.failed === "true", page: page.page, perPage: page.per_page }));
      },
    }),
    ctx.http.route({
      method: "GET",
      path: "/api/v1/runs/:id",
      async handler(req) {
        requireSystemAdmin(req.user, "read workflow runs");
        const found = await store.runs({ runId: req.params.id!, page: 0, perPage: 1 });
        const [run] = found.items;
        if (!run) throw notFound("workflow.run.not_found", `run ${req.params.id} not found`);
        return presentRun(run);
      },
    }),
  ];
}
