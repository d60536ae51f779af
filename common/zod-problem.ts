/**
 * @module zod-problem
 * The one way a zod failure becomes a 400: each issue becomes `{field, reason}`
 * and the message joins them as `field: reason; field: reason`. The host's
 * routes, the plugin routes the host validates, and the plugins' own parsing
 * all use it, so a bad request reads the same wherever it is refused.
 */
import type { ZodError } from "zod";
import { SitrepError } from "./errors.ts";

/** One problem of a refused request. */
export interface FieldProblem {
  /** Dotted path of the field, or `body` for the whole value. */
  field: string;
  reason: string;
}

/** How to phrase issues. */
export interface ProblemWording {
  /**
   * Say "is required" for a missing field and "unknown key(s) a, b" for extra
   * keys (the plugins' wording), instead of zod's own messages (the host's).
   */
  plain?: boolean;
}

/** The problems of a zod error, one per issue. `input` is the value that was parsed. */
export function zodProblems(error: ZodError, input: unknown, wording: ProblemWording = {}): FieldProblem[] {
  return error.issues.map((issue) => {
    const field = issue.path.map(String).join(".") || "body";
    if (!wording.plain) return { field, reason: issue.message };
    if (issue.code === "invalid_type" && valueAt(input, issue.path) === undefined) return { field, reason: "is required" };
    if (issue.code === "unrecognized_keys") return { field, reason: `unknown key(s) ${issue.keys.join(", ")}` };
    return { field, reason: issue.message };
  });
}

/**
 * A 400 whose message names each field and reason, e.g. `name: must be 2 to 64 characters`,
 * with the problems as `details`.
 */
export function zodProblem(error: ZodError, props: { id: string; input: unknown } & ProblemWording): SitrepError {
  const problems = zodProblems(error, props.input, props);
  return new SitrepError({
    status: 400,
    id: props.id,
    message: problems.map((p) => `${p.field}: ${p.reason}`).join("; "),
    details: problems,
  });
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
