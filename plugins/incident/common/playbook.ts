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

/** A duration such as `30m`, `1h30m`, `90s` or `2d`. */
const DURATION = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/**
 * Milliseconds of a duration such as `30m`, `1h30m`, `90s`, `2d`; null when
 * the text is not one (or is zero).
 * @example parseDuration("1h30m") // 5_400_000
 */
export function parseDuration(text: string): number | null {
  const match = DURATION.exec(text.trim());
  if (!match || !text.trim()) return null;
  const [, d, h, m, s] = match.map((part) => Number(part ?? 0));
  const ms = (((d ?? 0) * 24 + (h ?? 0)) * 60 + (m ?? 0)) * 60_000 + (s ?? 0) * 1000;
  return ms > 0 ? ms : null;
}

const durationSchema = z
  .string({ error: "must be a duration such as 15m, 1h or 1h30m" })
  .refine((text) => parseDuration(text) !== null, "must be a duration such as 15m, 1h or 1h30m (d, h, m, s; more than zero)");

/** A role's name: a word, lowercase, never "commander" (every incident has one). */
const roleName = z
  .string({ error: "must be a string" })
  .regex(/^[a-z][a-z0-9_-]{0,31}$/, "must be a lowercase word of at most 32 letters, digits, - and _ (e.g. scribe)")
  .refine((name) => name !== "commander", "commander is every incident's role already; list the others");

/** A severity's name, e.g. SEV1 or "P2". */
const severityName = z
  .string({ error: "must be a string" })
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9 _-]{0,31}$/, "must be 1 to 32 letters, digits, spaces, - and _ (e.g. SEV1)");

/**
 * A checklist item of a playbook: its title, or `{title, due?, assignee?}`.
 * `due` counts from entering the item's stage (from the start for items not
 * tied to a stage); `assignee` names a role (`commander` or one of `roles`) or
 * a username.
 */
export const playbookItemSchema = z.union(
  [
    itemTitle,
    z.strictObject({
      title: itemTitle,
      due: durationSchema.optional().describe("e.g. 15m: due that long after the item's stage is entered"),
      assignee: z
        .string({ error: "must be a role or a username" })
        .regex(/^@?[a-z][a-z0-9._-]*$/, "must be a role (commander, or one of roles) or a username")
        .optional()
        .describe("A role (commander or one of roles) or a username"),
    }),
  ],
  { error: "must be a title, or {title, due, assignee}" },
);
export type PlaybookItem = z.infer<typeof playbookItemSchema>;

/** A playbook item as `{title, due?, assignee?}` whichever way it was written. */
export function itemParts(item: PlaybookItem): { title: string; due?: string; assignee?: string } {
  return typeof item === "string" ? { title: item } : item;
}

/** A forwarding rule (DESIGN.md section 4); the forwarding engine acts on it. */
export const forwardingRuleSchema = z.strictObject({
  /** Public channel names to watch, or "*" for every public channel of the team (`["*"]` means the same). */
  from: z
    .union([z.literal("*"), z.array(nonEmpty).min(1, "must list at least one channel")], {
      error: 'must be a list of channel names, e.g. [alerts, support], or "*" (also ["*"]) for every public channel',
    })
    .describe('Public channel names, or "*" (also ["*"]) for every public channel of the team.'),
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

/** The longest retrospective template (a post's limit). */
const RETROSPECTIVE_TEMPLATE_MAX = 16_383;

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
          checklist: z.array(playbookItemSchema, { error: "must be a list of items" }).default([]),
        }),
        { error: "must be a list of stages" },
      )
      .min(1, "must list at least one stage")
      .optional()
      .describe("Ordered; the first is the starting stage. Default: Triage, Investigating, Mitigated, Resolved."),
    checklist: z
      .array(playbookItemSchema, { error: "must be a list of items" })
      .default([])
      .describe("Items not tied to a stage: titles, or {title, due, assignee}."),
    severities: z
      .array(severityName, { error: "must be a list of severity names" })
      .min(1, "must list at least one severity")
      .max(10, "must list at most 10 severities")
      .optional()
      .describe("Ordered, most severe first. Default: SEV1, SEV2, SEV3, SEV4."),
    default_severity: severityName.optional().describe("One of severities. Default: SEV3, or the last severity."),
    roles: z
      .array(roleName, { error: "must be a list of role names" })
      .max(20, "must list at most 20 roles")
      .default([])
      .describe("Roles besides the commander, e.g. [scribe, comms]; /incident role <role> @user assigns one."),
    update_every: durationSchema
      .optional()
      .describe("e.g. 30m: the bot reminds the commander when no status update was posted for that long."),
    broadcast: z
      .array(z.string({ error: "must be a string" }).min(1, "must not be empty"), { error: "must be a list of channel names" })
      .max(20, "must list at most 20 channels")
      .default([])
      .describe("Channels each status update is copied to (a private incident's: private channels only)."),
    archive_on_end: z
      .boolean({ error: "must be true or false" })
      .optional()
      .describe(
        "Default false. Archive the incident's channel when it ends; only a channel the incident created, never one it ran in (--here, channel_id).",
      ),
    retrospective: z
      .strictObject({
        template: z
          .string({ error: "must be a string" })
          .max(RETROSPECTIVE_TEMPLATE_MAX, `must be at most ${RETROSPECTIVE_TEMPLATE_MAX} characters`)
          .describe("Markdown the retrospective starts from, rendered with the incident's template values ({{name}}, {{fields.x}}, ...)."),
      })
      .optional()
      .describe("The incident's retrospective, written in the web app and published to the channel."),
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

/** Severities without a playbook (or when it lists none), most severe first. */
export const DEFAULT_SEVERITY_NAMES = ["SEV1", "SEV2", "SEV3", "SEV4"] as const;

/** The severities of an incident of this playbook, and the one it starts with. */
export function playbookSeverities(spec: Pick<PlaybookSpec, "severities" | "default_severity"> | null): {
  severities: string[];
  defaultSeverity: string;
} {
  const severities = spec?.severities ?? [...DEFAULT_SEVERITY_NAMES];
  const wanted = spec?.default_severity?.toLowerCase();
  const chosen = severities.find((s) => s.toLowerCase() === wanted) ?? (severities.includes("SEV3") ? "SEV3" : severities.at(-1));
  return { severities, defaultSeverity: chosen ?? "SEV3" };
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
  const checkItem = (path: SourcePath, item: PlaybookItem) => {
    if (typeof item === "string") return template(path, item);
    template([...path, "title"], item.title);
    const assignee = item.assignee?.replace(/^@/, "");
    // A word that is not a role is taken for a username, checked when an incident starts (a user may join later).
    if (assignee && assignee !== "commander" && !spec.roles.includes(assignee) && !/^[a-z][a-z0-9._-]*$/.test(assignee))
      add([...path, "assignee"], `"${item.assignee ?? ""}" is neither a role nor a username`);
  };
  const seen = new Map<string, number>();
  spec.stages?.forEach((stage, i) => {
    const key = stage.name.toLowerCase();
    if (seen.has(key)) add(["stages", i, "name"], `duplicate stage name "${stage.name}" (stage names must be unique)`);
    seen.set(key, i);
    stage.checklist.forEach((item, j) => checkItem(["stages", i, "checklist", j], item));
  });
  spec.checklist.forEach((item, j) => checkItem(["checklist", j], item));
  const severities = spec.severities ?? [...DEFAULT_SEVERITY_NAMES];
  const severityKeys = new Set<string>();
  spec.severities?.forEach((name, i) => {
    if (severityKeys.has(name.toLowerCase())) add(["severities", i], `duplicate severity "${name}" (severities must be unique)`);
    severityKeys.add(name.toLowerCase());
  });
  if (spec.default_severity !== undefined && !severities.some((s) => s.toLowerCase() === spec.default_severity?.toLowerCase()))
    add(["default_severity"], `"${spec.default_severity}" is not one of the severities (${severities.join(", ")})`);
  const roleKeys = new Set<string>();
  spec.roles.forEach((role, i) => {
    if (roleKeys.has(role)) add(["roles", i], `duplicate role "${role}"`);
    roleKeys.add(role);
  });
  spec.broadcast.forEach((name, i) => {
    const valid = nameSchema.safeParse(name.replace(/^~/, ""));
    if (!valid.success) add(["broadcast", i], `"${name}" is not a channel name: ${valid.error.issues[0]?.message ?? "invalid"}`);
  });
  if (spec.channel.name_template) template(["channel", "name_template"], spec.channel.name_template);
  if (spec.retrospective) template(["retrospective", "template"], spec.retrospective.template);
  spec.forwarding.forEach((rule, i) => {
    rule.keywords.forEach((k, j) => template(["forwarding", i, "keywords", j], k));
    rule.exclude_keywords.forEach((k, j) => template(["forwarding", i, "exclude_keywords", j], k));
    if (rule.regex !== undefined) {
      const compiled = compileForwardingRegex(rule.regex);
      if (!compiled.ok) add(["forwarding", i, "regex"], compiled.reason);
    }
    const everyChannel = rule.from === "*" || rule.from.includes("*");
    if (Array.isArray(rule.from) && rule.from.includes("*") && rule.from.length > 1)
      add(["forwarding", i, "from"], '"*" means every public channel: write from: "*" (or ["*"]) without other names');
    else if (Array.isArray(rule.from) && !everyChannel) {
      rule.from.forEach((name, j) => {
        const valid = nameSchema.safeParse(name.replace(/^~/, ""));
        if (!valid.success)
          add(["forwarding", i, "from", j], `"${name}" is not a channel name: ${valid.error.issues[0]?.message ?? "invalid"}`);
      });
    } else if (everyChannel && !rule.keywords.length && rule.regex === undefined && !rule.authors.length) {
      add(["forwarding", i, "from"], 'a rule reading every channel ("*") needs keywords, regex or authors');
    }
  });
  if (problems.length) return { ok: false, problems: sortProblems(problems) };
  return {
    ok: true,
    spec: {
      ...spec,
      invite: spec.invite.map((u) => u.replace(/^@/, "")),
      broadcast: spec.broadcast.map((n) => n.replace(/^~/, "")),
      // ["*"] is "*": one spelling for the engine.
      forwarding: spec.forwarding.map((r) =>
        r.from === "*" || r.from.includes("*") ? { ...r, from: "*" as const } : { ...r, from: r.from.map((n) => n.replace(/^~/, "")) },
      ),
    },
  };
}

/** The valid keys of each section, for "did you mean" on an unknown key. */
const KNOWN_KEYS: Record<string, string[]> = {
  "": [
    "name",
    "team",
    "description",
    "channel",
    "invite",
    "stages",
    "checklist",
    "fields",
    "forwarding",
    "severities",
    "default_severity",
    "roles",
    "update_every",
    "broadcast",
    "archive_on_end",
    "retrospective",
  ],
  channel: ["name_template", "private"],
  retrospective: ["template"],
  stages: ["name", "checklist"],
  checklist: ["title", "due", "assignee"],
  fields: ["required", "description", "default"],
  forwarding: ["from", "keywords", "exclude_keywords", "regex", "authors", "match"],
};
