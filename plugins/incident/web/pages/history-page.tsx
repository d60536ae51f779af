/**
 * @module pages/history-page
 * The Incidents page at `/{team}/incidents` (DESIGN.md section 10): a table of
 * every incident the user may see, active and ended, filtered, sorted and
 * paged by the server (`GET /incidents`); `/{team}/incidents/{id}` is an
 * incident's page and `/{team}/incidents/metrics` the metrics view.
 */
import { useEffect, useState } from "react";
import type { PluginPageProps } from "#common/web-plugin-api.ts";
import { API_BASE } from "../constants.ts";
import { playbookListSchema, type Incident, type PlaybookSummary } from "../incident-types.ts";
import { incidentPageSchema } from "../review-types.ts";
import { SeverityBadge } from "../components/severity.tsx";
import { IncidentPage } from "./incident-page.tsx";
import { MetricsPage } from "./metrics-page.tsx";

const PER_PAGE = 20;
type Sort = "create_at" | "end_at" | "severity" | "name";

/** The history's filters, as `GET /incidents` takes them. */
interface Filters {
  status: "all" | "active" | "ended";
  severity: string;
  playbook_id: string;
  commander_user_id: string;
  q: string;
  since: string;
  until: string;
  drill: "" | "true" | "false";
}

const NO_FILTERS: Filters = { status: "all", severity: "", playbook_id: "", commander_user_id: "", q: "", since: "", until: "", drill: "" };

/** The query string of a page of the history. */
export function historyQuery(props: { teamId: string; filters: Filters; sort: Sort; direction: "asc" | "desc"; page: number }): string {
  const { filters } = props;
  const params = new URLSearchParams({
    team_id: props.teamId,
    status: filters.status,
    sort: props.sort,
    direction: props.direction,
    page: String(props.page),
    per_page: String(PER_PAGE),
  });
  for (const key of ["severity", "playbook_id", "commander_user_id", "q", "drill"] as const)
    if (filters[key]) params.set(key, filters[key]);
  if (filters.since) params.set("since", String(Date.parse(`${filters.since}T00:00:00Z`)));
  if (filters.until) params.set("until", String(Date.parse(`${filters.until}T00:00:00Z`) + 24 * 60 * 60 * 1000));
  return params.toString();
}

/** The plugin's page: the history, an incident, or the metrics, by the path below `/{team}/incidents`. */
export function IncidentsPage(props: PluginPageProps) {
  const [first] = props.subpath;
  if (!props.location.team) return <p>Pick a team to see its incidents.</p>;
  if (first === "metrics") return <MetricsPage {...props} />;
  if (first) return <IncidentPage {...props} incidentId={first} />;
  return <HistoryTable {...props} />;
}

function CommanderName({ host, userId }: Pick<PluginPageProps, "host"> & { userId: string }) {
  const user = host.useUser(userId);
  return <>{user ? `@${user.username}` : "…"}</>;
}

function HistoryTable({ host, location }: PluginPageProps) {
  const team = location.team;
  const teamId = team?.id ?? "";
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [sort, setSort] = useState<Sort>("create_at");
  const [direction, setDirection] = useState<"asc" | "desc">("desc");
  const [page, setPage] = useState(0);
  const [result, setResult] = useState<{ items: Incident[]; total_count: number } | null>(null);
  const [error, setError] = useState("");
  const [playbooks, setPlaybooks] = useState<PlaybookSummary[]>([]);
  const users = host.useTeamUsers();

  useEffect(() => {
    void host
      .fetch(`${API_BASE}/playbooks?team_id=${teamId}`, { schema: playbookListSchema })
      .then((list) => setPlaybooks(list.items))
      .catch(() => setPlaybooks([]));
  }, [host, teamId]);

  useEffect(() => {
    let live = true;
    const query = historyQuery({ teamId, filters, sort, direction, page });
    host
      .fetch(`${API_BASE}/incidents?${query}`, { schema: incidentPageSchema })
      .then((answer) => {
        if (!live) return;
        setResult(answer);
        setError("");
      })
      .catch((e: unknown) => live && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, [host, teamId, filters, sort, direction, page]);

  const set = <K extends keyof Filters>(key: K, value: Filters[K]) => {
    setFilters((f) => ({ ...f, [key]: value }));
    setPage(0);
  };
  const sortBy = (column: Sort) => {
    if (column === sort) setDirection((d) => (d === "asc" ? "desc" : "asc"));
    else {
      setSort(column);
      setDirection(column === "name" || column === "severity" ? "asc" : "desc");
    }
    setPage(0);
  };
  const header = (column: Sort, label: string) => (
    <th aria-sort={sort === column ? (direction === "asc" ? "ascending" : "descending") : "none"}>
      <button type="button" onClick={() => sortBy(column)}>
        {label}
        {sort === column ? (direction === "asc" ? " ▲" : " ▼") : ""}
      </button>
    </th>
  );
  const pages = Math.max(1, Math.ceil((result?.total_count ?? 0) / PER_PAGE));
  const severities = [...new Set(["SEV1", "SEV2", "SEV3", "SEV4", ...(result?.items ?? []).flatMap((i) => i.severities)])];

  return (
    <div className="incident-page">
      <div className="incident-page-nav">
        <h1>Incidents</h1>
        <button type="button" className="incident-btn" onClick={() => host.navigate(`/${team?.name ?? ""}/incidents/metrics`)}>
          Metrics
        </button>
      </div>
      <form className="incident-filters" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Name
          <input type="search" value={filters.q} onChange={(e) => set("q", e.target.value)} placeholder="Part of the name" />
        </label>
        <label>
          Status
          <select
            value={filters.status}
            onChange={(e) => set("status", e.target.value === "active" ? "active" : e.target.value === "ended" ? "ended" : "all")}
          >
            <option value="all">All</option>
            <option value="active">Active</option>
            <option value="ended">Ended</option>
          </select>
        </label>
        <label>
          Severity
          <select value={filters.severity} onChange={(e) => set("severity", e.target.value)}>
            <option value="">Any</option>
            {severities.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Playbook
          <select value={filters.playbook_id} onChange={(e) => set("playbook_id", e.target.value)}>
            <option value="">Any</option>
            <option value="none">No playbook</option>
            {playbooks.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Commander
          <select value={filters.commander_user_id} onChange={(e) => set("commander_user_id", e.target.value)}>
            <option value="">Anyone</option>
            {users.map((u) => (
              <option key={u.id} value={u.id}>
                @{u.username}
              </option>
            ))}
          </select>
        </label>
        <label>
          From
          <input type="date" value={filters.since} onChange={(e) => set("since", e.target.value)} />
        </label>
        <label>
          To
          <input type="date" value={filters.until} onChange={(e) => set("until", e.target.value)} />
        </label>
        <label>
          Drills
          <select
            value={filters.drill}
            onChange={(e) => set("drill", e.target.value === "true" ? "true" : e.target.value === "false" ? "false" : "")}
          >
            <option value="">Included</option>
            <option value="false">Left out</option>
            <option value="true">Only drills</option>
          </select>
        </label>
      </form>
      {error ? <p role="alert">{error}</p> : null}
      <table className="incident-history-table">
        <thead>
          <tr>
            <th>#</th>
            {header("name", "Name")}
            {header("severity", "Severity")}
            <th>Status</th>
            <th>Commander</th>
            {header("create_at", "Started")}
            {header("end_at", "Ended")}
          </tr>
        </thead>
        <tbody>
          {(result?.items ?? []).map((incident) => (
            <tr key={incident.id}>
              <td>{incident.seq}</td>
              <td>
                <a
                  href={`/${team?.name ?? ""}/incidents/${incident.id}`}
                  onClick={(e) => {
                    e.preventDefault();
                    host.navigate(`/${team?.name ?? ""}/incidents/${incident.id}`);
                  }}
                >
                  {incident.name}
                </a>
                {incident.drill ? <span className="incident-drill">Drill</span> : null}
              </td>
              <td>
                <SeverityBadge incident={incident} />
              </td>
              <td>{incident.status === "active" ? `Active · ${incident.current_stage}` : "Ended"}</td>
              <td>
                <CommanderName host={host} userId={incident.commander_user_id} />
              </td>
              <td>{new Date(incident.create_at).toISOString().slice(0, 16).replace("T", " ")}</td>
              <td>{incident.end_at ? new Date(incident.end_at).toISOString().slice(0, 16).replace("T", " ") : "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {result && result.total_count === 0 ? <p>No incidents match.</p> : null}
      <div className="incident-page-nav" aria-label="Pages">
        <button type="button" className="incident-btn" disabled={page === 0} onClick={() => setPage((p) => p - 1)}>
          Previous
        </button>
        <span>
          Page {page + 1} of {pages} · {result?.total_count ?? 0} incidents
        </span>
        <button type="button" className="incident-btn" disabled={page + 1 >= pages} onClick={() => setPage((p) => p + 1)}>
          Next
        </button>
      </div>
    </div>
  );
}
