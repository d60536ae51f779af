/**
 * @module timeline-types
 * The kinds of timeline entry, in a module of plain values so that the web
 * side can import them without the zod schemas of `types.ts`.
 */

/** The kinds of timeline entry (DESIGN.md section 10). */
export const TIMELINE_TYPES = [
  "incident_started",
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
  "status_update",
  "event_from_post",
  "message_forwarded",
  "alert_received",
  "alert_resolved",
  "rules_reloaded",
  "retrospective_published",
  "incident_ended",
] as const;
export type TimelineType = (typeof TIMELINE_TYPES)[number];
