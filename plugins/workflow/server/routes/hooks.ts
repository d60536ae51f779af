/**
 * @module workflow/server/routes/hooks
 * `POST /api/v1/hooks/{id}/{secret}`: fire a `webhook` workflow. Called with
 * the secret in the URL instead of a session; the JSON object body's keys
 * become `{{trigger.<key>}}` values, with `received_at` added.
 */
import type { Disposable } from "#plugin-api";
import { invalid } from "#common/plugin-errors.ts";
import { hookBodySchema, hookParamsSchema, statusOkSchema } from "../../common/wire.ts";
import type { WorkflowDeps } from "../deps.ts";
import { webhookWorkflow } from "../policies.ts";

/** Register the webhook route. */
export function registerHookRoutes(deps: WorkflowDeps): Disposable[] {
  const { ctx, subscriptions } = deps;
  return [
    ctx.http.route({
      method: "POST",
      path: "/api/v1/hooks/:id/:secret",
      auth: "none",
      policy: "open",
      summary: "Fire a webhook workflow; the body's keys become {{trigger.<key>}} values",
      invalidId: "workflow.hook.body",
      params: hookParamsSchema,
      body: hookBodySchema,
      response: statusOkSchema,
      async handler(req) {
        const workflow = await webhookWorkflow(deps, req.params);
        if (!workflow.enabled) throw invalid("workflow.hook.disabled", `the workflow "${workflow.name}" is disabled`);
        const fired = await subscriptions.fire(workflow, { teamId: workflow.team_id, values: { ...req.body, received_at: Date.now() } });
        if (!fired)
          throw invalid(
            "workflow.hook.unavailable",
            `the workflow "${workflow.name}" cannot receive webhooks now (its trigger is not offered)`,
          );
        return { status: "OK" };
      },
    }),
  ];
}
