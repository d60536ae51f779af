/**
 * @module workflow/server/test-server
 * For the plugin's tests: a real test server with the Workflow plugin (and,
 * when asked, the Incident plugin) from the test kit's
 * `startServerWithPlugins`, plus helpers for the Workflow API.
 */
import os from "node:os";
import path from "node:path";
import { eventually, expectBody, startServerWithPlugins, type TestClient, type TestServer } from "#testing";
import { runPageSchema, workflowSchema, type RunJson, type WorkflowJson } from "../common/wire.ts";

/**
 * A test server with the Workflow plugin enabled (and the Incident plugin with `incident: true`).
 * `workflowsDir` is the plugin's workflows directory (default: one that does not exist).
 */
export function startWorkflowServer(props: { incident?: boolean; workflowsDir?: string } = {}): Promise<TestServer> {
  // Until the Incident plugin reads ctx.directories, keep it off the repository's ./playbooks.
  if (props.incident) process.env.SITREP_PLAYBOOKS_DIR ??= path.join(os.tmpdir(), "sitrep-no-playbooks");
  return startServerWithPlugins(
    props.incident ? ["incident", "workflow"] : ["workflow"],
    props.workflowsDir ? { pluginDirectories: { workflow: { workflows: props.workflowsDir } } } : {},
  );
}

/** Point the plugin's workflows directory elsewhere, for its next activation. */
export function setWorkflowsDir(server: TestServer, dir: string): void {
  server.config.pluginDirectories = { ...server.config.pluginDirectories, workflow: { workflows: dir } };
}

export const API = "/plugins/workflow/api/v1";

/** Apply a workflow; throws unless 200/201. */
export async function applyWorkflow(client: TestClient, props: { teamId: string; source: string }): Promise<WorkflowJson> {
  const res = await client.post(`${API}/workflows`, { team_id: props.teamId, source: props.source });
  if (res.status !== 201 && res.status !== 200) throw new Error(`apply: ${res.status} ${JSON.stringify(res.body)}`);
  return expectBody(res, workflowSchema);
}

/** The runs of a workflow, newest first. */
export async function runsOf(client: TestClient, workflowId: string): Promise<RunJson[]> {
  const res = await client.get(`${API}/workflows/${workflowId}/runs?per_page=200`);
  if (res.status !== 200) throw new Error(`runs: ${res.status} ${JSON.stringify(res.body)}`);
  return runPageSchema.parse(res.body).items;
}

/** Runs of a workflow once at least `count` have finished. */
export function finishedRuns(client: TestClient, workflowId: string, count = 1, ms?: number): Promise<RunJson[]> {
  return eventually(
    async () => {
      const runs = await runsOf(client, workflowId);
      const done = runs.filter((r) => r.status !== "running");
      return done.length >= count ? done : undefined;
    },
    { ms, what: `${count} finished run(s) of workflow ${workflowId}` },
  );
}
