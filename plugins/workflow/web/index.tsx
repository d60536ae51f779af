/**
 * @module workflow/web
 * The Workflow plugin's web side: a "Workflows" page in the System Console
 * (list, enable/disable, run log) that refreshes when the server announces
 * `custom_workflow_run_finished` — sent to system admins only, since run logs
 * are theirs. Everything is registered through the host's registry, which
 * disposes it all when the plugin is disabled.
 */
// First: no zod parser compiled with `new Function` under the CSP.
import "#common/csp-safe-zod.ts";
import type { WebPluginRegistry } from "#common/web-plugin-api.ts";
import { runFinished, WorkflowsPage } from "./workflows-page.tsx";

export function register(registry: WebPluginRegistry): void {
  registry.registerAdminConsolePage({ title: "Workflows", component: WorkflowsPage });
  registry.registerWebSocketEventHandler("custom_workflow_run_finished", () => runFinished());
}
