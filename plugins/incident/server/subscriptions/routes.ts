/**
 * @module incident/server/subscriptions/routes
 * `/api/v1/webhooks`: create, list, read, change and delete event
 * subscriptions, and read one's delivery log (DESIGN.md section 11). Every
 * change is recorded in the host's audit log: a subscription sends data out
 * of the workspace.
 */
import { z } from "zod";
import {
  createdWebhookAnswerSchema,
  createWebhookSchema,
  deliveryPageAnswerSchema,
  listDeliveriesQuerySchema,
  listWebhooksQuerySchema,
  patchWebhookSchema,
  webhookAnswerSchema,
  webhookListAnswerSchema,
} from "../../common/webhook-types.ts";
import type { User } from "#common/wire.ts";
import { notAllowed } from "#common/plugin-errors.ts";
import { reply } from "../routes/handler-parts.ts";
import type { DeliveryDeps } from "./delivery.ts";
import {
  accessWebhook,
  deliveryLister,
  presentWebhook,
  webhookCreator,
  webhookDeleter,
  webhookLister,
  webhookPatcher,
} from "./webhooks.ts";

const BASE = "/api/v1/webhooks";
const webhookParams = z.object({ id: z.string() });

/** The signed-in caller (the host answers 401 before a `user` route's handler without one). */
function caller(req: { user: User | null }): User {
  if (!req.user) throw notAllowed("incident.auth", "You must be signed in to do that.");
  return req.user;
}

/** Register the subscription routes; the host removes them on disable. */
export function registerWebhookRoutes(deps: DeliveryDeps): void {
  const { ctx } = deps;

  ctx.http.route({
    method: "POST",
    path: BASE,
    policy: "input",
    summary: "Subscribe an address to a team's incident events (team or system admins; include_private: system admins)",
    body: createWebhookSchema,
    invalidId: "incident.webhook.invalid",
    response: createdWebhookAnswerSchema,
    async handler(req) {
      const created = await webhookCreator(deps, { user: caller(req), input: req.body });
      await ctx.audit.record({
        request: req,
        extraInfo: `success - webhook_id=${created.id} team_id=${created.team_id} include_private=${created.include_private}`,
      });
      return reply(201, created);
    },
  });

  ctx.http.route({
    method: "GET",
    path: BASE,
    policy: "input",
    summary: "A team's event subscriptions (every team's for system admins without team_id); secrets are not shown",
    query: listWebhooksQuerySchema,
    invalidId: "incident.webhook.list.invalid",
    response: webhookListAnswerSchema,
    async handler(req) {
      return reply(200, { items: await webhookLister(deps, { user: caller(req), teamId: req.query.team_id }) });
    },
  });

  ctx.http.route({
    method: "GET",
    path: `${BASE}/:id`,
    policy: "team-admin",
    summary: "One event subscription",
    params: webhookParams,
    response: webhookAnswerSchema,
    async handler(req) {
      return reply(200, presentWebhook(await accessWebhook(deps, { user: caller(req), webhookId: req.params.id, intent: "read" })));
    },
  });

  ctx.http.route({
    method: "PATCH",
    path: `${BASE}/:id`,
    policy: "team-admin",
    summary: "Change an event subscription's url, events, include_private or active",
    params: webhookParams,
    body: patchWebhookSchema,
    invalidId: "incident.webhook.invalid",
    response: webhookAnswerSchema,
    async handler(req) {
      const updated = await webhookPatcher(deps, { user: caller(req), webhookId: req.params.id, patch: req.body });
      await ctx.audit.record({ request: req, extraInfo: `success - webhook_id=${updated.id} fields=${Object.keys(req.body).join(",")}` });
      return reply(200, updated);
    },
  });

  ctx.http.route({
    method: "DELETE",
    path: `${BASE}/:id`,
    policy: "team-admin",
    summary: "Delete an event subscription with its delivery log",
    params: webhookParams,
    response: webhookAnswerSchema,
    async handler(req) {
      const deleted = await webhookDeleter(deps, { user: caller(req), webhookId: req.params.id });
      await ctx.audit.record({ request: req, extraInfo: `success - webhook_id=${deleted.id}` });
      return reply(200, deleted);
    },
  });

  ctx.http.route({
    method: "GET",
    path: `${BASE}/:id/deliveries`,
    policy: "team-admin",
    summary: "An event subscription's delivery log, newest first: status, response code, attempts, next attempt, last error",
    params: webhookParams,
    query: listDeliveriesQuerySchema,
    invalidId: "incident.webhook.deliveries.invalid",
    response: deliveryPageAnswerSchema,
    async handler(req) {
      return reply(200, await deliveryLister(deps, { user: caller(req), webhookId: req.params.id, query: req.query }));
    },
  });
}
