/**
 * @module workflow/web/styles
 * The plugin's CSS, in the bundle; the `<style>` element exists while the page
 * is mounted. Classes are prefixed `workflow-`; colours use the host's
 * variables where it has them, with fallbacks.
 */
import { useInsertionEffect } from "react";

const STYLE_ID = "workflow-plugin-styles";

const css = `
.workflow-admin { --wf-muted: var(--muted, #5b6070); --wf-border: var(--border, #d5d8de); --wf-soft: var(--bg-soft, #f4f5f7);
  --wf-danger: var(--danger, #b3261e); --wf-success: #1a7f37; display: flex; flex-direction: column; gap: 24px; }
.workflow-admin table { border-collapse: collapse; width: 100%; }
.workflow-admin th, .workflow-admin td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--wf-border); vertical-align: top; }
.workflow-admin th { font-size: 0.85rem; color: var(--wf-muted); }
.workflow-admin code, .workflow-admin pre { font-family: ui-monospace, monospace; font-size: 0.85rem; }
.workflow-admin pre { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; background: var(--wf-soft); padding: 4px 6px; border-radius: 4px; }
.workflow-status { font-weight: 600; }
.workflow-status-succeeded { color: var(--wf-success); }
.workflow-status-failed { color: var(--wf-danger); }
.workflow-status-running, .workflow-hint { color: var(--wf-muted); }
.workflow-runs { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 8px; }
.workflow-run { border: 1px solid var(--wf-border); border-radius: 6px; padding: 6px 10px; }
.workflow-run summary { cursor: pointer; }
.workflow-error { color: var(--wf-danger); margin: 6px 0; overflow-wrap: anywhere; }
.workflow-toolbar { display: flex; gap: 16px; align-items: center; flex-wrap: wrap; }
.workflow-toolbar label, .workflow-admin td label { margin: 0; display: inline-flex; gap: 6px; align-items: center; font-weight: normal; }
.workflow-link { font: inherit; background: none; border: none; padding: 0; color: var(--accent, #1c58d9); text-decoration: underline; cursor: pointer; }
`;

/** Keep the plugin's `<style>` in the document while the calling component is mounted. */
export function useWorkflowStyles(): void {
  useInsertionEffect(() => {
    let style = document.getElementById(STYLE_ID) as HTMLStyleElement | null;
    if (!style) {
      style = document.createElement("style");
      style.id = STYLE_ID;
      style.textContent = css;
      document.head.appendChild(style);
    }
    const mounted = style;
    const count = Number(mounted.dataset.users ?? "0") + 1;
    mounted.dataset.users = String(count);
    return () => {
      const left = Number(mounted.dataset.users ?? "1") - 1;
      mounted.dataset.users = String(left);
      if (left <= 0) mounted.remove();
    };
  }, []);
}
