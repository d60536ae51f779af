/**
 * @module incident/common/forwarding-regex
 * The regex of a forwarding rule, in RE2 syntax, compiled by `re2js` (a pure
 * JavaScript port of RE2): matching takes time linear in the text, whatever
 * the pattern. With JavaScript's backtracking engine a playbook's `(a+)+$`
 * and a 31-character post blocked the server for ten seconds, doubling with
 * each character, and the rule kept doing it after a restart.
 *
 * RE2 has no lookaround (`(?=`, `(?!`, `(?<=`, `(?<!`) and no backreferences
 * (`\1`): a pattern using them does not compile, and the reason says so. The
 * playbook linter, the API's apply and the forwarding index all compile
 * through {@link compileForwardingRegex}, so they agree on what is valid.
 */
import { RE2JS } from "re2js";

/** A compiled forwarding regex: does it occur anywhere in a text (case-insensitively)? */
export interface ForwardingRegex {
  test(text: string): boolean;
}

/** The outcome of {@link compileForwardingRegex}. */
export type CompiledRegex = { ok: true; regex: ForwardingRegex } | { ok: false; reason: string };

/** Constructs RE2 leaves out on purpose; a pattern using one gets this hint after RE2's own message. */
const UNSUPPORTED = /\(\?<?[=!]|\\[1-9]/;

/**
 * Compile a rule's regex, matched case-insensitively anywhere in the text.
 * @example compileForwardingRegex("ERR-[0-9]+") // {ok: true, regex}
 * @example compileForwardingRegex("(?=x)y").ok // false: "... RE2 syntax has no lookaround and no backreferences"
 */
export function compileForwardingRegex(pattern: string): CompiledRegex {
  try {
    const compiled = RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE);
    return { ok: true, regex: { test: (text) => compiled.test(text) } };
  } catch (error) {
    // re2js quotes the pattern with its flags as a prefix (`(?i)a(`): the author wrote `a(`.
    const message = (error instanceof Error ? error.message : String(error)).replace(/^error parsing regexp: /, "").replace("`(?i)", "`");
    const hint = UNSUPPORTED.test(pattern) ? "; RE2 syntax has no lookaround ((?=, (?!, (?<=, (?<!) and no backreferences (\\1)" : "";
    return { ok: false, reason: `the regex is not valid RE2 syntax: ${message}${hint}` };
  }
}
