/**
 * @module db/unique-violation
 * A write refused by a unique index, recognized the same way on both
 * dialects, and the one 409 it becomes when the code that wrote did not say
 * better. Two requests racing for one name both pass their "is it taken?"
 * check; the index decides, and the loser must get a 409 naming the field,
 * never a 500.
 *
 * PostgreSQL reports SQLSTATE `23505` with the table, the constraint and a
 * detail `Key (team_id, name)=(…, …) already exists.`; SQLite reports
 * `SQLITE_CONSTRAINT_UNIQUE` (or `…_PRIMARYKEY`) with a message
 * `UNIQUE constraint failed: teams.name` (or `index 'name'` for an index on
 * expressions).
 */
import { z } from "zod";
import { SitrepError } from "#common/errors.ts";

/** Which unique key a refused write collided with. `columns` is empty when the dialect names only the index. */
export interface UniqueViolation {
  table: string;
  columns: string[];
  /** The constraint or index name, when the dialect gives it. */
  constraint: string;
}

const pgUniqueError = z.object({
  code: z.literal("23505"),
  table: z.string().optional(),
  constraint: z.string().optional(),
  detail: z.string().optional(),
});
const sqliteUniqueError = z.object({
  code: z.enum(["SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"]),
  message: z.string(),
});

/** The column a key part names: `lower(name)` reads as `name`. */
function keyColumn(part: string): string {
  const inner = /\(([^()]*)\)/.exec(part)?.[1] ?? part;
  return inner.trim().replace(/^"|"$/g, "");
}

/** The columns of PostgreSQL's `Key (a, lower(b))=(…)` detail. */
function pgColumns(detail: string): string[] {
  const start = detail.indexOf("Key (");
  const end = detail.indexOf(")=(");
  if (start < 0 || end < start) return [];
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const char of detail.slice(start + 5, end)) {
    if (char === "(") depth++;
    if (char === ")") depth--;
    if (char === "," && depth === 0) {
      parts.push(current);
      current = "";
    } else current += char;
  }
  parts.push(current);
  return parts.map(keyColumn).filter(Boolean);
}

/**
 * The unique key a database error reports, or null for any other error.
 * @example uniqueViolation(error)?.columns.includes("name")
 */
export function uniqueViolation(error: unknown): UniqueViolation | null {
  const pg = pgUniqueError.safeParse(error);
  if (pg.success) {
    const { table = "", constraint = "", detail = "" } = pg.data;
    return { table, columns: pgColumns(detail), constraint };
  }
  const sqlite = sqliteUniqueError.safeParse(error);
  if (sqlite.success) {
    const named = /UNIQUE constraint failed: (.*)$/.exec(sqlite.data.message)?.[1] ?? "";
    const index = /^index '([^']+)'$/.exec(named)?.[1];
    if (index !== undefined) return { table: "", columns: [], constraint: index };
    const qualified = named.split(",").map((part) => part.trim());
    const table = qualified[0]?.split(".")[0] ?? "";
    return { table, columns: qualified.map((part) => part.split(".").slice(1).join(".")).filter(Boolean), constraint: "" };
  }
  return null;
}

/** The field a key is about, for the message: its last column that is not an id of what it belongs to. */
function keyField(violation: UniqueViolation): string {
  const columns = violation.columns.filter((c) => !c.endsWith("_id"));
  return columns.at(-1) ?? violation.columns.at(-1) ?? (violation.constraint || "value");
}

/**
 * The 409 of a unique violation the writing code did not turn into its own
 * conflict: the field, and that another request stored the same value first.
 * Null for any other error. The app's error handler and plugin routes answer with it.
 * @example const conflict = uniqueConflict(error); if (conflict) throw conflict;
 */
export function uniqueConflict(error: unknown): SitrepError | null {
  const violation = uniqueViolation(error);
  if (!violation) return null;
  const field = keyField(violation);
  return new SitrepError({
    status: 409,
    id: "store.sql.unique_violation",
    message: `${field}: is already taken; another request stored the same ${field} at the same moment`,
  });
}
