/**
 * @module workflow/common/workflow
 * Workflows as code: the zod schema of the YAML format (DESIGN.md section 5)
 * and a parser that reports every problem with its line, column and path —
 * the same problems for the API, `sitrep workflow lint` and the web UI. Given
 * the automation catalog, it also checks trigger and action names, their
 * parameters, and every template reference that the catalog makes knowable.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Scalar } from "yaml";
import { z } from "zod";
import { nameSchema, usernameSchema } from "../../../common/limits.ts";
import type { AutomationParam, CatalogAction, CatalogTrigger } from "../../../common/plugin-api.ts";
import { scanTemplates, stringsIn } from "./templates.ts";

/** A value a `where` condition may hold. */
const conditionValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.union([z.string(), z.number()]))], { error: "must be a string, number, boolean or list" });

/** Most steps a workflow may have. */
export const MAX_STEPS = 50;

/** A step of a workflow. */
export const stepSchema = z.strictObject({
  id: z
    .string({ error: "must be a string" })
    .regex(/^[a-z][a-z0-9_]{0,63}$/, "must start with a lowercase letter and hold only lowercase letters, digits and _")
    .optional()
    .describe("Names the step so later steps can use its result as {{steps.<id>.<value>}}."),
  action: z.string({ error: "must be an action name" }).min(1, "must not be empty").describe("An action name from the catalog, e.g. post_message."),
  with: z.record(z.string(), z.unknown(), { error: "must be a map of parameters" }).default({}).describe("The action's parameters; strings may use {{trigger.<value>}} and {{steps.<id>.<value>}}."),
});

/** A workflow file (DESIGN.md section 5). */
export const workflowSpecSchema = z
  .strictObject({
    name: z.string({ error: "must be a string" }).trim().min(1, "must not be empty").max(128, "must be at most 128 characters").describe("Unique per team; apply replaces the workflow of this name."),
    team: nameSchema.optional().describe("Team name; required in the workflows directory, and must match the API's team_id."),
    description: z.string({ error: "must be a string" }).max(1000).optional().describe("What the workflow is for."),
    run_as: usernameSchema.describe("Username (a person or a bot) whose permissions every step uses."),
    enabled: z.boolean({ error: "must be true or false" }).default(true).describe("Whether the trigger starts runs."),
    trigger: z
      .strictObject({
        type: z.string({ error: "must be a trigger name" }).min(1, "must not be empty").describe("A trigger name from the catalog, e.g. message_posted."),
        where: z.record(z.string(), conditionValue, { error: "must be a map of conditions" }).default({}).describe("Conditions on the trigger's parameters."),
      })
      .describe("What starts a run."),
    steps: z.array(stepSchema, { error: "must be a list of steps" }).min(1, "must have at least one step").max(MAX_STEPS, `must have at most ${MAX_STEPS} steps`).describe("Actions run in order; a failing step ends the run."),
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
export interface WorkflowIssue {
  line: number;
  column: number;
  /** Dotted path of the key, e.g. `steps.1.with.channel`; empty for the file. */
  path: string;
  reason: string;
}

/** The outcome of {@link parseWorkflow}. */
export type ParsedWorkflow = { ok: true; spec: WorkflowSpec } | { ok: false; problems: WorkflowIssue[] };

/** The part of the automation catalog the linter reads. */
export interface LintCatalog {
  triggers: Array<Pick<CatalogTrigger, "name" | "parameters" | "provides" | "openValues">>;
  actions: Array<Pick<CatalogAction, "name" | "parameters" | "returns">>;
}

type PathKey = string | number;

/**
 * Parse and validate a workflow's YAML. Every problem comes back at once, each
 * with 1-based line and column. With a catalog, names, parameters and template
 * references are checked too.
 * @example parseWorkflow(source, catalog) // {ok: false, problems: [{line: 7, column: 7, path: "steps.0.action", reason: "unknown action ..."}]}
 */
export function parseWorkflow(source: string, catalog?: LintCatalog): ParsedWorkflow {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => {
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  const problems: WorkflowIssue[] = [];
  for (const error of [...doc.errors, ...doc.warnings]) {
    const pos = error.linePos?.[0];
    problems.push({ ...(pos ? { line: pos.line, column: pos.col } : at(error.pos[0])), path: "", reason: `YAML: ${error.message.split("\n")[0]}` });
  }
  if (problems.length) return { ok: false, problems: sorted(problems) };

  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // yaml throws when aliases expand past maxAliasCount (an alias bomb): a problem of the workflow, not a crash.
    return { ok: false, problems: [{ line: 1, column: 1, path: "", reason: `YAML: ${error instanceof Error ? error.message : String(error)}` }] };
  }
  if (raw === null || raw === undefined) return { ok: false, problems: [{ line: 1, column: 1, path: "", reason: "the workflow is empty: it needs name, run_as, trigger and steps" }] };
  if (typeof raw !== "object" || Array.isArray(raw)) return { ok: false, problems: [{ ...at(doc.contents?.range?.[0] ?? 0), path: "", reason: "a workflow must be a map of keys (name, run_as, trigger, steps)" }] };

  const locate = (path: PathKey[], key?: string, offset?: number) => locateNode({ doc, path, key, offset, at });
  const add = (path: PathKey[], reason: string, offset?: number) => problems.push({ ...locate(path, undefined, offset), path: path.join("."), reason });
  /** A problem with a map key itself (unknown condition or parameter): point at the key. */
  const addAtKey = (path: PathKey[], key: string, reason: string) => problems.push({ ...locate(path, key), path: [...path, key].join("."), reason });

  const result = workflowSpecSchema.safeParse(raw);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const path = issue.path.filter((p): p is PathKey => typeof p !== "symbol");
      if (issue.code === "unrecognized_keys") {
        for (const key of issue.keys) problems.push({ ...locate(path, key), path: [...path, key].join("."), reason: `unknown key "${key}"${suggestKey(path, key)}` });
        continue;
      }
      add(path, valueAt(raw, path) === undefined ? "is required" : issue.message);
    }
    return { ok: false, problems: sorted(problems) };
  }
  const spec = result.data;

  // Step ids are unique, and a step may use only the results of steps before it.
  const earlier = new Map<string, number>();
  spec.steps.forEach((step, i) => {
    if (step.id && earlier.has(step.id)) add(["steps", i, "id"], `duplicate step id "${step.id}" (step ids must be unique)`);
    for (const { path, text } of stringsIn(step.with, ["steps", i, "with"])) {
      const scan = scanTemplates(text);
      for (const problem of scan.problems) add(path, problem.reason, problem.index);
      for (const ref of scan.refs) {
        if (ref.root !== "steps") continue;
        const id = ref.path[0]!;
        const index = earlier.get(id);
        if (index === undefined) add(path, spec.steps.some((s) => s.id === id) ? `${ref.raw}: step "${id}" runs later; a step may use only earlier steps' results` : `${ref.raw}: no step with id "${id}"`, ref.index);
      }
    }
    if (step.id && !earlier.has(step.id)) earlier.set(step.id, i);
  });

  if (catalog) lintAgainstCatalog({ spec, catalog, add, addAtKey });
  if (problems.length) return { ok: false, problems: sorted(problems) };
  return { ok: true, spec: { ...spec, run_as: spec.run_as.replace(/^@/, "") } };
}

/** Check names, parameters and template references against the catalog. */
function lintAgainstCatalog(props: {
  spec: WorkflowSpec;
  catalog: LintCatalog;
  add(path: PathKey[], reason: string, offset?: number): void;
  addAtKey(path: PathKey[], key: string, reason: string): void;
}): void {
  const { spec, catalog, add, addAtKey } = props;
  const own = <T>(map: Record<string, T>, key: string): T | undefined => (Object.hasOwn(map, key) ? map[key] : undefined);
  const trigger = catalog.triggers.find((t) => t.name === spec.trigger.type);
  if (!trigger) {
    add(["trigger", "type"], `unknown trigger "${spec.trigger.type}"${closest(spec.trigger.type, catalog.triggers.map((t) => t.name))}`);
  } else {
    for (const [key, value] of Object.entries(spec.trigger.where)) {
      const param = own(trigger.parameters, key);
      if (!param) {
        if (!trigger.openValues) addAtKey(["trigger", "where"], key, `"${key}" is not a condition of ${trigger.name}${listOf(Object.keys(trigger.parameters))}`);
        continue;
      }
      const reason = typeProblem(param, value);
      if (reason) add(["trigger", "where", key], reason);
    }
    for (const [key, param] of Object.entries(trigger.parameters)) {
      if (param.required && spec.trigger.where[key] === undefined) add(["trigger", "where"], `${trigger.name} needs the condition "${key}" (${param.description})`);
    }
  }

  const returnsOf = new Map<string, LintCatalog["actions"][number] | undefined>();
  spec.steps.forEach((step, i) => {
    const action = catalog.actions.find((a) => a.name === step.action);
    if (!action) add(["steps", i, "action"], `unknown action "${step.action}"${closest(step.action, catalog.actions.map((a) => a.name))}`);
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
        if (param.required && step.with[key] === undefined) add(["steps", i, "with"], `${action.name} needs "${key}" (${param.description})`);
      }
    }
    for (const { path, text } of stringsIn(step.with, ["steps", i, "with"])) {
      for (const ref of scanTemplates(text).refs) {
        const value = ref.root === "trigger" ? ref.path[0]! : ref.path[1]!;
        if (ref.root === "trigger") {
          if (trigger && !trigger.openValues && !Object.hasOwn(trigger.provides, value)) add(path, `${ref.raw}: ${trigger.name} provides no "${value}"${listOf(Object.keys(trigger.provides))}`, ref.index);
        } else {
          const source = returnsOf.get(ref.path[0]!);
          if (source && !Object.hasOwn(source.returns, value)) add(path, `${ref.raw}: ${source.name} returns no "${value}"${listOf(Object.keys(source.returns))}`, ref.index);
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
      if (param.enum && !param.enum.map((e) => e.toLowerCase()).includes(String(value).toLowerCase())) return `must be one of ${param.enum.join(", ")}`;
      return null;
    case "number":
      return typeof value === "number" || (typeof value === "string" && value.trim() !== "" && !Number.isNaN(Number(value))) ? null : "must be a number";
    case "boolean":
      return typeof value === "boolean" ? null : "must be true or false";
    case "string[]":
      return typeof value === "string" || (Array.isArray(value) && value.every((v) => typeof v === "string" || typeof v === "number")) ? null : "must be a list of strings";
    case "json":
      return null;
  }
}

/** "file:line:column: path: reason" lines, as `sitrep workflow lint` prints them. */
export function formatProblems(file: string, problems: readonly WorkflowIssue[]): string[] {
  return problems.map((p) => `${file}:${p.line}:${p.column}: ${p.path ? `${p.path}: ` : ""}${p.reason}`);
}

const KNOWN_KEYS: Record<string, string[]> = {
  "": ["name", "team", "description", "run_as", "enabled", "trigger", "steps"],
  trigger: ["type", "where"],
  steps: ["id", "action", "with"],
};

function suggestKey(path: PathKey[], key: string): string {
  const known = KNOWN_KEYS[path.length === 0 ? "" : String(path[0])];
  if (!known) return "";
  const close = known.find((k) => editDistance(k, key) <= 2);
  return close ? `; did you mean "${close}"?` : `; valid keys here: ${known.join(", ")}`;
}

function closest(name: string, known: string[]): string {
  const close = known.find((k) => editDistance(k, name) <= 2);
  return close ? `; did you mean "${close}"?` : listOf(known, "; known: ");
}

function listOf(names: string[], prefix = "; known: "): string {
  return names.length ? `${prefix}${names.join(", ")}` : "";
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = row[j]!;
      row[j] = next;
    }
  }
  return row[b.length]!;
}

function valueAt(root: unknown, path: PathKey[]): unknown {
  let value: unknown = root;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PathKey, unknown>)[key];
  }
  return value;
}

/**
 * Line and column of the node at `path` (or of its map key `key`); when the
 * node is missing, of its key or nearest parent. `offset` points inside a
 * single-line scalar (a template problem).
 */
function locateNode(props: { doc: Document; path: PathKey[]; key?: string; offset?: number; at(offset: number): { line: number; column: number } }): { line: number; column: number } {
  const { doc, at } = props;
  for (let n = props.path.length; n >= 0; n--) {
    const node = doc.getIn(props.path.slice(0, n), true) as Node | undefined;
    if (!node || !node.range) continue;
    if (n === props.path.length && props.key !== undefined && isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && p.key.value === props.key);
      const keyNode = pair?.key as Scalar | undefined;
      if (keyNode?.range) return at(keyNode.range[0]);
    }
    if (n < props.path.length && (isMap(node) || isSeq(node))) {
      const last = props.path[n];
      const pair = isMap(node) ? node.items.find((p) => isScalar(p.key) && p.key.value === last) : undefined;
      const keyNode = pair?.key as Scalar | undefined;
      if (keyNode?.range) return at(keyNode.range[0]);
    }
    if (n === props.path.length && props.offset !== undefined && isScalar(node) && typeof node.value === "string" && !node.value.includes("\n")) {
      const quote = node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE" ? 1 : 0;
      if (node.type === "PLAIN" || quote) return at(node.range[0] + quote + props.offset);
    }
    return at(node.range[0]);
  }
  return { line: 1, column: 1 };
}

function sorted(problems: WorkflowIssue[]): WorkflowIssue[] {
  return problems.sort((a, b) => a.line - b.line || a.column - b.column);
}
