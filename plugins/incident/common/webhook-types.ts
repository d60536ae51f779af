/**
 * @module incident/common/webhook-types
 * Event subscriptions (signed outgoing webhooks, DESIGN.md section 11): the
 * event type names, the request schemas of `/api/v1/webhooks` and the wire
 * shapes of a subscription and its delivery log, shared by the server, the
 * command line and (as types) the web side.
 */
import { z } from "zod";
import { pageQuerySchema } from "#common/limits.ts";
import { TIMELINE_TYPES, type TimelineType } from "./timeline-types.ts";

/** An event's `type`: `incident.<timeline type>`. */
export type WebhookEventType = `incident.${TimelineType}`;

/** Every event type a subscription may name, in timeline order. */
export const WEBHOOK_EVENT_TYPES: readonly WebhookEventType[] = TIMELINE_TYPES.map((t): WebhookEventType => `incident.${t}`);

/** The event type of a timeline entry. */
export function webhookEventType(type: TimelineType): WebhookEventType {
  return `incident.${type}`;
}

/** Limits shared by the server checks and the forms. */
export const WEBHOOK_LIMITS = {
  urlMax: 2048,
  /** Subscriptions of one team. */
  perTeamMax: 50,
} as const;

/** Where a delivery stands: waiting for its next attempt, accepted by the receiver, or given up. */
export const DELIVERY_STATUSES = ["pending", "delivered", "failed"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** A subscription as the API answers it; the secret is shown once, when it is created. */
export interface Webhook {
  id: string;
  team_id: string;
  url: string;
  /** Event types, or `["*"]` for every one. */
  events: string[];
  /** Also private incidents' events (set by system admins only). */
  include_private: boolean;
  /** Paused subscriptions get no new deliveries. */
  active: boolean;
  creator_user_id: string;
  create_at: number;
  update_at: number;
}

/** One attempt of a delivery. */
export interface DeliveryAttempt {
  /** From 1. */
  number: number;
  /** When it was made (ms); its `webhook-timestamp` is this time in seconds. */
  at: number;
  /** The receiver's HTTP status; 0 when there was no answer. */
  response_status: number;
  /** Why it failed ("" when it succeeded). */
  error: string;
  /** How long the receiver took; 0 when the attempt never finished. */
  duration_ms: number;
}

/** One event sent (or being sent) to a subscription. */
export interface Delivery {
  id: string;
  webhook_id: string;
  /** The `webhook-id` header: the same on every attempt, so receivers can drop duplicates. */
  message_id: string;
  event_type: string;
  incident_id: string;
  entry_id: string;
  status: DeliveryStatus;
  /** Attempts made so far. */
  attempts: number;
  /** The last answer's HTTP status; 0 when none came. */
  response_status: number;
  /** When the next attempt is due; 0 when none will be made. */
  next_attempt_at: number;
  last_attempt_at: number;
  last_error: string;
  create_at: number;
  /** When the receiver accepted it; 0 until then. */
  delivered_at: number;
  attempt_log: DeliveryAttempt[];
}

/** The body every receiver gets (Standard Webhooks' `{type, timestamp, data}`). */
export interface WebhookEventBody {
  type: WebhookEventType;
  /** When the event happened, ISO 8601. */
  timestamp: string;
  data: { incident: unknown; entry: unknown };
}

const idSchema = z.string().regex(/^[a-z0-9]{26}$/, "must be an id (26 lowercase letters and digits)");

const urlSchema = z
  .string()
  .max(WEBHOOK_LIMITS.urlMax, `must be at most ${WEBHOOK_LIMITS.urlMax} characters`)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "" && !url.username && !url.password;
    } catch {
      return false;
    }
  }, "must be an http:// or https:// address without a user name or password");

const eventsSchema = z
  .array(z.string())
  .min(1, 'must name at least one event type, or be ["*"] for every one')
  .superRefine((events, check) => {
    if (events.includes("*") && events.length > 1) check.addIssue({ code: "custom", message: '"*" means every event type: give it alone' });
    for (const [i, event] of events.entries())
      if (event !== "*" && !WEBHOOK_EVENT_TYPES.some((t) => t === event))
        check.addIssue({
          code: "custom",
          path: [i],
          message: `"${event}" is not an event type; the types are incident.<timeline type>, e.g. incident.incident_started, or "*"`,
        });
  })
  .transform((events) => [...new Set(events)]);

/** `POST /webhooks`. */
export const createWebhookSchema = z.strictObject({
  team_id: idSchema,
  url: urlSchema,
  events: eventsSchema,
  include_private: z.boolean().optional(),
});
export type CreateWebhookRequest = z.input<typeof createWebhookSchema>;

/** `PATCH /webhooks/{id}`: the fields to change. */
export const patchWebhookSchema = z
  .strictObject({
    url: urlSchema.optional(),
    events: eventsSchema.optional(),
    include_private: z.boolean().optional(),
    active: z.boolean().optional(),
  })
  .refine((patch) => Object.values(patch).some((v) => v !== undefined), "give at least one of url, events, include_private, active");

/** `GET /webhooks`: a team's subscriptions (every team's, for system admins, without `team_id`). */
export const listWebhooksQuerySchema = z.object({ team_id: idSchema.optional() });

/** `GET /webhooks/{id}/deliveries`: newest first, paged, optionally of one status. */
export const listDeliveriesQuerySchema = pageQuerySchema().extend({ status: z.enum(DELIVERY_STATUSES).optional() });

export const webhookAnswerSchema = z.object({
  id: z.string(),
  team_id: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  include_private: z.boolean(),
  active: z.boolean(),
  creator_user_id: z.string(),
  create_at: z.number(),
  update_at: z.number(),
});

/** `POST /webhooks`: the subscription and its signing secret (`whsec_…`), shown only here. */
export const createdWebhookAnswerSchema = webhookAnswerSchema.extend({ secret: z.string() });

export const webhookListAnswerSchema = z.object({ items: z.array(webhookAnswerSchema) });

export const deliveryAnswerSchema = z.object({
  id: z.string(),
  webhook_id: z.string(),
  message_id: z.string(),
  event_type: z.string(),
  incident_id: z.string(),
  entry_id: z.string(),
  status: z.enum(DELIVERY_STATUSES),
  attempts: z.number(),
  response_status: z.number(),
  next_attempt_at: z.number(),
  last_attempt_at: z.number(),
  last_error: z.string(),
  create_at: z.number(),
  delivered_at: z.number(),
  attempt_log: z.array(
    z.object({ number: z.number(), at: z.number(), response_status: z.number(), error: z.string(), duration_ms: z.number() }),
  ),
});

export const deliveryPageAnswerSchema = z.object({ items: z.array(deliveryAnswerSchema), total_count: z.number() });
