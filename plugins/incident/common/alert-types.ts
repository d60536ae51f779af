/**
 * @module incident/common/alert-types
 * Alert intake (DESIGN.md section 11): the alert source API's request and
 * answer shapes, and the two notification bodies an alert source accepts —
 * Prometheus Alertmanager's `webhook_configs` (payload version 4) and
 * Grafana alerting's webhook contact point. Shared by the server, the web
 * console page and the CLI.
 */
import { z } from "zod";
import { idSchema, INCIDENT_LIMITS } from "./types.ts";

/** The senders an alert source understands. */
export const ALERT_SOURCE_KINDS = ["alertmanager", "grafana"] as const;
export type AlertSourceKind = (typeof ALERT_SOURCE_KINDS)[number];

export const ALERT_LIMITS = {
  sourceNameMax: 64,
  labelNameMax: 128,
  /** Bytes of a notification's body: Alertmanager caps a group at `max_alerts`, a thousand alerts fit. */
  notificationBodyMax: 1024 * 1024,
  /** Alerts in one notification. */
  alertsMax: 1000,
  /** Characters of a group key (Alertmanager's are a route path and the group's labels). */
  groupKeyMax: 4096,
} as const;

const sourceNameSchema = z
  .string({ error: "must be a name" })
  .trim()
  .min(1, "must not be empty")
  .max(ALERT_LIMITS.sourceNameMax, `must be at most ${ALERT_LIMITS.sourceNameMax} characters`);
const kindSchema = z.enum(ALERT_SOURCE_KINDS, { error: `must be one of ${ALERT_SOURCE_KINDS.join(", ")}` });
const labelNameSchema = z
  .string()
  .trim()
  .max(ALERT_LIMITS.labelNameMax, `must be at most ${ALERT_LIMITS.labelNameMax} characters`)
  .regex(/^$|^[A-Za-z_][A-Za-z0-9_]*$/, "must be a label name (letters, digits and _)");
const optionalIdSchema = z.union([idSchema, z.literal("")]);
const inviteSchema = z
  .array(idSchema, { error: "must be a list of user ids" })
  .max(INCIDENT_LIMITS.inviteMax, `must list at most ${INCIDENT_LIMITS.inviteMax} users`);
const flagSchema = z.boolean({ error: "must be true or false" });

/** `POST /alert-sources`. */
export const createAlertSourceSchema = z.object({
  team_id: idSchema,
  name: sourceNameSchema,
  kind: kindSchema,
  playbook_id: optionalIdSchema.optional(),
  /** The label whose value names the severity (e.g. `severity`: `critical` → the playbook's first severity). */
  severity_label: labelNameSchema.optional(),
  /** The commander of the incidents it starts; default: whoever created the source. */
  commander_user_id: optionalIdSchema.optional(),
  invite: inviteSchema.optional(),
  /** End the incident when its alert group resolves (default false: the resolution is posted, people end it). */
  end_on_resolve: flagSchema.optional(),
});
export type CreateAlertSourceRequest = z.infer<typeof createAlertSourceSchema>;

/** `PATCH /alert-sources/{id}`: one or more of these; `rotate_token: true` answers a new URL and the old one stops working. */
export const patchAlertSourceSchema = z
  .object({
    name: sourceNameSchema.optional(),
    playbook_id: optionalIdSchema.optional(),
    severity_label: labelNameSchema.optional(),
    commander_user_id: optionalIdSchema.optional(),
    invite: inviteSchema.optional(),
    end_on_resolve: flagSchema.optional(),
    rotate_token: flagSchema.optional(),
  })
  .refine((patch) => Object.values(patch).some((v) => v !== undefined), { message: "give at least one field to change" });
export type PatchAlertSourceRequest = z.infer<typeof patchAlertSourceSchema>;

export const listAlertSourcesQuerySchema = z.object({ team_id: idSchema });

/** An alert source as the API answers it: never its token (only `url` in the answer of a create or a rotation). */
export const alertSourceAnswerSchema = z.object({
  id: z.string(),
  team_id: z.string(),
  name: z.string(),
  kind: kindSchema,
  playbook_id: z.string(),
  severity_label: z.string(),
  commander_user_id: z.string(),
  invite: z.array(z.string()),
  end_on_resolve: z.boolean(),
  created_by: z.string(),
  create_at: z.number(),
  update_at: z.number(),
  /** When it last received a notification; 0 never. */
  last_received_at: z.number(),
});
export type AlertSource = z.infer<typeof alertSourceAnswerSchema>;

/** The answer of a create or a token rotation: the source and its URL, shown this once. */
export const alertSourceCreatedSchema = alertSourceAnswerSchema.extend({ url: z.string() });
export type AlertSourceCreated = z.infer<typeof alertSourceCreatedSchema>;

export const alertSourceListSchema = z.object({ items: z.array(alertSourceAnswerSchema) });

/** What the intake did with a notification. */
export const ALERT_OUTCOMES = ["started", "updated", "repeated", "resolved", "ignored"] as const;
export type AlertOutcome = (typeof ALERT_OUTCOMES)[number];
export const alertIntakeAnswerSchema = z.object({ outcome: z.enum(ALERT_OUTCOMES), incident_id: z.string() });
export type AlertIntakeAnswer = z.infer<typeof alertIntakeAnswerSchema>;

// ---- notification bodies ---------------------------------------------------

const labelsSchema = z.record(z.string(), z.string({ error: "must be a string" }), { error: "must be an object of strings" });
const statusSchema = z.enum(["firing", "resolved"], { error: "must be firing or resolved" });

const alertSchema = z.looseObject({
  status: statusSchema,
  labels: labelsSchema,
  annotations: labelsSchema.default({}),
  startsAt: z.string().default(""),
  endsAt: z.string().default(""),
  generatorURL: z.string().default(""),
  fingerprint: z.string().default(""),
});

const groupFields = {
  groupKey: z.string({ error: "must be a string" }).min(1, "must not be empty").max(ALERT_LIMITS.groupKeyMax),
  status: statusSchema,
  receiver: z.string().default(""),
  groupLabels: labelsSchema.default({}),
  commonLabels: labelsSchema.default({}),
  commonAnnotations: labelsSchema.default({}),
  externalURL: z.string().default(""),
  truncatedAlerts: z.number().int().nonnegative().default(0),
  alerts: z
    .array(alertSchema, { error: "must be a list of alerts" })
    .min(1, "must list at least one alert")
    .max(ALERT_LIMITS.alertsMax, `must list at most ${ALERT_LIMITS.alertsMax} alerts`),
};

/** Alertmanager's `webhook_configs` body, payload version 4. */
export const alertmanagerNotificationSchema = z.looseObject(
  {
    version: z.literal("4", { error: 'must be "4" (Alertmanager\'s webhook payload version)' }),
    ...groupFields,
  },
  { error: "must be a JSON object" },
);

/** Grafana alerting's webhook contact point body (Alertmanager's, plus `orgId`, `title`, `state`, `message`). */
export const grafanaNotificationSchema = z.looseObject(
  {
    version: z.string().default("1"),
    orgId: z.number().optional(),
    title: z.string().default(""),
    state: z.string().default(""),
    message: z.string().default(""),
    ...groupFields,
  },
  { error: "must be a JSON object" },
);

export type AlertNotification = z.infer<typeof alertmanagerNotificationSchema> | z.infer<typeof grafanaNotificationSchema>;
