/**
 * @module review-types
 * Parsers (`zod/mini`, as incident-types.ts) for the review routes' answers
 * as the web side reads them: a page of incidents, the retrospective,
 * follow-ups, the response report and `/stats`. The types are the server's.
 */
import * as z from "zod/mini";
import type { FollowUp, IncidentStats, ResponseReport, Retrospective } from "../common/review-types.ts";
import { incidentSchema } from "./incident-types.ts";

export type { FollowUp, IncidentStats, ResponseReport, Retrospective };

export const incidentPageSchema = z.object({ items: z.array(incidentSchema), total_count: z.number() });

export const retrospectiveSchema: z.ZodMiniType<Retrospective> = z.object({
  incident_id: z.string(),
  text: z.string(),
  version: z.number(),
  update_at: z._default(z.number(), 0),
  updated_by: z._default(z.string(), ""),
  published_at: z._default(z.number(), 0),
});

/** The `details` of a 409 on save: the text someone else saved. */
export const retrospectiveConflictSchema = z.object({ text: z.string(), version: z.number() });

export const followUpSchema: z.ZodMiniType<FollowUp> = z.object({
  id: z.string(),
  incident_id: z.string(),
  title: z.string(),
  assignee_user_id: z._default(z.string(), ""),
  done: z._default(z.boolean(), false),
  create_at: z._default(z.number(), 0),
  update_at: z._default(z.number(), 0),
});
export const followUpListSchema = z.object({ items: z.array(followUpSchema) });

export const publishedSchema = z.looseObject({ post_id: z.string() });

const countMap = z.record(z.string(), z.number());
export const statsSchema: z.ZodMiniType<IncidentStats> = z.object({
  count: z.number(),
  active: z.number(),
  mean_time_to_resolve_ms: z.nullable(z.number()),
  median_time_to_resolve_ms: z.nullable(z.number()),
  mean_time_to_first_update_ms: z.nullable(z.number()),
  median_time_to_first_update_ms: z.nullable(z.number()),
  by_severity: countMap,
  by_playbook: countMap,
  playbook_names: z.record(z.string(), z.string()),
  time_in_stage_ms: z.record(z.string(), countMap),
  by_week: z.array(z.object({ week_start: z.number(), count: z.number(), by_severity: countMap })),
  resolved: z.array(z.object({ incident_id: z.string(), create_at: z.number(), time_to_resolve_ms: z.number(), severity: z.string() })),
});

export const reportSchema: z.ZodMiniType<ResponseReport> = z.object({
  incident_id: z.string(),
  drill: z.boolean(),
  update_every_ms: z.number(),
  time_to_first_update_ms: z.nullable(z.number()),
  first_update_late: z.boolean(),
  longest_update_gap_ms: z.number(),
  items_with_due: z.number(),
  items_done_late: z.number(),
  items_missed: z.number(),
  items: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      due_at: z.number(),
      checked_at: z.number(),
      outcome: z.enum(["on_time", "late", "missed", "open"]),
    }),
  ),
});

/** The export's JSON, read only for its download. */
export const exportSchema = z.looseObject({ incident: incidentSchema });
