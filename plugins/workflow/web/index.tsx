/**
 * @module workflow/web
 * The Workflow plugin's web side (being built).
 */
import type { WebPluginRegistry } from "../../../common/web-plugin-api.ts";

export function register(_registry: WebPluginRegistry): void {}
