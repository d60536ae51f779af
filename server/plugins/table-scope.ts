/**
 * @module plugins/table-scope
 * Keeps a plugin's queries to its own tables (`<plugin id>_*`). A Kysely
 * plugin walks the whole operation-node tree of every query before it is
 * compiled: each table named in FROM, JOIN, INTO, UPDATE, a subquery, a
 * schema statement, `sql.table(...)` or a reference must be the plugin's own
 * (or a CTE or alias the query itself declares), never schema-qualified; the
 * text of raw `sql` fragments is scanned for the table after
 * `from`/`join`/`into`/`update`/`table`/`using`/`truncate`. A refusal is a
 * {@link PluginError} thrown before anything reaches the database.
 *
 * This guards against mistakes, not against a hostile plugin: an in-process
 * plugin is trusted code and could open the database file itself
 * (docs/plugins.md). The raw-text scan is a tokenizer, not a SQL parser.
 */
import {
  AliasNode,
  CommonTableExpressionNameNode,
  FromNode,
  IdentifierNode,
  JoinNode,
  RawNode,
  ReferenceNode,
  sql,
  TableNode,
  UsingNode,
  type KyselyPlugin,
  type OperationNode,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RawBuilder,
  type RootOperationNode,
  type UnknownRow,
} from "kysely";
import { SitrepError as PluginError } from "#common/errors.ts";

/** Node kinds whose contents are data, not SQL: never walked. */
const DATA_KINDS = new Set(["ValueNode", "ValueListNode", "PrimitiveValueListNode"]);
/** Statements that reach beyond tables altogether. */
const REFUSED_KINDS = new Set(["CreateSchemaNode", "DropSchemaNode"]);
/** Words after which raw SQL names a table. */
const TABLE_KEYWORDS = new Set(["from", "join", "into", "update", "table", "using", "truncate"]);
/** Words between such a keyword and the table (`drop table if exists`, `from only`, `join lateral`). */
const MODIFIERS = new Set(["if", "not", "exists", "only", "lateral", "temp", "temporary", "unlogged"]);
/** Words that end the table position without naming one (`do update set`, `for update of`, `update_at`-free SQL). */
const NOT_TABLES = new Set(["set", "select", "values", "default", "where", "of", "nowait", "skip", "with", "on", "as"]);
/** Functions whose arguments use `from` without a table: `extract(epoch from t)`, `substring(s from 2)`. */
const FROM_FUNCTIONS = new Set(["extract", "substring", "trim", "overlay", "position"]);

type Token = { word: string } | { name: string } | { punct: string } | { hole: OperationNode };

function isNode(value: unknown): value is OperationNode {
  return typeof value === "object" && value !== null && "kind" in value && typeof value.kind === "string";
}

function children(node: OperationNode): OperationNode[] {
  const out: OperationNode[] = [];
  for (const value of Object.values(node)) {
    if (Array.isArray(value)) for (const item of value) if (isNode(item)) out.push(item);
    if (isNode(value)) out.push(value);
  }
  return out;
}

/** The text and parameters of a raw node as one token stream; nested raw nodes are inlined. */
function rawTokens(node: RawNode, out: Token[] = []): Token[] {
  node.sqlFragments.forEach((fragment, i) => {
    tokenize(fragment, out);
    const parameter = node.parameters[i];
    if (parameter === undefined) return;
    if (RawNode.is(parameter)) rawTokens(parameter, out);
    else out.push({ hole: parameter });
  });
  return out;
}

/** SQL text as words, identifiers and punctuation; string literals and comments dropped. */
function tokenize(text: string, out: Token[]): void {
  const pattern =
    /--[^\n]*|\/\*[\s\S]*?\*\/|'(?:[^']|'')*'|"((?:[^"]|"")*)"|`([^`]*)`|\[([^\]]*)\]|([A-Za-z_][A-Za-z0-9_$]*)|([().,;])|\S/g;
  for (const match of text.matchAll(pattern)) {
    const [whole, doubleQuoted, backQuoted, bracketed, word, punct] = match;
    if (doubleQuoted !== undefined) out.push({ name: doubleQuoted.replaceAll('""', '"') });
    else if (backQuoted !== undefined) out.push({ name: backQuoted });
    else if (bracketed !== undefined) out.push({ name: bracketed });
    else if (word !== undefined) out.push({ word: word.toLowerCase() });
    else if (punct !== undefined) out.push({ punct });
    else if (whole.startsWith("'") || whole.startsWith("--") || whole.startsWith("/*")) continue;
    else out.push({ punct: whole });
  }
}

/** Refuses queries that name a table other than the plugin's own. */
export class TableScope implements KyselyPlugin {
  private readonly prefix: string;

  constructor(private readonly pluginId: string) {
    this.prefix = `${pluginId}_`;
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.check(args.node);
    return args.node;
  }

  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result);
  }

  /**
   * Raw SQL from the plugin (`ctx.storage.sql`), checked now, when it is
   * built, as well as again when it runs on the plugin's builder.
   */
  sql<T>(strings: TemplateStringsArray, ...values: unknown[]): RawBuilder<T> {
    const raw = sql<T>(strings, ...values);
    this.check(raw.toOperationNode());
    return raw;
  }

  /** Throw a {@link PluginError} when the query names any table that is not the plugin's. */
  check(root: OperationNode): void {
    const aliases = new Set<string>(); // aliases the query declares, which references may name
    const ctes = new Set<string>(); // CTE names the query declares, which may stand where a table goes
    const collect = (node: OperationNode): void => {
      if (DATA_KINDS.has(node.kind)) return;
      if (CommonTableExpressionNameNode.is(node)) ctes.add(node.table.table.identifier.name);
      if (AliasNode.is(node) && IdentifierNode.is(node.alias)) aliases.add(node.alias.name);
      if (RawNode.is(node)) for (const name of rawCteNames(rawTokens(node))) ctes.add(name);
      children(node).forEach(collect);
    };
    collect(root);

    /** `source`: the node stands where a table goes (FROM, JOIN, USING, or aliased there). */
    const visit = (node: OperationNode, where: { parent?: OperationNode; source: boolean }): void => {
      if (DATA_KINDS.has(node.kind)) return;
      if (REFUSED_KINDS.has(node.kind)) throw this.refuse("a schema");
      if (TableNode.is(node)) {
        const { schema, identifier } = node.table;
        if (schema) throw this.refuse(`${schema.name}.${identifier.name}`);
        const reference = where.parent !== undefined && ReferenceNode.is(where.parent);
        if (!this.own(identifier.name) && !ctes.has(identifier.name) && !(reference && aliases.has(identifier.name)))
          throw this.refuse(identifier.name);
        return;
      }
      if (RawNode.is(node)) {
        this.checkRaw(rawTokens(node), ctes, where.source);
        const parameters = (raw: RawNode): void => {
          for (const p of raw.parameters) {
            if (RawNode.is(p)) parameters(p);
            else visit(p, { parent: raw, source: false });
          }
        };
        parameters(node);
        return;
      }
      for (const child of children(node)) {
        const source =
          FromNode.is(node) ||
          UsingNode.is(node) ||
          (JoinNode.is(node) && child === node.table) ||
          (AliasNode.is(node) && where.source && child === node.node);
        visit(child, { parent: node, source });
      }
    };
    visit(root, { source: false });
  }

  private own(name: string): boolean {
    return name.startsWith(this.prefix) && name.length > this.prefix.length;
  }

  private refuse(what: string): PluginError {
    return new PluginError({
      status: 403,
      id: "plugin.storage.forbidden_table",
      message: `Plugin "${this.pluginId}" may use only its own tables (${this.prefix}*): ${what === "a schema" ? "it may not create or drop a schema" : `"${what}" is not one of them`}.`,
      details: { table: what },
    });
  }

  /** Check the table after each table keyword of raw SQL. */
  private checkRaw(tokens: Token[], ctes: Set<string>, startsWithTable: boolean): void {
    const calls: string[] = []; // the function (or "") each open parenthesis belongs to
    const positions: number[] = startsWithTable ? [0] : [];
    tokens.forEach((token, i) => {
      const previous = tokens[i - 1];
      if ("punct" in token && token.punct === "(") calls.push(previous && "word" in previous ? previous.word : "");
      if ("punct" in token && token.punct === ")") calls.pop();
      if (!("word" in token) || !TABLE_KEYWORDS.has(token.word)) return;
      if (
        token.word === "from" &&
        (FROM_FUNCTIONS.has(calls.at(-1) ?? "") || (previous && "word" in previous && previous.word === "distinct"))
      )
        return;
      positions.push(i + 1);
    });
    for (const start of positions) this.checkTableList(tokens, start, ctes);
  }

  /** `name [as alias] [, name [as alias]]...` from `start`; stops at a subquery or anything else. */
  private checkTableList(tokens: Token[], start: number, ctes: Set<string>): void {
    let i = start;
    for (;;) {
      while (i < tokens.length && wordAt(tokens, i) !== undefined && MODIFIERS.has(wordAt(tokens, i) ?? "")) i++;
      const token = tokens[i];
      if (!token) return;
      let parts: string[] = [];
      if ("hole" in token) {
        // A table node is checked as a node; a subquery or a value names no table here.
        if (!IdentifierNode.is(token.hole)) return;
        parts = [token.hole.name];
        i++;
      } else if ("name" in token || ("word" in token && !NOT_TABLES.has(token.word) && !TABLE_KEYWORDS.has(token.word))) {
        parts = [nameOf(token)];
        i++;
        while (punctAt(tokens, i) === "." && tokens[i + 1] && ("name" in (tokens[i + 1] ?? {}) || wordAt(tokens, i + 1) !== undefined)) {
          parts.push(nameOf(tokens[i + 1] ?? { name: "" }));
          i += 2;
        }
      } else return;
      const name = parts.at(-1) ?? "";
      if (parts.length > 1) throw this.refuse(parts.join("."));
      if (!this.own(name) && !ctes.has(name)) throw this.refuse(name);
      if (wordAt(tokens, i) === "as") i++;
      const alias = tokens[i];
      if (alias && ("name" in alias || ("word" in alias && !NOT_TABLES.has(alias.word) && !RESERVED_AFTER_TABLE.has(alias.word)))) i++;
      if (punctAt(tokens, i) !== ",") return;
      i++;
    }
  }
}

/** Words that may follow a table instead of an alias. */
const RESERVED_AFTER_TABLE = new Set([
  "where",
  "join",
  "inner",
  "left",
  "right",
  "full",
  "cross",
  "natural",
  "on",
  "using",
  "group",
  "order",
  "limit",
  "offset",
  "having",
  "union",
  "except",
  "intersect",
  "returning",
  "set",
  "values",
  "default",
  "select",
  "for",
  "window",
  "do",
]);

function wordAt(tokens: Token[], i: number): string | undefined {
  const token = tokens[i];
  return token && "word" in token ? token.word : undefined;
}

function punctAt(tokens: Token[], i: number): string | undefined {
  const token = tokens[i];
  return token && "punct" in token ? token.punct : undefined;
}

function nameOf(token: Token): string {
  if ("name" in token) return token.name;
  if ("word" in token) return token.word;
  return "";
}

/** Names declared as CTEs in raw SQL: `name as (` or `name(cols) as (`. */
function rawCteNames(tokens: Token[]): string[] {
  const names: string[] = [];
  tokens.forEach((token, i) => {
    if (wordAt(tokens, i + 1) === "as" && punctAt(tokens, i + 2) === "(" && ("word" in token || "name" in token)) names.push(nameOf(token));
  });
  return names;
}
