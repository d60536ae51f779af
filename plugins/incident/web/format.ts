/**
 * @module format
 * How the RHS writes durations and checklist progress.
 */
import type { ChecklistItem, Incident } from "./incident-types.ts";

const pad = (n: number) => String(n).padStart(2, "0");

/**
 * Time since start, short: seconds for the first minute, then minutes, hours, days.
 * @example formatElapsed(65 * 60_000) // "1h 05m"
 */
export function formatElapsed(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h ${pad(minutes % 60)}m`;
  return `${Math.floor(hours / 24)}d ${pad(hours % 24)}h`;
}

/** The same duration in words, for screen readers and tooltips. */
export function describeElapsed(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes < 1) return "less than a minute";
  const hours = Math.floor(minutes / 60);
  const parts = [];
  if (hours > 0) parts.push(`${hours} hour${hours === 1 ? "" : "s"}`);
  if (minutes % 60 > 0) parts.push(`${minutes % 60} minute${minutes % 60 === 1 ? "" : "s"}`);
  return parts.join(" ");
}

/** One stage's items, or the stage-less ones (`stage: null`). */
export interface ChecklistGroup {
  stage: string | null;
  /** In display order; each shows its own `number`, which may be out of sequence. */
  items: ChecklistItem[];
}

/**
 * Items in the order `/incident info` numbers them: every stage in stage
 * order, then items whose stage is not one of the incident's stages.
 */
export function checklistGroups(incident: Incident): ChecklistGroup[] {
  const stageNames = incident.stages.map((s) => s.name);
  const groups: ChecklistGroup[] = [];
  for (const stage of stageNames) groups.push({ stage, items: incident.checklist.filter((i) => i.stage === stage) });
  const loose = incident.checklist.filter((i) => i.stage === null || !stageNames.includes(i.stage));
  if (loose.length > 0) groups.push({ stage: null, items: loose });
  return groups;
}

/** "3/7" */
export function checklistProgress(incident: Incident): { done: number; total: number } {
  return { done: incident.checklist.filter((i) => i.checked).length, total: incident.checklist.length };
}
