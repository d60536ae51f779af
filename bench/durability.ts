/**
 * @module bench/durability
 * Acknowledged means stored: a real `sitrep serve` process, with the Incident
 * plugin, takes concurrent writes — posts, incident starts, checklist
 * changes (items added and checked) — and is killed with SIGKILL in the
 * middle of them, then started again on the same data. Every write it had
 * answered with success must be there after the restart; writes in flight
 * at the kill may go either way. `npm test` runs a short version
 * (`durability.test.ts`, one kill on the run's database); `npm run bench --
 * durability` the long one, several kills on SQLite and on PostgreSQL.
 */
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { newId } from "#common/ids.ts";
import { channelSchema, postListSchema, teamSchema, userSchema } from "#common/wire-schemas.ts";
import { buildPlugin } from "../scripts/build-plugin.mjs";
import { freePort, startServerProcess, type ServerProcess } from "../scripts/server-process.ts";
import { incidentAnswerSchema, type Incident } from "../plugins/incident/common/types.ts";
import { dropPgSchema } from "../server/db/index.ts";
import { benchPostgres, tmpDir, type BenchCase } from "./support.ts";

const root = path.resolve(import.meta.dirname, "..");
const INCIDENTS = "/plugins/incident/api/v1/incidents";
/** One request's longest wait: a killed server's requests fail at once, a slow one is not waited for forever. */
const REQUEST_TIMEOUT_MS = 15_000;

/** How long and how hard one run writes. */
export interface DurabilityPlan {
  /** SIGKILLs, each followed by a restart and the check. */
  kills: number;
  /** Writing before each kill. */
  loadMs: number;
  /** Writes in flight at once. */
  writers: number;
}

/** What one run found: writes acknowledged before the kills, and how many of them were missing after a restart. */
export interface DurabilityReport {
  dialect: "sqlite" | "postgres";
  kills: number;
  acknowledged: { posts: number; incidents: number; checklist: number };
  lost: { posts: number; incidents: number; checklist: number };
  /** Writes that failed or were cut off by a kill (never acknowledged, so never counted). */
  unacknowledged: number;
  ms: number;
}

/** Everything acknowledged so far, to look for after each restart. */
interface Acknowledged {
  posts: Set<string>;
  incidents: Map<string, { items: Map<string, { title: string; checked: boolean }> }>;
  /** Checklist changes acknowledged: items added, items checked. */
  checklistChanges: number;
}

/** A signed-in caller of the process (its address changes never: restarts keep the port). */
class Caller {
  constructor(
    private readonly url: string,
    private readonly token: string,
  ) {}
  /** The answer's status and JSON body; throws when the server did not answer. */
  async send(method: string, urlPath: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const res = await fetch(this.url + urlPath, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }
}

/** The first user of a new workspace (the admin), signed in, with a team and a channel to write in. */
async function setUp(url: string): Promise<{ caller: Caller; teamId: string; channelId: string }> {
  const account = { username: "durable", email: "durable@example.com", password: "durable-password" };
  const created = await fetch(`${url}/api/v4/users`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(account),
  });
  if (created.status !== 201) throw new Error(`sign-up: ${created.status} ${await created.text()}`);
  userSchema.parse(await created.json());
  const login = await fetch(`${url}/api/v4/users/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ login_id: account.username, password: account.password }),
  });
  const token = login.headers.get("token");
  if (login.status !== 200 || !token) throw new Error(`login: ${login.status} ${await login.text()}`);
  const caller = new Caller(url, token);
  const team = await caller.send("POST", "/api/v4/teams", { name: "durable", display_name: "Durable", type: "O" });
  const teamId = teamSchema.parse(team.body).id;
  const channel = await caller.send("POST", "/api/v4/channels", { team_id: teamId, name: "writes", display_name: "Writes", type: "O" });
  return { caller, teamId, channelId: channelSchema.parse(channel.body).id };
}

/** Keep `writers` writes in flight until `stop.now`, recording each acknowledged one. */
async function write(props: {
  caller: Caller;
  teamId: string;
  channelId: string;
  writers: number;
  stop: { now: boolean };
  acked: Acknowledged;
  counter: { n: number; unacknowledged: number };
}): Promise<void> {
  const { caller, acked, counter } = props;
  const post = async (n: number) => {
    const res = await caller.send("POST", "/api/v4/posts", { channel_id: props.channelId, message: `write ${n}` });
    if (res.status !== 201) return false;
    acked.posts.add(z.object({ id: z.string() }).parse(res.body).id);
    return true;
  };
  const startIncident = async (n: number) => {
    const res = await caller.send("POST", INCIDENTS, { team_id: props.teamId, name: `Durable ${n}` });
    if (res.status !== 201) return false;
    acked.incidents.set(incidentAnswerSchema.parse(res.body).id, { items: new Map() });
    return true;
  };
  const addItem = async (n: number, incidentId: string) => {
    const title = `step ${n}`;
    const res = await caller.send("POST", `${INCIDENTS}/${incidentId}/checklist`, { title });
    if (res.status !== 201) return false;
    const item = incidentAnswerSchema.parse(res.body).checklist.find((i) => i.title === title);
    if (item) acked.incidents.get(incidentId)?.items.set(item.id, { title, checked: false });
    acked.checklistChanges++;
    return true;
  };
  const checkItem = async (incidentId: string, itemId: string, item: { checked: boolean }) => {
    const res = await caller.send("PUT", `${INCIDENTS}/${incidentId}/checklist/${itemId}`, { checked: true });
    if (res.status !== 200) return false;
    item.checked = true;
    acked.checklistChanges++;
    return true;
  };
  /** One write: mostly posts, then checklist changes, then incident starts. */
  const one = async (): Promise<boolean> => {
    const n = counter.n++;
    const roll = Math.random();
    const incidentIds = [...acked.incidents.keys()];
    const incidentId = incidentIds[Math.floor(Math.random() * incidentIds.length)];
    if (roll < 0.1 || (roll >= 0.65 && !incidentId)) return startIncident(n);
    if (roll < 0.65 || !incidentId) return post(n);
    const unchecked = [...(acked.incidents.get(incidentId)?.items ?? [])].filter(([, item]) => !item.checked);
    const toCheck = unchecked[Math.floor(Math.random() * unchecked.length)];
    if (roll < 0.85 || !toCheck) return addItem(n, incidentId);
    return checkItem(incidentId, toCheck[0], toCheck[1]);
  };
  const counted = async () => {
    // A refusal, or a request cut off by the kill or never answered: not acknowledged.
    const acknowledged = await one().catch(() => false);
    if (!acknowledged) counter.unacknowledged++;
  };
  await Promise.all(
    Array.from({ length: props.writers }, async () => {
      while (!props.stop.now) await counted();
    }),
  );
}

/** Every post id of the channel, page by page. */
async function storedPosts(caller: Caller, channelId: string): Promise<Set<string>> {
  const ids = new Set<string>();
  for (let page = 0; ; page++) {
    const res = await caller.send("GET", `/api/v4/channels/${channelId}/posts?page=${page}&per_page=200`);
    const list = postListSchema.parse(res.body);
    for (const id of list.order) ids.add(id);
    if (list.order.length < 200) return ids;
  }
}

/** What of the acknowledged writes is missing after a restart. */
async function missing(caller: Caller, channelId: string, acked: Acknowledged): Promise<DurabilityReport["lost"]> {
  const posts = await storedPosts(caller, channelId);
  const lost = { posts: [...acked.posts].filter((id) => !posts.has(id)).length, incidents: 0, checklist: 0 };
  for (const [id, expected] of acked.incidents) {
    const res = await caller.send("GET", `${INCIDENTS}/${id}`);
    if (res.status !== 200) {
      lost.incidents++;
      lost.checklist += [...expected.items.values()].reduce((sum, item) => sum + 1 + (item.checked ? 1 : 0), 0);
      continue;
    }
    const incident: Incident = incidentAnswerSchema.parse(res.body);
    const items = new Map(incident.checklist.map((i) => [i.id, i]));
    for (const [itemId, item] of expected.items) {
      const found = items.get(itemId);
      if (!found || found.title !== item.title) lost.checklist += item.checked ? 2 : 1;
      else if (item.checked && !found.checked) lost.checklist += 1;
    }
  }
  return lost;
}

/**
 * Write, SIGKILL, restart and check, `plan.kills` times, on a fresh workspace
 * (SQLite in a temporary directory, or a fresh schema of `databaseUrl`).
 * @example const report = await durabilityRun({ plan: { kills: 1, loadMs: 1500, writers: 8 } });
 */
export async function durabilityRun(props: { plan: DurabilityPlan; databaseUrl?: string }): Promise<DurabilityReport> {
  const started = Date.now();
  const tmp = tmpDir("durability");
  const pgSchema = props.databaseUrl ? `durability_${newId()}` : undefined;
  const bundles = path.join(tmp.dir, "bundles");
  fs.mkdirSync(bundles);
  await buildPlugin({ dir: path.join(root, "plugins/incident"), outDir: bundles });
  const port = await freePort();
  const start = () =>
    startServerProcess({
      dataDir: path.join(tmp.dir, "data"),
      databaseUrl: props.databaseUrl,
      pgSchema,
      prepackagedPluginsDir: bundles,
      port,
      env: { SITREP_LOG_LEVEL: "error" },
    });
  let proc: ServerProcess | undefined;
  try {
    proc = await start();
    const { caller, teamId, channelId } = await setUp(proc.url);
    const acked: Acknowledged = { posts: new Set(), incidents: new Map(), checklistChanges: 0 };
    const counter = { n: 0, unacknowledged: 0 };
    // One incident from the start, so checklist changes are written from the first moment.
    const first = await caller.send("POST", INCIDENTS, { team_id: teamId, name: "Durable first" });
    if (first.status !== 201) throw new Error(`first incident: ${first.status} ${JSON.stringify(first.body)}`);
    acked.incidents.set(incidentAnswerSchema.parse(first.body).id, { items: new Map() });
    const lost = { posts: 0, incidents: 0, checklist: 0 };
    for (let kill = 0; kill < props.plan.kills; kill++) {
      const stop = { now: false };
      const writing = write({ caller, teamId, channelId, writers: props.plan.writers, stop, acked, counter });
      await new Promise((resolve) => setTimeout(resolve, props.plan.loadMs));
      // Killed while the writers are still writing: some requests are cut off in flight.
      await proc.kill("SIGKILL");
      stop.now = true;
      await writing;
      proc = await start();
      const found = await missing(caller, channelId, acked);
      lost.posts = Math.max(lost.posts, found.posts);
      lost.incidents = Math.max(lost.incidents, found.incidents);
      lost.checklist = Math.max(lost.checklist, found.checklist);
    }
    return {
      dialect: props.databaseUrl ? "postgres" : "sqlite",
      kills: props.plan.kills,
      acknowledged: { posts: acked.posts.size, incidents: acked.incidents.size, checklist: acked.checklistChanges },
      lost,
      unacknowledged: counter.unacknowledged,
      ms: Date.now() - started,
    };
  } finally {
    await proc?.close();
    tmp.remove();
    if (props.databaseUrl && pgSchema) await dropPgSchema(props.databaseUrl, pgSchema);
  }
}

/** One report as a line: acknowledged writes of each kind, and how many were lost. */
export function reportLine(r: DurabilityReport): string {
  const acked = r.acknowledged.posts + r.acknowledged.incidents + r.acknowledged.checklist;
  const lost = r.lost.posts + r.lost.incidents + r.lost.checklist;
  return (
    `${r.dialect}: ${r.kills} SIGKILLs, ${acked} acknowledged writes (${r.acknowledged.posts} posts, ${r.acknowledged.incidents} incident starts, ` +
    `${r.acknowledged.checklist} checklist changes), ${r.unacknowledged} cut off or refused, lost ${lost} ` +
    `(${r.lost.posts} posts, ${r.lost.incidents} incidents, ${r.lost.checklist} checklist changes) [${(r.ms / 1000).toFixed(1)}s]`
  );
}

/** The long version: six kills after 10 s of writing each, on SQLite and on PostgreSQL. */
export const durability: BenchCase = {
  id: "DURABILITY",
  title: "acknowledged writes survive SIGKILL (posts, incident starts, checklist changes)",
  async run() {
    const plan: DurabilityPlan = { kills: 6, loadMs: 10_000, writers: 16 };
    const reports = [await durabilityRun({ plan })];
    const databaseUrl = await benchPostgres();
    if (databaseUrl) reports.push(await durabilityRun({ plan, databaseUrl }));
    const lost = reports.reduce((sum, r) => sum + r.lost.posts + r.lost.incidents + r.lost.checklist, 0);
    const lines = reports.map(reportLine);
    if (!databaseUrl) lines.push("postgres: skipped (no database at TEST_DATABASE_URL on 127.0.0.1)");
    return { line: `DURABILITY ${lines.join("; ")} (target: 0 lost)`, ratio: lost, met: lost === 0 };
  },
};
