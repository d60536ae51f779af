/**
 * @module components/timeline-picker
 * "Add to incident timeline" on a post of a channel that runs no incident:
 * the user picks one of the team's active incidents.
 */
import { useEffect, useId, useRef } from "react";
import { useIncidentPlugin, useIncidentState } from "../context.tsx";
import { activeIncidents } from "../incident-store.ts";
import { SeverityBadge } from "./severity.tsx";
import { ErrorText, useAction } from "./use-action.tsx";

export function TimelinePicker({ teamId, postId }: { teamId: string; postId: string }) {
  const { store } = useIncidentPlugin();
  const state = useIncidentState();
  const incidents = activeIncidents(state, teamId);
  const action = useAction();
  const headingId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), []);

  return (
    <section className="incident-section" aria-labelledby={headingId}>
      <div className="incident-toolbar">
        <button type="button" className="incident-btn" onClick={() => store.showList({ focus: true })}>
          Cancel
        </button>
      </div>
      <h3 id={headingId} ref={headingRef} tabIndex={-1}>
        Add the message to which incident&apos;s timeline?
      </h3>
      {incidents.length === 0 ? <p className="incident-empty">No active incidents.</p> : null}
      <ul className="incident-list" aria-label="Active incidents">
        {incidents.map((incident) => (
          <li key={incident.id} className="incident-row">
            <button
              type="button"
              className="incident-row-open"
              disabled={action.pending}
              onClick={() =>
                void action
                  .run(() => store.addToTimeline(incident.id, postId))
                  .then((ok) => {
                    if (!ok) return;
                    store.setNotice({ text: `Added to the timeline of ${incident.name}.`, error: false });
                    store.open(incident.id, { tab: "timeline" });
                  })
              }
            >
              {incident.name}
            </button>{" "}
            <SeverityBadge incident={incident} />
          </li>
        ))}
      </ul>
      <ErrorText error={action.error} />
    </section>
  );
}
