import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { formatProblems } from "#common/yaml-source.ts";
import { orderChecklist } from "./checklist.ts";
import { parsePlaybook, playbookStages } from "./playbook.ts";
import { lintTemplate, renderTemplate } from "./templates.ts";

const examples = path.resolve(import.meta.dirname, "../../../playbooks");

describe("parsePlaybook", () => {
  it("accepts the example playbooks and DESIGN's format, filling defaults", () => {
    for (const file of fs.readdirSync(examples).filter((f) => f.endsWith(".yaml"))) {
      const parsed = parsePlaybook(fs.readFileSync(path.join(examples, file), "utf8"));
      expect(parsed, file).toMatchObject({ ok: true });
    }
    const minimal = parsePlaybook("name: Minimal\n");
    expect(minimal).toEqual({
      ok: true,
      spec: {
        name: "Minimal",
        description: "",
        channel: { private: false },
        invite: [],
        checklist: [],
        fields: {},
        forwarding: [],
        roles: [],
        broadcast: [],
      },
    });
    expect(playbookStages(minimal.ok ? minimal.spec : {})).toEqual(["Triage", "Investigating", "Mitigated", "Resolved"]);
    const withField = parsePlaybook("name: F\nfields:\n  service:\ninvite: ['@alice']\nforwarding:\n  - from: ['~alerts']\n");
    expect(withField).toMatchObject({
      ok: true,
      spec: { fields: { service: { required: false } }, invite: ["alice"], forwarding: [{ from: ["alerts"], match: "any" }] },
    });
  });

  it("reports every schema problem with line, column, path and reason", () => {
    const parsed = parsePlaybook(
      "name: X\nchannel:\n  private: maybe\nstages:\n  - name: A\n    checklst: [x]\nforwarding:\n  - from: alerts\n    match: some\n",
    );
    expect(parsed).toEqual({
      ok: false,
      problems: [
        { line: 3, column: 12, path: "channel.private", reason: "must be true or false" },
        { line: 6, column: 5, path: "stages.0.checklst", reason: 'unknown key "checklst"; did you mean "checklist"?' },
        {
          line: 8,
          column: 11,
          path: "forwarding.0.from",
          reason: 'must be a list of channel names, e.g. [alerts, support], or "*" (also ["*"]) for every public channel',
        },
        { line: 9, column: 12, path: "forwarding.0.match", reason: "must be any or all" },
      ],
    });
    expect(parsePlaybook("description: no name\n")).toEqual({
      ok: false,
      problems: [{ line: 1, column: 1, path: "name", reason: "is required" }],
    });
  });

  it("reports YAML syntax errors, duplicate keys and non-maps", () => {
    const dup = parsePlaybook("name: A\nname: B\n");
    expect(dup).toMatchObject({
      ok: false,
      problems: [{ line: 2, column: 1, reason: expect.stringMatching(/^YAML: Map keys must be unique/) }],
    });
    expect(parsePlaybook("")).toEqual({
      ok: false,
      problems: [{ line: 1, column: 1, path: "", reason: "the playbook is empty: it needs at least a name" }],
    });
    expect(parsePlaybook("- a\n")).toMatchObject({
      ok: false,
      problems: [{ reason: "a playbook must be a map of keys (name, stages, ...)" }],
    });
  });

  it("checks templates, duplicate stages, regexes, channel names and catch-all rules", () => {
    const source = [
      "name: X",
      "channel:",
      '  name_template: "inc-{{slg}}"',
      "stages:",
      "  - name: Triage",
      "  - name: triage",
      '    checklist: ["Check {{fields.nope}}"]',
      "fields:",
      "  service: {required: true}",
      "forwarding:",
      '  - from: "*"',
      "  - from: [Alerts]",
      '    regex: "a("',
      '    keywords: ["{{fields.service}}", "open {{"]',
      "",
    ].join("\n");
    const parsed = parsePlaybook(source);
    expect(parsed.ok).toBe(false);
    expect(formatProblems("x.yaml", parsed.ok ? [] : parsed.problems)).toEqual([
      'x.yaml:3:23: channel.name_template: unknown variable "{{slg}}"; templates may use {{name}}, {{slug}}, {{date}}, {{seq}}, {{commander}} and {{fields.<key>}}',
      'x.yaml:6:11: stages.1.name: duplicate stage name "triage" (stage names must be unique)',
      'x.yaml:7:24: stages.1.checklist.0: unknown field "{{fields.nope}}": the playbook\'s fields are service',
      'x.yaml:11:11: forwarding.0.from: a rule reading every channel ("*") needs keywords, regex or authors',
      "x.yaml:12:12: forwarding.1.from.0: \"Alerts\" is not a channel name: may contain only lowercase letters, digits, '-' and '_', and must start with a letter or digit",
      "x.yaml:13:12: forwarding.1.regex: the regex is not valid RE2 syntax: missing closing ): `a(`",
      'x.yaml:14:44: forwarding.1.keywords.1: unclosed "{{": a template variable looks like {{name}}',
    ]);
  });
});

describe("templates", () => {
  const values = { name: "DB down", slug: "db-down", date: "2026-01-02", seq: 7, commander: "alice", fields: { service: "db" } };
  it("substitutes variables and never evaluates anything", () => {
    expect(renderTemplate("{{ name }}/{{slug}}/{{date}}/{{seq}}/{{commander}}/{{fields.service}}/{{fields.none}}", values)).toBe(
      "DB down/db-down/2026-01-02/7/alice/db/",
    );
    expect(renderTemplate("{{constructor}}{{__proto__}}{{process.exit()}}", values)).toBe("");
    expect(renderTemplate("{{fields.__proto__}}", values)).toBe("");
    expect(lintTemplate("{{process.exit()}}", [])).toHaveLength(1);
  });
});

describe("orderChecklist", () => {
  it("orders by stage, then position; stage-less last", () => {
    const items = [
      { id: "a", stage: null, position: 1 },
      { id: "b", stage: "Mitigation", position: 2 },
      { id: "c", stage: "Triage", position: 3 },
      { id: "d", stage: "Triage", position: 0 },
    ];
    expect(orderChecklist(items, ["Triage", "Mitigation"]).map((i) => i.id)).toEqual(["d", "c", "b", "a"]);
  });
});
