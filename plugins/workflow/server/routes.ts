/**
 * @module workflow/server/routes
 * The Workflow HTTP API under `/plugins/workflow/api/v1/`. Applying, listing
 * and toggling workflows and reading run logs are for system admins only (a
 * workflow acts for its `run_as`, so applying one is a privileged act); the
 * schema and the catalog are for anyone signed in; a webhook is called with
 * the secret in its URL instead of a session.
 */
import { timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { PluginContext, PluginRequest } from "#plugin-api";
import { invalid, notAllowed, notFound } from "#common/plugin-errors.ts";
import { isSystemAdmin, type User } from "#common/wire.ts";
import type { WorkflowJson } from "../common/wire.ts";
import { workflowJsonSchema, type WorkflowSpec } from "../common/workflow.ts";
import type { WorkflowApplier } from "./applier.ts";
import type { RunsTable, WorkflowStore, WorkflowsTable } from "./store.ts";
import type { WorkflowSubscriptions } from "./subscriptions.ts";

const applySchema = z.object({
  team_id: z.string({ error: "is required" }).length(26, "must be a 26-character id"),
  source: z
    .string({ error: "is required: the workflow's YAML" })
    .min(1, "is required: the workflow's YAML")
    .max(100_000, "must be at most 100000 characters"),
});

const pageSchema = z.object({
  page: z.coerce.number({ error: "must be a number" }).int("must be a whole number").min(0, "must be 0 or more").default(0),
  per_page: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(1, "must be 1 to 200")
    .max(200, "must be 1 to 200")
    .default(50),
});

/** Parse with zod, or a 400 naming each field and reason. */
function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => ({ field: i.path.join(".") || "body", reason: i.message }));
  throw invalid("workflow.request.invalid", problems.map((p) => `${p.field}: ${p.reason}`).join("; "), problems);
}

function requireAdmin(req: PluginRequest, what: string): User {
  if (!req.user || !isSystemAdmin(req.user)) throw notAllowed("workflow.permissions", `Only system admins may ${what}.`);
  return req.user;
}

function secretMatches(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function registerRoutes(props: {
  ctx: PluginContext;
  store: WorkflowStore;
  applier: WorkflowApplier;
  subscriptions: WorkflowSubscriptions;
}): void {
  const { ctx, store, applier, subscriptions } = props;
  const base = "/api/v1";

  async function present(rows: WorkflowsTable[]): Promise<WorkflowJson[]> {
    const [last, users] = await Promise.all([store.lastRuns(rows.map((r) => r.id)), ctx.users.getMany(rows.map((r) => r.run_as_user_id))]);
    const names = new Map(users.map((u) => [u.id, u.username]));
    return rows.map((row) =>
      presentWorkflow({ row, lastRun: last.get(row.id), runAs: names.get(row.run_as_user_id) ?? "", siteUrl: ctx.siteUrl }),
    );
  }

  async function workflowOr404(id: string): Promise<WorkflowsTable> {
    const row = await store.get(id);
    if (!row) throw notFound("workflow.not_found", `workflow ${id} not found`);
    return row;
  }

  ctx.http.route({ method: "GET", path: `${base}/workflows/schema`, handler: () => workflowJsonSchema() });

  ctx.http.route({
    method: "GET",
    path: `${base}/catalog`,
    handler: () => {
      const { triggers, actions } = ctx.automation.catalog();
      return { triggers, actions };
    },
  });

  ctx.http.route({
    method: "POST",
    path: `${base}/workflows`,
    async handler(req) {
      const actor = requireAdmin(req, "apply workflows");
      const input = parse(applySchema, req.body);
      const applied = await applier.apply({ teamId: input.team_id, source: input.source, actor });
      const [json] = await present([applied.workflow]);
      return { status: applied.created ? 201 : 200, body: json };
    },
  });

  ctx.http.route({
    method: "GET",
    path: `${base}/workflows`,
    async handler(req) {
      requireAdmin(req, "list workflows");
      const teamId = typeof req.query.team_id === "string" && req.query.team_id ? req.query.team_id : undefined;
      return present(await store.list({ teamId }));
    },
  });

  ctx.http.route({
    method: "GET",
    path: `${base}/workflows/:id`,
    async handler(req) {
      requireAdmin(req, "read workflows");
      const [json] = await present([await workflowOr404(req.params.id!)]);
      return json;
    },
  });

  for (const verb of ["enable", "disable"] as const) {
    ctx.http.route({
      method: "POST",
      path: `${base}/workflows/:id/${verb}`,
      async handler(req) {
        requireAdmin(req, `${verb} workflows`);
        const row = await workflowOr404(req.params.id!);
        const enabled = verb === "enable";
        await subscriptions.replace({ ...row, enabled: enabled ? 1 : 0 });
        await store.setEnabled(row.id, enabled);
        const [json] = await present([(await store.get(row.id))!]);
        return json;
      },
    });
  }

  ctx.http.route({
    method: "DELETE",
    path: `${base}/workflows/:id`,
    async handler(req) {
      requireAdmin(req, "delete workflows");
      const row = await workflowOr404(req.params.id!);
      subscriptions.drop(row.id);
      await store.delete(row.id);
      return { status: "OK" };
    },
  });

  ctx.http.route({
    method: "GET",
    path: `${base}/workflows/:id/runs`,
    async handler(req) {
      requireAdmin(req, "read workflow runs");
      const row = await workflowOr404(req.params.id!);
      const page = parse(pageSchema, req.query);
      return store.runs({ workflowId: row.id, failed: req.query.failed === "true", page: page.page, perPage: page.per_page });
    },
  });

  ctx.http.route({
    method: "GET",
    path: `${base}/runs`,
    async handler(req) {
      requireAdmin(req, "read workflow runs");
      const page = parse(pageSchema, req.query);
      const workflowId = typeof req.query.workflow_id === "string" && req.query.workflow_id ? req.query.workflow_id : undefined;
      return store.runs({ workflowId, failed: req.query.failed === "true", page: page.page, perPage: page.per_page });
    },
  });

  ctx.http.route({
    method: "GET",
    path: `${base}/runs/:id`,
    async handler(req) {
      requireAdmin(req, "read workflow runs");
      const found = await store.runs({ runId: req.params.id!, page: 0, perPage: 1 });
      if (!found.items[0]) throw notFound("workflow.run.not_found", `run ${req.params.id} not found`);
      return found.items[0];
    },
  });

  ctx.http.route({
    method: "POST",
    path: `${base}/hooks/:id/:secret`,
    auth: "none",
    async handler(req) {
      const row = await store.get(req.params.id!);
      // One answer for a wrong id, a wrong secret or a workflow that is not a webhook: nothing leaks.
      if (!row || row.trigger_type !== "webhook" || !secretMatches(row.webhook_secret, req.params.secret!))
        throw notFound("workflow.hook.not_found", "no workflow webhook at this address");
      if (row.enabled !== 1) throw invalid("workflow.hook.disabled", `the workflow "${row.name}" is disabled`);
      const body = req.body ?? {};
      if (typeof body !== "object" || Array.isArray(body))
        throw invalid("workflow.hook.body", "body: must be a JSON object; its keys become {{trigger.<key>}} values");
      const fired = await subscriptions.fire(row, {
        teamId: row.team_id,
        values: { ...(body as Record<string, unknown>), received_at: Date.now() },
      });
      if (!fired)
        throw invalid("workflow.hook.unavailable", `the workflow "${row.name}" cannot receive webhooks now (its trigger is not offered)`);
      return { status: "OK" };
    },
  });
}

/** The wire shape of a workflow (admins only: it holds the webhook URL). */
export function presentWorkflow(props: {
  row: WorkflowsTable;
  lastRun: RunsTable | undefined;
  runAs: string;
  siteUrl: string;
}): WorkflowJson {
  const { row, lastRun } = props;
  const spec = JSON.parse(row.parsed) as WorkflowSpec;
  return {
    id: row.id,
    team_id: row.team_id,
    name: row.name,
    description: row.description,
    run_as: props.runAs,
    run_as_user_id: row.run_as_user_id,
    enabled: row.enabled === 1,
    version: row.version,
    trigger: { type: spec.trigger.type, where: spec.trigger.where },
    steps: spec.steps.map((s) => ({ ...(s.id ? { id: s.id } : {}), action: s.action })),
    source: row.source,
    create_at: row.create_at,
    update_at: row.update_at,
    ...(row.trigger_type === "webhook"
      ? { webhook_url: `${props.siteUrl}/plugins/workflow/api/v1/hooks/${row.id}/${row.webhook_secret}` }
      : {}),
    last_run: lastRun ? { id: lastRun.id, status: lastRun.status, error: lastRun.error, started_at: lastRun.started_at } : null,
  };
}
