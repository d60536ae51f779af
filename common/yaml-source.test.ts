import { describe, expect, it } from "vitest";
import { z } from "zod";
import { capProblems, readYamlSource, SOURCE_LIMITS, validateSource, type SourceProblem } from "./yaml-source.ts";

const messages = { empty: "empty", notMap: "not a map" };
const schema = z.strictObject({ name: z.string(), items: z.array(z.string()).optional() });

/** Every problem of a source, read and validated as the playbook and workflow parsers do. */
function problemsOf(source: string): SourceProblem[] {
  const read = readYamlSource(source, messages);
  if (!read.ok) return read.problems;
  const validated = validateSource({ schema, yaml: read.yaml, knownKeys: { "": ["name", "items"] } });
  return validated.ok ? [] : validated.problems;
}

describe("readYamlSource limits", () => {
  it("gives up on a file nesting deeper than the limit before building it, in flow and block style alike", () => {
    const reason = `nests deeper than ${SOURCE_LIMITS.depth} levels`;
    // These once exhausted the stack of the composer; after one another, they ended the process.
    const block = `a:\n${Array.from({ length: 1000 }, (_, i) => `${" ".repeat(i + 1)}- `).join("\n")}`;
    const flow = `a: ${"[".repeat(10_000)}${"]".repeat(10_000)}`;
    expect(problemsOf(block)).toEqual([{ line: 66, column: 67, path: "", reason }]);
    expect(problemsOf(flow)).toEqual([{ line: 1, column: 69, path: "", reason }]);
    expect(problemsOf(`a:\n  ${"- ".repeat(100_000)}x\n`)).toEqual([{ line: 2, column: 132, path: "", reason }]);
    expect(problemsOf(`a: ${"{b: ".repeat(50_000)}1${"}".repeat(50_000)}`)).toEqual([expect.objectContaining({ reason })]);
    // Deep but within the limit is read as usual.
    const nested = `name: x\nitems: ${"[".repeat(SOURCE_LIMITS.depth - 2)}${"]".repeat(SOURCE_LIMITS.depth - 2)}\n`;
    expect(problemsOf(nested)).toEqual([{ line: 2, column: 9, path: "items.0", reason: "Invalid input: expected string, received array" }]);
  });

  it("gives up on a file of more keys than the limit where the first one too many is", () => {
    const keys = Array.from({ length: 16_000 }, (_, i) => `k${i}: 1`).join("\n");
    expect(problemsOf(`name: x\n${keys}\n`)).toEqual([
      { line: SOURCE_LIMITS.keys + 1, column: 6, path: "", reason: `holds more than ${SOURCE_LIMITS.keys} keys` },
    ]);
    // Keys of nested maps count too, flow maps included.
    const nested = Array.from({ length: SOURCE_LIMITS.keys }, (_, i) => `  - {a${i}: 1}`).join("\n");
    expect(problemsOf(`name: x\nitems:\n${nested}\n`)).toEqual([
      expect.objectContaining({ reason: `holds more than ${SOURCE_LIMITS.keys} keys` }),
    ]);
  });

  it("finds every problem in file order; capProblems keeps the first ones and says how many more there were", () => {
    const keys = Array.from({ length: 4_000 }, (_, i) => `k${i}: 1`).join("\n");
    const problems = problemsOf(`name: x\n${keys}\n`);
    expect(problems).toHaveLength(4_000);
    expect(problems[0]).toEqual({ line: 2, column: 1, path: "k0", reason: 'unknown key "k0"; valid keys here: name, items' });
    expect(problems.at(-1)).toMatchObject({ line: 4_001, path: "k3999" });
    const capped = capProblems(problems);
    expect(capped).toHaveLength(SOURCE_LIMITS.problems + 1);
    expect(capped[SOURCE_LIMITS.problems - 1]).toMatchObject({ line: SOURCE_LIMITS.problems + 1, path: `k${SOURCE_LIMITS.problems - 1}` });
    expect(capped.at(-1)).toEqual({
      line: SOURCE_LIMITS.problems + 2,
      column: 1,
      path: "",
      reason: `... and ${4_000 - SOURCE_LIMITS.problems} more problems (the first ${SOURCE_LIMITS.problems} are listed)`,
    });
    expect(capProblems(problemsOf("nme: x\n"))).toHaveLength(2);
  });

  it("finds repeated keys at any level, at the repetition, and points at keys and values in large maps", () => {
    expect(problemsOf("name: a\nitems: [x]\nname: b\nnested: {k: 1, k: 2}\n")).toEqual([
      { line: 3, column: 1, path: "", reason: "YAML: Map keys must be unique" },
      { line: 4, column: 16, path: "", reason: "YAML: Map keys must be unique" },
    ]);
    const filler = Array.from({ length: 3_000 }, (_, i) => `  f${i}: 1`).join("\n");
    const read = readYamlSource(`name: x\nbig:\n${filler}\n  last: [1, 2]\n`, messages);
    if (!read.ok) throw new Error("expected the file to read");
    expect(read.yaml.problemAtKey(["big"], "last", "r")).toEqual({ line: 3_003, column: 3, path: "big.last", reason: "r" });
    expect(read.yaml.problemAt(["big", "last", 1], "r")).toEqual({ line: 3_003, column: 13, path: "big.last.1", reason: "r" });
    // A path that is not there points at the nearest node that is.
    expect(read.yaml.locate(["big", "missing", 3])).toEqual({ line: 3, column: 3 });
  });
});
