/**
 * @module workflow/server/routes/runs
 * The run log, for system admins only: `/api/v1/runs` (all runs, or one
 * workflow's with `workflow_id`; `failed=true` for failed ones only),
 * `/api/v1/runs/{id}`, and `/api/v1/workflows/{id}/runs`. Newest first, paged.
 */
import type { Disposable } from "#plugin-api";
import { notFound } from "#common/plugin-errors.ts";
import { idParamsSchema, runPageSchema, runSchema, runsPageQuerySchema, runsQuerySchema } from "../../common/wire.ts";
import type { WorkflowDeps } from "../deps.ts";
import { existingWorkflow, requireSystemAdmin } from "../policies.ts";
import { presentRun, presentRuns } from "../presenter.ts";

const invalidId = "workflow.request.invalid";

/** Register the run log routes. */
export function registerRunRoutes(deps: WorkflowDeps): Disposable[] {
  const { ctx, store } = deps;
  return [
    ctx.http.route({
      method: "GET",
      path: "/api/v1/workflows/:id/runs",
      policy: "admin",
      summary: "A workflow's runs, newest first",
      invalidId,
      params: idParamsSchema,
      query: runsPageQuerySchema,
      response: runPageSchema,
      async handler(req) {
        requireSystemAdmin(req.user, "read workflow runs");
        const workflow = await existingWorkflow(deps, req.params.id);
        const { page, per_page, failed } = req.query;
        return presentRuns(await store.runs({ workflowId: workflow.id, failed, page, perPage: per_page }));
      },
    }),
    ctx.http.route({
      method: "GET",
      path: "/api/v1/runs",
      policy: "admin",
      summary: "Runs of every workflow (or of one, with workflow_id), newest first",
      invalidId,
      query: runsQuerySchema,
      response: runPageSchema,
      async handler(req) {
        requireSystemAdmin(req.user, "read workflow runs");
        const { workflow_id: workflowId, page, per_page, failed } = req.query;
        return presentRuns(await store.runs({ workflowId, failed, page, perPage: per_page }));
      },
    }),
    ctx.http.route({
      method: "GET",
      path: "/api/v1/runs/:id",
      policy: "admin",
      summary: "One run with its steps",
      invalidId,
      params: idParamsSchema,
      response: runSchema,
      async handler(req) {
        requireSystemAdmin(req.user, "read workflow runs");
        const [run] = (await store.runs({ runId: req.params.id, page: 0, perPage: 1 })).items;
        if (!run) throw notFound("workflow.run.not_found", `run ${req.params.id} not found`);
        return presentRun(run);
      },
    }),
  ];
}
