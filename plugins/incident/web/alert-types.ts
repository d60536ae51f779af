/**
 * @module alert-types
 * Parsers (`zod/mini`, as incident-types.ts) for the alert-source routes'
 * answers as the System Console page reads them. The types are the server's
 * (`plugins/incident/common/alert-types.ts`).
 */
import * as z from "zod/mini";
import type { AlertSource, AlertSourceCreated } from "../common/alert-types.ts";

export type { AlertSource, AlertSourceCreated };

const sourceShape = {
  id: z.string(),
  team_id: z.string(),
  name: z.string(),
  kind: z.enum(["alertmanager", "grafana"]),
  playbook_id: z.string(),
  severity_label: z.string(),
  commander_user_id: z.string(),
  invite: z.array(z.string()),
  end_on_resolve: z.boolean(),
  created_by: z.string(),
  create_at: z.number(),
  update_at: z.number(),
  last_received_at: z.number(),
};

export const alertSourceSchema: z.ZodMiniType<AlertSource> = z.object(sourceShape);
export const alertSourceCreatedSchema: z.ZodMiniType<AlertSourceCreated> = z.object({ ...sourceShape, url: z.string() });
export const alertSourceListSchema = z.object({ items: z.array(alertSourceSchema) });
export const deletedSchema = z.object({ status: z.literal("OK") });

/** The teams a system admin may pick from (`GET /api/v4/teams`), and a team's playbooks, by name. */
export const teamListSchema = z.array(z.object({ id: z.string(), display_name: z.string(), name: z.string() }));
export const playbookListSchema = z.object({ items: z.array(z.object({ id: z.string(), name: z.string() })) });
