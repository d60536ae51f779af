/**
 * @module incident/common/review-answers
 * The schemas of the review routes' answers, written once for every reader:
 * the server's route table (OpenAPI), the tests, and the web pages, which
 * parse what arrives with them. `zod/mini` because the web bundle carries
 * them (it tree-shakes; see web/incident-types.ts). The types they check are
 * in review-types.ts.
 */
import * as z from "zod/mini";
import type { FollowUp, IncidentStats, ResponseReport, Retrospective } from "./review-types.ts";

export const retrospectiveAnswerSchema: z.ZodMiniType<Retrospective> = z.object({
  incident_id: z.string(),
  text: z.string(),
  version: z.number(),
  update_at: z.number(),
  updated_by: z.string(),
  published_at: z.number(),
});

export const followUpAnswerSchema: z.ZodMiniType<FollowUp> = z.object({
  id: z.string(),
  incident_id: z.string(),
  title: z.string(),
  assignee_user_id: z.string(),
  done: z.boolean(),
  create_at: z.number(),
  update_at: z.number(),
});

/** `GET /incidents/{id}/follow-ups`: oldest first. */
export const followUpsAnswerSchema = z.object({ items: z.array(followUpAnswerSchema) });

const countMap = z.record(z.string(), z.number());
export const statsAnswerSchema: z.ZodMiniType<IncidentStats> = z.object({
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

export const responseReportAnswerSchema: z.ZodMiniType<ResponseReport> = z.object({
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
