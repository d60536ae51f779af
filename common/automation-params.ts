/**
 * @module automation-params
 * Automation action parameters are declared once, as a zod object schema
 * (`ActionDefinition.parameters`): the registry parses every call with it,
 * and the catalog describes it to workflow authors and to the workflow linter
 * as {@link AutomationParam}s derived from the same schema, so the two cannot
 * disagree.
 *
 * The description of a field: its type from the zod type (`z.string()` →
 * `string`, `z.number()` → `number`, `z.boolean()` → `boolean`,
 * `z.array(z.string())` → `string[]`, `z.enum([...])` → `string` with
 * `enum`, anything else → `json`), its `description` from `.describe()`, and
 * `required` unless it is optional or has a default.
 */
import { z, type ZodObject, type ZodType } from "zod";
import type { AutomationParam } from "./plugin-api.ts";

/**
 * The catalog's description of an action's parameters.
 * @example describeParameters(z.object({ channel: z.string().describe("Channel name.") }))
 * // {channel: {type: "string", description: "Channel name.", required: true}}
 */
export function describeParameters(schema: ZodObject): Record<string, AutomationParam> {
  return Object.fromEntries(Object.entries(schema.shape).map(([name, field]) => [name, describeParameter(field)]));
}

/** One field of a parameter schema, as the catalog lists it. */
export function describeParameter(field: z.core.$ZodType): AutomationParam {
  let schema: z.core.$ZodType = field;
  let required = true;
  let description: string | undefined;
  for (;;) {
    // Through the schema's own getter: a plugin bundle carries its own copy of zod, with its own registry.
    if (schema instanceof z.ZodType) description ??= schema.description;
    if (schema instanceof z.ZodOptional || schema instanceof z.ZodDefault || schema instanceof z.ZodPrefault) {
      required = false;
      schema = schema.unwrap();
    } else if (schema instanceof z.ZodNullable) {
      schema = schema.unwrap();
    } else if (schema instanceof z.ZodPipe) {
      // A transform after a type (`z.string().transform(...)`) is described by
      // its input; a preprocessing step before one (`z.preprocess`) by its output.
      schema = schema.out instanceof z.ZodTransform ? schema.in : schema.out;
    } else break;
  }
  const described: AutomationParam = { type: paramType(schema), description: description ?? "" };
  if (required) described.required = true;
  if (schema instanceof z.ZodEnum) described.enum = schema.options.map(String);
  return described;
}

function paramType(schema: z.core.$ZodType): AutomationParam["type"] {
  if (schema instanceof z.ZodString || schema instanceof z.ZodEnum) return "string";
  if (schema instanceof z.ZodNumber) return "number";
  if (schema instanceof z.ZodBoolean) return "boolean";
  if (schema instanceof z.ZodArray && schema.element instanceof z.ZodString) return "string[]";
  return "json";
}

/**
 * A string parameter with a closed set of values, matched case-insensitively
 * (`post` is `POST`), answered as the listed spelling. An empty string is no
 * value, as a workflow template that rendered empty is.
 * @example oneOf(["GET", "POST"], { optional: true }).describe("The method.")
 */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T): ZodType<T[number]>;
export function oneOf<const T extends readonly [string, ...string[]]>(values: T, props: { optional: true }): ZodType<T[number] | undefined>;
export function oneOf<const T extends readonly [string, ...string[]]>(
  values: T,
  props: { optional?: boolean } = {},
): ZodType<T[number] | undefined> {
  const message = `must be one of ${values.join(", ")}`;
  const canonical = (value: unknown) => {
    if (typeof value !== "string") return value;
    if (value === "") return undefined;
    return values.find((v) => v.toLowerCase() === value.toLowerCase()) ?? value;
  };
  const choice = z.enum(values, { error: (issue) => (issue.input === undefined ? "is required" : message) });
  // Optional inside the preprocessing: "" becomes undefined there, after an outer optional would have looked.
  return z.preprocess(canonical, props.optional ? choice.optional() : choice);
}

/** A trigger or action parameter or value, as the catalog lists it ({@link AutomationParam}). */
export const automationParamSchema = z.object({
  type: z.enum(["string", "number", "boolean", "string[]", "json"]),
  description: z.string(),
  required: z.boolean().optional(),
  enum: z.array(z.string()).optional(),
});

const paramsSchema = z.record(z.string(), automationParamSchema);

/**
 * The automation catalog as plain data (`AutomationApi.catalog()`, the Workflow
 * plugin's `GET /catalog`, the generated static catalog), to parse it where it
 * is read from a file or the wire.
 */
export const automationCatalogSchema = z.object({
  triggers: z.array(
    z.object({
      name: z.string(),
      description: z.string(),
      parameters: paramsSchema,
      provides: paramsSchema,
      openValues: z.boolean().optional(),
      plugin_id: z.string(),
    }),
  ),
  actions: z.array(
    z.object({ name: z.string(), description: z.string(), parameters: paramsSchema, returns: paramsSchema, plugin_id: z.string() }),
  ),
});
