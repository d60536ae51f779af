/**
 * @module components/timeline
 * The incident's timeline tab: every event with time and actor, oldest
 * first, kept live by the `timeline_entry_*` events; entries added from a
 * post can be removed. Each summary names its actor ("@alice changed …").
 */
import { useEffect, useId, useState } from "react";
import { useIncidentPlugin, useIncidentState } from "../context.tsx";
import { inlineMarkdown } from "../inline-markdown.tsx";
import type { Incident, TimelineEntry } from "../incident-types.ts";
import { ErrorText, useAction } from "./use-action.tsx";

export function TimelineTab({ incident }: { incident: Incident }) {
  const { store } = useIncidentPlugin();
  const state = useIncidentState();
  const entries = state.timelines[incident.id];
  const [error, setError] = useState<string | null>(null);
  const headingId = useId();

  useEffect(() => {
    setError(null);
    store.loadTimeline(incident.id).catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, [store, incident.id]);

  return (
    <section className="incident-section incident-timeline-section" aria-labelledby={headingId}>
      <h4 id={headingId}>Timeline</h4>
      {error ? (
        <p role="alert" className="incident-alert">
          {error}
        </p>
      ) : null}
      {!entries ? (
        error ? null : (
          <p className="incident-empty">Loading timeline…</p>
        )
      ) : entries.length === 0 ? (
        <p className="incident-empty">Nothing on the timeline yet.</p>
      ) : (
        <ol className="incident-timeline" aria-label="Timeline events">
          {entries.map((entry) => (
            <TimelineRow key={entry.id} entry={entry} />
          ))}
        </ol>
      )}
    </section>
  );
}

function TimelineRow({ entry }: { entry: TimelineEntry }) {
  const { store } = useIncidentPlugin();
  const action = useAction();
  const at = new Date(entry.create_at);
  return (
    <li className={`incident-timeline-entry incident-timeline-${entry.type}`} data-entry-id={entry.id} data-type={entry.type}>
      <time dateTime={at.toISOString()} title={at.toLocaleString()} className="incident-hint">
        {at.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}
      </time>{" "}
      <span className="incident-timeline-summary">{inlineMarkdown(entry.summary)}</span>
      {entry.type === "event_from_post" ? (
        <button
          type="button"
          className="incident-btn incident-btn-icon"
          aria-label={`Remove from timeline: ${entry.summary}`}
          title="Remove from timeline"
          disabled={action.pending}
          onClick={() => void action.run(() => store.removeTimelineEntry(entry.incident_id, entry.id))}
        >
          <span aria-hidden="true">✕</span>
        </button>
      ) : null}
      <ErrorText error={action.error} />
    </li>
  );
}
