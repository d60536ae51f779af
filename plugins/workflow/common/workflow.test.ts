import { describe, expect, it } from "vitest";
import { formatProblems } from "#common/yaml-source.ts";
import { dryRun } from "./dry-run.ts";
import { coerceParams } from "./params.ts";
import { STATIC_CATALOG } from "./static-catalog.ts";
import { renderString, renderValue, scanTemplates } from "./templates.ts";
import { parseWorkflow } from "./workflow.ts";

const example = `name: SEV1 alert starts an incident
team: ops
run_as: workflow-bot
enabled: true
trigger:
  type: message_posted
  where: {channel: alerts, contains: SEV1}
steps:
  - id: start
    action: start_incident
    with: {name: "SEV1: {{trigger.message}}", channel_name: "sev1-{{trigger.post_id}}"}
  - action: post_message
    with: {channel: status, message: "Started ~{{steps.start.channel_name}}"}
`;

describe("parseWorkflow", () => {
  it("accepts the DESIGN.md example, defaults filled in", () => {
    const parsed = parseWorkflow(example, STATIC_CATALOG);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.spec).toMatchObject({
      name: "SEV1 alert starts an incident",
      team: "ops",
      run_as: "workflow-bot",
      enabled: true,
      trigger: { type: "message_posted", where: { channel: "alerts", contains: "SEV1" } },
    });
    expect(parsed.spec.steps[1]).toEqual({
      action: "post_message",
      with: { channel: "status", message: "Started ~{{steps.start.channel_name}}" },
    });
  });

  it("reports YAML syntax errors with line and column", () => {
    const parsed = parseWorkflow("name: x\nsteps: [\n");
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems[0]!.reason).toMatch(/^YAML: /);
    expect(parsed.problems[0]!.line).toBeGreaterThanOrEqual(2);
  });

  it("reports schema problems at their key, every one at once", () => {
    const parsed = parseWorkflow("name: x\nrun_as: Bad User\ntrigger: {type: message_posted}\nstep: []\n");
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems).toEqual([
      { line: 1, column: 1, path: "steps", reason: "is required" },
      {
        line: 2,
        column: 9,
        path: "run_as",
        reason: "must start with a lowercase letter and contain only lowercase letters, digits, '.', '-' and '_'",
      },
      { line: 4, column: 1, path: "step", reason: 'unknown key "step"; did you mean "steps"?' },
    ]);
    expect(formatProblems("wf.yaml", parsed.problems)[2]).toBe('wf.yaml:4:1: step: unknown key "step"; did you mean "steps"?');
  });

  it("checks names, conditions, parameters and template references against the catalog", () => {
    const source = `name: x
run_as: bot
trigger:
  type: message_posted
  where: {chanel: alerts, keywords: 3}
steps:
  - id: make
    action: create_channel
    with: {name: "c-{{trigger.post_id}}", private: "yes", colour: red}
  - action: post_mesage
    with: {channel: status}
  - action: post_message
    with: {channel: status, message: "{{trigger.nope}} {{steps.make.channel_nam}} {{steps.later.x}} {{ oops }}"}
  - id: later
    action: http_request
    with: {url: "http://x"}
`;
    const parsed = parseWorkflow(source, STATIC_CATALOG);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const reasons = parsed.problems.map((p) => `${p.line}:${p.column} ${p.path}: ${p.reason}`);
    expect(reasons).toEqual([
      '5:11 trigger.where.chanel: "chanel" is not a condition of message_posted; known: channel, contains, keywords, from_user',
      "5:37 trigger.where.keywords: must be a list of strings",
      "9:52 steps.0.with.private: must be true or false",
      '9:59 steps.0.with.colour: "colour" is not a parameter of create_channel; known: name, display_name, private, purpose',
      '10:13 steps.1.action: unknown action "post_mesage"; did you mean "post_message"?',
      '13:39 steps.2.with.message: {{trigger.nope}}: message_posted provides no "nope"; known: post_id, message, text, channel_id, channel_name, user_id, username, team_id',
      '13:56 steps.2.with.message: {{steps.make.channel_nam}}: create_channel returns no "channel_nam"; known: channel_id, channel_name',
      '13:83 steps.2.with.message: {{steps.later.x}}: step "later" runs later; a step may use only earlier steps\' results',
      '13:101 steps.2.with.message: "{{ oops }}" is not a template: use {{trigger.<value>}} or {{steps.<id>.<value>}}',
    ]);
  });

  it("requires the conditions a trigger needs, and allows any value of an open trigger", () => {
    const cron = parseWorkflow(
      "name: x\nrun_as: bot\ntrigger: {type: schedule}\nsteps: [{action: post_message, with: {channel: a, message: b}}]\n",
      STATIC_CATALOG,
    );
    expect(cron.ok).toBe(false);
    if (!cron.ok)
      expect(cron.problems[0]).toMatchObject({
        line: 3,
        path: "trigger.where",
        reason: 'schedule needs the condition "cron" (Cron expression.)',
      });
    const hook = parseWorkflow(
      'name: x\nrun_as: bot\ntrigger: {type: webhook}\nsteps: [{action: post_message, with: {channel: a, message: "{{trigger.status}}"}}]\n',
      STATIC_CATALOG,
    );
    expect(hook.ok).toBe(true);
  });
});

describe("templates", () => {
  const scope = { trigger: { message: "SEV1 db", n: 3, list: ["a", "b"] }, steps: { call: { json: { id: 7 } } } };
  it("renders references, keeps the type of a lone reference, and never evaluates", () => {
    expect(renderString("Alert: {{trigger.message}} x{{ trigger.n }}", scope)).toBe("Alert: SEV1 db x3");
    expect(renderString("{{trigger.list}}", scope)).toEqual(["a", "b"]);
    expect(renderString("{{steps.call.json.id}}", scope)).toBe(7);
    expect(renderString("{{trigger.missing}}!", scope)).toBe("!");
    expect(renderString("{{trigger.constructor}}", scope)).toBe("");
    expect(renderValue({ headers: { a: "{{trigger.n}}" } }, scope)).toEqual({ headers: { a: 3 } });
    expect(scanTemplates("{{ process.exit() }}").problems[0]!.reason).toContain("is not a template");
    expect(scanTemplates("a {{trigger.x").problems).toEqual([{ index: 2, reason: 'a "{{" is not closed by "}}"' }]);
  });
});

describe("coerceParams", () => {
  it("fits rendered text to the parameter types and names what does not fit", () => {
    const params = {
      name: { type: "string" as const, description: "", required: true },
      private: { type: "boolean" as const, description: "" },
      n: { type: "number" as const, description: "" },
    };
    expect(coerceParams({ name: "x", private: "true", n: "4" }, params)).toEqual({ ok: true, params: { name: "x", private: true, n: 4 } });
    expect(coerceParams({ name: "", private: "maybe", n: "four", extra: 1 }, params)).toEqual({
      ok: false,
      problems: [
        "private: must be true or false",
        "n: must be a number",
        "extra: is not a parameter of this action",
        "name: is required (its template rendered empty)",
      ],
    });
  });
});

describe("dryRun", () => {
  it("evaluates conditions and renders each step's input with placeholders for step results", () => {
    const parsed = parseWorkflow(example, STATIC_CATALOG);
    if (!parsed.ok) throw new Error("invalid");
    const hit = dryRun({
      spec: parsed.spec,
      payload: { channel_name: "alerts", message: "SEV1 payments down", post_id: "abc" },
      catalog: STATIC_CATALOG,
    });
    expect(hit.matched).toBe(true);
    expect(hit.steps.map((s) => s.input)).toEqual([
      { name: "SEV1: SEV1 payments down", channel_name: "sev1-abc" },
      { channel: "status", message: "Started ~<steps.start.channel_name>" },
    ]);
    const miss = dryRun({ spec: parsed.spec, payload: { channel_name: "random", message: "all good" }, catalog: STATIC_CATALOG });
    expect(miss.matched).toBe(false);
    expect(miss.unmet).toEqual(['channel: the event\'s channel is "random", not "alerts"', 'contains: the text does not contain "SEV1"']);
  });
});

describe("workflow.schema.json", () => {
  it("is the JSON Schema of the zod schema (regenerate it when the schema changes)", async () => {
    const fs = await import("node:fs");
    const { workflowJsonSchema } = await import("./workflow.ts");
    const file = JSON.parse(fs.readFileSync(new URL("../workflow.schema.json", import.meta.url), "utf8")) as unknown;
    expect(file).toEqual(workflowJsonSchema());
  });
});
