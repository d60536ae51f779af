/**
 * @module incident/server/routes/validation
 * Request parsing with zod: a bad body or query becomes a 400 naming each
 * field and its reason (`name: must not be empty`).
 */
import type { z } from "zod";
import type { PluginRequest } from "#plugin-api";
import { invalid, notAllowed } from "#common/plugin-errors.ts";

/** Parse `value` with `schema`, or throw a 400 listing the problems. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, id: string): z.infer<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => ({
    field: issue.path.map(String).join(".") || "body",
    reason:
      issue.code === "invalid_type" && valueAt(value, issue.path) === undefined
        ? "is required"
        : issue.code === "unrecognized_keys"
          ? `unknown key(s) ${issue.keys.join(", ")}`
          : issue.message,
  }));
  throw invalid(id, problems.map((p) => `${p.field}: ${p.reason}`).join("; "), problems);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** The signed-in user's id (routes with `auth: "user"` always have one). */
export function userId(req: PluginRequest): string {
  if (!req.user) throw notAllowed("incident.auth", "You must be signed in to do that.");
  return req.user.id;
}

/** A JSON answer with a status (never confused with a body that has a `status` key). */
export function reply(status: number, body: unknown): { status: number; body: unknown } {
  return { status, body };
}
