/**
 * @module workflow/server/routes/validation
 * Request parsing with zod: a bad body or query becomes a 400
 * `workflow.request.invalid` naming each field and its reason.
 */
import type { z } from "zod";
import { invalid } from "#common/plugin-errors.ts";

/** Parse with zod, or a 400 naming each field and reason. */
export function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => ({ field: i.path.join(".") || "body", reason: i.message }));
  throw invalid("workflow.request.invalid", problems.map((p) => `${p.field}: ${p.reason}`).join("; "), problems);
}

/** A JSON answer with a status (never confused with a body that has a `status` key). */
export function reply(status: number, body: unknown): { status: number; body: unknown } {
  return { status, body };
}
