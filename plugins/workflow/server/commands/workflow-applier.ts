/**
 * @module workflow/server/commands/workflow-applier
 * Apply a workflow's YAML to a team: validate it against the live catalog
 * (completed by the static copy of the first-party catalog, so a workflow of a
 * plugin that is starting later still lints), resolve its team and `run_as`,
 * check that its trigger accepts the subscription, then create it or replace
 * the one of the same name. Nothing is half-applied.
 */
import { randomBytes } from "node:crypto";
import { newId } from "#common/ids.ts";
import type { PluginContext } from "#plugin-api";
import { invalid } from "#common/plugin-errors.ts";
import { capProblems } from "#common/yaml-source.ts";
import type { User } from "#common/wire.ts";
import { STATIC_CATALOG } from "../../common/static-catalog.ts";
import { parseWorkflow, type LintCatalog, type WorkflowIssue } from "../../common/workflow.ts";
import type { WorkflowDeps } from "../deps.ts";
import type { WorkflowRecord } from "../store.ts";

/** The live catalog, with first-party entries of plugins not active now filled in from the static copy. */
export function lintCatalog(ctx: PluginContext): LintCatalog {
  const live = ctx.automation.catalog();
  const triggers = new Map([...STATIC_CATALOG.triggers, ...live.triggers].map((t) => [t.name, t]));
  const actions = new Map([...STATIC_CATALOG.actions, ...live.actions].map((a) => [a.name, a]));
  return { triggers: [...triggers.values()], actions: [...actions.values()] };
}

/** A 400 listing each problem with its line and column; `details` has them as data. */
export function invalidWorkflow(problems: WorkflowIssue[]): Error {
  capProblems(problems);
  const listed = problems.map((p) => `line ${p.line}, column ${p.column}: ${p.path ? `${p.path}: ` : ""}${p.reason}`).join("; ");
  return invalid("workflow.invalid", `source: the workflow is invalid: ${listed}`, problems);
}

/** Where the `team` or `run_as` key is, for an error about its value. */
function keyProblem(source: string, key: string, reason: string): WorkflowIssue {
  const lines = source.split("\n");
  const line = lines.findIndex((l) => new RegExp(`^${key}\\s*:`).test(l));
  return { line: line >= 0 ? line + 1 : 1, column: 1, path: key, reason };
}

/** How the audit log names a workflow (`ctx.audit`): its id, name, team and the identity it runs as. */
export function auditedWorkflow(workflow: WorkflowRecord): string {
  return `workflow_id=${workflow.id} name=${JSON.stringify(workflow.name)} team_id=${workflow.team_id} run_as=${workflow.run_as_user_id}`;
}

/** The outcome of an apply. */
export interface AppliedWorkflow {
  workflow: WorkflowRecord;
  created: boolean;
  /** False when `unchangedOnly` found the stored source identical and stored nothing. */
  changed: boolean;
}

/**
 * Create or replace the workflow of `source` in the team.
 * @param props.unchangedOnly skip (and keep the admin's enabled toggle) when the stored source is identical — the directory's mode.
 */
export async function workflowApplier(
  deps: WorkflowDeps,
  props: { teamId: string; source: string; actor: User | null; unchangedOnly?: boolean },
): Promise<AppliedWorkflow> {
  const { ctx, store, subscriptions } = deps;
  const parsed = parseWorkflow(props.source, lintCatalog(ctx));
  if (!parsed.ok) throw invalidWorkflow(parsed.problems);
  const spec = parsed.spec;
  const team = await ctx.teams.get(props.teamId);
  if (!team) throw invalid("workflow.team_id", "team_id: no team with this id");
  if (spec.team && spec.team !== team.name) {
    throw invalidWorkflow([keyProblem(props.source, "team", `the workflow names team "${spec.team}" but team_id is team "${team.name}"`)]);
  }
  const runAs = await ctx.users.getByUsername(spec.run_as);
  if (!runAs || runAs.delete_at) throw invalidWorkflow([keyProblem(props.source, "run_as", `no active user "${spec.run_as}"`)]);

  const existing = await store.byName(team.id, spec.name);
  if (existing && props.unchangedOnly && existing.source === props.source) return { workflow: existing, created: false, changed: false };
  const now = Date.now();
  const workflow: WorkflowRecord = {
    id: existing?.id ?? newId(),
    team_id: team.id,
    name: spec.name,
    description: spec.description ?? "",
    source: props.source,
    spec,
    trigger_type: spec.trigger.type,
    run_as_user_id: runAs.id,
    enabled: spec.enabled,
    version: (existing?.version ?? 0) + 1,
    webhook_secret: existing?.webhook_secret || randomBytes(24).toString("hex"),
    created_by: existing?.created_by ?? props.actor?.id ?? "",
    create_at: existing?.create_at ?? now,
    update_at: now,
  };
  // The trigger may refuse the subscription (a bad cron, a taken command
  // word): try it before anything is stored.
  await subscriptions.replace(workflow);
  try {
    if (existing) await store.replace(workflow);
    else await store.insert(workflow);
  } catch (error) {
    subscriptions.drop(workflow.id);
    await subscriptions.restore(existing);
    if (!existing && /unique|duplicate/i.test(String(error))) {
      // Another process applied the same name at the same moment: replace theirs.
      return workflowApplier(deps, props);
    }
    throw error;
  }
  return { workflow, created: !existing, changed: true };
}
