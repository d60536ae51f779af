/**
 * @module pages/incident-page
 * One incident's page (`/{team}/incidents/{id}`): its summary, the timeline
 * drawn as a chart (events on a time axis, stages as bars), how the response
 * went against the playbook (a drill's report), the retrospective editor,
 * follow-ups, and the export downloads.
 */
import { useEffect, useState } from "react";
import type { PluginPageProps } from "#common/web-plugin-api.ts";
import { API_BASE } from "../constants.ts";
import { incidentSchema, timelineSchema, type Incident, type TimelineEntry } from "../incident-types.ts";
import { responseReportAnswerSchema, type ResponseReport } from "../review-types.ts";
import { SeverityBadge } from "../components/severity.tsx";
import { FollowUps } from "../components/follow-ups.tsx";
import { RetrospectiveEditor } from "../components/retrospective-editor.tsx";
import { useCharts } from "./use-charts.ts";

interface Loaded {
  incident: Incident;
  timeline: TimelineEntry[];
  report: ResponseReport;
}

function duration(ms: number | null): string {
  if (ms === null) return "none";
  const m = Math.round(ms / 60_000);
  return m < 60 ? `${m}m` : `${Math.floor(m / 60)}h ${m % 60}m`;
}

export function IncidentPage({ host, location, incidentId }: PluginPageProps & { incidentId: string }) {
  const charts = useCharts();
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState("");
  const commander = host.useUser(loaded?.incident.commander_user_id);
  const teamName = location.team?.name ?? "";

  useEffect(() => {
    let live = true;
    const base = `${API_BASE}/incidents/${incidentId}`;
    Promise.all([
      host.fetch(base, { schema: incidentSchema }),
      host.fetch(`${base}/timeline`, { schema: timelineSchema }),
      host.fetch(`${base}/report`, { schema: responseReportAnswerSchema }),
    ])
      .then(([incident, timeline, report]) => live && setLoaded({ incident, timeline: timeline.items, report }))
      .catch((e: unknown) => live && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, [host, incidentId]);

  if (error)
    return (
      <div className="incident-page">
        <p role="alert">{error}</p>
      </div>
    );
  if (!loaded)
    return (
      <div className="incident-page" aria-busy="true">
        <p>Loading…</p>
      </div>
    );
  const { incident, timeline, report } = loaded;
  const end = incident.end_at || Date.now();
  const exportUrl = (format: string) => `${API_BASE}/incidents/${incident.id}/export?format=${format}`;
  return (
    <div className="incident-page">
      <div className="incident-page-nav">
        <a
          href={`/${teamName}/incidents`}
          onClick={(e) => {
            e.preventDefault();
            host.navigate(`/${teamName}/incidents`);
          }}
        >
          ← All incidents
        </a>
        <a href={exportUrl("markdown")} download className="incident-btn">
          Download markdown
        </a>
        <a href={exportUrl("json")} download={`incident-${incident.seq}.json`} className="incident-btn">
          Download JSON
        </a>
      </div>
      <h1>
        {incident.name} <span className="incident-muted">#{incident.seq}</span>
        {incident.drill ? <span className="incident-drill">Drill</span> : null}
      </h1>
      <dl className="incident-summary-grid">
        <dt>Status</dt>
        <dd>{incident.status === "active" ? `Active · ${incident.current_stage}` : "Ended"}</dd>
        <dt>Severity</dt>
        <dd>
          <SeverityBadge incident={incident} />
        </dd>
        <dt>Commander</dt>
        <dd>{commander ? `@${commander.username}` : "…"}</dd>
        <dt>Channel</dt>
        <dd>
          <a
            href={`/${teamName}/channels/${incident.channel_name}`}
            onClick={(e) => {
              e.preventDefault();
              host.navigate(`/${teamName}/channels/${incident.channel_name}`);
            }}
          >
            ~{incident.channel_name}
          </a>
        </dd>
        <dt>Started</dt>
        <dd>{new Date(incident.create_at).toISOString().replace("T", " ").slice(0, 19)} UTC</dd>
        <dt>Ended</dt>
        <dd>{incident.end_at ? `${new Date(incident.end_at).toISOString().replace("T", " ").slice(0, 19)} UTC` : "still active"}</dd>
        {Object.entries(incident.fields).map(([key, value]) => [<dt key={`k-${key}`}>{key}</dt>, <dd key={`v-${key}`}>{value}</dd>])}
      </dl>
      <section aria-labelledby="incident-timeline-heading">
        <h2 id="incident-timeline-heading">Timeline</h2>
        {charts ? (
          <charts.TimelineChart
            entries={timeline}
            firstStage={incident.stages[0]?.name ?? incident.current_stage}
            start={incident.create_at}
            end={end}
          />
        ) : (
          <p>Drawing…</p>
        )}
      </section>
      <section aria-labelledby="incident-report-heading">
        <h2 id="incident-report-heading">{incident.drill ? "Drill report" : "Response against the playbook"}</h2>
        <ul>
          <li>
            Time to first status update: {duration(report.time_to_first_update_ms)}
            {report.update_every_ms
              ? ` (expected within ${duration(report.update_every_ms)}${report.first_update_late ? ", late" : ", on time"})`
              : ""}
          </li>
          <li>Longest stretch without an update: {duration(report.longest_update_gap_ms)}</li>
          <li>
            Items with a due time: {report.items_with_due} · done late: {report.items_done_late} · missed: {report.items_missed}
          </li>
        </ul>
      </section>
      <RetrospectiveEditor host={host} incident={incident} />
      <FollowUps host={host} incident={incident} />
    </div>
  );
}
