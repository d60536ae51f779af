/**
 * @module workflow/server/routes/workflows
 * `/api/v1/workflows`: the JSON Schema of the format (anyone signed in), and
 * for system admins only apply (create or replace), list, read, enable,
 * disable and delete (see {@link requireSystemAdmin}).
 */
import type { Disposable } from "#plugin-api";
import { applyWorkflowRequestSchema } from "../../common/wire.ts";
import { workflowJsonSchema } from "../../common/workflow.ts";
import { workflowApplier } from "../commands/workflow-applier.ts";
import { workflowDeleter } from "../commands/workflow-deleter.ts";
import { workflowToggler } from "../commands/workflow-toggler.ts";
import type { WorkflowDeps } from "../deps.ts";
import { existingWorkflow, requireSystemAdmin } from "../policies.ts";
import { presentOneWorkflow, presentWorkflows } from "../presenter.ts";
import { parse, reply } from "./validation.ts";

const BASE = "/api/v1/workflows";

/** Register the workflow routes. */
export function registerWorkflowRoutes(deps: WorkflowDeps): Disposable[] {
  const { ctx, store } = deps;
  return [
    ctx.http.route({ method: "GET", path: `${BASE}/schema`, handler: () => workflowJsonSchema() }),
    ctx.http.route({
      method: "POST",
      path: BASE,
      async handler(req) {
        const actor = requireSystemAdmin(req.user, "apply workflows");
        const input = parse(applyWorkflowRequestSchema, req.body);
        const applied = await workflowApplier(deps, { teamId: input.team_id, source: input.source, actor });
        return reply(applied.created ? 201 : 200, await presentOneWorkflow(deps, applied.workflow));
      },
    }),
    ctx.http.route({
      method: "GET",
      path: BASE,
      async handler(req) {
        requireSystemAdmin(req.user, "list workflows");
        const teamId = typeof req.query.team_id === "string" && req.query.team_id ? req.query.team_id : undefined;
        return presentWorkflows(deps, await store.list({ teamId }));
      },
    }),
    ctx.http.route({
      method: "GET",
      path: `${BASE}/:id`,
      async handler(req) {
        requireSystemAdmin(req.user, "read workflows");
        return presentOneWorkflow(deps, await existingWorkflow(deps, req.params.id!));
      },
    }),
    ...(["enable", "disable"] as const).map((verb) =>
      ctx.http.route({
        method: "POST",
        path: `${BASE}/:id/${verb}`,
        async handler(req) {
          requireSystemAdmin(req.user, `${verb} workflows`);
          const workflow = await existingWorkflow(deps, req.params.id!);
          return presentOneWorkflow(deps, await workflowToggler(deps, { workflow, enabled: verb === "enable" }));
        },
      }),
    ),
    ctx.http.route({
      method: "DELETE",
      path: `${BASE}/:id`,
      async handler(req) {
        requireSystemAdmin(req.user, "delete workflows");
        await workflowDeleter(deps, { workflow: await existingWorkflow(deps, req.params.id!) });
        return { status: "OK" };
      },
    }),
  ];
}
