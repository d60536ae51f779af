/**
 * @module workflow/server/routes/hooks
 * `POST /api/v1/hooks/{id}/{secret}`: fire a `webhook` workflow. Called with
 * the secret in the URL instead of a session; the JSON object body's keys
 * become `{{trigger.<key>}}` values, with `received_at` added.
 */
import { z } from "zod";
import type { Disposable } from "#plugin-api";
import { invalid } from "#common/plugin-errors.ts";
import type { WorkflowDeps } from "../deps.ts";
import { webhookWorkflow } from "../policies.ts";

const hookBodySchema = z.record(z.string(), z.unknown());

/** Register the webhook route. */
export function registerHookRoutes(deps: WorkflowDeps): Disposable[] {
  const { ctx, subscriptions } = deps;
  return [
    ctx.http.route({
      method: "POST",
      path: "/api/v1/hooks/:id/:secret",
      auth: "none",
      async handler(req) {
        const workflow = await webhookWorkflow(deps, { id: req.params.id!, secret: req.params.secret! });
        if (!workflow.enabled) throw invalid("workflow.hook.disabled", `the workflow "${workflow.name}" is disabled`);
        const body = hookBodySchema.safeParse(req.body ?? {});
        if (!body.success) throw invalid("workflow.hook.body", "body: must be a JSON object; its keys become {{trigger.<key>}} values");
        const fired = await subscriptions.fire(workflow, { teamId: workflow.team_id, values: { ...body.data, received_at: Date.now() } });
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
