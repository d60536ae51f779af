/**
 * @module incident/web/pages/alert-sources-admin-page
 * The System Console's "Alert sources" page (DESIGN.md section 11): a team's
 * alert sources — kind, playbook, severity label, whether a resolution ends
 * the incident, when it last heard from its sender — a form that creates one
 * and shows its URL this once (the token is stored hashed), a token rotation
 * that shows the new URL, and deletion after a confirmation. The same is
 * offered by the API and `sitrep alert-source create|list|delete`.
 */
import { useCallback, useEffect, useId, useState, type FormEvent } from "react";
import { WebFetchError, type PluginComponentProps } from "#common/web-plugin-api.ts";
import { INCIDENT_API_BASE } from "../../common/types.ts";
import {
  alertSourceCreatedSchema,
  alertSourceListSchema,
  deletedSchema,
  playbookListSchema,
  teamListSchema,
  type AlertSource,
  type AlertSourceCreated,
} from "../alert-types.ts";

const API = `${INCIDENT_API_BASE}/alert-sources`;
const time = (ms: number) => (ms ? new Date(ms).toLocaleString() : "never");
const messageOf = (e: unknown) => (e instanceof WebFetchError || e instanceof Error ? e.message : String(e));

type Team = { id: string; display_name: string; name: string };
type Playbook = { id: string; name: string };

/** The URL of a source just made or rotated: shown once, to copy into Alertmanager or Grafana. */
function NewUrl({ created, onDone }: { created: AlertSourceCreated; onDone(): void }) {
  const id = useId();
  return (
    <section className="incident-alert-url" aria-label={`URL of ${created.name}`} role="status">
      <label htmlFor={id}>
        URL of <strong>{created.name}</strong> — shown this once; it carries the source&apos;s secret token:
      </label>
      <input id={id} readOnly value={created.url} onFocus={(e) => e.currentTarget.select()} size={70} />
      <p>
        {created.kind === "alertmanager"
          ? "Add it to a receiver's webhook_configs (url:) in alertmanager.yml."
          : "Add it as a Grafana webhook contact point."}{" "}
        <button type="button" onClick={onDone}>
          Done
        </button>
      </p>
    </section>
  );
}

function CreateForm({
  host,
  team,
  playbooks,
  onCreated,
}: Pick<PluginComponentProps, "host"> & { team: Team; playbooks: Playbook[]; onCreated(created: AlertSourceCreated): void }) {
  const [name, setName] = useState("");
  const [kind, setKind] = useState<"alertmanager" | "grafana">("alertmanager");
  const [playbookId, setPlaybookId] = useState("");
  const [severityLabel, setSeverityLabel] = useState("severity");
  const [endOnResolve, setEndOnResolve] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ids = { name: useId(), kind: useId(), playbook: useId(), label: useId(), end: useId() };
  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    try {
      const body = {
        team_id: team.id,
        name,
        kind,
        end_on_resolve: endOnResolve,
        ...(playbookId ? { playbook_id: playbookId } : {}),
        ...(severityLabel ? { severity_label: severityLabel } : {}),
      };
      onCreated(await host.fetch(API, { method: "POST", body, schema: alertSourceCreatedSchema }));
      setName("");
      setError(null);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  }
  return (
    <form className="incident-alert-form" aria-label="New alert source" onSubmit={(e) => void submit(e)}>
      <h2>New alert source in {team.display_name}</h2>
      <label htmlFor={ids.name}>Name</label>
      <input id={ids.name} required value={name} onChange={(e) => setName(e.target.value)} />
      <label htmlFor={ids.kind}>Sender</label>
      <select id={ids.kind} value={kind} onChange={(e) => setKind(e.target.value === "grafana" ? "grafana" : "alertmanager")}>
        <option value="alertmanager">Prometheus Alertmanager</option>
        <option value="grafana">Grafana alerting</option>
      </select>
      <label htmlFor={ids.playbook}>Playbook</label>
      <select id={ids.playbook} value={playbookId} onChange={(e) => setPlaybookId(e.target.value)}>
        <option value="">None (a plain incident)</option>
        {playbooks.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </select>
      <label htmlFor={ids.label}>Severity label</label>
      <input id={ids.label} value={severityLabel} onChange={(e) => setSeverityLabel(e.target.value)} />
      <span className="incident-alert-check">
        <input id={ids.end} type="checkbox" checked={endOnResolve} onChange={(e) => setEndOnResolve(e.target.checked)} />
        <label htmlFor={ids.end}>End the incident when its alerts resolve</label>
      </span>
      {error && (
        <p role="alert" className="incident-alert">
          {error}
        </p>
      )}
      <button type="submit" disabled={busy}>
        Create alert source
      </button>
    </form>
  );
}

function SourceRow({
  host,
  source,
  playbookName,
  onRotated,
  onDeleted,
  onError,
}: Pick<PluginComponentProps, "host"> & {
  source: AlertSource;
  playbookName: string;
  onRotated(created: AlertSourceCreated): void;
  onDeleted(): void;
  onError(message: string): void;
}) {
  const [confirming, setConfirming] = useState(false);
  const rotate = () =>
    host
      .fetch(`${API}/${source.id}`, { method: "PATCH", body: { rotate_token: true }, schema: alertSourceCreatedSchema })
      .then(onRotated, (e: unknown) => onError(messageOf(e)));
  const remove = () =>
    host.fetch(`${API}/${source.id}`, { method: "DELETE", schema: deletedSchema }).then(onDeleted, (e: unknown) => onError(messageOf(e)));
  return (
    <tr data-alert-source-id={source.id}>
      <th scope="row">{source.name}</th>
      <td>{source.kind === "alertmanager" ? "Alertmanager" : "Grafana"}</td>
      <td>{playbookName}</td>
      <td>{source.severity_label || "—"}</td>
      <td>{source.end_on_resolve ? "ends the incident" : "posts it"}</td>
      <td>{time(source.last_received_at)}</td>
      <td>
        <button type="button" onClick={() => void rotate()}>
          New URL
        </button>{" "}
        {confirming ? (
          <>
            <button type="button" className="danger" onClick={() => void remove()}>
              Delete {source.name}
            </button>{" "}
            <button type="button" onClick={() => setConfirming(false)}>
              Keep
            </button>
          </>
        ) : (
          <button type="button" onClick={() => setConfirming(true)}>
            Delete…
          </button>
        )}
      </td>
    </tr>
  );
}

export function AlertSourcesAdminPage({ host }: PluginComponentProps) {
  const [teams, setTeams] = useState<Team[] | null>(null);
  const [teamId, setTeamId] = useState("");
  const [sources, setSources] = useState<AlertSource[] | null>(null);
  const [playbooks, setPlaybooks] = useState<Playbook[]>([]);
  const [shown, setShown] = useState<AlertSourceCreated | null>(null);
  const [error, setError] = useState<string | null>(null);
  const teamSelect = useId();
  useEffect(() => {
    host
      .fetch("/api/v4/teams?per_page=200", { schema: teamListSchema })
      .then((list) => {
        setTeams(list);
        setTeamId((current) => current || (host.location().team?.id ?? list[0]?.id ?? ""));
      })
      .catch((e: unknown) => setError(messageOf(e)));
  }, [host]);
  const load = useCallback(async () => {
    if (!teamId) return;
    try {
      const [list, books] = await Promise.all([
        host.fetch(`${API}?team_id=${teamId}`, { schema: alertSourceListSchema }),
        host.fetch(`${INCIDENT_API_BASE}/playbooks?team_id=${teamId}`, { schema: playbookListSchema }),
      ]);
      setSources(list.items);
      setPlaybooks(books.items);
      setError(null);
    } catch (e) {
      setError(messageOf(e));
    }
  }, [host, teamId]);
  useEffect(() => void load(), [load]);
  if (!teams) return error ? <p role="alert">{error}</p> : <p>Loading teams…</p>;
  const team = teams.find((t) => t.id === teamId);
  const playbookName = (id: string) => (id ? (playbooks.find((p) => p.id === id)?.name ?? "a deleted playbook") : "—");
  const shownNow = (created: AlertSourceCreated) => {
    setShown(created);
    void load();
  };
  return (
    <>
      <p>
        Alertmanager and Grafana post their alerts here: a firing group starts an incident with the source&apos;s playbook and people, later
        notifications of the same group post updates in its channel, and a resolution is posted (or ends it).
      </p>
      <p>
        <label htmlFor={teamSelect}>Team </label>
        <select id={teamSelect} value={teamId} onChange={(e) => setTeamId(e.target.value)}>
          {teams.map((t) => (
            <option key={t.id} value={t.id}>
              {t.display_name}
            </option>
          ))}
        </select>{" "}
        <button type="button" onClick={() => void load()}>
          Refresh
        </button>
      </p>
      {error && (
        <p role="alert" className="incident-alert">
          {error}
        </p>
      )}
      {shown && <NewUrl created={shown} onDone={() => setShown(null)} />}
      {sources === null ? (
        <p>Loading alert sources…</p>
      ) : sources.length === 0 ? (
        <p>No alert sources in this team yet.</p>
      ) : (
        <table aria-label="Alert sources">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Sender</th>
              <th scope="col">Playbook</th>
              <th scope="col">Severity label</th>
              <th scope="col">On resolve</th>
              <th scope="col">Last received</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {sources.map((s) => (
              <SourceRow
                key={s.id}
                host={host}
                source={s}
                playbookName={playbookName(s.playbook_id)}
                onRotated={shownNow}
                onDeleted={() => void load()}
                onError={setError}
              />
            ))}
          </tbody>
        </table>
      )}
      {team && <CreateForm host={host} team={team} playbooks={playbooks} onCreated={shownNow} />}
    </>
  );
}
