/**
 * @module incident/common/playbook
 * Playbooks as code: the zod schema of the YAML format (DESIGN.md section 4)
 * and a parser that reports every problem with its line, column and path, so
 * the API, the CLI's `playbook lint` and the web editor show the same errors.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Scalar } from "yaml";
import { z } from "zod";
import { nameSchema } from "../../../common/limits.ts";
import { lintTemplate } from "./templates.ts";

const itemTitle = z.string({ error: "must be a string" }).trim().min(1, "must not be empty").max(256, "must be at most 256 characters");
const nonEmpty = z.string({ error: "must be a string" }).min(1, "must not be empty");

/** A forwarding rule (DESIGN.md section 4); the forwarding engine acts on it. */
export const forwardingRuleSchema = z.strictObject({
  /** Public channel names to watch, or "*" for every public channel of the team. */
  from: z.union([z.literal("*"), z.array(nonEmpty).min(1, "must list at least one channel")], { error: 'must be a list of channel names or "*"' }).describe('Public channel names, or "*" for every public channel of the team.'),
  /** Any of them (or all, with `match: all`) as whole words, case-insensitively. Templates allowed. */
  keywords: z.array(nonEmpty, { error: "must be a list of strings" }).default([]).describe("Whole words, case-insensitive; templates such as {{fields.service}} allowed."),
  /** A post containing any of these is never forwarded. Templates allowed. */
  exclude_keywords: z.array(nonEmpty, { error: "must be a list of strings" }).default([]).describe("Posts containing any of these whole words are not forwarded."),
  /** A JavaScript regular expression, matched case-insensitively. */
  regex: nonEmpty.optional().describe("A regular expression (JavaScript syntax), matched case-insensitively."),
  /** Usernames, bot names or webhook display names. */
  authors: z.array(nonEmpty, { error: "must be a list of strings" }).default([]).describe("Only posts by these usernames, bots or webhook display names."),
  /** `any` (default): one of keywords/regex suffices; `all`: every condition given must hold. */
  match: z.enum(["any", "all"], { error: "must be any or all" }).default("any").describe("any: one of keywords/regex suffices; all: every keyword and the regex must match."),
});
export type ForwardingRule = z.infer<typeof forwardingRuleSchema>;

/** A field asked at start, e.g. `service: {required: true}`. */
export const playbookFieldSchema = z.strictObject({
  required: z.boolean({ error: "must be true or false" }).default(false),
  description: z.string({ error: "must be a string" }).max(1024, "must be at most 1024 characters").optional(),
  default: z.string({ error: "must be a string (put quotes around it)" }).max(1024, "must be at most 1024 characters").optional(),
});
export type PlaybookField = z.infer<typeof playbookFieldSchema>;

const FIELD_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** The YAML format of a playbook. */
export const playbookSpecSchema = z
  .strictObject({
    name: z.string({ error: "must be a string" }).trim().min(1, "must not be empty").max(128, "must be at most 128 characters").describe("Unique per team; /incident start --playbook takes it."),
    team: nameSchema.optional().describe("Team name; required in the playbooks directory, must match the API's team_id."),
    description: z.string({ error: "must be a string" }).max(4000, "must be at most 4000 characters").default(""),
    channel: z
      .strictObject({
        name_template: z.string({ error: "must be a string" }).trim().min(1, "must not be empty").max(200, "must be at most 200 characters").optional().describe('e.g. "outage-{{slug}}"; made into a valid channel name.'),
        private: z.boolean({ error: "must be true or false" }).default(false).describe("A private playbook's incident channels are always private."),
      })
      .default({ private: false }),
    invite: z.array(z.string({ error: "must be a string" }).regex(/^@?[a-z][a-z0-9._-]*$/, "must be a username"), { error: "must be a list of usernames" }).default([]).describe("Usernames added to the incident channel at start."),
    stages: z
      .array(
        z.strictObject({
          name: z.string({ error: "must be a string" }).trim().min(1, "must not be empty").max(64, "must be at most 64 characters"),
          checklist: z.array(itemTitle, { error: "must be a list of strings" }).default([]),
        }),
        { error: "must be a list of stages" },
      )
      .min(1, "must list at least one stage")
      .optional()
      .describe("Ordered; the first is the starting stage. Default: Triage, Investigating, Mitigated, Resolved."),
    checklist: z.array(itemTitle, { error: "must be a list of strings" }).default([]).describe("Items not tied to a stage."),
    fields: z
      .record(z
          .string()
          .regex(FIELD_KEY, "must start with a letter or _ and contain only letters, digits, - and _")
          .refine((key) => !["__proto__", "constructor", "prototype"].includes(key), "is a reserved name"), z.preprocess((f) => (f === null ? {} : f), playbookFieldSchema), { error: "must be a map of field names" })
      .default({})
      .describe("Fields asked at start; templates read them as {{fields.<key>}}."),
    forwarding: z.array(forwardingRuleSchema, { error: "must be a list of rules" }).default([]).describe("Rules copying matching posts of public channels into the incident channel."),
  })
  .describe("A Sitrep incident playbook.");

/** A valid playbook, defaults filled in. */
export type PlaybookSpec = z.infer<typeof playbookSpecSchema>;

/** The stages an incident of this playbook goes through. */
export function playbookStages(spec: Pick<PlaybookSpec, "stages">): string[] {
  return spec.stages?.map((s) => s.name) ?? ["Triage", "Investigating", "Mitigated", "Resolved"];
}

/** One problem of a playbook file. */
export interface PlaybookIssue {
  line: number;
  column: number;
  path: string;
  reason: string;
}

/** The outcome of {@link parsePlaybook}. */
export type ParsedPlaybook = { ok: true; spec: PlaybookSpec } | { ok: false; problems: PlaybookIssue[] };

type PathKey = string | number;

/**
 * Parse and validate a playbook's YAML. Every problem comes back at once, each
 * with 1-based line and column.
 * @example parsePlaybook("name: Outage\nstages: [{name: Triage}]\n")  // {ok: true, spec: {...}}
 */
export function parsePlaybook(source: string): ParsedPlaybook {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => {
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  const problems: PlaybookIssue[] = [];
  for (const error of [...doc.errors, ...doc.warnings]) {
    const pos = error.linePos?.[0] ?? at(error.pos[0]);
    problems.push({ line: pos.line, column: "col" in pos ? pos.col : pos.column, path: "", reason: `YAML: ${error.message.split("\n")[0]}` });
  }
  if (problems.length) return { ok: false, problems: sortProblems(problems) };

  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // yaml throws when aliases expand past maxAliasCount (an alias bomb): a problem of the playbook, not a crash.
    return { ok: false, problems: [{ line: 1, column: 1, path: "", reason: `YAML: ${error instanceof Error ? error.message : String(error)}` }] };
  }
  if (raw === null || raw === undefined) return { ok: false, problems: [{ line: 1, column: 1, path: "", reason: "the playbook is empty: it needs at least a name" }] };
  if (typeof raw !== "object" || Array.isArray(raw)) return { ok: false, problems: [{ ...at(doc.contents?.range?.[0] ?? 0), path: "", reason: "a playbook must be a map of keys (name, stages, ...)" }] };

  const locate = (path: PathKey[], key?: string, offset?: number) => locateNode({ doc, path, key, offset, at });
  const result = playbookSpecSchema.safeParse(raw);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const path = issue.path.filter((p): p is PathKey => typeof p !== "symbol");
      if (issue.code === "unrecognized_keys") {
        for (const key of issue.keys) problems.push({ ...locate(path, key), path: [...path, key].join("."), reason: `unknown key "${key}"${suggestKey(path, key)}` });
        continue;
      }
      const missing = valueAt(raw, path) === undefined;
      const reason = missing ? "is required" : issue.message;
      problems.push({ ...locate(path), path: path.join("."), reason });
    }
    return { ok: false, problems: sortProblems(problems) };
  }

  const spec = result.data;
  const fieldKeys = Object.keys(spec.fields);
  const template = (path: PathKey[], text: string) => {
    for (const problem of lintTemplate(text, fieldKeys)) problems.push({ ...locate(path, undefined, problem.index), path: path.join("."), reason: problem.reason });
  };
  const seen = new Map<string, number>();
  spec.stages?.forEach((stage, i) => {
    const key = stage.name.toLowerCase();
    if (seen.has(key)) problems.push({ ...locate(["stages", i, "name"]), path: `stages.${i}.name`, reason: `duplicate stage name "${stage.name}" (stage names must be unique)` });
    seen.set(key, i);
    stage.checklist.forEach((title, j) => template(["stages", i, "checklist", j], title));
  });
  spec.checklist.forEach((title, j) => template(["checklist", j], title));
  if (spec.channel.name_template) template(["channel", "name_template"], spec.channel.name_template);
  spec.forwarding.forEach((rule, i) => {
    rule.keywords.forEach((k, j) => template(["forwarding", i, "keywords", j], k));
    rule.exclude_keywords.forEach((k, j) => template(["forwarding", i, "exclude_keywords", j], k));
    if (rule.regex !== undefined) {
      try {
        new RegExp(rule.regex, "i");
      } catch (error) {
        problems.push({ ...locate(["forwarding", i, "regex"]), path: `forwarding.${i}.regex`, reason: `the regex does not compile: ${(error as Error).message}` });
      }
    }
    if (Array.isArray(rule.from)) {
      rule.from.forEach((name, j) => {
        const valid = nameSchema.safeParse(name.replace(/^~/, ""));
        if (!valid.success) problems.push({ ...locate(["forwarding", i, "from", j]), path: `forwarding.${i}.from.${j}`, reason: `"${name}" is not a channel name: ${valid.error.issues[0].message}` });
      });
    } else if (!rule.keywords.length && rule.regex === undefined && !rule.authors.length) {
      problems.push({ ...locate(["forwarding", i, "from"]), path: `forwarding.${i}.from`, reason: 'a rule reading every channel ("*") needs keywords, regex or authors' });
    }
  });
  if (problems.length) return { ok: false, problems: sortProblems(problems) };
  return { ok: true, spec: { ...spec, invite: spec.invite.map((u) => u.replace(/^@/, "")), forwarding: spec.forwarding.map((r) => (Array.isArray(r.from) ? { ...r, from: r.from.map((n) => n.replace(/^~/, "")) } : r)) } };
}

/** "file:line:column: reason" lines, as `sitrep playbook lint` prints them. */
export function formatProblems(file: string, problems: readonly PlaybookIssue[]): string[] {
  return problems.map((p) => `${file}:${p.line}:${p.column}: ${p.path ? `${p.path}: ` : ""}${p.reason}`);
}

const KNOWN_KEYS: Record<string, string[]> = {
  "": ["name", "team", "description", "channel", "invite", "stages", "checklist", "fields", "forwarding"],
  channel: ["name_template", "private"],
  stages: ["name", "checklist"],
  fields: ["required", "description", "default"],
  forwarding: ["from", "keywords", "exclude_keywords", "regex", "authors", "match"],
};

/** "; did you mean ..." for a misspelt key, or the list of valid keys. */
function suggestKey(path: PathKey[], key: string): string {
  const section = path.length === 0 ? "" : String(path[0]);
  const known = KNOWN_KEYS[section];
  if (!known) return "";
  const close = known.find((k) => editDistance(k, key) <= 2);
  return close ? `; did you mean "${close}"?` : `; valid keys here: ${known.join(", ")}`;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = row[j];
      row[j] = next;
    }
  }
  return row[b.length];
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
 * node is missing, of the nearest parent. `offset` points inside a plain or
 * quoted single-line scalar (a template problem).
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
      // The value is missing: point at its key when there is one.
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

function sortProblems(problems: PlaybookIssue[]): PlaybookIssue[] {
  return problems.sort((a, b) => a.line - b.line || a.column - b.column);
}
