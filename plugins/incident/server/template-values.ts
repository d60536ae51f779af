/**
 * @module incident/server/template-values
 * The template values of a running incident (`{{name}}`, `{{commander}}`,
 * `{{fields.x}}`, ...), as its start rendered them: what re-rendering a
 * playbook's templates later (forwarding rules, the retrospective) reads.
 */
import { incidentTemplateValues, type TemplateValues } from "../common/templates.ts";
import type { IncidentDeps } from "./incident-deps.ts";
import type { IncidentRecord } from "./store.ts";

/** The incident's template values, its commander looked up by id. */
export async function templateValuesOf(deps: Pick<IncidentDeps, "ctx">, incident: IncidentRecord): Promise<TemplateValues> {
  const commander = await deps.ctx.users.get(incident.commander_user_id);
  return incidentTemplateValues({
    name: incident.name,
    createAt: incident.create_at,
    seq: incident.seq,
    commander: commander?.username ?? "",
    fields: incident.fields,
  });
}
