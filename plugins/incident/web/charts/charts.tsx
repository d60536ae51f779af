/**
 * @module charts/charts
 * The review pages' charts, drawn with uPlot (canvas): an incident's
 * timeline (events on a time axis, stage durations as bars), incidents per
 * week by severity, time to resolve over time, and time per stage per
 * playbook. Loaded with a dynamic `import()` by the incident and metrics
 * pages only, so the RHS bundle never carries uPlot (docs/incident.md has the
 * comparison with the SVG module it replaced). uPlot's stylesheet is the
 * plugin's `web/uplot.css` (plugin.json `web.styles`: the content policy
 * forbids inline styles). A canvas has no marks a screen reader can read, so
 * each chart is a `role="img"` figure whose `aria-label` states its figures.
 */
import { useEffect, useMemo, useRef } from "react";
import uPlot from "uplot";
import type { IncidentStats } from "../../common/review-types.ts";
import type { TimelineEntry } from "../../common/types.ts";

/** The widest a chart is drawn, CSS pixels; narrower when its column is. */
const WIDTH = 760;
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

/** A duration axis's labels: `shortDuration`, with milliseconds below a second. */
const durationValues = (_chart: uPlot, splits: number[]) =>
  splits.map((ms) => (ms > 0 && ms < 1000 ? `${Math.round(ms)}ms` : shortDuration(ms)));

/** Half a week, the margin either side of the week bars so the first and last are drawn whole. */
const HALF_WEEK = 3.5 * 24 * 60 * 60 * 1000;

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

/** x values are ms since the epoch, shown in UTC as everywhere in the review pages. */
const UTC_MS: Pick<uPlot.Options, "ms" | "tzDate"> = { ms: 1, tzDate: (ms) => uPlot.tzDate(new Date(ms), "Etc/UTC") };

/** A y scale from 0 to the largest value (at least 1). */
const FROM_ZERO: uPlot.Scale = { range: (_chart, _min, max) => [0, Math.max(1, max)] };

/** Axes in the page's text colour (a canvas has no `currentColor`). */
function axis(colour: string, extra: uPlot.Axis = {}): uPlot.Axis {
  return { stroke: colour, grid: { stroke: "rgba(128, 128, 128, 0.2)" }, ticks: { stroke: "rgba(128, 128, 128, 0.4)" }, ...extra };
}

/** A chart's options without its width, given the text colour of the page around it. */
type ChartOptions = (colour: string) => Omit<uPlot.Options, "width">;

/**
 * One uPlot chart in a `role="img"` figure: made when the options or data
 * change, resized with its column, destroyed on unmount.
 */
function UPlotFigure(props: { label: string; options: ChartOptions; data: uPlot.AlignedData; className?: string }) {
  const { options, data } = props;
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const width = () => Math.min(WIDTH, element.clientWidth || WIDTH);
    const built = options(getComputedStyle(element).color);
    const chart = new uPlot({ ...built, width: width() }, data, element);
    const resized = new ResizeObserver(() => {
      if (width() !== chart.width) chart.setSize({ width: width(), height: built.height });
    });
    resized.observe(element);
    return () => {
      resized.disconnect();
      chart.destroy();
    };
  }, [options, data]);
  return <div ref={ref} className={`incident-chart ${props.className ?? ""}`} role="img" aria-label={props.label} />;
}

const bars = uPlot.paths.bars?.({ size: [0.8, 48], gap: 1 });
const noLine: uPlot.Series.PathBuilder = () => null;

/** An incident's timeline: a bar per stage over time (drawn on the canvas), a mark per event above it. */
export function TimelineChart(props: { entries: readonly TimelineEntry[]; firstStage: string; start: number; end: number }) {
  const { entries, firstStage, start } = props;
  const end = Math.max(props.end, start + 1);
  const spans = useMemo(() => stageSpans({ entries, firstStage, start, end }), [entries, firstStage, start, end]);
  const data = useMemo<uPlot.AlignedData>(() => {
    const events = entries.filter((e) => e.type !== "stage_changed");
    const xs = [start, ...events.map((e) => e.create_at), end];
    const mark = (update: boolean) => [null, ...events.map((e) => ((e.type === "status_update") === update ? 3 : null)), null];
    return [xs, mark(true), mark(false)];
  }, [entries, start, end]);
  const options = useMemo<ChartOptions>(
    () => (colour) => ({
      height: 170,
      ...UTC_MS,
      legend: { show: false },
      cursor: { show: false },
      scales: { x: { time: true, range: [start, end] }, y: { range: [0, 4] } },
      axes: [axis(colour), { show: false }],
      series: [
        {},
        { label: "Status updates", paths: noLine, points: { show: true, size: 10, fill: "#1a7f37", stroke: "#1a7f37" } },
        { label: "Events", paths: noLine, points: { show: true, size: 10, fill: "#1c58d9", stroke: "#1c58d9" } },
      ],
      hooks: {
        draw: [
          (chart) => {
            // The stage bars: from y = 0.5 to 1.75 over each stage's time, labelled when wide enough.
            const { ctx } = chart;
            const top = chart.valToPos(1.75, "y", true);
            const bottom = chart.valToPos(0.5, "y", true);
            ctx.save();
            ctx.font = `${Math.round(12 * devicePixelRatio)}px sans-serif`;
            ctx.textBaseline = "middle";
            ctx.textAlign = "left";
            spans.forEach((s, i) => {
              const left = chart.valToPos(s.from, "x", true);
              const right = chart.valToPos(s.to, "x", true);
              ctx.globalAlpha = 0.8;
              ctx.fillStyle = STAGE_COLOURS[i % STAGE_COLOURS.length] ?? "#5b6070";
              ctx.fillRect(left, top, Math.max(1, right - left), bottom - top);
              ctx.globalAlpha = 1;
              const text = `${s.stage} · ${shortDuration(s.to - s.from)}`;
              if (ctx.measureText(text).width + 8 < right - left) {
                ctx.fillStyle = "#fff";
                ctx.fillText(text, left + 4, (top + bottom) / 2);
              }
            });
            ctx.restore();
          },
        ],
      },
    }),
    [spans, start, end],
  );
  const events = data[0].length - 2;
  return (
    <UPlotFigure
      className="incident-timeline-chart"
      label={`Timeline: ${events} events; ${spans.map((s) => `${s.stage} ${shortDuration(s.to - s.from)}`).join(", ")}`}
      options={options}
      data={data}
    />
  );
}

/** Incidents per week, stacked by severity (the most severe at the bottom). */
export function WeeklyChart({ stats, severities }: { stats: IncidentStats; severities: readonly string[] }) {
  const weeks = stats.by_week;
  // Stacked bars: series k is the sum of the first k+1 severities, drawn tallest first so each shorter one covers its part.
  const shown = useMemo(() => severities.filter((s) => weeks.some((w) => w.by_severity[s])), [severities, weeks]);
  const data = useMemo<uPlot.AlignedData>(() => {
    const stacked = shown.map((_, k) => weeks.map((w) => shown.slice(0, k + 1).reduce((sum, s) => sum + (w.by_severity[s] ?? 0), 0)));
    return [weeks.map((w) => w.week_start), ...stacked.reverse()];
  }, [shown, weeks]);
  const options = useMemo<ChartOptions>(
    () => (colour) => ({
      height: 220,
      ...UTC_MS,
      legend: { live: false },
      scales: {
        x: { time: true, range: (_chart, min, max) => [min - HALF_WEEK, max + HALF_WEEK] },
        y: FROM_ZERO,
      },
      axes: [axis(colour), axis(colour, { values: (_chart, splits) => splits.map((n) => (Number.isInteger(n) ? String(n) : "")) })],
      series: [
        {},
        ...[...shown].reverse().map((s) => ({
          label: s,
          paths: bars,
          points: { show: false },
          fill: severityColour(severities, s),
          stroke: severityColour(severities, s),
        })),
      ],
    }),
    [shown, severities],
  );
  const peak = Math.max(0, ...weeks.map((w) => w.count));
  return (
    <UPlotFigure
      label={`Incidents per week over ${weeks.length} weeks; at most ${peak} in a week; by severity: ${shown.map((s) => `${s} ${stats.by_severity[s] ?? 0}`).join(", ")}`}
      options={options}
      data={data}
    />
  );
}

/** Each resolved incident's time to resolve, by its start: a line through every point, the points coloured by severity. */
export function ResolveChart({ stats, severities }: { stats: IncidentStats; severities: readonly string[] }) {
  const points = stats.resolved;
  const shown = useMemo(() => severities.filter((s) => points.some((p) => p.severity === s)), [severities, points]);
  const data = useMemo<uPlot.AlignedData>(
    () => [
      points.map((p) => p.create_at),
      points.map((p) => p.time_to_resolve_ms),
      ...shown.map((s) => points.map((p) => (p.severity === s ? p.time_to_resolve_ms : null))),
    ],
    [points, shown],
  );
  const options = useMemo<ChartOptions>(
    () => (colour) => ({
      height: 220,
      ...UTC_MS,
      legend: { live: false },
      scales: { x: { time: true }, y: FROM_ZERO },
      axes: [axis(colour), axis(colour, { size: 60, values: durationValues })],
      series: [
        {},
        { label: "Time to resolve", stroke: "rgba(28, 88, 217, 0.5)", points: { show: false } },
        ...shown.map((s) => ({
          label: s,
          paths: noLine,
          points: { show: true, size: 7, fill: severityColour(severities, s), stroke: severityColour(severities, s) },
        })),
      ],
    }),
    [shown, severities],
  );
  const longest = Math.max(0, ...points.map((p) => p.time_to_resolve_ms));
  return (
    <UPlotFigure
      label={`Time to resolve of ${points.length} incidents; the longest ${shortDuration(longest)}`}
      options={options}
      data={data}
    />
  );
}

/** Mean time per stage, a bar per playbook and stage. */
export function StageChart({ stats }: { stats: IncidentStats }) {
  const rows = useMemo(
    () =>
      Object.entries(stats.time_in_stage_ms).flatMap(([playbookId, stages]) =>
        Object.entries(stages).map(([stage, ms]) => ({ playbook: stats.playbook_names[playbookId] || "No playbook", stage, ms })),
      ),
    [stats],
  );
  const data = useMemo<uPlot.AlignedData>(() => [rows.map((_, i) => i), rows.map((r) => r.ms)], [rows]);
  const options = useMemo<ChartOptions>(
    () => (colour) => ({
      height: 240,
      legend: { show: false },
      scales: {
        x: { time: false, range: [-0.5, Math.max(0.5, rows.length - 0.5)] },
        y: FROM_ZERO,
      },
      axes: [
        axis(colour, {
          size: 50,
          splits: () => rows.map((_, i) => i),
          values: (_chart, splits) => splits.map((i) => (rows[i] ? `${rows[i].playbook}\n${rows[i].stage}` : "")),
        }),
        axis(colour, { size: 60, values: durationValues }),
      ],
      series: [{}, { label: "Mean time", paths: bars, points: { show: false }, fill: STAGE_COLOURS[0], stroke: STAGE_COLOURS[0] }],
    }),
    [rows],
  );
  return (
    <UPlotFigure
      label={`Mean time per stage: ${rows.map((r) => `${r.playbook} ${r.stage} ${shortDuration(r.ms)}`).join(", ")}`}
      options={options}
      data={data}
    />
  );
}
