/**
 * @module db/column-types
 * The few column types that differ between SQLite and PostgreSQL, so a
 * migration is written once for both dialects.
 */
import type { ColumnDataType } from "kysely";

export type Dialect = "sqlite" | "postgres";

/** Column types for one dialect. Times are `bigint` milliseconds; text is unbounded. */
export function columnTypes(dialect: Dialect): {
  time: ColumnDataType;
  text: ColumnDataType;
  blob: ColumnDataType;
  int: ColumnDataType;
  id: ColumnDataType;
} {
  return dialect === "postgres"
    ? { time: "bigint", text: "text", blob: "bytea", int: "integer", id: "varchar(26)" }
    : { time: "integer", text: "text", blob: "blob", int: "integer", id: "text" };
}
