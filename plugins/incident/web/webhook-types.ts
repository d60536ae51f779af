/**
 * @module webhook-types
 * Parsers (`zod/mini`, as incident-types.ts) for the event subscription
 * routes' answers as the System Console page reads them. The types are the
 * server's (`plugins/incident/common/webhook-types.ts`).
 */
import * as z from "zod/mini";
import type { Delivery, Webhook } from "../common/webhook-types.ts";

export type { Delivery, Webhook };

export const webhookSchema: z.ZodMiniType<Webhook> = z.object({
  id: z.string(),
  team_id: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  include_private: z._default(z.boolean(), false),
  active: z._default(z.boolean(), true),
  creator_user_id: z._default(z.string(), ""),
  create_at: z._default(z.number(), 0),
  update_at: z._default(z.number(), 0),
});
export const webhookListSchema = z.object({ items: z.array(webhookSchema) });

const attemptSchema = z.object({
  number: z.number(),
  at: z.number(),
  response_status: z._default(z.number(), 0),
  error: z._default(z.string(), ""),
  duration_ms: z._default(z.number(), 0),
});

export const deliverySchema: z.ZodMiniType<Delivery> = z.object({
  id: z.string(),
  webhook_id: z.string(),
  message_id: z.string(),
  event_type: z.string(),
  incident_id: z.string(),
  entry_id: z._default(z.string(), ""),
  status: z.enum(["pending", "delivered", "failed"]),
  attempts: z.number(),
  response_status: z._default(z.number(), 0),
  next_attempt_at: z._default(z.number(), 0),
  last_attempt_at: z._default(z.number(), 0),
  last_error: z._default(z.string(), ""),
  create_at: z._default(z.number(), 0),
  delivered_at: z._default(z.number(), 0),
  attempt_log: z._default(z.array(attemptSchema), []),
});
export const deliveryPageSchema = z.object({ items: z.array(deliverySchema), total_count: z.number() });
