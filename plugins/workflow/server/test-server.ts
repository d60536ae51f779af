/**
 * @module workflow/server/test-server
 * For the plugin's tests: a real test server with the Workflow plugin (and,
 * when asked, the Incident plugin) built by the real build script and
 * installed as prepackaged bundles, plus helpers for the Workflow API.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildPlugin } from "../../../scripts/build-plugin.mjs";
import type { Post } from "#common/wire.ts";
import { startTestServer, type TestClient, type TestServer } from "#testing";
import type { RunJson } from "../common/wire.ts";

const pluginsRoot = path.resolve(import.meta.dirname, "../..");
const built = new Map<string, Promise<string>>();

/** A directory holding the bundles of the given plugins, built once per test process. */
function bundleDir(ids: string[]): Promise<string> {
  const key = ids.join(",");
  let dir = built.get(key);
  if (!dir) {
    dir = (async () => {
      const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "sitrep-workflow-build-"));
      for (const id of ids) await buildPlugin({ dir: path.join(pluginsRoot, id), outDir });
      return outDir;
    })();
    built.set(key, dir);
  }
  return dir;
}

/**
 * A test server with the Workflow plugin enabled (and the Incident plugin with `incident: true`).
 * `workflowsDir` sets SITREP_WORKFLOWS_DIR for its activation (default: an empty directory).
 */
export async function startWorkflowServer(props: { incident?: boolean; workflowsDir?: string } = {}): Promise<TestServer> {
  process.env.SITREP_WORKFLOWS_DIR = props.workflowsDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "sitrep-no-workflows-"));
  process.env.SITREP_PLAYBOOKS_DIR ??= path.join(os.tmpdir(), "sitrep-no-playbooks");
  const ids = props.incident ? ["incident", "workflow"] : ["workflow"];
  const server = await startTestServer({ prepackagedPluginsDir: await bundleDir(ids) });
  const admin = await server.admin();
  const list = await admin.get("/api/v4/plugins");
  for (const id of ids)
    if (!list.body.active?.some((p: { id: string }) => p.id === id))
      throw new Error(`${id} plugin not active: ${JSON.stringify(list.body)}`);
  return server;
}

export const API = "/plugins/workflow/api/v1";

/** Apply a workflow; throws unless 200/201. */
export async function applyWorkflow(
  client: TestClient,
  props: { teamId: string; source: string },
): Promise<{ id: string; version: number; webhook_url?: string; enabled: boolean }> {
  const res = await client.post(`${API}/workflows`, { team_id: props.teamId, source: props.source });
  if (res.status !== 201 && res.status !== 200) throw new Error(`apply: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** The runs of a workflow, newest first. */
export async function runsOf(client: TestClient, workflowId: string): Promise<RunJson[]> {
  const res = await client.get(`${API}/workflows/${workflowId}/runs?per_page=200`);
  if (res.status !== 200) throw new Error(`runs: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.items as RunJson[];
}

/** Poll until `check` returns a value (not undefined), or fail after `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, ms = 8000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Runs of a workflow once at least `count` have finished. */
export function finishedRuns(client: TestClient, workflowId: string, count = 1, ms?: number): Promise<RunJson[]> {
  return eventually(async () => {
    const runs = await runsOf(client, workflowId);
    const done = runs.filter((r) => r.status !== "running");
    return done.length >= count ? done : undefined;
  }, ms);
}

/** The channel's posts, oldest first. */
export async function channelPosts(client: TestClient, channelId: string): Promise<Post[]> {
  const res = await client.get(`/api/v4/channels/${channelId}/posts?per_page=200`);
  if (res.status !== 200) throw new Error(`posts: ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body.order as string[]).map((id) => res.body.posts[id] as Post).reverse();
}
