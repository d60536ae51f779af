/**
 * @module incident/common/templates
 * Playbook templates: `{{name}}`, `{{slug}}`, `{{date}}`, `{{seq}}`,
 * `{{commander}}` and `{{fields.<key>}}`. A plain substitution — nothing in a
 * template is ever evaluated as code. The one place that builds an
 * incident's template values ({@link incidentTemplateValues}) and renders its
 * forwarding rules ({@link renderForwardingRules}), for the start of an
 * incident and `/incident rules reload` alike: a new variable is added here once.
 *
 * Why not a library: even a logic-less one such as mustache has sections
 * (`{{#x}}…{{/x}}`), inverted sections, partials (`{{> x}}`) and lambdas, and
 * HTML-escapes values (`&` → `&amp;` in a channel name or Markdown); an author
 * who writes `{{#fields.svc}}` would get logic instead of an error. The lint
 * here must name each unknown variable and undeclared field at its offset, for
 * `file:line:column` problems, where mustache renders a missing name as "".
 * Handlebars adds helpers on top; expand-template (in node_modules, for
 * prebuild-install) substitutes `{name}` with no dotted paths and no lint.
 */
import { slugify } from "#common/limits.ts";

/** The variables every template sees, besides `fields.<key>`. */
export const TEMPLATE_VARIABLES = ["name", "slug", "date", "seq", "commander"] as const;

/** Values a template is rendered with. */
export interface TemplateValues {
  name: string;
  slug: string;
  /** YYYY-MM-DD. */
  date: string;
  seq: number;
  /** Username of the commander. */
  commander: string;
  fields: Record<string, string>;
}

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** One problem in a template: the offset in the text, and why. */
export interface TemplateProblem {
  index: number;
  reason: string;
}

/**
 * Problems of a template: unknown variables, fields the playbook does not
 * declare, unclosed braces.
 * @example lintTemplate("{{nme}}", []) // [{index: 0, reason: 'unknown variable "nme"; ...'}]
 */
export function lintTemplate(text: string, fieldKeys: readonly string[]): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  for (const match of text.matchAll(PLACEHOLDER)) {
    const variable = match[1] ?? "";
    const index = match.index ?? 0;
    if ((TEMPLATE_VARIABLES as readonly string[]).includes(variable)) continue;
    if (variable.startsWith("fields.")) {
      const key = variable.slice("fields.".length);
      if (fieldKeys.includes(key)) continue;
      const known = fieldKeys.length ? `the playbook's fields are ${fieldKeys.join(", ")}` : "the playbook declares no fields";
      problems.push({ index, reason: `unknown field "{{${variable}}}": ${known}` });
      continue;
    }
    problems.push({
      index,
      reason: `unknown variable "{{${variable}}}"; templates may use ${TEMPLATE_VARIABLES.map((v) => `{{${v}}}`).join(", ")} and {{fields.<key>}}`,
    });
  }
  const stripped = text.replace(PLACEHOLDER, (m) => " ".repeat(m.length));
  const open = stripped.indexOf("{{");
  if (open >= 0) problems.push({ index: open, reason: 'unclosed "{{": a template variable looks like {{name}}' });
  return problems;
}

/**
 * Substitute the variables of a template; unknown ones (which lint refuses) become "".
 * @example renderTemplate("outage-{{slug}}", {...values, slug: "db-down"}) // "outage-db-down"
 */
export function renderTemplate(text: string, values: TemplateValues): string {
  return text.replace(PLACEHOLDER, (_match, variable: string) => {
    if (variable.startsWith("fields.")) {
      const key = variable.slice("fields.".length);
      return Object.hasOwn(values.fields, key) ? String(values.fields[key]) : "";
    }
    switch (variable) {
      case "name":
        return values.name;
      case "slug":
        return values.slug;
      case "date":
        return values.date;
      case "seq":
        return String(values.seq);
      case "commander":
        return values.commander;
      default:
        return "";
    }
  });
}

/** Today (or `at`) as YYYY-MM-DD in UTC, the `{{date}}` of templates. */
export function templateDate(at: number = Date.now()): string {
  return new Date(at).toISOString().slice(0, 10);
}

/**
 * The template values of an incident, as at its start: `{{slug}}` is made
 * from the name, `{{date}}` is the start date.
 * @example incidentTemplateValues({name: "DB down", createAt: Date.now(), seq: 3, commander: "alice", fields: {}})
 */
export function incidentTemplateValues(props: {
  name: string;
  /** When the incident started (ms since the epoch). */
  createAt: number;
  seq: number;
  /** Username of the commander. */
  commander: string;
  fields: Record<string, string>;
}): TemplateValues {
  return {
    name: props.name,
    slug: slugify(props.name),
    date: templateDate(props.createAt),
    seq: props.seq,
    commander: props.commander,
    fields: props.fields,
  };
}

/**
 * Render the templates of playbook forwarding rules for one incident: keywords
 * and excluded keywords (the values the playbook parser lints). Rules left
 * without a usable keyword by an empty field keep their other conditions.
 * @example renderForwardingRules([{from: ["alerts"], keywords: ["{{fields.service}}"], ...}], values)
 */
export function renderForwardingRules<R extends { keywords: readonly string[]; exclude_keywords: readonly string[] }>(
  rules: readonly R[],
  values: TemplateValues,
): R[] {
  const render = (list: readonly string[]) => list.map((text) => renderTemplate(text, values).trim()).filter(Boolean);
  return rules.map((rule) => ({ ...rule, keywords: render(rule.keywords), exclude_keywords: render(rule.exclude_keywords) }));
}
