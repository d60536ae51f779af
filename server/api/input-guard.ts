/**
 * @module api/input-guard
 * Input no route can handle, refused before any route sees it, with a 400
 * naming where it is:
 *
 * - the NUL character (U+0000): PostgreSQL cannot store it in text, so a
 *   message, a name or an id holding one failed with a 500 there (SQLite took
 *   it), in the body, the query or the path alike;
 * - a lone UTF-16 surrogate (`"\ud800"` without its pair): neither database
 *   can store it, so a name holding one came back as replacement characters,
 *   unlike what was sent and checked; refused in every string of a body, so
 *   every name (users, teams, channels, playbooks, workflows, ...) at once;
 * - JSON nested deeper than {@link MAX_DEPTH} levels: storing and sending a
 *   post's props serializes them recursively, and ten thousand levels overflow
 *   the stack (a 500, reachable anonymously through incoming webhooks). Real
 *   payloads (Slack attachments, Alertmanager) nest a handful of levels.
 *
 * The guard costs one pass over the JSON text, before parsing and without
 * allocating ({@link jsonTextSuspect}): most bodies hold no escape that could
 * be a NUL or a surrogate and nest a few levels, and are not looked at again.
 * Only a suspect body is walked ({@link bodyProblem}) to name the field. The
 * size of what is scanned is bounded by each route's body limit (body-limit.ts).
 */
import { AppError } from "../errors.ts";

/** The deepest JSON a request may send. */
export const MAX_DEPTH = 64;

const nul = (field: string) =>
  new AppError({ status: 400, id: "api.request.nul_character", message: `${field}: must not contain the NUL character (U+0000)` });

const loneSurrogate = (field: string) =>
  new AppError({
    status: 400,
    id: "api.request.lone_surrogate",
    message: `${field}: must not contain a lone UTF-16 surrogate (U+D800 to U+DFFF without its pair): it is not valid Unicode text`,
  });

const tooDeep = (field: string) =>
  new AppError({ status: 400, id: "api.request.too_deep", message: `${field}: nests deeper than ${MAX_DEPTH} levels` });

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const U = 0x75;

/**
 * Whether a JSON text may hold what {@link bodyProblem} refuses: an escape
 * that may be a NUL or a surrogate (`\u0000`, `\uD8..`–`\uDF..`), or nesting
 * deeper than {@link MAX_DEPTH}. One pass, no allocation. A UTF-8 body decodes
 * to well-formed text, so only `\u` escapes can put a NUL or a lone surrogate
 * in a string. False means the body is certainly fine; true, that it must be
 * walked (a pair of surrogate escapes, an emoji, is fine).
 */
export function jsonTextSuspect(text: string): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === QUOTE) inString = false;
      else if (c === BACKSLASH) {
        if (text.charCodeAt(i + 1) === U && escapeSuspect(text, i + 2)) return true;
        i++; // the escaped character (for `\u`, the hex digits that follow are plain characters)
      }
    } else if (c === QUOTE) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_DEPTH) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** `0000`, or `D8xx`–`DFxx` (either case), at `at`. */
function escapeSuspect(text: string, at: number): boolean {
  const first = text.charCodeAt(at) | 0x20; // lowercase a hex letter
  if (first === 0x64 /* d */) {
    const second = text.charCodeAt(at + 1) | 0x20;
    return (second >= 0x38 && second <= 0x39) || (second >= 0x61 && second <= 0x66); // 8, 9, a-f
  }
  return text.startsWith("0000", at);
}

/** A value being walked, with the way back to the body's root (paths are only spelled out for a problem). */
interface Visit {
  value: unknown;
  key: string;
  parent: Visit | null;
  depth: number;
}

function pathOf(visit: Visit): string {
  const keys: string[] = [];
  for (let v: Visit | null = visit; v && v.parent; v = v.parent) keys.push(v.key);
  return keys.reverse().join(".") || "body";
}

/**
 * The problem with a parsed body, if any: `props.a: must not contain ...`.
 * Walks without recursion, so no depth can overflow it, and builds a path
 * only for the problem it answers.
 */
export function bodyProblem(body: unknown): AppError | null {
  const stack: Visit[] = [{ value: body, key: "", parent: null, depth: 0 }];
  for (let visit = stack.pop(); visit; visit = stack.pop()) {
    const { value, depth } = visit;
    if (typeof value === "string") {
      const problem = stringProblem(value);
      if (problem) return problem(pathOf(visit));
      continue;
    }
    if (value === null || typeof value !== "object") continue;
    if (depth >= MAX_DEPTH) return tooDeep(pathOf(visit));
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], key: String(i), parent: visit, depth: depth + 1 });
      continue;
    }
    const entries = Object.entries(value);
    // Pushed last first, so fields are looked at in their order.
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i] ?? ["", undefined];
      const keyProblem = stringProblem(key);
      if (keyProblem) return keyProblem(pathOf({ value: child, key, parent: visit, depth: depth + 1 }));
      stack.push({ value: child, key, parent: visit, depth: depth + 1 });
    }
  }
  return null;
}

/** A high surrogate not followed by a low one, or a low one not preceded by a high one (one character either side: linear). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function stringProblem(text: string): ((field: string) => AppError) | null {
  if (text.includes("\u0000")) return nul;
  if (LONE_SURROGATE.test(text)) return loneSurrogate;
  return null;
}

/**
 * The problem with a JSON body given as text and as the value it parsed to:
 * the text is scanned once ({@link jsonTextSuspect}), and only a suspect
 * body is walked to name the field.
 */
export function jsonBodyProblem(text: string, value: unknown): AppError | null {
  return jsonTextSuspect(text) ? bodyProblem(value) : null;
}

/** The problem with a request's URL, if any: a `%00` in the path, or in a query parameter (named). */
export function urlProblem(url: string): AppError | null {
  if (!url.includes("%00")) return null;
  const q = url.indexOf("?");
  const pathPart = q === -1 ? url : url.slice(0, q);
  if (pathPart.includes("%00")) return nul("path");
  for (const [key, value] of new URLSearchParams(url.slice(q + 1)))
    if (key.includes("\u0000") || value.includes("\u0000")) return nul(key.replaceAll("\u0000", "") || "query");
  return null;
}
