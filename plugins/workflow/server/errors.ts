/**
 * @module workflow/server/errors
 * The plugin's expected failures, each with a stable id and status.
 */
import { PluginError } from "../../../common/plugin-api.ts";

/** 400: the caller sent something invalid; the message names the field. */
export const invalid = (id: string, message: string, details?: unknown) => new PluginError({ status: 400, id, message, details });
/** 403: signed in, but not allowed. */
export const notAllowed = (message: string) => new PluginError({ status: 403, id: "workflow.permissions", message });
/** 404: nothing there. */
export const notFound = (id: string, message: string) => new PluginError({ status: 404, id, message });
/** 409: conflicts with what exists (a slash command word another plugin has). */
export const conflict = (id: string, message: string, details?: unknown) => new PluginError({ status: 409, id, message, details });

/** The status, id and message of an expected error thrown by the host or the plugin, or null. */
export function expectedError(error: unknown): { status: number; id: string; message: string; details?: unknown } | null {
  if (!(error instanceof Error)) return null;
  const e = error as Error & { status?: unknown; id?: unknown; details?: unknown };
  if (typeof e.status !== "number" || e.status < 400 || e.status >= 500 || typeof e.id !== "string") return null;
  return { status: e.status, id: e.id, message: e.message, details: e.details };
}
