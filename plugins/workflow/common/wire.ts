/**
 * @module workflow/common/wire
 * The Workflow plugin's HTTP and WebSocket shapes, as zod schemas so the web
 * UI and the CLI parse what they receive instead of trusting it.
 */
import { z } from "zod";
import { pageQuerySchema } from "#common/limits.ts";

/** Run outcomes: `running`, then `succeeded` or `failed` (a failing step, or the loop guard). */
export const runStatusSchema = z.enum(["running", "succeeded", "failed"]);
export type RunStatus = z.infer<typeof runStatusSchema>;

/** The latest run of a workflow, as the list shows it. */
export const lastRunSchema = z.object({ id: z.string(), status: runStatusSchema, error: z.string(), started_at: z.number() });

/** A workflow as `GET /workflows` lists it. */
export const workflowSchema = z.object({
  id: z.string(),
  team_id: z.string(),
  name: z.string(),
  description: z.string(),
  run_as: z.string(),
  run_as_user_id: z.string(),
  enabled: z.boolean(),
  version: z.number(),
  trigger: z.object({ type: z.string(), where: z.record(z.string(), z.unknown()) }),
  steps: z.array(z.object({ id: z.string().optional(), action: z.string() })),
  source: z.string(),
  create_at: z.number(),
  update_at: z.number(),
  /** For `webhook` workflows: the URL to POST to (it holds the secret). */
  webhook_url: z.string().optional(),
  last_run: lastRunSchema.nullable(),
});
export type WorkflowJson = z.infer<typeof workflowSchema>;

/** One step of a run log. */
export const runStepSchema = z.object({
  index: z.number(),
  step_id: z.string(),
  action: z.string(),
  status: z.enum(["succeeded", "failed"]),
  input: z.unknown(),
  output: z.unknown(),
  error: z.string(),
  started_at: z.number(),
  duration_ms: z.number(),
});
export type RunStepJson = z.infer<typeof runStepSchema>;

/** A run as `GET /runs` and `GET /workflows/{id}/runs` list it. */
export const runSchema = z.object({
  id: z.string(),
  workflow_id: z.string(),
  workflow_name: z.string(),
  team_id: z.string(),
  trigger: z.string(),
  trigger_values: z.record(z.string(), z.unknown()),
  status: runStatusSchema,
  error: z.string(),
  depth: z.number(),
  started_at: z.number(),
  duration_ms: z.number(),
  steps: z.array(runStepSchema),
});
export type RunJson = z.infer<typeof runSchema>;

/** `custom_workflow_run_finished`, sent to system admins when a run ends. */
export const runFinishedEventSchema = z.object({ run_id: z.string(), workflow_id: z.string(), status: runStatusSchema, error: z.string() });

/** The deepest chain of runs: a run whose trigger came from runs this deep is not started. */
export const MAX_DEPTH = 5;

/** A page of runs, as the run lists answer. */
export const runPageSchema = z.object({ items: z.array(runSchema), total_count: z.number() });

/** The answer of a change that returns nothing else. */
export const statusOkSchema = z.object({ status: z.literal("OK") });

/** The path of a route on one workflow or run: `/{id}`. Any string: an unknown id is a 404, not a 400. */
export const idParamsSchema = z.object({ id: z.string() });

/** The path of a webhook: `/hooks/{id}/{secret}`. */
export const hookParamsSchema = z.object({ id: z.string(), secret: z.string() });

/** The body of a webhook call: a JSON object whose keys become trigger values. */
export const hookBodySchema = z.record(z.string(), z.unknown(), {
  error: "must be a JSON object; its keys become {{trigger.<key>}} values",
});

/** Characters of a workflow's YAML source. */
export const WORKFLOW_SOURCE_MAX = 100_000;

/** Bytes of the JSON body of `POST /workflows` (a source at its limit, escaped, fits). */
export const WORKFLOW_BODY_MAX = 512 * 1024;

/** The body of `POST /workflows`: the team and the workflow's YAML. */
export const applyWorkflowRequestSchema = z.object({
  team_id: z.string({ error: "is required" }).length(26, "must be a 26-character id"),
  // A missing source reads as "" (prefault), so its message says what belongs
  // there instead of the plain "is required" the host gives a missing field.
  source: z
    .string({ error: "is required: the workflow's YAML" })
    .min(1, "is required: the workflow's YAML")
    .max(WORKFLOW_SOURCE_MAX, `must be at most ${WORKFLOW_SOURCE_MAX} characters`)
    .prefault(""),
});

/** An optional id in a query: absent or empty means "any". */
const anyOrId = z
  .string()
  .optional()
  .transform((value) => value || undefined);

/** The query of `GET /workflows`: `team_id` narrows the list to one team. */
export const listWorkflowsQuerySchema = z.object({ team_id: anyOrId });

/** The query of a run list: `page` from 0, `per_page` 1 to 200 (default 50; read as `pageQuerySchema` reads them), `failed=true` for failed runs only. */
export const runsPageQuerySchema = pageQuerySchema({ perPageDefault: 50 }).extend({
  failed: z
    .string()
    .optional()
    .transform((value) => value === "true"),
});

/** The query of `GET /runs`: a run list, of one workflow with `workflow_id`. */
export const runsQuerySchema = runsPageQuerySchema.extend({ workflow_id: anyOrId });
