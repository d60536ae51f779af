import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { lintWorkflowFiles, testWorkflowFile } from "./workflow-commands.ts";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sitrep-wf-cli-"));
const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
};
const capture = () => {
  const lines: string[] = [];
  return { lines, out: { log: (l: string) => lines.push(l), error: (l: string) => lines.push(l) } };
};

describe("sitrep workflow lint", () => {
  it("prints file:line:column: path: reason offline, and ok for the shipped examples", async () => {
    const bad = write(
      "bad.yaml",
      "name: x\nrun_as: bot\ntrigger: {type: message_postd}\nsteps:\n  - action: post_message\n    with: {channel: a}\n",
    );
    const { lines, out } = capture();
    const shippedDir = path.resolve(import.meta.dirname, "../../../workflows");
    const shipped = fs.readdirSync(shippedDir).map((f) => path.join(shippedDir, f));
    expect(await lintWorkflowFiles({ files: [bad, ...shipped] }, out)).toBe(false);
    expect(lines.slice(0, 2)).toEqual([
      `${bad}:3:17: trigger.type: unknown trigger "message_postd"; did you mean "message_posted"?`,
      `${bad}:6:11: steps.0.with: post_message needs "message" (Markdown text.)`,
    ]);
    expect(lines.slice(2).every((l) => l.includes(": ok (workflow"))).toBe(true);
  });
});

describe("sitrep workflow test", () => {
  it("explains unmet conditions and refuses a bad payload", async () => {
    const file = write(
      "ok.yaml",
      'name: x\nrun_as: bot\ntrigger:\n  type: message_posted\n  where: {keywords: [db-prod]}\nsteps:\n  - action: post_message\n    with: {channel: ops, message: "{{trigger.username}} said {{trigger.message}}"}\n',
    );
    const { lines, out } = capture();
    const result = await testWorkflowFile({ file, payload: '{"message": "db-production is fine", "username": "ann"}' }, out);
    expect(result.matched).toBe(false);
    expect(lines).toEqual([
      'workflow "x" (run as @bot), trigger message_posted',
      "conditions: do not hold — the workflow would not run:",
      "  - keywords: none of db-prod is a whole word of the text",
      "step 1: post_message",
      '  channel: "ops"',
      '  message: "ann said db-production is fine"',
      "dry run: nothing was changed",
    ]);
    await expect(testWorkflowFile({ file, payload: "{nope" }, out)).rejects.toThrow("--payload: is not valid JSON");
  });
});
