/**
 * @module components/incident-list
 * The RHS's first screen: the team's active incidents, each with commander,
 * severity, stage, checklist progress (expandable), live time since start
 * and since the last status update.
 */
import { useEffect, useId, useRef, useState, useSyncExternalStore } from "react";
import { useIncidentPlugin, useIncidentState, useNow } from "../context.tsx";
import { checklistGroups, checklistProgress } from "../format.ts";
import type { Incident } from "../incident-types.ts";
import { activeIncidents } from "../incident-store.ts";
import { Elapsed } from "./elapsed.tsx";
import { SeverityBadge } from "./severity.tsx";
import { UserName } from "./user-name.tsx";
import { ErrorText, useAction } from "./use-action.tsx";

export function IncidentList({ teamId, focus }: { teamId: string; focus: boolean }) {
  const { store } = useIncidentPlugin();
  const state = useIncidentState();
  const incidents = activeIncidents(state, teamId);
  const load = state.teams[teamId];
  const headingId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (focus) headingRef.current?.focus();
  }, [focus]);

  return (
    <section className="incident-list-view" aria-labelledby={headingId}>
      <div className="incident-toolbar">
        <h3 id={headingId} ref={headingRef} tabIndex={-1}>
          Active incidents{load?.loaded ? <span className="incident-count"> ({Math.max(load.total, incidents.length)})</span> : null}
        </h3>
        <button type="button" className="incident-btn incident-btn-primary" onClick={() => store.showStart()}>
          Start incident
        </button>
      </div>
      {load?.error ? (
        <p role="alert" className="incident-alert">
          {load.error}{" "}
          <button type="button" className="incident-link-btn" onClick={() => void store.loadActive(teamId)}>
            Retry
          </button>
        </p>
      ) : null}
      {!load?.loaded && load?.loading ? <p className="incident-empty">Loading incidents…</p> : null}
      {load?.loaded && incidents.length === 0 ? <p className="incident-empty">No active incidents. All quiet.</p> : null}
      {incidents.length > 0 ? (
        <ul className="incident-list" aria-label="Active incidents">
          {incidents.map((incident) => (
            <IncidentRow key={incident.id} incident={incident} />
          ))}
        </ul>
      ) : null}
      {load?.loaded && incidents.length < load.total ? (
        <p className="incident-hint incident-more">
          {`Showing ${incidents.length} of ${load.total}. `}
          <button type="button" className="incident-btn" disabled={load.loading} onClick={() => void store.loadMoreActive(teamId)}>
            Show more
          </button>
        </p>
      ) : null}
      <HideEndedToggle />
    </section>
  );
}

/** The user's choice, kept on the server: ended incidents' channels leave the sidebar. */
function HideEndedToggle() {
  const { sidebar } = useIncidentPlugin();
  const hidden = useSyncExternalStore(sidebar.subscribe, sidebar.hidesEnded);
  const action = useAction();
  return (
    <div className="incident-field incident-hide-ended">
      <label className="incident-inline">
        <input
          type="checkbox"
          checked={hidden}
          disabled={action.pending}
          onChange={(e) => {
            const hide = e.target.checked;
            void action.run(() => sidebar.setHideEnded(hide));
          }}
        />
        Hide ended incidents' channels from the sidebar
      </label>
      <ErrorText error={action.error} />
    </div>
  );
}

function IncidentRow({ incident }: { incident: Incident }) {
  const { store } = useIncidentPlugin();
  const [expanded, setExpanded] = useState(false);
  const itemsId = useId();
  const { done, total } = checklistProgress(incident);

  return (
    <li className="incident-row" data-incident-id={incident.id}>
      <h4 className="incident-row-name">
        <button type="button" className="incident-row-open" onClick={() => store.open(incident.id, { focus: true })}>
          {incident.name}
        </button>{" "}
        <SeverityBadge incident={incident} />
        {incident.drill ? <span className="incident-drill">Drill</span> : null}
      </h4>
      <dl className="incident-meta">
        <dt>Commander</dt>
        <dd>
          <UserName userId={incident.commander_user_id} />
        </dd>
        <dt>Stage</dt>
        <dd className="incident-row-stage">{incident.current_stage}</dd>
        <dt>Elapsed</dt>
        <dd>
          <Elapsed since={incident.create_at} />
        </dd>
        <dt>Last update</dt>
        <dd className="incident-row-last-update">
          <LastUpdate incident={incident} />
        </dd>
      </dl>
      <div className="incident-row-foot">
        <button
          type="button"
          className="incident-disclosure"
          aria-expanded={expanded}
          aria-controls={itemsId}
          onClick={() => setExpanded((v) => !v)}
        >
          {expanded ? "▾" : "▸"} Checklist <span className="incident-progress">{`${done}/${total}`}</span>
          <span className="incident-visually-hidden"> items done</span>
        </button>
        {expanded ? (
          total === 0 ? (
            <p id={itemsId} className="incident-empty">
              No checklist items.
            </p>
          ) : (
            <ol id={itemsId} className="incident-mini-checklist">
              {checklistGroups(incident)
                .flatMap((group) => group.items)
                .map((item) => (
                  <li key={item.id} className={item.checked ? "incident-done" : undefined}>
                    <span aria-hidden="true">{item.checked ? "☑ " : "☐ "}</span>
                    <span className="incident-visually-hidden">{item.checked ? "Done: " : "To do: "}</span>
                    {`${item.number}. ${item.title}`}
                  </li>
                ))}
            </ol>
          )
        ) : null}
      </div>
    </li>
  );
}

/** Time since the last status update (or "none yet"); marked overdue past the playbook's `update_every`. */
function LastUpdate({ incident }: { incident: Incident }) {
  const now = useNow();
  const overdue = incident.update_every_ms > 0 && now > (incident.last_status_update_at || incident.create_at) + incident.update_every_ms;
  return (
    <span className={overdue ? "incident-overdue" : undefined}>
      {incident.last_status_update_at > 0 ? (
        <>
          <Elapsed since={incident.last_status_update_at} label="Last update" /> ago
        </>
      ) : (
        "none yet"
      )}
      {overdue ? " (update due)" : ""}
    </span>
  );
}
