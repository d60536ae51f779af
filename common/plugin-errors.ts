/**
 * @module common/plugin-errors
 * A plugin's expected failures, each with a stable id and a 4xx status: the
 * host answers them as `{id, message, status_code, details}`. Every
 * first-party plugin makes its errors here.
 */
import { PluginError } from "./plugin-api.ts";

/** 400: the caller sent something invalid; the message names the field. */
export const invalid = (id: string, message: string, details?: unknown) => new PluginError({ status: 400, id, message, details });
/** 403: visible, but not the caller's to do. */
export const notAllowed = (id: string, message: string) => new PluginError({ status: 403, id, message });
/** 404: missing, or not visible to the caller (the same answer, so nothing leaks). */
export const notFound = (id: string, message: string) => new PluginError({ status: 404, id, message });
/** 409: conflicts with the state, e.g. an ended incident or a slash command word another plugin has. */
export const conflict = (id: string, message: string, details?: unknown) => new PluginError({ status: 409, id, message, details });

/** The status, id, message and details of an expected (4xx) error thrown by the host or a plugin, or null. */
export { expectedError } from "./errors.ts";
