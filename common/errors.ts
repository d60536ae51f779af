/**
 * @module errors
 * The one error class of Sitrep, for the host and every plugin: an expected
 * failure with a stable id and a 4xx status, answered as
 * `{id, message, status_code, details}`. Anything else is a bug and a 500.
 */

/** An expected failure, answered with its status and message. */
export class SitrepError extends Error {
  /** HTTP status, 400–499 for caller mistakes. */
  readonly status: number;
  /** Stable error id, e.g. `incident.stage.not_found`. */
  readonly id: string;
  /** Extra structured detail, e.g. YAML problems with line and column. */
  readonly details?: unknown;
  constructor(props: { status: number; id: string; message: string; details?: unknown }) {
    super(props.message);
    this.status = props.status;
    this.id = props.id;
    this.details = props.details;
  }
}

/** What an expected error answers with. */
export interface ExpectedError {
  status: number;
  id: string;
  message: string;
  details?: unknown;
}

/**
 * The status, id, message and details of an expected (4xx) error, or null.
 * Matched by shape, not `instanceof`: a plugin bundle carries its own copy of
 * {@link SitrepError}.
 */
export function expectedError(error: unknown): ExpectedError | null {
  if (!(error instanceof Error)) return null;
  const e = error as Error & { status?: unknown; id?: unknown; details?: unknown };
  if (typeof e.status !== "number" || e.status < 400 || e.status >= 500 || typeof e.id !== "string") return null;
  return { status: e.status, id: e.id, message: e.message, details: e.details };
}
