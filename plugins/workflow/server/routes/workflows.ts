/**
 * @module workflow/server/routes/workflows
 * `/api/v1/workflows`: the JSON Schema of the format (anyone signed in), and
 * for system admins only apply (create or replace), list, read, enable,
 * disable and delete (see {@link requireSystemAdmin}; the check stays in the
 * handler so each refusal names what was refused). The host parses each
 * route's params, query and body before the handler.
 */
import { z } from "zod";
import type { Disposable } from "#plugin-api";
import {
  applyWorkflowRequestSchema,
  WORKFLOW_BODY_MAX,
  idParamsSchema,
  listWorkflowsQuerySchema,
  statusOkSchema,
  workflowSchema,
} from "../../common/wire.ts";
import { workflowJsonSchema } from "../../common/workflow.ts";
import { auditedWorkflow, workflowApplier } from "../commands/workflow-applier.ts";
import { workflowDeleter } from "../commands/workflow-deleter.ts";
import { workflowToggler } from "../commands/workflow-toggler.ts";
import type { WorkflowDeps } from "../deps.ts";
import { existingWorkflow, requireSystemAdmin } from "../policies.ts";
import { presentOneWorkflow, presentWorkflows } from "../presenter.ts";

const BASE = "/api/v1/workflows";
const invalidId = "workflow.request.invalid";

/** Register the workflow routes. */
export function registerWorkflowRoutes(deps: WorkflowDeps): Disposable[] {
  const { ctx, store } = deps;
  return [
    ctx.http.route({
      method: "GET",
      path: `${BASE}/schema`,
      policy: "signed-in",
      summary: "The JSON Schema of a workflow file",
      response: z.record(z.string(), z.unknown()),
      handler: () => workflowJsonSchema(),
    }),
    ctx.http.route({
      method: "POST",
      path: BASE,
      policy: "admin",
      summary: "Apply a workflow: create it, or replace the team's workflow of the same name (201 when created)",
      invalidId,
      body: applyWorkflowRequestSchema,
      maxBodyBytes: WORKFLOW_BODY_MAX,
      response: workflowSchema,
      async handler(req) {
        const actor = requireSystemAdmin(req.user, "apply workflows");
        const applied = await workflowApplier(deps, { teamId: req.body.team_id, source: req.body.source, actor });
        await ctx.audit.record({
          request: req,
          extraInfo: `success - ${applied.created ? "created" : "replaced"} ${auditedWorkflow(applied.workflow)}`,
        });
        return { status: applied.created ? 201 : 200, body: await presentOneWorkflow(deps, applied.workflow) };
      },
    }),
    ctx.http.route({
      method: "GET",
      path: BASE,
      policy: "admin",
      summary: "List workflows, of one team with team_id",
      invalidId,
      query: listWorkflowsQuerySchema,
      response: z.array(workflowSchema),
      async handler(req) {
        requireSystemAdmin(req.user, "list workflows");
        return presentWorkflows(deps, await store.list({ teamId: req.query.team_id }));
      },
    }),
    ctx.http.route({
      method: "GET",
      path: `${BASE}/:id`,
      policy: "admin",
      summary: "Read a workflow",
      invalidId,
      params: idParamsSchema,
      response: workflowSchema,
      async handler(req) {
        requireSystemAdmin(req.user, "read workflows");
        return presentOneWorkflow(deps, await existingWorkflow(deps, req.params.id));
      },
    }),
    ...(["enable", "disable"] as const).map((verb) =>
      ctx.http.route({
        method: "POST",
        path: `${BASE}/:id/${verb}`,
        policy: "admin",
        summary: verb === "enable" ? "Enable a workflow: its trigger starts runs" : "Disable a workflow: its trigger starts no runs",
        invalidId,
        params: idParamsSchema,
        response: workflowSchema,
        async handler(req) {
          requireSystemAdmin(req.user, `${verb} workflows`);
          const workflow = await existingWorkflow(deps, req.params.id);
          const toggled = await workflowToggler(deps, { workflow, enabled: verb === "enable" });
          await ctx.audit.record({ request: req, extraInfo: `success - ${verb}d ${auditedWorkflow(toggled)}` });
          return presentOneWorkflow(deps, toggled);
        },
      }),
    ),
    ctx.http.route({
      method: "DELETE",
      path: `${BASE}/:id`,
      policy: "admin",
      summary: "Delete a workflow (its run log stays)",
      invalidId,
      params: idParamsSchema,
      response: statusOkSchema,
      async handler(req) {
        requireSystemAdmin(req.user, "delete workflows");
        const workflow = await existingWorkflow(deps, req.params.id);
        await workflowDeleter(deps, { workflow });
        await ctx.audit.record({ request: req, extraInfo: `success - deleted ${auditedWorkflow(workflow)}` });
        return { status: "OK" };
      },
    }),
  ];
}
