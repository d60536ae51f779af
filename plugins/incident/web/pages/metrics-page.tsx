/**
 * @module pages/metrics-page
 * The metrics view (`/{team}/incidents/metrics`): `GET /stats` of the team
 * for a date range, drills left out unless asked for, drawn as charts
 * (incidents per week by severity, time to resolve over time, time per
 * stage per playbook), with a CSV download of the figures.
 */
import { useEffect, useState } from "react";
import type { PluginPageProps } from "#common/web-plugin-api.ts";
import { API_BASE } from "../constants.ts";
import { statsAnswerSchema, type IncidentStats } from "../review-types.ts";
import { useCharts } from "./use-charts.ts";

/** The figures as CSV: one section per table, with a header row each. */
export function statsCsv(stats: IncidentStats): string {
  const rows: Array<Array<string | number>> = [
    ["metric", "value"],
    ["count", stats.count],
    ["active", stats.active],
    ["mean_time_to_resolve_ms", stats.mean_time_to_resolve_ms ?? ""],
    ["median_time_to_resolve_ms", stats.median_time_to_resolve_ms ?? ""],
    ["mean_time_to_first_update_ms", stats.mean_time_to_first_update_ms ?? ""],
    ["median_time_to_first_update_ms", stats.median_time_to_first_update_ms ?? ""],
    [],
    ["week_start", "severity", "count"],
    ...stats.by_week.flatMap((w) =>
      Object.entries(w.by_severity).map(([s, n]) => [new Date(w.week_start).toISOString().slice(0, 10), s, n]),
    ),
    [],
    ["playbook", "stage", "mean_ms"],
    ...Object.entries(stats.time_in_stage_ms).flatMap(([id, stages]) =>
      Object.entries(stages).map(([stage, ms]) => [stats.playbook_names[id] || "none", stage, ms]),
    ),
    [],
    ["incident_id", "create_at", "severity", "time_to_resolve_ms"],
    ...stats.resolved.map((r) => [r.incident_id, new Date(r.create_at).toISOString(), r.severity, r.time_to_resolve_ms]),
  ];
  const cell = (v: string | number) => (typeof v === "number" ? String(v) : /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return rows.map((r) => r.map(cell).join(",")).join("\n") + "\n";
}

function minutes(ms: number | null): string {
  return ms === null ? "—" : `${(ms / 60_000).toFixed(1)} min`;
}

export function MetricsPage({ host, location }: PluginPageProps) {
  const charts = useCharts();
  const team = location.team;
  const [since, setSince] = useState("");
  const [until, setUntil] = useState("");
  const [drills, setDrills] = useState(false);
  const [stats, setStats] = useState<IncidentStats | null>(null);
  const [error, setError] = useState("");

  useEffect(() => {
    if (!team) return;
    const params = new URLSearchParams({ team_id: team.id, include_drills: String(drills) });
    if (since) params.set("since", String(Date.parse(`${since}T00:00:00Z`)));
    if (until) params.set("until", String(Date.parse(`${until}T00:00:00Z`) + 24 * 60 * 60 * 1000));
    let live = true;
    host
      .fetch(`${API_BASE}/stats?${params.toString()}`, { schema: statsAnswerSchema })
      .then((answer) => live && setStats(answer))
      .catch((e: unknown) => live && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, [host, team, since, until, drills]);

  const download = () => {
    if (!stats) return;
    const link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([statsCsv(stats)], { type: "text/csv" }));
    link.download = `incident-metrics-${team?.name ?? "team"}.csv`;
    link.click();
    URL.revokeObjectURL(link.href);
  };
  const severities = stats ? Object.keys(stats.by_severity).sort() : [];

  return (
    <div className="incident-page">
      <div className="incident-page-nav">
        <a
          href={`/${team?.name ?? ""}/incidents`}
          onClick={(e) => {
            e.preventDefault();
            host.navigate(`/${team?.name ?? ""}/incidents`);
          }}
        >
          ← All incidents
        </a>
        <h1>Metrics</h1>
        <button type="button" className="incident-btn" onClick={download} disabled={!stats}>
          Download CSV
        </button>
      </div>
      <form className="incident-filters" onSubmit={(e) => e.preventDefault()} aria-label="Range">
        <label>
          From
          <input type="date" value={since} onChange={(e) => setSince(e.target.value)} />
        </label>
        <label>
          To
          <input type="date" value={until} onChange={(e) => setUntil(e.target.value)} />
        </label>
        <label>
          <span>
            <input type="checkbox" checked={drills} onChange={(e) => setDrills(e.target.checked)} /> Include drills
          </span>
        </label>
      </form>
      {error ? <p role="alert">{error}</p> : null}
      {stats ? (
        <>
          <div className="incident-metric-cards">
            <div>
              Incidents<strong>{stats.count}</strong>
            </div>
            <div>
              Active<strong>{stats.active}</strong>
            </div>
            <div>
              Mean time to resolve<strong>{minutes(stats.mean_time_to_resolve_ms)}</strong>
            </div>
            <div>
              Median time to resolve<strong>{minutes(stats.median_time_to_resolve_ms)}</strong>
            </div>
            <div>
              Mean time to first update<strong>{minutes(stats.mean_time_to_first_update_ms)}</strong>
            </div>
          </div>
          {charts ? (
            <>
              <h2>Incidents per week by severity</h2>
              <charts.WeeklyChart stats={stats} severities={severities} />
              <h2>Time to resolve over time</h2>
              <charts.ResolveChart stats={stats} severities={severities} />
              <h2>Time per stage per playbook</h2>
              <charts.StageChart stats={stats} />
            </>
          ) : (
            <p>Drawing…</p>
          )}
        </>
      ) : (
        <p aria-busy="true">Loading…</p>
      )}
    </div>
  );
}
