import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Command } from "commander";
import { afterAll, describe, expect, it } from "vitest";
import { createPluginCli } from "#testing";
import { register } from "./index.ts";
import { lintPlaybookFiles } from "./playbook-commands.ts";

const root = path.resolve(import.meta.dirname, "../../..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sitrep-lint-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, source: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, source);
  return file;
}

describe("sitrep playbook lint", () => {
  it("prints ok lines for valid files and file:line:column: reason for each problem", () => {
    const good = write("good.yaml", "name: Good\nstages: [{name: One}]\n");
    const bad = write(
      "bad.yaml",
      'name: Bad\nstages:\n  - name: One\n    checklist: ["{{fields.svc}}"]\nforwarding:\n  - from: [alerts]\n    regex: "("\n',
    );
    const lines: string[] = [];
    const ok = lintPlaybookFiles([good, bad, path.join(dir, "missing.yaml")], { log: (l) => lines.push(l), error: (l) => lines.push(l) });
    expect(ok).toBe(false);
    expect(lines).toEqual([
      `${good}: ok (playbook "Good")`,
      `${bad}:4:18: stages.0.checklist.0: unknown field "{{fields.svc}}": the playbook declares no fields`,
      `${bad}:7:12: forwarding.0.regex: the regex is not valid RE2 syntax: missing closing ): \`(\``,
      `${path.join(dir, "missing.yaml")}:0:0: cannot read the file: ENOENT`,
    ]);
  });

  it("exits 1 on problems and 0 for the example playbooks, from the real command line", () => {
    const bad = write("cli-bad.yaml", "name: X\nstges: []\n");
    const failed = spawnSync("npx", ["tsx", "server/cli/index.ts", "playbook", "lint", bad], { cwd: root, encoding: "utf8" });
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain(`${bad}:2:1: stges: unknown key "stges"; did you mean "stages"?`);
    const examples = fs
      .readdirSync(path.join(root, "playbooks"))
      .filter((f) => f.endsWith(".yaml"))
      .map((f) => `playbooks/${f}`);
    const passed = spawnSync("npx", ["tsx", "server/cli/index.ts", "playbook", "lint", ...examples], { cwd: root, encoding: "utf8" });
    expect(passed.status).toBe(0);
    expect(passed.stdout.trim().split("\n")).toHaveLength(examples.length);
  });

  it("has --help for lint and apply", () => {
    const program = new Command("sitrep");
    register(createPluginCli({ program }));
    const playbook = program.commands.find((c) => c.name() === "playbook")!;
    expect(playbook.commands.find((c) => c.name() === "lint")!.helpInformation()).toContain(
      "Usage: sitrep playbook lint [options] <files...>",
    );
    expect(playbook.commands.find((c) => c.name() === "apply")!.helpInformation()).toContain("--team <name>");
  });
});
