/**
 * @module incident/common/playbook
 * Playbooks as code: the zod schema of the YAML format (DESIGN.md section 4)
 * and a parser that reports every problem with its line, column and path, so
 * the API, the CLI's `playbook lint` and the web editor show the same errors.
 */
import { z } from "zod";
import { nameSchema } from "#common/limits.ts";
import {
  readYamlSource,
  sortProblems,
  validateSource,
  type SourcePath,
  type SourceProblem,
  type SourceResult,
} from "#common/yaml-source.ts";
import { compileForwardingRegex } from "./forwarding-regex.ts";
import { lintTemplate } from "./templates.ts";

const itemTitle = z.string({ error: "must be a string" }).trim().min(1, "must not be empty").max(256, "must be at most 256 characters");
const nonEmpty = z.string({ error: "must be a string" }).min(1, "must not be empty");

/** A forwarding rule (DESIGN.md section 4); the forwarding engine acts on it. */
export const forwardingRuleSchema = z.strictObject({
  /** Public channel names to watch, or "*" for every public channel of the team. */
  from: z
    .union([z.literal("*"), z.array(nonEmpty).min(1, "must list at least one channel")], {
      error: 'must be a list of channel names or "*"',
    })
    .describe('Public channel names, or "*" for every public channel of the team.'),
  /** Any of them (or all, with `match: all`) as whole words, case-insensitively. Templates allowed. */
  keywords: z
    .array(nonEmpty, { error: "must be a list of strings" })
    .default([])
    .describe("Whole words, case-insensitive; templates such as {{fields.service}} allowed."),
  /** A post containing any of these is never forwarded. Templates allowed. */
  exclude_keywords: z
    .array(nonEmpty, { error: "must be a list of strings" })
    .default([])
    .describe("Posts containing any of these whole words are not forwarded."),
  /** A regular expression in RE2 syntax (no lookaround, no backreferences), matched case-insensitively anywhere in the text. */
  regex: nonEmpty
    .optional()
    .describe("A regular expression in RE2 syntax (no lookaround, no backreferences), matched case-insensitively anywhere in the post."),
  /** Usernames, bot names or webhook display names. */
  authors: z
    .array(nonEmpty, { error: "must be a list of strings" })
    .default([])
    .describe("Only posts by these usernames, bots or webhook display names."),
  /** `any` (default): one of keywords/regex suffices; `all`: every condition given must hold. */
  match: z
    .enum(["any", "all"], { error: "must be any or all" })
    .default("any")
    .describe("any: one of keywords/regex suffices; all: every keyword and the regex must match."),
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
    name: z
      .string({ error: "must be a string" })
      .trim()
      .min(1, "must not be empty")
      .max(128, "must be at most 128 characters")
      .describe("Unique per team; /incident start --playbook takes it."),
    team: nameSchema.optional().describe("Team name; required in the playbooks directory, must match the API's team_id."),
    description: z.string({ error: "must be a string" }).max(4000, "must be at most 4000 characters").default(""),
    channel: z
      .strictObject({
        name_template: z
          .string({ error: "must be a string" })
          .trim()
          .min(1, "must not be empty")
          .max(200, "must be at most 200 characters")
          .optional()
          .describe('e.g. "outage-{{slug}}"; made into a valid channel name.'),
        private: z
          .boolean({ error: "must be true or false" })
          .default(false)
          .describe("A private playbook's incident channels are always private."),
      })
      .default({ private: false }),
    invite: z
      .array(z.string({ error: "must be a string" }).regex(/^@?[a-z][a-z0-9._-]*$/, "must be a username"), {
        error: "must be a list of usernames",
      })
      .default([])
      .describe("Usernames added to the incident channel at start."),
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
      .record(
        z
          .string()
          .regex(FIELD_KEY, "must start with a letter or _ and contain only letters, digits, - and _")
          .refine((key) => !["__proto__", "constructor", "prototype"].includes(key), "is a reserved name"),
        z.preprocess((f) => (f === null ? {} : f), playbookFieldSchema),
        { error: "must be a map of field names" },
      )
      .default({})
      .describe("Fields asked at start; templates read them as {{fields.<key>}}."),
    forwarding: z
      .array(forwardingRuleSchema, { error: "must be a list of rules" })
      .default([])
      .describe("Rules copying matching posts of public channels into the incident channel."),
  })
  .describe("A Sitrep incident playbook.");

/** A valid playbook, defaults filled in. */
export type PlaybookSpec = z.infer<typeof playbookSpecSchema>;

/** The stages an incident of this playbook goes through. */
export function playbookStages(spec: Pick<PlaybookSpec, "stages">): string[] {
  return spec.stages?.map((s) => s.name) ?? ["Triage", "Investigating", "Mitigated", "Resolved"];
}

/** One problem of a playbook file. */
export type PlaybookIssue = SourceProblem;

/** The outcome of {@link parsePlaybook}. */
export type ParsedPlaybook = SourceResult<{ spec: PlaybookSpec }>;

/**
 * Parse and validate a playbook's YAML. Every problem comes back at once, each
 * with 1-based line and column.
 * @example parsePlaybook("name: Outage\nstages: [{name: Triage}]\n")  // {ok: true, spec: {...}}
 */
export function parsePlaybook(source: string): ParsedPlaybook {
  const read = readYamlSource(source, {
    empty: "the playbook is empty: it needs at least a name",
    notMap: "a playbook must be a map of keys (name, stages, ...)",
  });
  if (!read.ok) return read;
  const { yaml } = read;
  const validated = validateSource({ schema: playbookSpecSchema, yaml, knownKeys: KNOWN_KEYS });
  if (!validated.ok) return validated;

  const spec = validated.data;
  const problems: PlaybookIssue[] = [];
  const add = (path: SourcePath, reason: string, offset?: number) => problems.push(yaml.problemAt(path, reason, offset));
  const fieldKeys = Object.keys(spec.fields);
  const template = (path: SourcePath, text: string) => {
    for (const problem of lintTemplate(text, fieldKeys)) add(path, problem.reason, problem.index);
  };
  const seen = new Map<string, number>();
  spec.stages?.forEach((stage, i) => {
    const key = stage.name.toLowerCase();
    if (seen.has(key)) add(["stages", i, "name"], `duplicate stage name "${stage.name}" (stage names must be unique)`);
    seen.set(key, i);
    stage.checklist.forEach((title, j) => template(["stages", i, "checklist", j], title));
  });
  spec.checklist.forEach((title, j) => template(["checklist", j], title));
  if (spec.channel.name_template) template(["channel", "name_template"], spec.channel.name_template);
  spec.forwarding.forEach((rule, i) => {
    rule.keywords.forEach((k, j) => template(["forwarding", i, "keywords", j], k));
    rule.exclude_keywords.forEach((k, j) => template(["forwarding", i, "exclude_keywords", j], k));
    if (rule.regex !== undefined) {
      const compiled = compileForwardingRegex(rule.regex);
      if (!compiled.ok) add(["forwarding", i, "regex"], compiled.reason);
    }
    if (Array.isArray(rule.from)) {
      rule.from.forEach((name, j) => {
        const valid = nameSchema.safeParse(name.replace(/^~/, ""));
        if (!valid.success)
          add(["forwarding", i, "from", j], `"${name}" is not a channel name: ${valid.error.issues[0]?.message ?? "invalid"}`);
      });
    } else if (!rule.keywords.length && rule.regex === undefined && !rule.authors.length) {
      add(["forwarding", i, "from"], 'a rule reading every channel ("*") needs keywords, regex or authors');
    }
  });
  if (problems.length) return { ok: false, problems: sortProblems(problems) };
  return {
    ok: true,
    spec: {
      ...spec,
      invite: spec.invite.map((u) => u.replace(/^@/, "")),
      forwarding: spec.forwarding.map((r) => (Array.isArray(r.from) ? { ...r, from: r.from.map((n) => n.replace(/^~/, "")) } : r)),
    },
  };
}

/** The valid keys of each section, for "did you mean" on an unknown key. */
const KNOWN_KEYS: Record<string, string[]> = {
  "": ["name", "team", "description", "channel", "invite", "stages", "checklist", "fields", "forwarding"],
  channel: ["name_template", "private"],
  stages: ["name", "checklist"],
  fields: ["required", "description", "default"],
  forwarding: ["from", "keywords", "exclude_keywords", "regex", "authors", "match"],
};
