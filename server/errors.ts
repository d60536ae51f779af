/**
 * @module errors
 * Expected failures with a stable id and a status. One handler in the app turns
 * these into `{id, message, status_code, details}` and anything else into a 500.
 */
import type { ZodError } from "zod";
import { zodProblem } from "#common/zod-problem.ts";
import { uniqueConflict } from "./db/unique-violation.ts";
import { isConnectionError } from "./db/health.ts";

/** An expected failure, answered with its status and message (the one class, from `common/errors.ts`). */
export { SitrepError as AppError } from "#common/errors.ts";
import { expectedError, type ExpectedError, SitrepError as AppError } from "#common/errors.ts";

/** 400: the caller sent something invalid. */
export const badRequest = (id: string, message: string, details?: unknown) => new AppError({ status: 400, id, message, details });
/** 401: no valid session or token. */
export const unauthorized = (message = "You must be signed in to do that.") =>
  new AppError({ status: 401, id: "api.context.session_expired.app_error", message });
/** 403: signed in, but not allowed. */
export const forbidden = (message = "You do not have the permission to do that.") =>
  new AppError({ status: 403, id: "api.context.permissions", message });
/** 404: nothing there, or nothing the caller may see. */
export const notFound = (what: string, message?: string) =>
  new AppError({ status: 404, id: `app.${what}.not_found`, message: message ?? `${what} not found.` });
/** 429: too many attempts; the error handler sends `Retry-After` with it. */
export class TooManyRequestsError extends AppError {
  /** Whole seconds until the caller may try again, at least 1. */
  readonly retryAfterSeconds: number;
  constructor(props: { id: string; message: string; retryAfterSeconds: number }) {
    super({ status: 429, id: props.id, message: props.message });
    this.retryAfterSeconds = Math.max(1, Math.ceil(props.retryAfterSeconds));
  }
}
/** 409: conflicts with what exists. */
export const conflict = (id: string, message: string, details?: unknown) => new AppError({ status: 409, id, message, details });

/**
 * Turn a zod error into a 400 whose message names each field and the reason,
 * e.g. `name: must be 2 to 64 characters` (the one helper, `zodProblem`, in zod's own wording).
 */
export function fromZodError(error: ZodError, id = "api.validation"): AppError {
  return zodProblem(error, { id, input: undefined });
}

/**
 * What an error answers with when it is not a bug: an expected failure from
 * anywhere (an {@link AppError}, or a plugin's `PluginError`: a bundled copy
 * of the class, so matched by shape, not `instanceof`), or a write refused by a unique index (a
 * request that lost a race for a name), which is a 409 naming the field. The
 * one place that decides, for the app's error handler, plugin routes, slash
 * commands and dialogs. Null for a bug (a 500).
 */
export function expectedOf(error: unknown): ExpectedError | null {
  return expectedError(error) ?? uniqueConflict(error);
}

/**
 * The 503 of a request that failed because the database could not be
 * reached or its connection broke (db/health.ts): not the caller's mistake
 * and not a bug, and likely to succeed when tried again shortly. Null for
 * any other error.
 */
export function databaseUnavailableOf(error: unknown): AppError | null {
  if (!isConnectionError(error)) return null;
  return new AppError({
    status: 503,
    id: "api.context.database_unavailable",
    message: "The database cannot be reached at the moment; try again shortly.",
  });
}
