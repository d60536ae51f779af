/**
 * @module common/yaml-source
 * YAML files that people write (playbooks, workflows): read with positions
 * kept, so every problem — a YAML syntax error, a schema issue, a check of the
 * caller's own — names its line, column and key path. The API, the CLI's
 * `lint` commands and the web editors all show these same problems.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Scalar } from "yaml";
import { z } from "zod";

/** One problem of a YAML source file. */
export interface SourceProblem {
  /** 1-based. */
  line: number;
  column: number;
  /** Dotted path of the key, e.g. `steps.1.with.channel`; empty for the file. */
  path: string;
  reason: string;
}

/**
 * A {@link SourceProblem} as it arrives over the wire, in the `details` of a
 * refused file (with the file it came from, when several were sent at once).
 */
export const sourceProblemSchema = z.object({
  line: z.number(),
  column: z.number(),
  path: z.string(),
  reason: z.string(),
  file: z.string().optional(),
});

/** A path into a document: map keys and list indexes. */
export type SourcePath = Array<string | number>;

/** A line and column, both 1-based. */
export interface SourcePosition {
  line: number;
  column: number;
}

/** A YAML document read with its positions, whose top level is a map. */
export interface YamlSource {
  /** The document as plain data. */
  value: Record<string, unknown>;
  /**
   * Line and column of the node at `path` (or of its map key `key`); when the
   * node is missing, of its key or nearest parent. `offset` points inside a
   * single-line scalar (e.g. a template problem).
   */
  locate(path: SourcePath, key?: string, offset?: number): SourcePosition;
  /** A problem with the value at `path`. */
  problemAt(path: SourcePath, reason: string, offset?: number): SourceProblem;
  /** A problem with the map key `key` under `path` itself (e.g. an unknown key): it points at the key. */
  problemAtKey(path: SourcePath, key: string, reason: string): SourceProblem;
}

/** The outcome of reading or checking a source: a value, or every problem found, in file order. */
export type SourceResult<T> = ({ ok: true } & T) | { ok: false; problems: SourceProblem[] };

/**
 * Parse YAML, keeping positions. Syntax errors, an alias bomb, an empty file
 * and a top level that is not a map are problems, never exceptions.
 * @param messages.empty the reason given for an empty file
 * @param messages.notMap the reason given when the top level is not a map
 * @example readYamlSource("name: x\n", {empty: "the file is empty", notMap: "must be a map"}) // {ok: true, yaml: {value: {name: "x"}, ...}}
 */
export function readYamlSource(text: string, messages: { empty: string; notMap: string }): SourceResult<{ yaml: YamlSource }> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): SourcePosition => {
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  const problems: SourceProblem[] = [];
  for (const error of [...doc.errors, ...doc.warnings]) {
    const pos = error.linePos?.[0];
    problems.push({
      ...(pos ? { line: pos.line, column: pos.col } : at(error.pos[0])),
      path: "",
      reason: `YAML: ${error.message.split("\n")[0]}`,
    });
  }
  if (problems.length) return { ok: false, problems: sortProblems(problems) };

  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // yaml throws when aliases expand past maxAliasCount (an alias bomb): a problem of the file, not a crash.
    return {
      ok: false,
      problems: [{ line: 1, column: 1, path: "", reason: `YAML: ${error instanceof Error ? error.message : String(error)}` }],
    };
  }
  if (raw === null || raw === undefined) return { ok: false, problems: [{ line: 1, column: 1, path: "", reason: messages.empty }] };
  if (typeof raw !== "object" || Array.isArray(raw))
    return { ok: false, problems: [{ ...at(doc.contents?.range?.[0] ?? 0), path: "", reason: messages.notMap }] };

  const locate = (path: SourcePath, key?: string, offset?: number) => locateNode({ doc, path, key, offset, at });
  const yaml: YamlSource = {
    value: raw as Record<string, unknown>,
    locate,
    problemAt: (path, reason, offset) => ({ ...locate(path, undefined, offset), path: path.join("."), reason }),
    problemAtKey: (path, key, reason) => ({ ...locate(path, key), path: [...path, key].join("."), reason }),
  };
  return { ok: true, yaml };
}

/**
 * Validate a source with a zod schema. Each issue becomes a problem at its
 * node; a missing value "is required"; an unknown key gets a "did you mean"
 * from `knownKeys`, the valid keys of each top-level section ("" for the top).
 */
export function validateSource<S extends z.ZodType>(props: {
  schema: S;
  yaml: YamlSource;
  knownKeys: Record<string, readonly string[]>;
}): SourceResult<{ data: z.output<S> }> {
  const { schema, yaml, knownKeys } = props;
  const result = schema.safeParse(yaml.value);
  if (result.success) return { ok: true, data: result.data };
  const problems: SourceProblem[] = [];
  for (const issue of result.error.issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
    if (issue.code === "unrecognized_keys") {
      const section = path.length === 0 ? "" : String(path[0]);
      const known = Object.hasOwn(knownKeys, section) ? knownKeys[section] : undefined;
      for (const key of issue.keys)
        problems.push(yaml.problemAtKey(path, key, `unknown key "${key}"${known ? didYouMean(key, known, "; valid keys here: ") : ""}`));
      continue;
    }
    problems.push(yaml.problemAt(path, valueAt(yaml.value, path) === undefined ? "is required" : issue.message));
  }
  return { ok: false, problems: sortProblems(problems) };
}

/**
 * `; did you mean "x"?` for a name a typo away from a known one; otherwise
 * the known names after `listPrefix` ("" when there are none).
 * @example didYouMean("stpes", ["name", "steps"]) // '; did you mean "steps"?'
 */
export function didYouMean(name: string, known: readonly string[], listPrefix = "; known: "): string {
  const close = known.find((k) => editDistance(k, name) <= 2);
  if (close) return `; did you mean "${close}"?`;
  return known.length ? `${listPrefix}${known.join(", ")}` : "";
}

/** Problems in file order (line, then column). Sorts in place. */
export function sortProblems<P extends SourceProblem>(problems: P[]): P[] {
  return problems.sort((a, b) => a.line - b.line || a.column - b.column);
}

/** "file:line:column: path: reason" lines, as the CLI's `lint` commands print them. */
export function formatProblems(file: string, problems: readonly SourceProblem[]): string[] {
  return problems.map((p) => `${file}:${p.line}:${p.column}: ${p.path ? `${p.path}: ` : ""}${p.reason}`);
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = row[j]!;
      row[j] = next;
    }
  }
  return row[b.length]!;
}

function valueAt(root: unknown, path: SourcePath): unknown {
  let value: unknown = root;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}

function locateNode(props: {
  doc: Document;
  path: SourcePath;
  key?: string;
  offset?: number;
  at(offset: number): SourcePosition;
}): SourcePosition {
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
    if (
      n === props.path.length &&
      props.offset !== undefined &&
      isScalar(node) &&
      typeof node.value === "string" &&
      !node.value.includes("\n")
    ) {
      const quote = node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE" ? 1 : 0;
      if (node.type === "PLAIN" || quote) return at(node.range[0] + quote + props.offset);
    }
    return at(node.range[0]);
  }
  return { line: 1, column: 1 };
}
