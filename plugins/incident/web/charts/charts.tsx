/**
 * @module charts/charts
 * The review pages' charts, drawn as SVG: an incident's timeline (events on a
 * time axis, stage durations as bars), incidents per week by severity, time
 * to resolve over time, and time per stage per playbook. Loaded with a
 * dynamic `import()` by the incident and metrics pages only, so the RHS
 * bundle never carries it (docs/incident.md says why not a chart library).
 * Every chart has a text alternative (`aria-label` and a title per mark).
 */
import type { IncidentStats } from "../../common/review-types.ts";
import type { TimelineEntry } from "../../common/types.ts";

const WIDTH = 720;
/** Colours of the severities, most severe first; more severities reuse the last. */
const SEVERITY_COLOURS = ["#b3261e", "#e8710a", "#f2c200", "#1c58d9", "#5b6070"];
const STAGE_COLOURS = ["#1c58d9", "#e8710a", "#1a7f37", "#8e44ad", "#b3261e", "#5b6070"];

/** `ms` as "1h 5m", "4m 10s" or "12s". */
export function shortDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${s % 60 ? ` ${s % 60}s` : ""}`;
  const h = Math.floor(m / 60);
  return `${h}h${m % 60 ? ` ${m % 60}m` : ""}`;
}

function utcTime(at: number): string {
  return new Date(at).toISOString().slice(11, 16);
}

function utcDate(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

/** A colour per severity, in the order given (most severe first). */
function severityColour(severities: readonly string[], severity: string): string {
  const i = severities.indexOf(severity);
  return SEVERITY_COLOURS[Math.min(i < 0 ? SEVERITY_COLOURS.length - 1 : i, SEVERITY_COLOURS.length - 1)] ?? "#5b6070";
}

/** The stages an incident went through, each with when it was entered and left. */
export function stageSpans(props: {
  entries: readonly TimelineEntry[];
  firstStage: string;
  start: number;
  end: number;
}): Array<{ stage: string; from: number; to: number }> {
  const spans: Array<{ stage: string; from: number; to: number }> = [];
  let stage = props.firstStage;
  let from = props.start;
  for (const entry of props.entries) {
    if (entry.type !== "stage_changed" || typeof entry.details.to !== "string") continue;
    if (typeof entry.details.from === "string" && spans.length === 0) stage = entry.details.from;
    spans.push({ stage, from, to: entry.create_at });
    stage = entry.details.to;
    from = entry.create_at;
  }
  spans.push({ stage, from, to: props.end });
  return spans;
}

/** An incident's timeline: a bar per stage over time, and a mark per event above it. */
export function TimelineChart(props: { entries: readonly TimelineEntry[]; firstStage: string; start: number; end: number }) {
  const { start } = props;
  const end = Math.max(props.end, start + 1);
  const x = (at: number) => 10 + ((at - start) / (end - start)) * (WIDTH - 20);
  const spans = stageSpans({ ...props, end });
  const events = props.entries.filter((e) => e.type !== "stage_changed");
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => start + f * (end - start));
  return (
    <svg
      className="incident-chart incident-timeline-chart"
      viewBox={`0 0 ${WIDTH} 150`}
      role="img"
      aria-label={`Timeline: ${props.entries.length} events; ${spans.map((s) => `${s.stage} ${shortDuration(s.to - s.from)}`).join(", ")}`}
    >
      <line x1={10} x2={WIDTH - 10} y1={60} y2={60} stroke="currentColor" strokeOpacity={0.3} />
      {events.map((e) => (
        <g key={e.id} className="incident-chart-event">
          <line x1={x(e.create_at)} x2={x(e.create_at)} y1={30} y2={60} stroke="#5b6070" />
          <circle cx={x(e.create_at)} cy={28} r={5} fill={e.type === "status_update" ? "#1a7f37" : "#1c58d9"}>
            <title>{`${utcTime(e.create_at)} UTC · ${e.summary}`}</title>
          </circle>
        </g>
      ))}
      {spans.map((s, i) => (
        <g key={`${s.stage}-${s.from}`} className="incident-chart-stage">
          <rect
            x={x(s.from)}
            y={75}
            width={Math.max(1, x(s.to) - x(s.from))}
            height={30}
            fill={STAGE_COLOURS[i % STAGE_COLOURS.length]}
            fillOpacity={0.8}
          >
            <title>{`${s.stage}: ${shortDuration(s.to - s.from)}`}</title>
          </rect>
          {x(s.to) - x(s.from) > 60 ? (
            <text x={x(s.from) + 4} y={95} fontSize={12} fill="#fff">
              {`${s.stage} · ${shortDuration(s.to - s.from)}`}
            </text>
          ) : null}
        </g>
      ))}
      {ticks.map((t) => (
        <text key={t} x={x(t)} y={130} fontSize={11} textAnchor="middle" fill="currentColor">
          {`${utcTime(t)} UTC`}
        </text>
      ))}
    </svg>
  );
}

/** Incidents per week, stacked by severity. */
export function WeeklyChart({ stats, severities }: { stats: IncidentStats; severities: readonly string[] }) {
  const weeks = stats.by_week;
  const max = Math.max(1, ...weeks.map((w) => w.count));
  const band = (WIDTH - 40) / Math.max(1, weeks.length);
  return (
    <svg className="incident-chart" viewBox={`0 0 ${WIDTH} 200`} role="img" aria-label={`Incidents per week over ${weeks.length} weeks`}>
      {weeks.map((week, i) => {
        let y = 170;
        return (
          <g key={week.week_start}>
            {severities
              .filter((s) => week.by_severity[s])
              .map((s) => {
                const h = ((week.by_severity[s] ?? 0) / max) * 150;
                y -= h;
                return (
                  <rect key={s} x={30 + i * band + 2} y={y} width={Math.max(2, band - 4)} height={h} fill={severityColour(severities, s)}>
                    <title>{`Week of ${utcDate(week.week_start)}: ${week.by_severity[s] ?? 0} ${s}`}</title>
                  </rect>
                );
              })}
            <text x={30 + i * band + band / 2} y={188} fontSize={10} textAnchor="middle" fill="currentColor">
              {utcDate(week.week_start).slice(5)}
            </text>
          </g>
        );
      })}
      <text x={4} y={24} fontSize={11} fill="currentColor">
        {max}
      </text>
    </svg>
  );
}

/** Each resolved incident's time to resolve, by its start, as points joined by a line. */
export function ResolveChart({ stats, severities }: { stats: IncidentStats; severities: readonly string[] }) {
  const points = stats.resolved;
  const first = points[0]?.create_at ?? 0;
  const last = Math.max(first + 1, points.at(-1)?.create_at ?? 1);
  const max = Math.max(1, ...points.map((p) => p.time_to_resolve_ms));
  const x = (at: number) => 40 + ((at - first) / (last - first)) * (WIDTH - 60);
  const y = (ms: number) => 170 - (ms / max) * 150;
  return (
    <svg className="incident-chart" viewBox={`0 0 ${WIDTH} 200`} role="img" aria-label={`Time to resolve of ${points.length} incidents`}>
      <polyline
        fill="none"
        stroke="#1c58d9"
        strokeOpacity={0.5}
        points={points.map((p) => `${x(p.create_at)},${y(p.time_to_resolve_ms)}`).join(" ")}
      />
      {points.map((p) => (
        <circle key={p.incident_id} cx={x(p.create_at)} cy={y(p.time_to_resolve_ms)} r={4} fill={severityColour(severities, p.severity)}>
          <title>{`${utcDate(p.create_at)} · ${p.severity} · ${shortDuration(p.time_to_resolve_ms)}`}</title>
        </circle>
      ))}
      <text x={4} y={24} fontSize={11} fill="currentColor">
        {shortDuration(max)}
      </text>
    </svg>
  );
}

/** Mean time per stage, a row of bars per playbook. */
export function StageChart({ stats }: { stats: IncidentStats }) {
  const rows = Object.entries(stats.time_in_stage_ms).flatMap(([playbookId, stages]) =>
    Object.entries(stages).map(([stage, ms]) => ({ playbook: stats.playbook_names[playbookId] || "No playbook", stage, ms })),
  );
  const max = Math.max(1, ...rows.map((r) => r.ms));
  return (
    <svg
      className="incident-chart"
      viewBox={`0 0 ${WIDTH} ${rows.length * 26 + 10}`}
      role="img"
      aria-label={`Mean time per stage: ${rows.map((r) => `${r.playbook} ${r.stage} ${shortDuration(r.ms)}`).join(", ")}`}
    >
      {rows.map((r, i) => (
        <g key={`${r.playbook}-${r.stage}`}>
          <text x={4} y={i * 26 + 22} fontSize={12} fill="currentColor">
            {`${r.playbook} · ${r.stage}`}
          </text>
          <rect x={240} y={i * 26 + 8} width={Math.max(2, (r.ms / max) * (WIDTH - 330))} height={18} fill={STAGE_COLOURS[i % 6]}>
            <title>{`${r.playbook} · ${r.stage}: ${shortDuration(r.ms)}`}</title>
          </rect>
          <text x={246 + (r.ms / max) * (WIDTH - 330)} y={i * 26 + 22} fontSize={12} fill="currentColor">
            {shortDuration(r.ms)}
          </text>
        </g>
      ))}
    </svg>
  );
}
