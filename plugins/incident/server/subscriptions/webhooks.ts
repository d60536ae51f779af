/**
 * @module incident/server/subscriptions/webhooks
 * Managing event subscriptions: who may, and the commands behind the routes.
 *
 * A team's subscriptions belong to its team admins and to system admins.
 * `include_private` sends private incidents' events out of the workspace, so
 * only a system admin sets it, and a subscription that has it stays a system
 * admin's: team admins see it listed but cannot change it, delete it or read
 * its delivery log (which names private incidents). Someone outside the team
 * is answered as if there were no such team or subscription.
 */
import { randomBytes } from "node:crypto";
import { newId } from "#common/ids.ts";
import { invalid, notAllowed, notFound } from "#common/plugin-errors.ts";
import { isSystemAdmin, type User } from "#common/wire.ts";
import { WEBHOOK_LIMITS, type Delivery, type Webhook } from "../../common/webhook-types.ts";
import type { z } from "zod";
import type { createWebhookSchema, listDeliveriesQuerySchema, patchWebhookSchema } from "../../common/webhook-types.ts";
import { DELIVERY_JOB, type DeliveryDeps } from "./delivery.ts";
import { messageIdOf, type WebhookRecord } from "./store.ts";

/** A new signing secret: `whsec_` and 32 random bytes in base64, as Standard Webhooks libraries read it. */
function newSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

/** The wire shape: everything but the secret. */
export function presentWebhook(record: WebhookRecord): Webhook {
  const { secret: _secret, ...webhook } = record;
  return webhook;
}

/** Throws unless the user may manage the team's subscriptions: 404 outside the team, 403 for a member who is not its admin. */
async function assertTeamAdmin(deps: DeliveryDeps, props: { user: User; teamId: string }): Promise<void> {
  const { ctx } = deps;
  if (isSystemAdmin(props.user)) {
    if (!(await ctx.teams.get(props.teamId))) throw notFound("incident.webhook.team_not_found", `team_id: no team with id ${props.teamId}`);
    return;
  }
  const team = await ctx.teams.get(props.teamId);
  if (!team || !(await ctx.teams.isMember(team.id, props.user.id)))
    throw notFound("incident.webhook.team_not_found", `team_id: no team with id ${props.teamId} that you belong to`);
  if (!(await ctx.teams.isAdmin(team.id, props.user.id)))
    throw notAllowed(
      "incident.webhook.not_admin",
      `Only team admins of ${team.name} and system admins may manage its event subscriptions.`,
    );
}

/**
 * The subscription, if the user may see it (`read`) or change it, read its
 * log or delete it (`manage`); 404 when there is none they may know of.
 */
export async function accessWebhook(
  deps: DeliveryDeps,
  props: { user: User; webhookId: string; intent: "read" | "manage" },
): Promise<WebhookRecord> {
  const webhook = await deps.webhooks.getWebhook(props.webhookId);
  if (!webhook) throw notFound("incident.webhook.not_found", `webhook: no event subscription with id ${props.webhookId}`);
  // Outside the team, the subscription is not there at all.
  if (!isSystemAdmin(props.user) && !(await deps.ctx.teams.isMember(webhook.team_id, props.user.id)))
    throw notFound("incident.webhook.not_found", `webhook: no event subscription with id ${props.webhookId}`);
  await assertTeamAdmin(deps, { user: props.user, teamId: webhook.team_id });
  if (props.intent === "manage" && webhook.include_private && !isSystemAdmin(props.user))
    throw notAllowed(
      "incident.webhook.private_admin_only",
      "This subscription includes private incidents' events: only system admins may change it, delete it or read its delivery log.",
    );
  return webhook;
}

function assertMaySetPrivate(user: User, includePrivate: boolean | undefined): void {
  if (includePrivate && !isSystemAdmin(user))
    throw notAllowed(
      "incident.webhook.include_private",
      "include_private: only system admins may subscribe to private incidents' events, which would leave the workspace for people who may not read them here.",
    );
}

/** Create a subscription; answers it with its secret (shown only now). */
export async function webhookCreator(
  deps: DeliveryDeps,
  props: { user: User; input: z.output<typeof createWebhookSchema> },
): Promise<Webhook & { secret: string }> {
  const { input, user } = props;
  await assertTeamAdmin(deps, { user, teamId: input.team_id });
  assertMaySetPrivate(user, input.include_private);
  if ((await deps.webhooks.countWebhooks(input.team_id)) >= WEBHOOK_LIMITS.perTeamMax)
    throw invalid(
      "incident.webhook.too_many",
      `team_id: the team has ${WEBHOOK_LIMITS.perTeamMax} event subscriptions, the most it may have; delete one first`,
    );
  const now = deps.ctx.clock.now();
  const record: WebhookRecord = {
    id: newId(),
    team_id: input.team_id,
    url: input.url,
    events: input.events,
    include_private: input.include_private ?? false,
    active: true,
    secret: newSecret(),
    creator_user_id: user.id,
    create_at: now,
    update_at: now,
  };
  await deps.webhooks.insertWebhook(record);
  return { ...presentWebhook(record), secret: record.secret };
}

/** A team's subscriptions, or every team's for a system admin who names none. */
export async function webhookLister(deps: DeliveryDeps, props: { user: User; teamId?: string }): Promise<Webhook[]> {
  if (props.teamId === undefined) {
    if (!isSystemAdmin(props.user))
      throw invalid("incident.webhook.list.team_required", "team_id: required (only system admins may list every team's subscriptions)");
  } else await assertTeamAdmin(deps, { user: props.user, teamId: props.teamId });
  return (await deps.webhooks.listWebhooks({ teamId: props.teamId })).map(presentWebhook);
}

/** Change a subscription's address, events, `include_private` or whether it is active. */
export async function webhookPatcher(
  deps: DeliveryDeps,
  props: { user: User; webhookId: string; patch: z.output<typeof patchWebhookSchema> },
): Promise<Webhook> {
  const webhook = await accessWebhook(deps, { user: props.user, webhookId: props.webhookId, intent: "manage" });
  assertMaySetPrivate(props.user, props.patch.include_private);
  const update_at = deps.ctx.clock.now();
  await deps.webhooks.updateWebhook(webhook.id, { ...props.patch, update_at });
  const updated = await deps.webhooks.getWebhook(webhook.id);
  if (!updated) throw notFound("incident.webhook.not_found", `webhook: no event subscription with id ${props.webhookId}`);
  return presentWebhook(updated);
}

/** Delete a subscription, its delivery log and its pending deliveries. */
export async function webhookDeleter(deps: DeliveryDeps, props: { user: User; webhookId: string }): Promise<Webhook> {
  const webhook = await accessWebhook(deps, { user: props.user, webhookId: props.webhookId, intent: "manage" });
  for (const deliveryId of await deps.webhooks.deleteWebhook(webhook.id)) await deps.ctx.jobs.cancel(DELIVERY_JOB, deliveryId);
  return presentWebhook(webhook);
}

/** A subscription's delivery log, newest first, each delivery with its attempts. */
export async function deliveryLister(
  deps: DeliveryDeps,
  props: { user: User; webhookId: string; query: z.output<typeof listDeliveriesQuerySchema> },
): Promise<{ items: Delivery[]; total_count: number }> {
  const webhook = await accessWebhook(deps, { user: props.user, webhookId: props.webhookId, intent: "manage" });
  const page = await deps.webhooks.listDeliveries({
    webhookId: webhook.id,
    status: props.query.status,
    page: props.query.page,
    perPage: props.query.per_page,
  });
  const attempts = await deps.webhooks.attemptsOf(page.items.map((d) => d.id));
  const items = page.items.map(({ payload: _payload, team_id: _team, ...d }) => ({
    ...d,
    message_id: messageIdOf(d.id),
    attempt_log: attempts.get(d.id) ?? [],
  }));
  return { items, total_count: page.total };
}
