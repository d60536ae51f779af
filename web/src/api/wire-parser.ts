/**
 * @module api/wire-parser
 * Checks what the server sends (HTTP answers, WebSocket events) against the
 * schemas of `common/wire-schemas.ts`. Data that does not match never reaches
 * the app as if it did: it becomes a {@link WireFormatError}, logged once with
 * `console.warn` and reported so the app can show it.
 */
import type * as z from "zod/mini";

/** A server answer or event whose shape is not the one the app expects. */
export class WireFormatError extends Error {
  /** What was read, e.g. `GET /api/v4/users/me` or `the "posted" event`. */
  readonly source: string;
  /** The problems, e.g. `0.display_name: expected string`. */
  readonly problems: string;
  constructor(props: { source: string; problems: string }) {
    super(
      `The server's answer to ${props.source} could not be read (${props.problems}). The server and this page may be of different versions; try reloading the page.`,
    );
    this.name = "WireFormatError";
    this.source = props.source;
    this.problems = props.problems;
  }
}

const MAX_PROBLEMS = 3;

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.length > 0 ? issue.path.map(String).join(".") : "the whole answer";
  switch (issue.code) {
    case "invalid_type":
      return `${where}: expected ${issue.expected}`;
    case "invalid_value":
      return `${where}: expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    default:
      return `${where}: ${issue.message}`;
  }
}

/** One per app. Parses wire data; warns once per distinct problem. */
export class WireParser {
  private readonly warned = new Set<string>();

  /** @param props.onInvalid called with every mismatch (e.g. to show it in the UI). */
  constructor(private readonly props: { onInvalid?(error: WireFormatError): void } = {}) {}

  /**
   * `value` parsed with `schema`; throws a {@link WireFormatError} when it does not match.
   * @example const me = wire.parse(userSchema, body, "GET /api/v4/users/me");
   */
  parse<T>(schema: z.ZodMiniType<T>, value: unknown, source: string): T {
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    const issues = result.error.issues;
    const problems =
      issues.slice(0, MAX_PROBLEMS).map(describeIssue).join("; ") +
      (issues.length > MAX_PROBLEMS ? `; and ${issues.length - MAX_PROBLEMS} more` : "");
    const error = new WireFormatError({ source, problems });
    this.report(error);
    throw error;
  }

  /** Like {@link parse}, but `null` instead of throwing (the mismatch is still reported). */
  parseOrNull<T>(schema: z.ZodMiniType<T>, value: unknown, source: string): T | null {
    try {
      return this.parse(schema, value, source);
    } catch (error) {
      if (error instanceof WireFormatError) return null;
      throw error;
    }
  }

  private report(error: WireFormatError): void {
    const key = `${error.source}\n${error.problems}`;
    if (!this.warned.has(key)) {
      this.warned.add(key);
      console.warn(`Sitrep: ${error.message}`);
    }
    try {
      this.props.onInvalid?.(error);
    } catch {
      // Reporting never turns a bad answer into a crash.
    }
  }
}
