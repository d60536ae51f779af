/**
 * @module review-styles
 * CSS of the review pages (history, incident page, metrics), in the bundle
 * like styles.ts: the `<style>` element exists while a page is mounted.
 */
import { useStyleElement } from "./styles.ts";

const STYLE_ID = "incident-review-styles";

const css = `
.incident-page { --incident-fg: var(--text, #1b1d22); --incident-muted: var(--muted, #5b6070); --incident-border: var(--border, #d5d8de);
  --incident-accent: var(--accent, #1c58d9); --incident-danger: var(--danger, #b3261e); --incident-subtle: var(--bg-soft, #f4f5f7);
  padding: 16px 24px; overflow: auto; display: flex; flex-direction: column; gap: 14px; color: var(--incident-fg); }
.incident-page h1 { font-size: 1.4rem; margin: 0; }
.incident-page h2 { font-size: 1.1rem; margin: 8px 0 4px; }
.incident-page-nav { display: flex; gap: 12px; flex-wrap: wrap; align-items: center; }
.incident-filters { display: flex; gap: 10px; flex-wrap: wrap; align-items: end; }
.incident-filters label { display: flex; flex-direction: column; gap: 2px; font-size: 0.85rem; margin: 0; font-weight: 600; }
.incident-history-table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
.incident-history-table th, .incident-history-table td { border-bottom: 1px solid var(--incident-border); padding: 6px 8px; text-align: left; }
.incident-history-table th button { font: inherit; font-weight: 700; background: none; border: none; padding: 0; cursor: pointer; color: inherit; }
.incident-summary-grid { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
.incident-summary-grid dt { font-weight: 600; color: var(--incident-muted); }
.incident-summary-grid dd { margin: 0; }
.incident-chart { width: 100%; max-width: 760px; height: auto; color: var(--incident-fg); }
.incident-retro { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
.incident-retro textarea { width: 100%; min-height: 260px; font: inherit; font-family: ui-monospace, monospace; font-size: 0.9rem; padding: 8px; }
.incident-retro-preview { border: 1px solid var(--incident-border); border-radius: 6px; padding: 8px 12px; overflow: auto; max-height: 420px; }
.incident-conflict { border: 2px solid var(--incident-danger); border-radius: 6px; padding: 8px 12px; }
.incident-conflict pre { white-space: pre-wrap; max-height: 200px; overflow: auto; }
.incident-metric-cards { display: flex; gap: 12px; flex-wrap: wrap; }
.incident-metric-cards div { border: 1px solid var(--incident-border); border-radius: 8px; padding: 8px 14px; min-width: 150px; }
.incident-metric-cards strong { display: block; font-size: 1.3rem; }
.incident-follow-ups { list-style: none; padding: 0; margin: 0; display: flex; flex-direction: column; gap: 4px; }
`;

/** Put the review pages' CSS in the document while the calling component is mounted. */
export function useReviewStyles(): void {
  useStyleElement(STYLE_ID, css);
}
