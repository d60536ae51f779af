/**
 * @module workflow/server/policies
 * Who may do what with workflows. Applying, listing, toggling and deleting
 * workflows and reading run logs are for system admins only: a workflow acts
 * for its `run_as`, so applying one is a privileged act, and a workflow's JSON
 * holds its webhook URL. A webhook is called with the secret in its URL
 * instead of a session, and a wrong id, a wrong secret and a workflow that is
 * not a webhook get one answer. A run starts only when `run_as` may read the
 * trigger's channel.
 */
import { timingSafeEqual } from "node:crypto";
import type { FiredTrigger, PluginContext } from "#plugin-api";
import { notAllowed, notFound } from "#common/plugin-errors.ts";
import { isSystemAdmin, type User } from "#common/wire.ts";
import type { WorkflowDeps } from "./deps.ts";
import type { WorkflowRecord } from "./store.ts";

/** The caller, if a system admin; else 403 "Only system admins may {what}." */
export function requireSystemAdmin(user: User | null, what: string): User {
  if (!user || !isSystemAdmin(user)) throw notAllowed("workflow.permissions", `Only system admins may ${what}.`);
  return user;
}

/** The workflow (for a system admin, already checked); else 404. */
export async function existingWorkflow(deps: Pick<WorkflowDeps, "store">, id: string): Promise<WorkflowRecord> {
  const workflow = await deps.store.get(id);
  if (!workflow) throw notFound("workflow.not_found", `workflow ${id} not found`);
  return workflow;
}

/** The webhook workflow at `/hooks/{id}/{secret}`; else one 404 whatever was wrong, so nothing leaks. */
export async function webhookWorkflow(deps: Pick<WorkflowDeps, "store">, props: { id: string; secret: string }): Promise<WorkflowRecord> {
  const workflow = await deps.store.get(props.id);
  if (!workflow || workflow.trigger_type !== "webhook" || !secretMatches(workflow.webhook_secret, props.secret))
    throw notFound("workflow.hook.not_found", "no workflow webhook at this address");
  return workflow;
}

/** True when the workflow's `run_as` may see the event: a workflow never learns of posts its user could not read. */
export async function runAsMaySee(ctx: PluginContext, props: { workflow: WorkflowRecord; event: FiredTrigger }): Promise<boolean> {
  const { channelId } = props.event;
  return !channelId || ctx.channels.canRead(props.workflow.run_as_user_id, channelId);
}

function secretMatches(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
