/**
 * @module common/yaml-source
 * YAML files that people write (playbooks, workflows): read with positions
 * kept, so every problem — a YAML syntax error, a schema issue, a check of the
 * caller's own — names its line, column and key path. The API, the CLI's
 * `lint` commands and the web editors all show these same problems.
 */
import {
  Composer,
  isMap,
  isPair,
  isScalar,
  isSeq,
  Lexer,
  LineCounter,
  Parser,
  YAMLParseError,
  type CST,
  type Document,
  type Pair,
  type YAMLMap,
} from "yaml";
import { z } from "zod";

/**
 * Limits that keep reading and checking a file linear in its size and its
 * answer short (a file of 16,000 unknown keys took 5.6 s to check, and one
 * nested 10,000 levels deep ended the process).
 */
export const SOURCE_LIMITS = {
  /** Problems listed for one file (or one apply); one more line says how many were left out. */
  problems: 100,
  /** Map keys in one file, at every level. */
  keys: 5_000,
  /** Levels of nesting (maps, lists, flow collections), as for JSON bodies. */
  depth: 64,
} as const;

/** Why a file was given up before it was read to the end. */
const tooLarge = {
  depth: `nests deeper than ${SOURCE_LIMITS.depth} levels`,
  keys: `holds more than ${SOURCE_LIMITS.keys} keys`,
} as const;

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
  const at = (offset: number): SourcePosition => {
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  const parsed = shallowDocument(text, lineCounter);
  if ("stopped" in parsed) return { ok: false, problems: [{ ...at(parsed.at), path: "", reason: tooLarge[parsed.stopped] }] };
  const { doc } = parsed;
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
  const keys = indexKeys(doc.contents, at);
  if (!keys.ok) return keys;

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

  const locate = (path: SourcePath, key?: string, offset?: number) =>
    locateNode({ root: doc.contents, pairs: keys.pairs, path, key, offset, at });
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

/**
 * The first `max` problems, as an answer lists them (finding them all is
 * linear; listing sixteen thousand is not useful); when there were more, the
 * last line says how many were left out (at the first of them). Changes the list in place.
 * @example capProblems(sixteenThousand).at(-1)?.reason // "... and 15900 more problems (the first 100 are listed)"
 */
export function capProblems<P extends SourceProblem>(problems: P[], max: number = SOURCE_LIMITS.problems): P[] {
  const first = problems[max];
  if (!first) return problems;
  const more = problems.length - max;
  problems.length = max;
  problems.push({ ...first, path: "", reason: `... and ${more} more problem${more === 1 ? "" : "s"} (the first ${max} are listed)` });
  return problems;
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

/** Each map's pairs by key (scalar keys, as text): found in constant time, however many keys the map has. */
type PairIndex = Map<YAMLMap, Map<string, Pair>>;

/**
 * Index every map's keys, walking the document without recursion: a key
 * repeated in a map is a problem, as is a file holding more than
 * {@link SOURCE_LIMITS}`.keys` keys in all.
 */
function indexKeys(root: unknown, at: (offset: number) => SourcePosition): SourceResult<{ pairs: PairIndex }> {
  const pairs: PairIndex = new Map();
  const problems: SourceProblem[] = [];
  let count = 0;
  const stack: unknown[] = [root];
  for (let node = stack.pop(); stack.length || node !== undefined; node = stack.pop()) {
    if (isSeq(node)) {
      stack.push(...node.items);
      continue;
    }
    if (!isMap(node)) continue;
    const byKey = new Map<string, Pair>();
    pairs.set(node, byKey);
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      count += 1;
      const offset = (isScalar(pair.key) ? pair.key.range?.[0] : undefined) ?? node.range?.[0] ?? 0;
      if (count > SOURCE_LIMITS.keys) return { ok: false, problems: [{ ...at(offset), path: "", reason: tooLarge.keys }] };
      if (isScalar(pair.key)) {
        const key = String(pair.key.value);
        if (byKey.has(key)) problems.push({ ...at(offset), path: "", reason: "YAML: Map keys must be unique" });
        else byKey.set(key, pair);
      }
      stack.push(pair.key, pair.value);
    }
  }
  return problems.length ? { ok: false, problems: sortProblems(problems) } : { ok: true, pairs };
}

/** The child of a map or list at one path step, with the pair it sits in (for a map). */
function childAt(pairs: PairIndex, node: unknown, step: string | number): { node: unknown; pair?: Pair } | null {
  if (isMap(node)) {
    const pair = pairs.get(node)?.get(String(step));
    return pair ? { node: pair.value, pair } : null;
  }
  if (isSeq(node)) {
    const item: unknown = node.items[Number(step)];
    return item === undefined ? null : { node: item };
  }
  return null;
}

function rangeStart(node: unknown): number | undefined {
  return node !== null && typeof node === "object" && "range" in node && Array.isArray(node.range) && typeof node.range[0] === "number"
    ? node.range[0]
    : undefined;
}

function locateNode(props: {
  root: unknown;
  pairs: PairIndex;
  path: SourcePath;
  key?: string;
  offset?: number;
  at(offset: number): SourcePosition;
}): SourcePosition {
  const { pairs, path, at } = props;
  // Walk down as far as the path exists: `trail[n]` is the node at `path.slice(0, n)`.
  const trail: Array<{ node: unknown; pair?: Pair }> = [{ node: props.root }];
  for (const step of path) {
    const last = trail[trail.length - 1];
    const next = last ? childAt(pairs, last.node, step) : null;
    if (!next) break;
    trail.push(next);
  }
  for (let n = trail.length - 1; n >= 0; n--) {
    const node = trail[n]?.node;
    const start = rangeStart(node);
    if (start === undefined) {
      // A missing value (`key:` with nothing after it): point at its key.
      const keyStart = rangeStart(trail[n]?.pair?.key);
      if (keyStart !== undefined) return at(keyStart);
      continue;
    }
    if (n === path.length && props.key !== undefined && isMap(node)) {
      const keyStart = rangeStart(pairs.get(node)?.get(props.key)?.key);
      if (keyStart !== undefined) return at(keyStart);
    }
    if (n < path.length && isMap(node)) {
      // The value is missing: point at its key when there is one.
      const keyStart = rangeStart(pairs.get(node)?.get(String(path[n]))?.key);
      if (keyStart !== undefined) return at(keyStart);
    }
    if (n === path.length && props.offset !== undefined && isScalar(node) && typeof node.value === "string" && !node.value.includes("\n")) {
      const quote = node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE" ? 1 : 0;
      if (node.type === "PLAIN" || quote) return at(start + quote + props.offset);
    }
    return at(start);
  }
  return { line: 1, column: 1 };
}

/**
 * `yaml`'s `parseDocument`, with the parser watched as it reads: a document
 * nesting deeper than {@link SOURCE_LIMITS}`.depth`, or holding more than
 * {@link SOURCE_LIMITS}`.keys` keys, is given up at once, before the composer (which recurses: ten thousand levels exhaust the
 * stack, and once ended the process) sees it. Duplicate keys are left to
 * {@link indexKeys}: yaml's own check compares each key with every earlier one.
 */
function shallowDocument(text: string, lineCounter: LineCounter): { doc: Document.Parsed } | { stopped: "depth" | "keys"; at: number } {
  const parser = new Parser(lineCounter.addNewLine);
  const tokens: CST.Token[] = [];
  lineCounter.addNewLine(0);
  let keys = 0;
  for (const lexeme of new Lexer().lex(text)) {
    for (const token of parser.next(lexeme)) tokens.push(token);
    // The parser's stack holds the document, each open collection and the scalar being read.
    if (parser.stack.length > SOURCE_LIMITS.depth + 2) return { stopped: "depth", at: parser.offset };
    // Each key is followed by one `:` lexeme: a file of too many keys is given up without reading the rest.
    if (lexeme === ":" && ++keys > SOURCE_LIMITS.keys) return { stopped: "keys", at: parser.offset - 1 };
  }
  for (const token of parser.end()) tokens.push(token);
  const composer = new Composer({ prettyErrors: false, uniqueKeys: false });
  let doc: Document.Parsed | null = null;
  for (const next of composer.compose(tokens, true, text.length)) {
    if (!doc) doc = next;
    else {
      doc.errors.push(
        new YAMLParseError(
          [next.range[0], next.range[1]],
          "MULTIPLE_DOCS",
          "Source contains multiple documents; please use YAML.parseAllDocuments()",
        ),
      );
      break;
    }
  }
  // compose(…, forceDoc) always yields a document, an empty one for empty text.
  return doc ? { doc } : { stopped: "depth", at: 0 };
}
