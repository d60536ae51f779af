/**
 * @module incident-types
 * Parsers for the Incident plugin's wire data as the web side reads it. The
 * types are the server's (`plugins/incident/common/types.ts`, imported as
 * types only); these schemas check what arrives against them, so a surprise
 * from the server shows as an error instead of a broken screen. They tolerate
 * missing optional parts (filled with the documented defaults) and extra keys.
 *
 * `zod/mini` rather than `zod`: it tree-shakes, which keeps the plugin's
 * browser bundle about a tenth of the size.
 */
import * as z from "zod/mini";
import { TIMELINE_TYPES } from "./constants.ts";
import type { ChecklistItem, Incident, StatusUpdate, TimelineEntry } from "../common/types.ts";

export type { ChecklistItem, Incident, StatusUpdate, TimelineEntry };
export type ForwardingRule = Incident["forwarding"][number];

const checklistItemSchema = z.object({
  id: z.string(),
  number: z._default(z.number(), 0),
  title: z.string(),
  stage: z._default(z.nullable(z.string()), null),
  checked: z._default(z.boolean(), false),
  checked_by: z.pipe(
    z._default(z.nullable(z.string()), ""),
    z.transform((v) => v ?? ""),
  ),
  checked_at: z._default(z.number(), 0),
  assignee_user_id: z._default(z.string(), ""),
  due_at: z._default(z.number(), 0),
});

const forwardingRuleSchema = z.object({
  from: z._default(z.union([z.literal("*"), z.array(z.string())]), []),
  keywords: z._default(z.array(z.string()), []),
  exclude_keywords: z._default(z.array(z.string()), []),
  regex: z.optional(z.string()),
  authors: z._default(z.array(z.string()), []),
  match: z._default(z.enum(["any", "all"]), "any"),
});

export const incidentSchema: z.ZodMiniType<Incident> = z.object({
  id: z.string(),
  name: z.string(),
  team_id: z.string(),
  channel_id: z.string(),
  channel_name: z._default(z.string(), ""),
  seq: z._default(z.number(), 0),
  commander_user_id: z.string(),
  playbook_id: z._default(z.string(), ""),
  playbook_version: z._default(z.number(), 0),
  fields: z._default(z.record(z.string(), z.string()), {}),
  current_stage: z.string(),
  stages: z._default(z.array(z.object({ name: z.string() })), []),
  checklist: z._default(z.array(checklistItemSchema), []),
  forwarding: z._default(z.array(forwardingRuleSchema), []),
  private: z._default(z.boolean(), false),
  severity: z._default(z.string(), ""),
  severities: z._default(z.array(z.string()), []),
  roles: z._default(z.record(z.string(), z.string()), {}),
  last_status_update_at: z._default(z.number(), 0),
  update_every_ms: z._default(z.number(), 0),
  drill: z._default(z.boolean(), false),
  channel_created: z._default(z.boolean(), true),
  archive_on_end: z._default(z.boolean(), false),
  status: z.enum(["active", "ended"]),
  create_at: z.number(),
  update_at: z._default(z.number(), 0),
  end_at: z._default(z.number(), 0),
});

export const incidentListSchema = z.object({ items: z.array(incidentSchema), total_count: z._default(z.number(), 0) });

/** One field a playbook asks for at start. */
export interface PlaybookFieldInfo {
  key: string;
  required: boolean;
  description: string;
  default: string;
}

/** The parts of a playbook the start form needs. */
export const playbookSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z._default(z.string(), ""),
  fields: z._default(
    z.record(
      z.string(),
      z.nullable(
        z.object({ required: z._default(z.boolean(), false), description: z.optional(z.string()), default: z.optional(z.string()) }),
      ),
    ),
    {},
  ),
});
export type PlaybookSummary = z.infer<typeof playbookSummarySchema>;

export const playbookListSchema = z.object({ items: z.array(playbookSummarySchema) });

/** The fields a playbook asks for at start, in its order. */
export function playbookFields(playbook: PlaybookSummary): PlaybookFieldInfo[] {
  return Object.entries(playbook.fields).map(([key, spec]) => ({
    key,
    required: spec?.required ?? false,
    description: spec?.description ?? "",
    default: spec?.default ?? "",
  }));
}

/** Props of a `custom_incident_update` post (see docs/incident.md, "Posts"). */
export const updatePostPropsSchema = z.looseObject({
  action: z.optional(z.string()),
  incident_id: z.optional(z.string()),
  incident_name: z.optional(z.string()),
});

/** One timeline entry (`GET /incidents/{id}/timeline`, `timeline_entry_added`). */
export const timelineEntrySchema: z.ZodMiniType<TimelineEntry> = z.object({
  id: z.string(),
  incident_id: z.string(),
  type: z.enum(TIMELINE_TYPES),
  create_at: z.number(),
  actor_user_id: z._default(z.string(), ""),
  summary: z._default(z.string(), ""),
  post_id: z._default(z.string(), ""),
  details: z._default(z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])), {}),
});

export const timelineSchema = z.object({ items: z.array(timelineEntrySchema) });

/** One status update (`POST`/`GET /incidents/{id}/status-updates`). */
export const statusUpdateSchema: z.ZodMiniType<StatusUpdate> = z.object({
  id: z.string(),
  incident_id: z.string(),
  message: z.string(),
  author_user_id: z._default(z.string(), ""),
  post_id: z._default(z.string(), ""),
  severity: z._default(z.string(), ""),
  stage: z._default(z.string(), ""),
  create_at: z.number(),
  broadcast: z._default(
    z.array(
      z.object({
        channel_name: z.string(),
        channel_id: z.string(),
        status: z.enum(["posted", "skipped"]),
        post_id: z.string(),
        reason: z.string(),
      }),
    ),
    [],
  ),
});

export const statusUpdatePageSchema = z.object({ items: z.array(statusUpdateSchema), total_count: z._default(z.number(), 0) });

/** `{status: "OK"}`. */
export const okSchema = z.object({ status: z.literal("OK") });
