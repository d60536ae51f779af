/**
 * @module workflow/common/params
 * Rendered step input made to fit the action's declared parameter types:
 * templates render to text, so `"42"` becomes 42 for a number parameter and
 * `"true"` becomes true for a boolean one. Anything that still does not fit is
 * an error naming the parameter.
 */
import type { AutomationParam } from "#plugin-api";

/** The input coerced to the parameters' types, or the problems (`name: reason`). */
export function coerceParams(
  params: Record<string, unknown>,
  definition: Record<string, AutomationParam>,
): { ok: true; params: Record<string, unknown> } | { ok: false; problems: string[] } {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    const param = Object.hasOwn(definition, key) ? definition[key] : undefined;
    if (!param) {
      problems.push(`${key}: is not a parameter of this action`);
      continue;
    }
    const coerced = coerce(param, value);
    if ("problem" in coerced) problems.push(`${key}: ${coerced.problem}`);
    else if (coerced.value !== undefined) out[key] = coerced.value;
  }
  for (const [key, param] of Object.entries(definition)) {
    if (param.required && (out[key] === undefined || out[key] === ""))
      problems.push(`${key}: is required${params[key] === "" ? " (its template rendered empty)" : ""}`);
  }
  return problems.length ? { ok: false, problems } : { ok: true, params: out };
}

function coerce(param: AutomationParam, value: unknown): { value: unknown } | { problem: string } {
  if (value === undefined || value === null) return { value: undefined };
  switch (param.type) {
    case "string": {
      if (typeof value === "object") return { problem: "must be a string" };
      const text = String(value);
      if (param.enum && text && !param.enum.some((e) => e.toLowerCase() === text.toLowerCase()))
        return { problem: `must be one of ${param.enum.join(", ")}` };
      return { value: text };
    }
    case "number": {
      const n = typeof value === "number" ? value : typeof value === "string" && value.trim() ? Number(value) : NaN;
      return Number.isFinite(n) ? { value: n } : { problem: "must be a number" };
    }
    case "boolean":
      if (typeof value === "boolean") return { value };
      if (value === "true" || value === "false") return { value: value === "true" };
      return { problem: "must be true or false" };
    case "string[]":
      if (Array.isArray(value) && value.every((v) => typeof v !== "object")) return { value: value.map(String) };
      if (typeof value === "string") return { value: value ? [value] : [] };
      return { problem: "must be a list of strings" };
    case "json":
      return { value };
  }
}
