/**
 * @module workflow/common/templates
 * The safe template syntax of workflows: `{{trigger.<value>}}` and
 * `{{steps.<id>.<value>}}` (deeper paths read into JSON values, e.g.
 * `{{steps.call.json.id}}`). Templates are looked up, never evaluated: there
 * are no expressions, filters or function calls.
 *
 * Why not a library: a template library renders strings, but a parameter that
 * is exactly one reference keeps its value's type here (a number stays a
 * number, a list a list), and the linter needs every reference parsed with its
 * offset to check it against the catalog and the earlier steps before any run.
 * Mustache, the logic-less candidate, would also bring sections, partials and
 * lambdas a workflow must not have, HTML-escape values bound for JSON bodies
 * and chat messages, and render a missing value as "" without saying which
 * step lacked it. None is installed; this is a regular expression and a lookup.
 */

/** A reference found in a template string. */
export interface TemplateRef {
  /** `trigger` or `steps`. */
  root: "trigger" | "steps";
  /** The dotted path after the root, e.g. `["message"]` or `["start", "channel_name"]`. */
  path: string[];
  /** The whole `{{ ... }}` text. */
  raw: string;
  /** Offset of `{{` in the string. */
  index: number;
}

/** A template problem: the offset of the `{{` and the reason. */
export interface TemplateProblem {
  index: number;
  reason: string;
}

const TEMPLATE = /\{\{\s*(.*?)\s*\}\}/g;
const SEGMENT = /^[A-Za-z0-9_-]+$/;

/** Every `{{...}}` of a string, parsed; syntax problems apart. */
export function scanTemplates(text: string): { refs: TemplateRef[]; problems: TemplateProblem[] } {
  const refs: TemplateRef[] = [];
  const problems: TemplateProblem[] = [];
  for (const match of text.matchAll(TEMPLATE)) {
    const expression = match[1] ?? "";
    const index = match.index ?? 0;
    const parts = expression.split(".");
    const root = parts[0];
    if ((root !== "trigger" && root !== "steps") || !parts.slice(1).every((p) => SEGMENT.test(p))) {
      problems.push({ index, reason: `"${match[0]}" is not a template: use {{trigger.<value>}} or {{steps.<id>.<value>}}` });
      continue;
    }
    const path = parts.slice(1);
    if (path.length < (root === "steps" ? 2 : 1)) {
      problems.push({
        index,
        reason:
          root === "steps"
            ? `"${match[0]}" needs a step id and a value: {{steps.<id>.<value>}}`
            : `"${match[0]}" needs a value: {{trigger.<value>}}`,
      });
      continue;
    }
    refs.push({ root, path, raw: match[0], index });
  }
  // A "{{" outside every complete template is never closed.
  let cursor = 0;
  for (const match of text.matchAll(TEMPLATE)) {
    const open = text.slice(cursor, match.index).indexOf("{{");
    if (open >= 0) problems.push({ index: cursor + open, reason: 'a "{{" is not closed by "}}"' });
    cursor = (match.index ?? 0) + match[0].length;
  }
  const open = text.slice(cursor).indexOf("{{");
  if (open >= 0) problems.push({ index: cursor + open, reason: 'a "{{" is not closed by "}}"' });
  return { refs, problems };
}

/** What templates see while a workflow runs. */
export interface TemplateScope {
  trigger: Record<string, unknown>;
  steps: Record<string, Record<string, unknown>>;
}

function lookup(scope: TemplateScope, ref: Pick<TemplateRef, "root" | "path">): unknown {
  let value: unknown = ref.root === "trigger" ? scope.trigger : scope.steps;
  for (const key of ref.path) {
    // Own properties only: `{{trigger.constructor}}` reads nothing.
    if (value === null || typeof value !== "object" || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function asText(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/**
 * Render one string. A string that is exactly one template keeps the value's
 * type (a list stays a list); otherwise values are written into the text, and
 * a missing value is written as nothing.
 * @example renderString("Started ~{{steps.start.channel_name}}", scope) // "Started ~sev1-abc"
 */
export function renderString(text: string, scope: TemplateScope, missing?: (ref: TemplateRef) => unknown): unknown {
  const { refs } = scanTemplates(text);
  if (refs.length === 0) return text;
  const resolve = (ref: TemplateRef) => {
    const value = lookup(scope, ref);
    return value === undefined && missing ? missing(ref) : value;
  };
  const [only] = refs;
  if (refs.length === 1 && only && only.raw === text.trim() && text.trim() === text) {
    const value = resolve(only);
    return value === undefined ? "" : value;
  }
  return text.replace(TEMPLATE, (raw) => {
    const ref = refs.find((r) => r.raw === raw);
    return ref ? asText(resolve(ref)) : raw;
  });
}

/** Render every string inside a value (maps and lists included). */
export function renderValue(value: unknown, scope: TemplateScope, missing?: (ref: TemplateRef) => unknown): unknown {
  if (typeof value === "string") return renderString(value, scope, missing);
  if (Array.isArray(value)) return value.map((v) => renderValue(v, scope, missing));
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderValue(v, scope, missing)]));
  return value;
}

/** Every string inside a value with its path, for linting. */
export function stringsIn(value: unknown, path: Array<string | number> = []): Array<{ path: Array<string | number>; text: string }> {
  if (typeof value === "string") return [{ path, text: value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringsIn(v, [...path, i]));
  if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => stringsIn(v, [...path, k]));
  return [];
}
