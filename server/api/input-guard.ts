/**
 * @module api/input-guard
 * Two kinds of input no route can handle, refused before any route sees them,
 * with a 400 naming where they are:
 *
 * - the NUL character (U+0000): PostgreSQL cannot store it in text, so a
 *   message, a name or an id holding one failed with a 500 there (SQLite took
 *   it), in the body, the query or the path alike;
 * - JSON nested deeper than {@link MAX_DEPTH} levels: storing and sending a
 *   post's props serializes them recursively, and ten thousand levels overflow
 *   the stack (a 500, reachable anonymously through incoming webhooks). Real
 *   payloads (Slack attachments, Alertmanager) nest a handful of levels.
 */
import { AppError } from "../errors.ts";

/** The deepest JSON a request may send. */
export const MAX_DEPTH = 64;

const nul = (field: string) =>
  new AppError({ status: 400, id: "api.request.nul_character", message: `${field}: must not contain the NUL character (U+0000)` });

/**
 * The problem with a parsed body, if any: `props.a: must not contain ...`.
 * Walks without recursion, so no depth can overflow it.
 */
export function bodyProblem(body: unknown): AppError | null {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value: body, path: "", depth: 0 }];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const { value, path, depth } = item;
    if (typeof value === "string") {
      if (value.includes("\u0000")) return nul(path || "body");
      continue;
    }
    if (value === null || typeof value !== "object") continue;
    if (depth >= MAX_DEPTH)
      return new AppError({ status: 400, id: "api.request.too_deep", message: `${path || "body"}: nests deeper than ${MAX_DEPTH} levels` });
    for (const [key, child] of Object.entries(value)) {
      const childPath = path ? `${path}.${key}` : key;
      if (key.includes("\u0000")) return nul(childPath);
      stack.push({ value: child, path: childPath, depth: depth + 1 });
    }
  }
  return null;
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
