/**
 * @module incident-types
 * Parsers for the Incident plugin's wire data as the web side reads it. The
 * types are the server's (`plugins/incident/common/types.ts`); these zod
 * schemas check what arrives against them, so a surprise from the server
 * shows as an error instead of a broken screen. Parsers tolerate missing
 * optional parts (filled with the documented defaults) and extra keys.
 */
import { z } from "zod";
import type { ChecklistItem, Incident } from "../common/types.ts";

export type { ChecklistItem, Incident };
export type ForwardingRule = Incident["forwarding"][number];

const checklistItemSchema = z.object({
  id: z.string(),
  title: z.string(),
  stage: z.string().nullable().default(null),
  checked: z.boolean().default(false),
  checked_by: z.string().nullable().transform((v) => v ?? "").default(""),
  checked_at: z.number().default(0),
});

const forwardingRuleSchema = z.object({
  from: z.union([z.literal("*"), z.array(z.string())]).default([]),
  keywords: z.array(z.string()).default([]),
  exclude_keywords: z.array(z.string()).default([]),
  regex: z.string().optional(),
  authors: z.array(z.string()).default([]),
  match: z.enum(["any", "all"]).default("any"),
});

export const incidentSchema: z.ZodType<Incident> = z.object({
  id: z.string(),
  name: z.string(),
  team_id: z.string(),
  channel_id: z.string(),
  channel_name: z.string().default(""),
  seq: z.number().default(0),
  commander_user_id: z.string(),
  playbook_id: z.string().default(""),
  playbook_version: z.number().default(0),
  fields: z.record(z.string(), z.string()).default({}),
  current_stage: z.string(),
  stages: z.array(z.object({ name: z.string() })).default([]),
  checklist: z.array(checklistItemSchema).default([]),
  forwarding: z.array(forwardingRuleSchema).default([]),
  private: z.boolean().default(false),
  status: z.enum(["active", "ended"]),
  create_at: z.number(),
  update_at: z.number().default(0),
  end_at: z.number().default(0),
});

export const incidentListSchema = z.object({ items: z.array(incidentSchema), total_count: z.number().optional() });

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
  description: z.string().default(""),
  version: z.number().default(0),
  fields: z
    .record(z.string(), z.object({ required: z.boolean().default(false), description: z.string().optional(), default: z.string().optional() }).nullable())
    .default({}),
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
  action: z.string().optional(),
  incident_id: z.string().optional(),
  incident_name: z.string().optional(),
});
