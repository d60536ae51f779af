/**
 * @module incident/common/playbook-schema
 * The JSON Schema of the playbook YAML, generated from the zod schema so the
 * two never disagree. `plugins/incident/playbook.schema.json` holds a copy for
 * editors (a test checks it is current); the API serves it at
 * `GET /plugins/incident/api/v1/playbooks/schema`.
 */
import { z } from "zod";
import { playbookSpecSchema } from "./playbook.ts";

/** The JSON Schema (draft 2020-12) of a playbook file. */
export function playbookJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(playbookSpecSchema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return { $schema, $id: "https://sitrep.dev/schemas/incident-playbook.json", title: "Sitrep incident playbook", ...rest };
}
