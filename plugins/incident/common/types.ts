/**
 * @module incident/common/types
 * Wire types and request schemas of the Incident plugin, shared by its server
 * and web code. The HTTP API lives under `/plugins/incident/api/v1/`; see
 * docs/incident.md for routes, realtime events and post types.
 */
import { z } from "zod";
import { pageQuerySchema } from "#common/limits.ts";
import { TIMELINE_TYPES, type TimelineType } from "./timeline-types.ts";
import { forwardingRuleSchema, playbookSpecSchema, type ForwardingRule, type PlaybookSpec } from "./playbook.ts";

/** The plugin id: URL prefix, table prefix, event prefix (`custom_incident_*`). */
export const INCIDENT_PLUGIN_ID = "incident";

/** Where the plugin's HTTP API lives, relative to the site. */
export const INCIDENT_API_BASE = "/plugins/incident/api/v1";

/** Stages of an incident started without a playbook. */
export const DEFAULT_STAGES = ["Triage", "Investigating", "Mitigated", "Resolved"] as const;

/** Severities of an incident started without a playbook, most severe first, and the default one. */
export const DEFAULT_SEVERITIES = ["SEV1", "SEV2", "SEV3", "SEV4"] as const;
export const DEFAULT_SEVERITY = "SEV3";

/** Limits shared by the server checks and the web forms. */
export const INCIDENT_LIMITS = {
  nameMax: 128,
  itemTitleMax: 256,
  stageNameMax: 64,
  fieldValueMax: 1024,
  playbookSourceMax: 256 * 1024,
  playbookFilesMax: 100,
  /** A status update's markdown (a post's limit). */
  statusUpdateMax: 16_383,
  severityNameMax: 32,
  roleNameMax: 32,
  /** Users invited at start through the API. */
  inviteMax: 100,
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
  /** The item's number (`/incident check 4`): the next unused one of its incident when it was made, never reused or changed. */
  number: number;
  title: string;
  stage: string | null;
  checked: boolean;
  /** Who checked it last; "" when unchecked. */
  checked_by: string;
  /** When it was checked; 0 when unchecked. */
  checked_at: number;
  /** Who is on it; "" when nobody. */
  assignee_user_id: string;
  /** When it is due (ms since the epoch); 0 when it has no due time (yet: a playbook `due` counts from entering its stage). */
  due_at: number;
}

/**
 * An incident as the API returns it. `checklist` is in display order: every
 * stage's items in stage order, then stage-less items; each item carries its
 * `number` (as `/incident check n` uses it), which may be out of sequence.
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
  /** One of `severities`. */
  severity: string;
  /** The severities it may take, most severe first (the playbook's, else SEV1–SEV4). */
  severities: string[];
  /** The playbook's roles besides the commander, each with its holder's user id ("" when nobody holds it). */
  roles: Record<string, string>;
  /** When the last status update was posted; 0 before the first. */
  last_status_update_at: number;
  /** How often a status update is expected (the playbook's `update_every`), ms; 0 when no reminders. */
  update_every_ms: number;
  /** True for a drill. */
  drill: boolean;
  /** True when the incident created its channel; false when it runs in an existing one (`--here`, `channel_id`). */
  channel_created: boolean;
  /** True when its channel is archived at the end (the playbook's `archive_on_end`, and the incident created the channel). */
  archive_on_end: boolean;
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

/** What each update post (`custom_incident_update`) and `incident_updated` event is about. */
export const UPDATE_ACTIONS = [
  "started",
  "stage_changed",
  "severity_changed",
  "commander_changed",
  "role_changed",
  "checklist_item_added",
  "checklist_item_removed",
  "checklist_item_checked",
  "checklist_item_unchecked",
  "checklist_item_restored",
  "checklist_item_assigned",
  "checklist_item_due_changed",
  "status_update_posted",
  "timeline_event_added",
  "timeline_event_removed",
  "rules_reloaded",
  "rules_switched_off",
  "alert_received",
  "alert_resolved",
  "ended",
] as const;
export type UpdateAction = (typeof UPDATE_ACTIONS)[number];

/**
 * Bot posts (`custom_incident_update`, props `action`) that tell, but change
 * nothing: the reminder to the commander that a status update is overdue
 * (`status_update_due`, props `{commander_user_id, last_update_at, due_at}`)
 * and an overdue checklist item (`checklist_item_overdue`, props
 * `{item_id, item_title, item_number, assignee_user_id, due_at}`), and a
 * playbook's `archive_on_end` that could not archive the channel at the end
 * (`channel_not_archived`). No `incident_updated` event goes with them.
 */
export const NOTICE_ACTIONS = ["status_update_due", "checklist_item_overdue", "channel_not_archived"] as const;
export type NoticeAction = (typeof NOTICE_ACTIONS)[number];

/** The post type of the bot's update posts, rendered as cards by the web plugin. */
export const UPDATE_POST_TYPE = "custom_incident_update";

/**
 * Props of a `custom_incident_update` post. Besides these, each action adds its own:
 * stage_changed `{from_stage, to_stage}`, severity_changed `{from_severity, to_severity}`,
 * commander_changed `{from_user_id, to_user_id}`, role_changed `{role, from_user_id, to_user_id}`,
 * checklist_item_* `{item_id, item_title, item_stage, item_number}` (assigned adds
 * `{from_user_id, to_user_id}`, due_changed `{due_at}`), status_update_posted `{status_update_id}`,
 * timeline_event_added / _removed `{entry_id, post_id}`,
 * started `{incident_name, commander_user_id, playbook_name, stage, severity, drill}`, ended `{incident_name, duration_ms}`.
 */
export interface UpdatePostProps {
  incident_id: string;
  action: UpdateAction | NoticeAction;
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

// ---- timeline ---------------------------------------------------------------

export { TIMELINE_TYPES, type TimelineType };

/**
 * One entry of an incident's timeline: what happened, when, who did it, and
 * the post that records it (the bot's update post; for `event_from_post` the
 * post added; for `message_forwarded` the copy in the incident channel).
 * Only `event_from_post` entries can be removed.
 */
export interface TimelineEntry {
  id: string;
  incident_id: string;
  type: TimelineType;
  create_at: number;
  /** Who did it ("" for the system, e.g. a forwarding rule's copy). */
  actor_user_id: string;
  /** One line of markdown, e.g. "@alice changed the severity from SEV3 to SEV1". */
  summary: string;
  /** "" when no post records it. */
  post_id: string;
  /** What the type adds, e.g. `{from, to}` for stage_changed and severity_changed, `{role, user_id}` for role_changed. */
  details: Record<string, string | number | boolean | null>;
}

/**
 * Realtime events of the timeline, to those who may see the incident:
 * `custom_incident_timeline_entry_added` `{incident_id, entry: TimelineEntry}` and
 * `custom_incident_timeline_entry_removed` `{incident_id, entry_id}`.
 */
export const TIMELINE_EVENTS = { added: "timeline_entry_added", removed: "timeline_entry_removed" } as const;

// ---- status updates ---------------------------------------------------------

/** The post type of a status update, in the incident channel and in each broadcast channel. */
export const STATUS_UPDATE_POST_TYPE = "custom_incident_status_update";

/** What happened to a status update's copy in one of the playbook's `broadcast` channels. */
export interface BroadcastOutcome {
  /** The name given in the playbook. */
  channel_name: string;
  /** "" when no such channel. */
  channel_id: string;
  status: "posted" | "skipped";
  /** The copy; "" when skipped. */
  post_id: string;
  /** Why it was skipped; "" when posted. */
  reason: string;
}

/** A status update (`POST /incidents/{id}/status-updates`). */
export interface StatusUpdate {
  id: string;
  incident_id: string;
  /** Markdown. */
  message: string;
  author_user_id: string;
  /** The card in the incident channel. */
  post_id: string;
  /** The incident's severity and stage when it was posted. */
  severity: string;
  stage: string;
  create_at: number;
  broadcast: BroadcastOutcome[];
}

/**
 * Props of a `custom_incident_status_update` post: `{incident_id, incident_name,
 * status_update_id, author_user_id, severity, stage, channel_id, channel_name}` (the
 * incident channel's), and `broadcast: true` on the copies in broadcast channels.
 */
export interface StatusUpdatePostProps {
  incident_id: string;
  incident_name: string;
  status_update_id: string;
  author_user_id: string;
  severity: string;
  stage: string;
  channel_id: string;
  channel_name: string;
  broadcast: boolean;
}

// ---- request bodies -------------------------------------------------------

export const idSchema = z.string().regex(/^[a-z0-9]{26}$/, "must be an id (26 lowercase letters and digits)");
const titleSchema = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(INCIDENT_LIMITS.itemTitleMax, `must be at most ${INCIDENT_LIMITS.itemTitleMax} characters`);

const severityNameSchema = z
  .string({ error: "must be a severity name, e.g. SEV1" })
  .trim()
  .min(1, "must not be empty")
  .max(INCIDENT_LIMITS.severityNameMax, `must be at most ${INCIDENT_LIMITS.severityNameMax} characters`);
/** A user id, or "" for nobody. */
const userIdOrNone = z
  .string({ error: 'must be a user id (26 lowercase letters and digits) or "" for nobody' })
  .regex(/^(?:[a-z0-9]{26})?$/, 'must be a user id (26 lowercase letters and digits) or "" for nobody');

/**
 * `POST /incidents`. `channel_id` runs the incident in that existing channel
 * (the caller must be a member) instead of creating one; `post_id` puts that
 * post on the timeline (started from a message); `invite` adds those users.
 */
export const createIncidentSchema = z.object({
  name: z.string().trim().min(1, "must not be empty").max(INCIDENT_LIMITS.nameMax, `must be at most ${INCIDENT_LIMITS.nameMax} characters`),
  team_id: idSchema,
  channel_name: z.string().trim().optional(),
  channel_id: z.union([idSchema, z.literal("")]).optional(),
  playbook_id: z.union([idSchema, z.literal("")]).optional(),
  private: z.boolean({ error: "must be true or false" }).optional(),
  fields: z
    .record(z.string(), z.string().max(INCIDENT_LIMITS.fieldValueMax, `must be at most ${INCIDENT_LIMITS.fieldValueMax} characters`))
    .optional(),
  severity: severityNameSchema.optional(),
  commander_user_id: z.union([idSchema, z.literal("")]).optional(),
  invite: z
    .array(idSchema, { error: "must be a list of user ids" })
    .max(INCIDENT_LIMITS.inviteMax, `must list at most ${INCIDENT_LIMITS.inviteMax} users`)
    .optional(),
  drill: z.boolean({ error: "must be true or false" }).optional(),
  post_id: z.union([idSchema, z.literal("")]).optional(),
});
export type CreateIncidentRequest = z.infer<typeof createIncidentSchema>;

/** `PATCH /incidents/{id}`: one or more of these; `roles` sets only the roles it names (`""` clears one). */
export const patchIncidentSchema = z
  .object({
    commander_user_id: idSchema.optional(),
    current_stage: z
      .string()
      .trim()
      .min(1, "must not be empty")
      .max(INCIDENT_LIMITS.stageNameMax, `must be at most ${INCIDENT_LIMITS.stageNameMax} characters`)
      .optional(),
    severity: severityNameSchema.optional(),
    roles: z.record(z.string(), userIdOrNone, { error: "must be a map of role names to user ids" }).optional(),
  })
  .strict();
export type PatchIncidentRequest = z.infer<typeof patchIncidentSchema>;

/** `POST /incidents/{id}/checklist`: `stage` absent → the current stage; null → not tied to a stage. */
export const addChecklistItemSchema = z.object({
  title: titleSchema,
  stage: z.string().trim().min(1, "must not be empty").nullable().optional(),
});
export type AddChecklistItemRequest = z.infer<typeof addChecklistItemSchema>;

/** `PUT /incidents/{id}/checklist/{item_id}`: one or more of these; `assignee_user_id: ""` unassigns, `due_at: 0` clears. */
export const setChecklistItemSchema = z
  .object({
    checked: z.boolean({ error: "must be true or false" }).optional(),
    assignee_user_id: userIdOrNone.optional(),
    due_at: z
      .number({ error: "must be a time in ms since the epoch, or 0 for none" })
      .int("must be a whole number")
      .min(0, "must be 0 or more")
      .optional(),
  })
  .strict()
  .refine((body) => body.checked !== undefined || body.assignee_user_id !== undefined || body.due_at !== undefined, {
    message: "give checked, assignee_user_id or due_at",
  });
export type SetChecklistItemRequest = z.infer<typeof setChecklistItemSchema>;

/** `POST /incidents/{id}/status-updates`. */
export const postStatusUpdateSchema = z.object({
  message: z
    .string({ error: "must be a string" })
    .trim()
    .min(1, "must not be empty")
    .max(INCIDENT_LIMITS.statusUpdateMax, `must be at most ${INCIDENT_LIMITS.statusUpdateMax} characters`),
});
export type PostStatusUpdateRequest = z.infer<typeof postStatusUpdateSchema>;

/** `GET /incidents/{id}/status-updates` query: newest first. */
export const listStatusUpdatesQuerySchema = pageQuerySchema();

/** `POST /incidents/{id}/timeline`: add a post the caller may read. */
export const addTimelineEntrySchema = z.object({ post_id: idSchema });
export type AddTimelineEntryRequest = z.infer<typeof addTimelineEntrySchema>;

/** `GET /incidents` query: see `historyQuerySchema` in review-types.ts. */

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

/** `POST /incidents/dialog`: open the start dialog in the caller's browser; `post_id` starts it from that message (quoted, put on the timeline). */
export const openStartDialogSchema = z.object({ team_id: idSchema, channel_id: idSchema, post_id: idSchema.optional() });

/** `PUT /sidebar`: the user's choice to hide ended incidents' channels from the sidebar. */
export const sidebarPreferenceSchema = z.object({ hide_ended: z.boolean({ error: "must be true or false" }) });

// ---- answers --------------------------------------------------------------
// What the routes answer, for the host's route table (OpenAPI); typed against
// the interfaces above, so a change to one that the other misses fails the
// type check. The web side parses answers with its own tolerant schemas
// (web/incident-types.ts, zod/mini for bundle size).

/** A {@link ChecklistItem} as the API answers it. */
export const checklistItemAnswerSchema = z.object({
  id: z.string(),
  number: z.number(),
  title: z.string(),
  stage: z.string().nullable(),
  checked: z.boolean(),
  checked_by: z.string(),
  checked_at: z.number(),
  assignee_user_id: z.string(),
  due_at: z.number(),
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
  severity: z.string(),
  severities: z.array(z.string()),
  roles: z.record(z.string(), z.string()),
  last_status_update_at: z.number(),
  update_every_ms: z.number(),
  drill: z.boolean(),
  channel_created: z.boolean(),
  archive_on_end: z.boolean(),
  status: z.enum(["active", "ended"]),
  create_at: z.number(),
  update_at: z.number(),
  end_at: z.number(),
}) satisfies z.ZodType<Incident>;

/** A {@link TimelineEntry} as the API answers it. */
export const timelineEntryAnswerSchema = z.object({
  id: z.string(),
  incident_id: z.string(),
  type: z.enum(TIMELINE_TYPES),
  create_at: z.number(),
  actor_user_id: z.string(),
  summary: z.string(),
  post_id: z.string(),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
}) satisfies z.ZodType<TimelineEntry>;

/** `GET /incidents/{id}/timeline`: oldest first. */
export const timelineAnswerSchema = z.object({ items: z.array(timelineEntryAnswerSchema) });

/** A {@link StatusUpdate} as the API answers it. */
export const statusUpdateAnswerSchema = z.object({
  id: z.string(),
  incident_id: z.string(),
  message: z.string(),
  author_user_id: z.string(),
  post_id: z.string(),
  severity: z.string(),
  stage: z.string(),
  create_at: z.number(),
  broadcast: z.array(
    z.object({
      channel_name: z.string(),
      channel_id: z.string(),
      status: z.enum(["posted", "skipped"]),
      post_id: z.string(),
      reason: z.string(),
    }),
  ),
}) satisfies z.ZodType<StatusUpdate>;

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

/**
 * `GET /sidebar?team_id=`: the channels of the team's incidents the caller may
 * see — where one runs now, and where all have ended — and whether the
 * caller hides the ended ones.
 */
export interface SidebarAnswer {
  active_channel_ids: string[];
  ended_channel_ids: string[];
  hide_ended: boolean;
}
export const sidebarAnswerSchema = z.object({
  active_channel_ids: z.array(z.string()),
  ended_channel_ids: z.array(z.string()),
  hide_ended: z.boolean(),
}) satisfies z.ZodType<SidebarAnswer>;
