/**
 * @module styles
 * The plugin's CSS, in the bundle. Components that need it call
 * {@link useIncidentStyles}; the `<style>` element exists while any of them is
 * mounted, so it leaves the page with the plugin's last component when the
 * plugin is disabled. Classes are prefixed `incident-`; colours use the host's
 * variables where it has them, with fallbacks.
 */
import { useInsertionEffect } from "react";

const STYLE_ID = "incident-plugin-styles";

const css = `
.incident-rhs, .incident-card {
  --incident-fg: var(--text, #1b1d22);
  --incident-muted: var(--muted, #5b6070);
  --incident-bg: var(--bg, #ffffff);
  --incident-subtle: var(--bg-soft, #f4f5f7);
  --incident-border: var(--border, #d5d8de);
  --incident-accent: var(--accent, #1c58d9);
  --incident-danger: var(--danger, #b3261e);
  --incident-success: #1a7f37;
  --incident-focus: var(--accent, #1c58d9);
  --incident-focus-ring: var(--focus-ring, 0 0 0 3px #ffbc1f);
  color: var(--incident-fg);
  font: inherit;
}
.incident-rhs { display: flex; flex-direction: column; gap: 12px; min-width: 0; }
.incident-list-view, .incident-detail, .incident-start, .incident-overview { display: flex; flex-direction: column; gap: 10px; }
/* The host styles every label as a bold block with margins; the plugin lays its own out. */
.incident-rhs label { margin: 0; }
.incident-rhs *, .incident-card * { box-sizing: border-box; }
.incident-rhs h3 { font-size: 1.1rem; margin: 0; overflow-wrap: anywhere; }
.incident-rhs h4 { font-size: 0.95rem; margin: 0 0 6px; }
.incident-rhs h5 { font-size: 0.85rem; margin: 8px 0 4px; color: var(--incident-muted); text-transform: uppercase; letter-spacing: 0.03em; }
.incident-toolbar { display: flex; gap: 8px; align-items: center; justify-content: space-between; flex-wrap: wrap; }
.incident-btn {
  font: inherit; font-size: 0.9rem; cursor: pointer; border-radius: 6px; padding: 5px 10px;
  border: 1px solid var(--incident-border); background: var(--incident-bg); color: var(--incident-fg);
}
.incident-btn:hover:not(:disabled) { background: var(--incident-subtle); }
.incident-btn:disabled { opacity: 0.55; cursor: not-allowed; }
.incident-btn-primary { background: var(--incident-accent); border-color: var(--incident-accent); color: #fff; }
.incident-btn-primary:hover:not(:disabled) { background: var(--incident-accent); filter: brightness(0.92); }
.incident-btn-danger { color: var(--incident-danger); border-color: var(--incident-danger); }
.incident-btn-danger-solid { background: var(--incident-danger); border-color: var(--incident-danger); color: #fff; }
.incident-btn-icon { padding: 2px 8px; line-height: 1.2; }
.incident-link-btn { font: inherit; background: none; border: none; padding: 0; color: var(--incident-accent); text-decoration: underline; cursor: pointer; }
.incident-rhs a { color: var(--incident-accent); }
.incident-rhs :focus-visible, .incident-card :focus-visible { outline: 2px solid var(--incident-focus); box-shadow: var(--incident-focus-ring); outline-offset: 1px; }
.incident-list { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 8px; }
.incident-row { position: relative; border: 1px solid var(--incident-border); border-radius: 8px; background: var(--incident-bg); padding: 10px 12px 8px; }
.incident-row:hover { background: var(--incident-subtle); }
.incident-rhs h4.incident-row-name { font-size: 1rem; margin: 0 0 4px; overflow-wrap: anywhere; }
.incident-row-open { font: inherit; font-weight: 600; color: inherit; background: none; border: none; padding: 0; text-align: left; cursor: pointer; }
/* The whole card opens the incident; the disclosure button sits above the overlay. */
.incident-row-open::after { content: ""; position: absolute; inset: 0; border-radius: 8px; }
.incident-row-open:focus-visible { outline: none; box-shadow: none; }
.incident-row-open:focus-visible::after { outline: 2px solid var(--incident-focus); box-shadow: var(--incident-focus-ring); }
.incident-meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px; margin: 0; font-size: 0.85rem; }
.incident-meta dt { color: var(--incident-muted); }
.incident-meta dd { margin: 0; overflow-wrap: anywhere; }
.incident-row-foot { position: relative; z-index: 1; margin-top: 4px; font-size: 0.85rem; }
.incident-disclosure { font: inherit; font-size: 0.85rem; background: none; border: none; padding: 2px 0; cursor: pointer; color: var(--incident-accent); }
.incident-mini-checklist { margin: 4px 0 0; padding-left: 22px; }
.incident-mini-checklist li { margin: 2px 0; }
.incident-done { color: var(--incident-muted); text-decoration: line-through; }
.incident-progress { display: inline-block; min-width: 3ch; font-variant-numeric: tabular-nums; }
.incident-elapsed { font-variant-numeric: tabular-nums; }
.incident-empty { color: var(--incident-muted); margin: 0; }
.incident-alert { border: 1px solid var(--incident-danger); color: var(--incident-danger); background: #fff5f5; border-radius: 6px; padding: 6px 10px; margin: 0; font-size: 0.9rem; }
.incident-section { border-top: 1px solid var(--incident-border); padding-top: 10px; }
.incident-field { display: flex; flex-direction: column; gap: 4px; }
.incident-start form { display: flex; flex-direction: column; gap: 12px; }
.incident-add-item { display: flex; flex-direction: column; gap: 6px; margin-top: 8px; }
.incident-field label, .incident-label { font-size: 0.85rem; font-weight: 600; }
.incident-field .incident-hint { font-size: 0.8rem; color: var(--incident-muted); }
.incident-input, .incident-select {
  font: inherit; font-size: 0.9rem; padding: 5px 8px; border-radius: 6px; min-width: 0; width: 100%;
  border: 1px solid var(--incident-border); background: var(--incident-bg); color: var(--incident-fg);
}
.incident-inline { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; }
.incident-inline .incident-select, .incident-inline .incident-input { flex: 1 1 8rem; width: auto; }
.incident-checklist { margin: 0; padding-left: 0; list-style: none; counter-reset: none; }
.incident-check { display: flex; flex-wrap: wrap; align-items: flex-start; gap: 6px; padding: 3px 0; }
.incident-check .incident-alert { flex-basis: 100%; }
.incident-check-num { color: var(--incident-muted); min-width: 2ch; text-align: right; font-variant-numeric: tabular-nums; font-size: 0.85rem; padding-top: 2px; }
.incident-check input[type="checkbox"] { margin: 4px 0 0; width: 16px; height: 16px; flex: none; }
.incident-check label { flex: 1; font-weight: 400; display: block; overflow-wrap: anywhere; cursor: pointer; }
.incident-check-by { display: block; font-size: 0.75rem; color: var(--incident-muted); }
.incident-checklist-group .incident-empty { font-size: 0.85rem; }
.incident-stage-current { color: var(--incident-accent); font-weight: 600; text-transform: none; letter-spacing: 0; }
.incident-badge { display: inline-block; font-size: 0.75rem; border-radius: 10px; padding: 1px 8px; background: var(--incident-subtle); border: 1px solid var(--incident-border); }
.incident-badge-ended { color: var(--incident-muted); }
.incident-confirm { border: 1px solid var(--incident-danger); border-radius: 8px; padding: 10px; display: flex; flex-direction: column; gap: 8px; }
.incident-rules { margin: 0; padding-left: 18px; font-size: 0.85rem; }
.incident-rules code { font-size: 0.8rem; }
.incident-card {
  display: flex; gap: 10px; align-items: flex-start; border: 1px solid var(--incident-border);
  border-left: 4px solid var(--incident-accent); border-radius: 6px; padding: 6px 10px; margin: 2px 0;
  background: var(--incident-subtle); max-width: 640px;
}
.incident-card[data-action="incident_ended"], .incident-card[data-action="ended"] { border-left-color: var(--incident-success); }
.incident-card-icon { color: var(--incident-accent); line-height: 0; padding-top: 2px; }
.incident-card[data-action="ended"] .incident-card-icon { color: var(--incident-success); }
.incident-card-open { font-size: 0.85rem; }
.incident-card-body { display: flex; flex-direction: column; gap: 4px; min-width: 0; }
.incident-card-message { margin: 0; overflow-wrap: anywhere; white-space: pre-wrap; }
.incident-controls { border: 0; margin: 0; padding: 0; min-width: 0; }
.incident-join { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin: 6px 0; }
.incident-visually-hidden { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
/* response: severity, roles, assignees, status updates, timeline */
.incident-severity { display: inline-block; font-size: 0.75rem; font-weight: 600; border-radius: 4px; padding: 1px 6px; border: 1px solid; vertical-align: middle; }
.incident-severity-0 { background: #fde2e1; color: #8a1c14; border-color: #e8a29c; }
.incident-severity-1 { background: #feead6; color: #7a3e00; border-color: #f0b67a; }
.incident-severity-2 { background: #fff4c2; color: #5c4a00; border-color: #e2cc66; }
.incident-severity-3 { background: #e1ecfb; color: #173f7a; border-color: #9dbbe8; }
.incident-overdue { color: #b3261e; font-weight: 600; }
.incident-check-overdue { border-left: 3px solid #b3261e; padding-left: 4px; background: #fdf0ef; }
.incident-check-overdue .incident-check-by.incident-overdue { color: #9b1f18; }
.incident-check-assign { display: flex; flex-wrap: wrap; gap: 4px; width: 100%; padding-left: 22px; }
.incident-check-assign .incident-select, .incident-check-assign .incident-input { font-size: 0.8rem; padding: 2px 4px; max-width: 48%; }
.incident-tabs { display: flex; gap: 4px; border-bottom: 1px solid var(--incident-border); margin: 6px 0; }
.incident-tab { background: none; border: none; border-bottom: 2px solid transparent; padding: 4px 10px; cursor: pointer; color: var(--incident-fg); font: inherit; }
.incident-tab[aria-selected="true"] { border-bottom-color: var(--incident-accent); font-weight: 600; }
.incident-tab:focus-visible { outline: 2px solid var(--incident-accent); outline-offset: 1px; }
.incident-status-form { display: flex; flex-direction: column; gap: 6px; }
.incident-status-text { width: 100%; box-sizing: border-box; font: inherit; resize: vertical; }
.incident-timeline { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 6px; }
.incident-timeline-entry { border-left: 2px solid var(--incident-border); padding-left: 8px; font-size: 0.85rem; overflow-wrap: anywhere; }
.incident-timeline-event_from_post { border-left-color: var(--incident-accent); }
.incident-role { margin: 2px 0; }
`;

let users = 0;

/** Puts the plugin's CSS in the page while the calling component is mounted. */
export function useIncidentStyles(): void {
  useInsertionEffect(() => {
    users += 1;
    if (!document.getElementById(STYLE_ID)) {
      const style = document.createElement("style");
      style.id = STYLE_ID;
      style.textContent = css;
      document.head.appendChild(style);
    }
    return () => {
      users -= 1;
      if (users === 0) document.getElementById(STYLE_ID)?.remove();
    };
  }, []);
}
