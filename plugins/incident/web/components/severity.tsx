/**
 * @module components/severity
 * An incident's severity: a coloured badge (most severe red, then orange,
 * yellow, and blue for the rest) and a select to change it.
 */
import { useId } from "react";
import { useIncidentPlugin } from "../context.tsx";
import type { Incident } from "../incident-types.ts";
import { ErrorText, useAction } from "./use-action.tsx";

/** The badge's colour class: by rank in the incident's severities (most severe first). */
export function severityLevel(incident: Pick<Incident, "severity" | "severities">): number {
  const rank = incident.severities.indexOf(incident.severity);
  return rank < 0 ? 3 : Math.min(rank, 3);
}

export function SeverityBadge({ incident }: { incident: Pick<Incident, "severity" | "severities"> }) {
  if (!incident.severity) return null;
  return (
    <span className={`incident-severity incident-severity-${severityLevel(incident)}`} title="Severity">
      <span className="incident-visually-hidden">Severity </span>
      {incident.severity}
    </span>
  );
}

export function SeverityPicker({ incident }: { incident: Incident }) {
  const { store } = useIncidentPlugin();
  const action = useAction();
  const id = useId();
  const options = incident.severities.includes(incident.severity) ? incident.severities : [incident.severity, ...incident.severities];
  return (
    <div className="incident-field">
      <label htmlFor={id}>Severity</label>
      <div className="incident-inline">
        <SeverityBadge incident={incident} />
        <select
          id={id}
          className="incident-select incident-severity-select"
          value={incident.severity}
          disabled={action.pending}
          aria-describedby={action.error ? `${id}-error` : undefined}
          onChange={(event) => {
            const severity = event.target.value;
            if (severity !== incident.severity) void action.run(() => store.changeSeverity(incident.id, severity));
          }}
        >
          {options.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </div>
      <ErrorText error={action.error} id={`${id}-error`} />
    </div>
  );
}
