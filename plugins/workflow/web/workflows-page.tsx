/**
 * @module workflow/web/workflows-page
 * The "Workflows" page of the System Console: every workflow with its
 * trigger, enabled toggle and last run, and the run log — recent runs (or
 * only the failed ones, or one workflow's), each with its trigger values and
 * every step's input, outcome and duration. Refreshes live when a run ends.
 */
import { useCallback, useEffect, useState } from "react";
import { z } from "zod";
import type { PluginComponentProps, WebHost } from "#common/web-plugin-api.ts";
import { runPageSchema, workflowSchema, type RunJson, type WorkflowJson } from "../common/wire.ts";

const API = "/plugins/workflow/api/v1";

/** Listeners told when a run ends (the WebSocket handler calls {@link runFinished}). */
const listeners = new Set<() => void>();
/** Called by the plugin's `custom_workflow_run_finished` handler. */
export function runFinished(): void {
  for (const listener of [...listeners]) listener();
}

function describeWhere(where: Record<string, unknown>): string {
  return Object.entries(where)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(", ") : String(v)}`)
    .join("; ");
}

const time = (ms: number) => new Date(ms).toLocaleString();
const json = (value: unknown) => JSON.stringify(value, null, 2);

function Status({ status }: { status: string }) {
  return <span className={`workflow-status workflow-status-${status}`}>{status}</span>;
}

function useWorkflowData(host: WebHost, filter: { failedOnly: boolean; workflowId: string | null }) {
  const [workflows, setWorkflows] = useState<WorkflowJson[] | null>(null);
  const [runs, setRuns] = useState<RunJson[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      const query = new URLSearchParams({ per_page: "30" });
      if (filter.failedOnly) query.set("failed", "true");
      if (filter.workflowId) query.set("workflow_id", filter.workflowId);
      const [list, page] = await Promise.all([
        host.fetch(`${API}/workflows`, { schema: z.array(workflowSchema) }),
        host.fetch(`${API}/runs?${query.toString()}`, { schema: runPageSchema }),
      ]);
      setWorkflows(list);
      setRuns(page.items);
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }, [host, filter.failedOnly, filter.workflowId]);
  useEffect(() => {
    void load();
    const refresh = () => void load();
    listeners.add(refresh);
    return () => void listeners.delete(refresh);
  }, [load]);
  return { workflows, runs, error, reload: load };
}

function WorkflowTable(props: {
  host: WebHost;
  workflows: WorkflowJson[];
  selected: string | null;
  onSelect(id: string | null): void;
  onChanged(): void;
}) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const toggle = async (workflow: WorkflowJson) => {
    setBusy(workflow.id);
    try {
      await props.host.fetch(`${API}/workflows/${workflow.id}/${workflow.enabled ? "disable" : "enable"}`, {
        method: "POST",
        schema: workflowSchema,
      });
      setError(null);
      props.onChanged();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(null);
    }
  };
  if (!props.workflows.length) {
    return (
      <p className="workflow-hint">
        No workflows yet. Apply one with <code>sitrep workflow apply file.yaml --team name</code>, or put it in the workflows directory.
      </p>
    );
  }
  return (
    <>
      {error && (
        <p role="alert" className="workflow-error">
          {error}
        </p>
      )}
      <table aria-label="Workflows">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Trigger</th>
            <th scope="col">Run as</th>
            <th scope="col">Last run</th>
            <th scope="col">Enabled</th>
          </tr>
        </thead>
        <tbody>
          {props.workflows.map((w) => (
            <tr key={w.id} data-workflow-id={w.id}>
              <td>
                <button
                  type="button"
                  className="workflow-link"
                  aria-pressed={props.selected === w.id}
                  onClick={() => props.onSelect(props.selected === w.id ? null : w.id)}
                >
                  {w.name}
                </button>
                <div className="workflow-hint">
                  v{w.version} · {w.steps.length} step{w.steps.length === 1 ? "" : "s"}: {w.steps.map((s) => s.action).join(" → ")}
                </div>
              </td>
              <td>
                <code>{w.trigger.type}</code>
                {Object.keys(w.trigger.where).length > 0 && <div className="workflow-hint">{describeWhere(w.trigger.where)}</div>}
              </td>
              <td>@{w.run_as}</td>
              <td>
                {w.last_run ? (
                  <>
                    <Status status={w.last_run.status} /> <span className="workflow-hint">{time(w.last_run.started_at)}</span>
                  </>
                ) : (
                  <span className="workflow-hint">never</span>
                )}
              </td>
              <td>
                <label>
                  <input
                    type="checkbox"
                    role="switch"
                    checked={w.enabled}
                    disabled={busy === w.id}
                    onChange={() => void toggle(w)}
                    aria-label={`Enabled: ${w.name}`}
                  />
                  {w.enabled ? "On" : "Off"}
                </label>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function RunItem({ run }: { run: RunJson }) {
  return (
    <li className="workflow-run" data-run-id={run.id}>
      <details>
        <summary>
          <Status status={run.status} /> · {run.workflow_name} · <code>{run.trigger}</code> · {time(run.started_at)} · {run.duration_ms} ms
          {run.depth > 0 && <span className="workflow-hint"> · depth {run.depth}</span>}
        </summary>
        {run.error && <p className="workflow-error">{run.error}</p>}
        <h4>Trigger values</h4>
        <pre>{json(run.trigger_values)}</pre>
        {run.steps.length > 0 && (
          <table aria-label={`Steps of the run of ${run.workflow_name} at ${time(run.started_at)}`}>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Action</th>
                <th scope="col">Input</th>
                <th scope="col">Outcome</th>
                <th scope="col">Duration</th>
              </tr>
            </thead>
            <tbody>
              {run.steps.map((step) => (
                <tr key={step.index}>
                  <td>{step.index + 1}</td>
                  <td>
                    <code>{step.action}</code>
                    {step.step_id && <div className="workflow-hint">id {step.step_id}</div>}
                  </td>
                  <td>
                    <pre>{json(step.input)}</pre>
                  </td>
                  <td>
                    <Status status={step.status} />
                    {step.error ? <p className="workflow-error">{step.error}</p> : <pre>{json(step.output)}</pre>}
                  </td>
                  <td>{step.duration_ms} ms</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </details>
    </li>
  );
}

/** The System Console page. */
export function WorkflowsPage({ host }: PluginComponentProps) {
  const [failedOnly, setFailedOnly] = useState(false);
  const [selected, setSelected] = useState<string | null>(null);
  const { workflows, runs, error, reload } = useWorkflowData(host, { failedOnly, workflowId: selected });
  const selectedName = workflows?.find((w) => w.id === selected)?.name;
  return (
    <div className="workflow-admin">
      {error && (
        <p role="alert" className="workflow-error">
          {error}
        </p>
      )}
      <section aria-labelledby="workflow-list-heading">
        <h2 id="workflow-list-heading">Workflows</h2>
        {workflows ? (
          <WorkflowTable host={host} workflows={workflows} selected={selected} onSelect={setSelected} onChanged={() => void reload()} />
        ) : (
          <p className="workflow-hint">Loading…</p>
        )}
      </section>
      <section aria-labelledby="workflow-runs-heading">
        <div className="workflow-toolbar">
          <h2 id="workflow-runs-heading">{selectedName ? `Runs of ${selectedName}` : "Recent runs"}</h2>
          <label>
            <input type="checkbox" checked={failedOnly} onChange={(e) => setFailedOnly(e.target.checked)} />
            Failed only
          </label>
          {selected && (
            <button type="button" className="workflow-link" onClick={() => setSelected(null)}>
              All workflows
            </button>
          )}
        </div>
        {runs === null ? (
          <p className="workflow-hint">Loading…</p>
        ) : runs.length === 0 ? (
          <p className="workflow-hint">{failedOnly ? "No failed runs." : "No runs yet."}</p>
        ) : (
          <ul className="workflow-runs" aria-label="Runs">
            {runs.map((run) => (
              <RunItem key={run.id} run={run} />
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
