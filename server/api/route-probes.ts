/**
 * @module api/route-probes
 * Requests made from a route's table entry, for the tests that walk
 * `host.routes` (the authorization matrix, bad input, fuzz coverage): a path
 * with every parameter filled, whether a request path is one of the route's,
 * and for each body or query field a value of the wrong type. Read from the
 * schemas, so a new route or field is probed without anyone listing it.
 */
import * as core from "zod/v4/core";
import type { RouteEntry } from "./route-table.ts";

/** `entry.path` with each `:param` (and a trailing `*`) replaced by `value`. */
export function samplePath(entry: Pick<RouteEntry, "path">, value = "x".repeat(26)): string {
  return entry.path.replace(/:[A-Za-z_]+/g, value).replace(/\*$/, "file.js");
}

/** Whether a request `method url` is served by `entry` (by its path pattern). */
export function routeMatches(entry: Pick<RouteEntry, "method" | "path">, method: string, url: string): boolean {
  if (method.toUpperCase() !== entry.method) return false;
  const pattern = entry.path
    .split("/")
    .map((segment) => (segment === "*" ? ".*" : segment.startsWith(":") ? "[^/]+" : segment.replace(/[.+?^${}()|[\]\\]/g, "\\$&")))
    .join("/");
  return new RegExp(`^${pattern}$`).test(url.split("?")[0] ?? "");
}

/** One bad request for a route: the field it must name, and the body or query that carries the wrong value. */
export interface BadInput {
  field: string;
  /** What is wrong, for the test's label. */
  what: string;
  body?: unknown;
  query?: string;
}

/** The schema a value is checked against once optional, default, nullable and preprocessing are taken off. */
function core_(schema: core.$ZodType): core.$ZodType {
  if (schema instanceof core.$ZodOptional || schema instanceof core.$ZodDefault || schema instanceof core.$ZodNullable)
    return core_(schema._zod.def.innerType);
  if (schema instanceof core.$ZodPipe)
    return core_(schema._zod.def.out instanceof core.$ZodTransform ? schema._zod.def.in : schema._zod.def.out);
  return schema;
}

/** The fields of an object schema (through preprocessing), or none. */
function fieldsOf(schema: core.$ZodType | undefined): Array<[string, core.$ZodType]> {
  const inner = schema && core_(schema);
  return inner instanceof core.$ZodObject ? Object.entries(inner._zod.def.shape) : [];
}

/** A JSON value that a field of this schema refuses, or undefined when it takes anything. */
function wrongJson(schema: core.$ZodType): unknown {
  const inner = core_(schema);
  if (inner instanceof core.$ZodString || inner instanceof core.$ZodEnum || inner instanceof core.$ZodLiteral) return 12345;
  if (inner instanceof core.$ZodNumber) return "not a number";
  if (inner instanceof core.$ZodBoolean) return "yes";
  if (inner instanceof core.$ZodObject || inner instanceof core.$ZodRecord || inner instanceof core.$ZodArray) return "text";
  return undefined;
}

/** A query string (`name=value`) that a parameter of this schema refuses, or undefined when it takes anything. */
function wrongQuery(name: string, schema: core.$ZodType): string | undefined {
  const inner = core_(schema);
  if (inner instanceof core.$ZodNumber) return `${name}=not-a-number`;
  if (inner instanceof core.$ZodEnum || inner instanceof core.$ZodLiteral) return `${name}=not-one-of-them`;
  // A string parameter given twice arrives as an array.
  if (inner instanceof core.$ZodString) return `${name}=a&${name}=b`;
  return undefined;
}

/** For each body and query field of a route, a request whose value for it has the wrong type. */
export function badInputs(entry: Pick<RouteEntry, "body" | "query">): BadInput[] {
  const inputs: BadInput[] = [];
  for (const [field, schema] of fieldsOf(entry.body)) {
    const value = wrongJson(schema);
    if (value !== undefined) inputs.push({ field, what: `body ${field} as ${JSON.stringify(value)}`, body: { [field]: value } });
  }
  for (const [field, schema] of fieldsOf(entry.query)) {
    const query = wrongQuery(field, schema);
    if (query !== undefined) inputs.push({ field, what: `query ${query}`, query });
  }
  return inputs;
}
