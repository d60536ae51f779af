/**
 * @module api/openapi
 * The OpenAPI 3.1 documents of the routes Sitrep serves, assembled from the
 * route table (route-table.ts): each route's zod schemas become JSON Schema
 * through zod 4's own `z.toJSONSchema`, so the document describes exactly
 * what validates requests. Requests are described as they are read (`io:
 * "input"`: before defaults and transforms), answers as they are sent.
 * A schema part zod cannot express in JSON Schema (a custom check) reads as
 * "any value" rather than failing the whole document.
 */
import { z } from "zod";
import type { $ZodType } from "zod/v4/core";
import type { RouteEntry } from "./route-table.ts";

/** A JSON Schema object as `z.toJSONSchema` returns it. */
type JsonSchema = Record<string, unknown>;

/** One OpenAPI parameter (path or query). */
interface Parameter {
  name: string;
  in: "path" | "query";
  required: boolean;
  schema: JsonSchema;
}

/** One OpenAPI operation. */
interface Operation {
  operationId: string;
  summary: string;
  tags: string[];
  security: Array<Record<string, string[]>>;
  "x-sitrep-access": RouteEntry["access"];
  "x-sitrep-policy"?: string;
  parameters?: Parameter[];
  requestBody?: { required: boolean; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: JsonSchema }> }>;
}

/** An OpenAPI 3.1 document. */
export interface OpenApiDocument {
  openapi: "3.1.0";
  info: { title: string; version: string; description: string };
  paths: Record<string, Partial<Record<Lowercase<RouteEntry["method"]>, Operation>>>;
  components: { securitySchemes: Record<string, Record<string, string>> };
}

/** The ways a caller signs in (DESIGN section 2): a bearer token or the session cookie with its CSRF header. */
const SECURITY_SCHEMES = {
  bearer: { type: "http", scheme: "bearer", description: "A session or personal access token" },
  session: {
    type: "apiKey",
    in: "cookie",
    name: "MMAUTHTOKEN",
    description: "The web app's session cookie (writes also send X-CSRF-Token)",
  },
};

/** `schema` as JSON Schema, without the `$schema` key a document embeds once. */
function jsonSchemaOf(schema: $ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" });
  return rest;
}

/** `/channels/:id/*` → `/channels/{id}/{path}`: OpenAPI's path template. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, "{$1}").replace(/\/\*$/, "/{path}");
}

/** The properties and required names of an object schema's JSON Schema (empty for anything else). */
function objectFields(schema: JsonSchema): { properties: Record<string, JsonSchema>; required: Set<string> } {
  const properties = schema.properties && typeof schema.properties === "object" ? (schema.properties as Record<string, JsonSchema>) : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
  return { properties, required };
}

/** The path and query parameters of a route, from its params and query schemas. */
function parametersOf(entry: RouteEntry): Parameter[] {
  const parameters: Parameter[] = [];
  const inPath = [...openApiPath(entry.path).matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? "");
  const pathSchema = entry.params ? objectFields(jsonSchemaOf(entry.params, "input")).properties : {};
  for (const name of inPath) {
    const schemaName = name === "path" && !(name in pathSchema) ? "*" : name;
    parameters.push({ name, in: "path", required: true, schema: pathSchema[schemaName] ?? { type: "string" } });
  }
  if (entry.query) {
    const { properties, required } = objectFields(jsonSchemaOf(entry.query, "input"));
    for (const [name, schema] of Object.entries(properties)) parameters.push({ name, in: "query", required: required.has(name), schema });
  }
  return parameters;
}

/** `GET /api/v4/channels/:id` → `getApiV4ChannelsId`: a stable, unique operation id. */
function operationIdOf(entry: RouteEntry): string {
  const words = entry.path.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return entry.method.toLowerCase() + words.map((w) => w[0]?.toUpperCase() + w.slice(1)).join("");
}

/** The tag a route is listed under: the first path segment after the API prefix (`channels`, `incidents`). */
function tagOf(entry: RouteEntry): string {
  const rest = entry.path.replace(/^\/api\/v4\//, "").replace(/^\/plugins\/[^/]+\/(api\/v\d+\/)?/, "");
  return rest.split("/")[0]?.replace(/^:.*/, "") || "root";
}

/** One route as an OpenAPI operation. */
function operationOf(entry: RouteEntry): Operation {
  const operation: Operation = {
    operationId: operationIdOf(entry),
    summary: entry.summary ?? "",
    tags: [tagOf(entry)],
    security: entry.access === "none" ? [{}, { bearer: [] }, { session: [] }] : [{ bearer: [] }, { session: [] }],
    "x-sitrep-access": entry.access,
    responses: {
      "200": {
        description: "Success",
        ...(entry.response ? { content: { "application/json": { schema: jsonSchemaOf(entry.response, "output") } } } : {}),
      },
      "400": { description: "A parameter, query or body field is invalid; the message names it" },
      ...(entry.access === "none" ? {} : { "401": { description: "Not signed in" } }),
      ...(entry.access === "system_admin" || entry.policy ? { "403": { description: "Not allowed for this caller" } } : {}),
    },
  };
  if (entry.policy) operation["x-sitrep-policy"] = entry.policy;
  const parameters = parametersOf(entry);
  if (parameters.length) operation.parameters = parameters;
  if (entry.body)
    operation.requestBody = { required: true, content: { "application/json": { schema: jsonSchemaOf(entry.body, "input") } } };
  return operation;
}

/** The OpenAPI document of `routes` (the host's, or one plugin's). */
export function openApiDocument(props: {
  title: string;
  version: string;
  description: string;
  routes: readonly RouteEntry[];
}): OpenApiDocument {
  const paths: OpenApiDocument["paths"] = {};
  for (const entry of props.routes) {
    const item = (paths[openApiPath(entry.path)] ??= {});
    item[methodKey(entry.method)] = operationOf(entry);
  }
  return {
    openapi: "3.1.0",
    info: { title: props.title, version: props.version, description: props.description },
    paths,
    components: { securitySchemes: SECURITY_SCHEMES },
  };
}

/** The lower-case method an OpenAPI path item is keyed by. */
function methodKey(method: RouteEntry["method"]): Lowercase<RouteEntry["method"]> {
  switch (method) {
    case "GET":
      return "get";
    case "POST":
      return "post";
    case "PUT":
      return "put";
    case "PATCH":
      return "patch";
    case "DELETE":
      return "delete";
  }
}
