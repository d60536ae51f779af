/**
 * @module workflow/common/workflow
 * Workflows as code: the zod schema of the YAML format (DESIGN.md section 5)
 * and a parser that reports every problem with its line, column and path —
 * the same problems for the API, `sitrep workflow lint` and the web UI. Given
 * the automation catalog, it also checks trigger and action names, their
 * parameters, and every template reference that the catalog makes knowable.
 */
import { z } from "zod";
import { nameSchema, usernameSchema } from "#common/limits.ts";
import type { AutomationParam, CatalogAction, CatalogTrigger } from "#plugin-api";
import {
  didYouMean,
  readYamlSource,
  sortProblems,
  validateSource,
  type SourcePath,
  type SourceProblem,
  type SourceResult,
} from "#common/yaml-source.ts";
import { scanTemplates, stringsIn } from "./templates.ts";

/** A value a `where` condition may hold. */
const conditionValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.union([z.string(), z.number()]))], {
  error: "must be a string, number, boolean or list",
});

/** Most steps a workflow may have. */
export const MAX_STEPS = 50;

/** A step of a workflow. */
export const stepSchema = z.strictObject({
  id: z
    .string({ error: "must be a string" })
    .regex(/^[a-z][a-z0-9_]{0,63}$/, "must start with a lowercase letter and hold only lowercase letters, digits and _")
    .optional()
    .describe("Names the step so later steps can use its result as {{steps.<id>.<value>}}."),
  action: z
    .string({ error: "must be an action name" })
    .min(1, "must not be empty")
    .describe("An action name from the catalog, e.g. post_message."),
  with: z
    .record(z.string(), z.unknown(), { error: "must be a map of parameters" })
    .default({})
    .describe("The action's parameters; strings may use {{trigger.<value>}} and {{steps.<id>.<value>}}."),
});

/** A workflow file (DESIGN.md section 5). */
export const workflowSpecSchema = z
  .strictObject({
    name: z
      .string({ error: "must be a string" })
      .trim()
      .min(1, "must not be empty")
      .max(128, "must be at most 128 characters")
      .describe("Unique per team; apply replaces the workflow of this name."),
    team: nameSchema.optional().describe("Team name; required in the workflows directory, and must match the API's team_id."),
    description: z.string({ error: "must be a string" }).max(1000).optional().describe("What the workflow is for."),
    run_as: usernameSchema.describe("Username (a person or a bot) whose permissions every step uses."),
    enabled: z.boolean({ error: "must be true or false" }).default(true).describe("Whether the trigger starts runs."),
    trigger: z
      .strictObject({
        type: z
          .string({ error: "must be a trigger name" })
          .min(1, "must not be empty")
          .describe("A trigger name from the catalog, e.g. message_posted."),
        where: z
          .record(z.string(), conditionValue, { error: "must be a map of conditions" })
          .default({})
          .describe("Conditions on the trigger's parameters."),
      })
      .describe("What starts a run."),
    steps: z
      .array(stepSchema, { error: "must be a list of steps" })
      .min(1, "must have at least one step")
      .max(MAX_STEPS, `must have at most ${MAX_STEPS} steps`)
      .describe("Actions run in order; a failing step ends the run."),
  })
  .describe("A Sitrep workflow: one trigger (with conditions) and ordered steps.");

/** A valid workflow, defaults filled in. */
export type WorkflowSpec = z.infer<typeof workflowSpecSchema>;
/** One step of a valid workflow. */
export type WorkflowStep = z.infer<typeof stepSchema>;

/** The JSON Schema of a workflow file (served at `GET /workflows/schema`, and in `workflow.schema.json`). */
export function workflowJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(workflowSpecSchema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  return { ...schema, $id: "https://sitrep.dev/schemas/workflow.schema.json", title: "Sitrep workflow" };
}

/** One problem of a workflow file. */
export type WorkflowIssue = SourceProblem;

/** The outcome of {@link parseWorkflow}. */
export type ParsedWorkflow = SourceResult<{ spec: WorkflowSpec }>;

/** The part of the automation catalog the linter reads. */
export interface LintCatalog {
  triggers: Array<Pick<CatalogTrigger, "name" | "parameters" | "provides" | "openValues">>;
  actions: Array<Pick<CatalogAction, "name" | "parameters" | "returns">>;
}

/**
 * Parse and validate a workflow's YAML. Every problem comes back at once, each
 * with 1-based line and column. With a catalog, names, parameters and template
 * references are checked too.
 * @example parseWorkflow(source, catalog) // {ok: false, problems: [{line: 7, column: 7, path: "steps.0.action", reason: "unknown action ..."}]}
 */
export function parseWorkflow(source: string, catalog?: LintCatalog): ParsedWorkflow {
  const read = readYamlSource(source, {
    empty: "the workflow is empty: it needs name, run_as, trigger and steps",
    notMap: "a workflow must be a map of keys (name, run_as, trigger, steps)",
  });
  if (!read.ok) return read;
  const { yaml } = read;
  const validated = validateSource({ schema: workflowSpecSchema, yaml, knownKeys: KNOWN_KEYS });
  if (!validated.ok) return validated;

  const problems: WorkflowIssue[] = [];
  const add = (path: SourcePath, reason: string, offset?: number) => problems.push(yaml.problemAt(path, reason, offset));
  /** A problem with a map key itself (unknown condition or parameter): point at the key. */
  const addAtKey = (path: SourcePath, key: string, reason: string) => problems.push(yaml.problemAtKey(path, key, reason));
  const spec = validated.data;

  // Step ids are unique, and a step may use only the results of steps before it.
  const earlier = new Map<string, number>();
  spec.steps.forEach((step, i) => {
    if (step.id && earlier.has(step.id)) add(["steps", i, "id"], `duplicate step id "${step.id}" (step ids must be unique)`);
    for (const { path, text } of stringsIn(step.with, ["steps", i, "with"])) {
      const scan = scanTemplates(text);
      for (const problem of scan.problems) add(path, problem.reason, problem.index);
      for (const ref of scan.refs) {
        const [id] = ref.path;
        if (ref.root !== "steps" || id === undefined) continue; // a steps ref always has an id (scanTemplates)
        const index = earlier.get(id);
        if (index === undefined)
          add(
            path,
            spec.steps.some((s) => s.id === id)
              ? `${ref.raw}: step "${id}" runs later; a step may use only earlier steps' results`
              : `${ref.raw}: no step with id "${id}"`,
            ref.index,
          );
      }
    }
    if (step.id && !earlier.has(step.id)) earlier.set(step.id, i);
  });

  if (catalog) lintAgainstCatalog({ spec, catalog, add, addAtKey });
  if (problems.length) return { ok: false, problems: sortProblems(problems) };
  return { ok: true, spec: { ...spec, run_as: spec.run_as.replace(/^@/, "") } };
}

/** Check names, parameters and template references against the catalog. */
function lintAgainstCatalog(props: {
  spec: WorkflowSpec;
  catalog: LintCatalog;
  add(path: SourcePath, reason: string, offset?: number): void;
  addAtKey(path: SourcePath, key: string, reason: string): void;
}): void {
  const { spec, catalog, add, addAtKey } = props;
  const own = <T>(map: Record<string, T>, key: string): T | undefined => (Object.hasOwn(map, key) ? map[key] : undefined);
  const trigger = catalog.triggers.find((t) => t.name === spec.trigger.type);
  if (!trigger) {
    add(
      ["trigger", "type"],
      `unknown trigger "${spec.trigger.type}"${didYouMean(
        spec.trigger.type,
        catalog.triggers.map((t) => t.name),
      )}`,
    );
  } else {
    for (const [key, value] of Object.entries(spec.trigger.where)) {
      const param = own(trigger.parameters, key);
      if (!param) {
        if (!trigger.openValues)
          addAtKey(["trigger", "where"], key, `"${key}" is not a condition of ${trigger.name}${listOf(Object.keys(trigger.parameters))}`);
        continue;
      }
      const reason = typeProblem(param, value);
      if (reason) add(["trigger", "where", key], reason);
    }
    for (const [key, param] of Object.entries(trigger.parameters)) {
      if (param.required && spec.trigger.where[key] === undefined)
        add(["trigger", "where"], `${trigger.name} needs the condition "${key}" (${param.description})`);
    }
  }

  const returnsOf = new Map<string, LintCatalog["actions"][number] | undefined>();
  spec.steps.forEach((step, i) => {
    const action = catalog.actions.find((a) => a.name === step.action);
    if (!action)
      add(
        ["steps", i, "action"],
        `unknown action "${step.action}"${didYouMean(
          step.action,
          catalog.actions.map((a) => a.name),
        )}`,
      );
    else {
      for (const [key, value] of Object.entries(step.with)) {
        const param = own(action.parameters, key);
        if (!param) {
          addAtKey(["steps", i, "with"], key, `"${key}" is not a parameter of ${action.name}${listOf(Object.keys(action.parameters))}`);
          continue;
        }
        // A value made by a template is checked when the step runs.
        if (typeof value === "string" && value.includes("{{")) continue;
        const reason = typeProblem(param, value);
        if (reason) add(["steps", i, "with", key], reason);
      }
      for (const [key, param] of Object.entries(action.parameters)) {
        if (param.required && step.with[key] === undefined)
          add(["steps", i, "with"], `${action.name} needs "${key}" (${param.description})`);
      }
    }
    for (const { path, text } of stringsIn(step.with, ["steps", i, "with"])) {
      for (const ref of scanTemplates(text).refs) {
        const [first, second] = ref.path;
        const value = ref.root === "trigger" ? first : second;
        if (first === undefined || value === undefined) continue; // scanTemplates gives each root its segments
        if (ref.root === "trigger") {
          if (trigger && !trigger.openValues && !Object.hasOwn(trigger.provides, value))
            add(path, `${ref.raw}: ${trigger.name} provides no "${value}"${listOf(Object.keys(trigger.provides))}`, ref.index);
        } else {
          const source = returnsOf.get(first);
          if (source && !Object.hasOwn(source.returns, value))
            add(path, `${ref.raw}: ${source.name} returns no "${value}"${listOf(Object.keys(source.returns))}`, ref.index);
        }
      }
    }
    if (step.id && !returnsOf.has(step.id)) returnsOf.set(step.id, action);
  });
}

/** Why a literal value does not fit a parameter, or null. */
export function typeProblem(param: AutomationParam, value: unknown): string | null {
  switch (param.type) {
    case "string":
      if (typeof value !== "string" && typeof value !== "number") return "must be a string";
      if (param.enum && !param.enum.map((e) => e.toLowerCase()).includes(String(value).toLowerCase()))
        return `must be one of ${param.enum.join(", ")}`;
      return null;
    case "number":
      return typeof value === "number" || (typeof value === "string" && value.trim() !== "" && !Number.isNaN(Number(value)))
        ? null
        : "must be a number";
    case "boolean":
      return typeof value === "boolean" ? null : "must be true or false";
    case "string[]":
      return typeof value === "string" || (Array.isArray(value) && value.every((v) => typeof v === "string" || typeof v === "number"))
        ? null
        : "must be a list of strings";
    case "json":
      return null;
  }
}

/** The valid keys of each section, for "did you mean" on an unknown key. */
const KNOWN_KEYS: Record<string, string[]> = {
  "": ["name", "team", "description", "run_as", "enabled", "trigger", "steps"],
  trigger: ["type", "where"],
  steps: ["id", "action", "with"],
};

function listOf(names: string[], prefix = "; known: "): string {
  return names.length ? `${prefix}${names.join(", ")}` : "";
}
