/**
 * @module incident/common/review-types
 * Wire types and request schemas of the review half of DESIGN.md section 10:
 * the retrospective and its follow-ups, the export, the history filters of
 * `GET /incidents`, `GET /stats` and a drill's report. The answers' schemas,
 * shared with the web side, are in review-answers.ts.
 */
import { z } from "zod";
import { pageQuerySchema } from "#common/limits.ts";
import { INCIDENT_LIMITS } from "./types.ts";

/** Limits of the review routes, shared by the server checks and the web forms. */
export const REVIEW_LIMITS = {
  /** A retrospective's markdown (a post's limit: it is published as one). */
  retrospectiveMax: 16_383,
  followUpTitleMax: 256,
  /** Follow-ups of one incident. */
  followUpsMax: 200,
  /** The name filter `q`. */
  queryMax: 128,
} as const;

const idSchema = z.string().regex(/^[a-z0-9]{26}$/, "must be an id (26 lowercase letters and digits)");
const userIdOrNone = z
  .string({ error: 'must be a user id (26 lowercase letters and digits) or "" for nobody' })
  .regex(/^(?:[a-z0-9]{26})?$/, 'must be a user id (26 lowercase letters and digits) or "" for nobody');
/** A time in a query string: ms since the epoch. */
const queryTime = z.coerce
  .number({ error: "must be a time in ms since the epoch" })
  .int("must be a whole number of ms since the epoch")
  .min(0, "must be 0 or more");
/** `true` or `false` in a query string. */
const queryBoolean = z.enum(["true", "false"], { error: "must be true or false" }).transform((v) => v === "true");

// ---- retrospective --------------------------------------------------------

/** An incident's retrospective: `version` 0 is the playbook's template, not yet saved. */
export interface Retrospective {
  incident_id: string;
  text: string;
  version: number;
  /** When it was last saved; 0 before the first save. */
  update_at: number;
  /** Who saved it last; "" before the first save. */
  updated_by: string;
  /** When it was last published; 0 before. */
  published_at: number;
}

/** `PUT /incidents/{id}/retrospective`: `base_version` is the version the text was edited from. */
export const saveRetrospectiveSchema = z.object({
  text: z
    .string({ error: "must be a string" })
    .max(REVIEW_LIMITS.retrospectiveMax, `must be at most ${REVIEW_LIMITS.retrospectiveMax} characters`),
  base_version: z
    .number({ error: "must be the version the text was edited from (a whole number)" })
    .int("must be a whole number")
    .min(0, "must be 0 or more"),
});
export type SaveRetrospectiveRequest = z.infer<typeof saveRetrospectiveSchema>;

/** A follow-up item: something to do after the incident. */
export interface FollowUp {
  id: string;
  incident_id: string;
  title: string;
  /** "" when nobody. */
  assignee_user_id: string;
  done: boolean;
  create_at: number;
  update_at: number;
}

const followUpTitle = z
  .string({ error: "must be a string" })
  .trim()
  .min(1, "must not be empty")
  .max(REVIEW_LIMITS.followUpTitleMax, `must be at most ${REVIEW_LIMITS.followUpTitleMax} characters`);

/** `POST /incidents/{id}/follow-ups`. */
export const createFollowUpSchema = z.object({
  title: followUpTitle,
  assignee_user_id: userIdOrNone.optional(),
  done: z.boolean({ error: "must be true or false" }).optional(),
});
export type CreateFollowUpRequest = z.infer<typeof createFollowUpSchema>;

/** `PATCH /incidents/{id}/follow-ups/{follow_up_id}`: one or more of these. */
export const patchFollowUpSchema = z
  .object({
    title: followUpTitle.optional(),
    assignee_user_id: userIdOrNone.optional(),
    done: z.boolean({ error: "must be true or false" }).optional(),
  })
  .strict()
  .refine((b) => b.title !== undefined || b.assignee_user_id !== undefined || b.done !== undefined, {
    message: "give title, assignee_user_id or done",
  });
export type PatchFollowUpRequest = z.infer<typeof patchFollowUpSchema>;

// ---- export ---------------------------------------------------------------

/** `GET /incidents/{id}/export` query. */
export const exportQuerySchema = z.object({
  format: z.enum(["markdown", "json"], { error: "must be markdown or json" }).default("markdown"),
});

// ---- history --------------------------------------------------------------

/** The columns the history may be sorted by. */
export const HISTORY_SORTS = ["create_at", "end_at", "severity", "name"] as const;
export type HistorySort = (typeof HISTORY_SORTS)[number];

/**
 * `GET /incidents` query: the filters of DESIGN.md sections 4 and 10, each
 * optional; `since`/`until` bound the start time (ms, `until` exclusive);
 * `q` matches the name (case-insensitive, anywhere in it). Default order:
 * newest first.
 */
export const historyQuerySchema = pageQuerySchema().extend({
  team_id: idSchema.optional(),
  channel_id: idSchema.optional(),
  status: z.enum(["active", "ended", "all"], { error: "must be active, ended or all" }).optional(),
  commander_user_id: idSchema.optional(),
  severity: z
    .string()
    .trim()
    .min(1, "must not be empty")
    .max(INCIDENT_LIMITS.severityNameMax, `must be at most ${INCIDENT_LIMITS.severityNameMax} characters`)
    .optional(),
  playbook_id: z.union([idSchema, z.literal("none")], { error: 'must be a playbook id, or "none" for incidents without one' }).optional(),
  since: queryTime.optional(),
  until: queryTime.optional(),
  q: z.string().trim().max(REVIEW_LIMITS.queryMax, `must be at most ${REVIEW_LIMITS.queryMax} characters`).optional(),
  drill: queryBoolean.optional(),
  sort: z.enum(HISTORY_SORTS, { error: `must be one of ${HISTORY_SORTS.join(", ")}` }).default("create_at"),
  direction: z.enum(["asc", "desc"], { error: "must be asc or desc" }).default("desc"),
});
export type HistoryQuery = z.infer<typeof historyQuerySchema>;

// ---- stats ----------------------------------------------------------------

/** `GET /stats` query: incidents started in [since, until) of one team; drills only with `include_drills=true`. */
export const statsQuerySchema = z.object({
  team_id: idSchema,
  since: queryTime.optional(),
  until: queryTime.optional(),
  include_drills: queryBoolean.default(false),
});
export type StatsQuery = z.infer<typeof statsQuerySchema>;

/** The metrics of DESIGN.md section 10, computed from the timeline; a mean or median of nothing is null. */
export interface IncidentStats {
  count: number;
  active: number;
  mean_time_to_resolve_ms: number | null;
  median_time_to_resolve_ms: number | null;
  mean_time_to_first_update_ms: number | null;
  median_time_to_first_update_ms: number | null;
  by_severity: Record<string, number>;
  /** Playbook id ("" without one) → count. */
  by_playbook: Record<string, number>;
  /** Playbook id ("" without one) → its name at start. */
  playbook_names: Record<string, string>;
  /** Playbook id → stage → mean ms an incident spent in it (incidents that entered it). */
  time_in_stage_ms: Record<string, Record<string, number>>;
  /** Weeks (Monday 00:00 UTC) with at least one incident, oldest first. */
  by_week: Array<{ week_start: number; count: number; by_severity: Record<string, number> }>;
  /** Each ended incident's start and time to resolve, oldest first (the "time to resolve over time" chart). */
  resolved: Array<{ incident_id: string; create_at: number; time_to_resolve_ms: number; severity: string }>;
}

// ---- drill report ---------------------------------------------------------

/** How the team did against the playbook's due times and update interval (`GET /incidents/{id}/report`). */
export interface ResponseReport {
  incident_id: string;
  drill: boolean;
  /** The playbook's `update_every`, ms; 0 when none. */
  update_every_ms: number;
  /** From the start to the first status update; null when none was posted. */
  time_to_first_update_ms: number | null;
  /** True when the first update came later than `update_every_ms` after the start, or never (with an interval). */
  first_update_late: boolean;
  /** The longest stretch without an update while active (start → first, between updates, last → end or now), ms. */
  longest_update_gap_ms: number;
  /** Items with a due time. */
  items_with_due: number;
  /** Items checked after their due time. */
  items_done_late: number;
  /** Items not checked and past their due time (at the end, or now). */
  items_missed: number;
  items: Array<{ id: string; title: string; due_at: number; checked_at: number; outcome: "on_time" | "late" | "missed" | "open" }>;
}
