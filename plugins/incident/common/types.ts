/**
 * @module incident/common/types
 * Wire types and request schemas of the Incident plugin, shared by its server
 * and web code. The HTTP API lives under `/plugins/incident/api/v1/`; see
 * docs/incident.md for routes, realtime events and post types.
 */
import { z } from "zod";
import { pageQuerySchema } from "#common/limits.ts";
import { forwardingRuleSchema, playbookSpecSchema, type ForwardingRule, type PlaybookSpec } from "./playbook.ts";

/** The plugin id: URL prefix, table prefix, event prefix (`custom_incident_*`). */
export const INCIDENT_PLUGIN_ID = "incident";

/** Where the plugin's HTTP API lives, relative to the site. */
export const INCIDENT_API_BASE = "/plugins/incident/api/v1";

/** Stages of an incident started without a playbook. */
export const DEFAULT_STAGES = ["Triage", "Investigating", "Mitigated", "Resolved"] as const;

/** Limits shared by the server checks and the web forms. */
export const INCIDENT_LIMITS = {
  nameMax: 128,
  itemTitleMax: 256,
  stageNameMax: 64,
  fieldValueMax: 1024,
  playbookSourceMax: 256 * 1024,
  playbookFilesMax: 100,
  /** Characters of all the sources of one `POST /playbooks/apply` together. */
  playbookApplyMax: 1024 * 1024,
  /** Bytes of the JSON body of `POST /playbooks` (a source at its limit, escaped, fits). */
  playbookBodyMax: 1024 * 1024 + 64 * 1024,
  /** Bytes of the JSON body of `POST /playbooks/apply`. */
  playbookApplyBodyMax: 4 * 1024 * 1024 + 64 * 1024,
} as const;

export type IncidentStatus = "active" | "ended";

/** One checklist item. `stage` is a stage name, or null for an item not tied to a stage. */
export interface ChecklistItem {
  id: string;
  title: string;
  stage: string | null;
  checked: boolean;
  /** Who checked it last; "" when unchecked. */
  checked_by: string;
  /** When it was checked; 0 when unchecked. */
  checked_at: number;
}

/**
 * An incident as the API returns it. `checklist` is in display order: every
 * stage's items in stage order, then stage-less items; item number n (as
 * `/incident check n` uses it) is `checklist[n - 1]`.
 */
export interface Incident {
  id: string;
  name: string;
  team_id: string;
  channel_id: string;
  /** The incident channel's name (its URL segment). */
  channel_name: string;
  /** The team's incident number: 1, 2, 3, ... */
  seq: number;
  commander_user_id: string;
  /** "" when started without a playbook. */
  playbook_id: string;
  /** The playbook version the incident started from; 0 without a playbook. */
  playbook_version: number;
  /** Playbook fields given at start (string values). */
  fields: Record<string, string>;
  /** The current stage's name. */
  current_stage: string;
  stages: Array<{ name: string }>;
  checklist: ChecklistItem[];
  /** Forwarding rules copied (templates rendered) from the playbook at start. */
  forwarding: ForwardingRule[];
  /** True when the incident channel is private. */
  private: boolean;
  status: IncidentStatus;
  create_at: number;
  /** When anything about it last changed: a newer event replaces an older one. */
  update_at: number;
  /** 0 while active. */
  end_at: number;
}

/** A playbook as the API returns it: its parsed definition plus bookkeeping. */
export interface Playbook extends Omit<PlaybookSpec, "team"> {
  id: string;
  team_id: string;
  /** Goes up by one each time the source changes. */
  version: number;
  /** The YAML text it was applied from. */
  source: string;
  create_at: number;
  update_at: number;
}

/** `{items, total_count}` of a paged list. */
export interface Page<T> {
  items: T[];
  total_count: number;
}

/** One problem of a playbook: where it is and what is wrong. */
export interface PlaybookProblem {
  /** 1-based; 0 when the problem has no position (e.g. an empty file). */
  line: number;
  column: number;
  /** Dotted path of the key, e.g. `stages.1.name`; "" for the whole document. */
  path: string;
  reason: string;
  /** The file it came from, when several were applied at once. */
  file?: string;
}

/** What each update post (`custom_incident_update`) and event is about. */
export const UPDATE_ACTIONS = [
  "started",
  "stage_changed",
  "commander_changed",
  "checklist_item_added",
  "checklist_item_removed",
  "checklist_item_checked",
  "checklist_item_unchecked",
  "rules_reloaded",
  "rules_switched_off",
  "ended",
] as const;
export type UpdateAction = (typeof UPDATE_ACTIONS)[number];

/** The post type of the bot's update posts, rendered as cards by the web plugin. */
export const UPDATE_POST_TYPE = "custom_incident_update";

/**
 * Props of a `custom_incident_update` post. Besides these, each action adds its own:
 * stage_changed `{from_stage, to_stage}`, commander_changed `{from_user_id, to_user_id}`,
 * checklist_item_* `{item_id, item_title, item_stage, item_number}`,
 * started `{incident_name, commander_user_id, playbook_name, stage}`, ended `{incident_name, duration_ms}`.
 */
export interface UpdatePostProps {
  incident_id: string;
  action: UpdateAction;
  actor_id: string;
  [key: string]: unknown;
}

/**
 * Realtime events (WebSocket name `custom_incident_<event>`), each with data
 * `{incident: Incident}` (and `action` on `incident_updated`). Public incidents
 * go to the team's members, private ones to the channel's members only.
 */
export const INCIDENT_EVENTS = {
  /** After a start, besides `incident_updated` with action `started`. */
  created: "incident_created",
  /** After every change, the start and the end included: handling this one is enough. */
  updated: "incident_updated",
  /** After the end, besides `incident_updated`. */
  ended: "incident_ended",
} as const;

/**
 * Realtime event (WebSocket name `custom_incident_incident_removed`, data
 * `{incident_id, channel_id}`) to a user removed from a private incident's
 * channel (or who left it): the incident is no longer theirs to see, so the
 * RHS and lists drop it.
 */
export const INCIDENT_REMOVED_EVENT = "incident_removed";

export interface IncidentEventData {
  incident: Incident;
  /** What changed (on `incident_updated`). */
  action?: UpdateAction;
}

// ---- request bodies -------------------------------------------------------

const idSchema = z.string().regex(/^[a-z0-9]{26}$/, "must be an id (26 lowercase letters and digits)");
const titleSchema = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(INCIDENT_LIMITS.itemTitleMax, `must be at most ${INCIDENT_LIMITS.itemTitleMax} characters`);

/** `POST /incidents`. */
export const createIncidentSchema = z.object({
  name: z.string().trim().min(1, "must not be empty").max(INCIDENT_LIMITS.nameMax, `must be at most ${INCIDENT_LIMITS.nameMax} characters`),
  team_id: idSchema,
  channel_name: z.string().trim().optional(),
  playbook_id: z.union([idSchema, z.literal("")]).optional(),
  private: z.boolean().optional(),
  fields: z
    .record(z.string(), z.string().max(INCIDENT_LIMITS.fieldValueMax, `must be at most ${INCIDENT_LIMITS.fieldValueMax} characters`))
    .optional(),
});
export type CreateIncidentRequest = z.infer<typeof createIncidentSchema>;

/** `PATCH /incidents/{id}`. */
export const patchIncidentSchema = z
  .object({
    commander_user_id: idSchema.optional(),
    current_stage: z
      .string()
      .trim()
      .min(1, "must not be empty")
      .max(INCIDENT_LIMITS.stageNameMax, `must be at most ${INCIDENT_LIMITS.stageNameMax} characters`)
      .optional(),
  })
  .strict();
export type PatchIncidentRequest = z.infer<typeof patchIncidentSchema>;

/** `POST /incidents/{id}/checklist`: `stage` absent → the current stage; null → not tied to a stage. */
export const addChecklistItemSchema = z.object({
  title: titleSchema,
  stage: z.string().trim().min(1, "must not be empty").nullable().optional(),
});
export type AddChecklistItemRequest = z.infer<typeof addChecklistItemSchema>;

/** `PUT /incidents/{id}/checklist/{item_id}`. */
export const setChecklistItemSchema = z.object({ checked: z.boolean({ error: "must be true or false" }) });
export type SetChecklistItemRequest = z.infer<typeof setChecklistItemSchema>;

/** `GET /incidents` query. */
export const listIncidentsQuerySchema = pageQuerySchema().extend({
  team_id: idSchema.optional(),
  channel_id: idSchema.optional(),
  status: z.enum(["active", "ended", "all"], { error: "must be active, ended or all" }).optional(),
  commander_user_id: idSchema.optional(),
});
export type ListIncidentsQuery = z.infer<typeof listIncidentsQuerySchema>;

/** `POST /playbooks`: create or replace the playbook named in `source`. */
export const applyPlaybookSchema = z.object({
  team_id: idSchema,
  source: z
    .string()
    .min(1, "must not be empty")
    .max(INCIDENT_LIMITS.playbookSourceMax, `must be at most ${INCIDENT_LIMITS.playbookSourceMax} characters`),
});
export type ApplyPlaybookRequest = z.infer<typeof applyPlaybookSchema>;

/** `POST /playbooks/apply`: several files, all or nothing. */
export const applyPlaybooksSchema = z.object({
  team_id: idSchema,
  files: z
    .array(
      z.object({
        path: z.string().max(1024),
        source: z.string().max(INCIDENT_LIMITS.playbookSourceMax, `must be at most ${INCIDENT_LIMITS.playbookSourceMax} characters`),
      }),
    )
    .min(1, "must list at least one file")
    .max(INCIDENT_LIMITS.playbookFilesMax, `must list at most ${INCIDENT_LIMITS.playbookFilesMax} files`)
    .refine(
      (files) => files.reduce((total, file) => total + file.source.length, 0) <= INCIDENT_LIMITS.playbookApplyMax,
      `the sources must total at most ${INCIDENT_LIMITS.playbookApplyMax} characters; apply them in several calls`,
    ),
});
export type ApplyPlaybooksRequest = z.infer<typeof applyPlaybooksSchema>;

/** `GET /playbooks` query. */
export const listPlaybooksQuerySchema = z.object({ team_id: idSchema });

/** `POST /incidents/dialog`: open the start dialog in the caller's browser. */
export const openStartDialogSchema = z.object({ team_id: idSchema, channel_id: idSchema });

// ---- answers --------------------------------------------------------------
// What the routes answer, for the host's route table (OpenAPI); typed against
// the interfaces above, so a change to one that the other misses fails the
// type check. The web side parses answers with its own tolerant schemas
// (web/incident-types.ts, zod/mini for bundle size).

/** A {@link ChecklistItem} as the API answers it. */
export const checklistItemAnswerSchema = z.object({
  id: z.string(),
  title: z.string(),
  stage: z.string().nullable(),
  checked: z.boolean(),
  checked_by: z.string(),
  checked_at: z.number(),
}) satisfies z.ZodType<ChecklistItem>;

/** An {@link Incident} as the API answers it. */
export const incidentAnswerSchema = z.object({
  id: z.string(),
  name: z.string(),
  team_id: z.string(),
  channel_id: z.string(),
  channel_name: z.string(),
  seq: z.number(),
  commander_user_id: z.string(),
  playbook_id: z.string(),
  playbook_version: z.number(),
  fields: z.record(z.string(), z.string()),
  current_stage: z.string(),
  stages: z.array(z.object({ name: z.string() })),
  checklist: z.array(checklistItemAnswerSchema),
  forwarding: z.array(forwardingRuleSchema),
  private: z.boolean(),
  status: z.enum(["active", "ended"]),
  create_at: z.number(),
  update_at: z.number(),
  end_at: z.number(),
}) satisfies z.ZodType<Incident>;

/** A {@link Playbook} as the API answers it. */
export const playbookAnswerSchema = playbookSpecSchema.omit({ team: true }).extend({
  id: z.string(),
  team_id: z.string(),
  version: z.number(),
  source: z.string(),
  create_at: z.number(),
  update_at: z.number(),
}) satisfies z.ZodType<Playbook, unknown>;

/** A {@link Page} of answers. */
export function pageAnswerSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), total_count: z.number() });
}

/** `POST /playbooks/apply`: each playbook with what happened to it. */
export const appliedPlaybooksAnswerSchema = z.object({
  items: z.array(playbookAnswerSchema.extend({ outcome: z.enum(["created", "updated", "unchanged"]) })),
});

/** `{status: "OK"}`, the answer of a deletion. */
export const okAnswerSchema = z.object({ status: z.literal("OK") });
