/**
 * The authorization matrix of plugin routes, generated from the route table
 * (`host.routes.list()`, every owner but the host) of a server with the
 * first-party plugins: every plugin route × {anonymous, no team, team
 * non-member, channel non-member, member, admin}, judged as the host matrix
 * judges its rows (`cellProblem`), by the route's `auth` and its declared
 * `policy` (`ROUTE_POLICIES` of the plugin API, required on every route).
 *
 * A resource row runs against its own fixture: the member's private channel in
 * a fresh invite-only team, and the plugin resources `PLUGIN_SAMPLES` makes in
 * it (a private incident in that channel with a checklist item, a follow-up
 * and a timeline entry; a playbook and a workflow of that team; a run of the
 * workflow), each named by the path segment before its parameter.
 *
 * Adding a plugin route: declare its `policy`. If its kind is a resource kind
 * (`team`, `team-admin`, `channel`, `admin`) and its path has a parameter the
 * samples do not fill, "can sample every resource route" fails: add the
 * resource to `PLUGIN_SAMPLES`, or the route to `UNSAMPLED` with the reason
 * (its access cells are still checked).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { ROUTE_POLICIES, type RoutePolicy } from "#plugin-api";
import {
  allowedFor,
  cellProblem,
  eventually,
  expectBody,
  MatrixCallers,
  refusedFirst,
  startServerWithPlugins,
  type Kind,
  type MatrixFixture,
  type TestServer,
} from "#testing";
import { samplePath } from "./route-probes.ts";
import type { RouteEntry } from "./route-table.ts";

const INCIDENT = "/plugins/incident/api/v1";
const WORKFLOW = "/plugins/workflow/api/v1";

/** Resource rows whose resource cells are not checked here, and why (their access cells are). */
const UNSAMPLED: Record<string, string> = {};

/** The kinds whose cells need a resource of the fixture when the path names one. */
const RESOURCE_KINDS: readonly Kind[] = ["team", "team-admin", "channel", "admin"];

const withId = z.object({ id: z.string() });
const incidentWithItems = z.object({ id: z.string(), checklist: z.array(z.object({ id: z.string() })) });

/**
 * For each plugin, the resources one fixture holds, by `"<segment before>/:<param>"` of a route's path
 * (`incidents/:id`, `checklist/:itemId`): made in the fixture's team and private channel.
 */
const PLUGIN_SAMPLES: Record<string, (fixture: MatrixFixture, callers: MatrixCallers) => Promise<Record<string, string>>> = {
  async incident({ member, team, channel, post }, callers) {
    const started = await member.post(`${INCIDENT}/incidents`, { name: "Matrix", team_id: team.id, channel_id: channel.id, private: true });
    const incident = expectBody(started, withId);
    const added = await member.post(`${INCIDENT}/incidents/${incident.id}/checklist`, { title: "Matrix item" });
    const item = expectBody(added, incidentWithItems).checklist[0];
    if (!item) throw new Error(`no checklist item: ${JSON.stringify(added.body)}`);
    const followUp = expectBody(
      await member.post(`${INCIDENT}/incidents/${incident.id}/follow-ups`, { title: "Matrix follow-up" }),
      withId,
    );
    const entry = expectBody(await member.post(`${INCIDENT}/incidents/${incident.id}/timeline`, { post_id: post.id }), withId);
    const source = `name: Matrix playbook ${team.name}\nstages:\n  - name: Triage\n`;
    const playbook = expectBody(await callers.clients.admin.post(`${INCIDENT}/playbooks`, { team_id: team.id, source }), withId);
    const { admin } = callers.clients;
    const alertSource = expectBody(
      await admin.post(`${INCIDENT}/alert-sources`, { team_id: team.id, name: "Matrix", kind: "alertmanager" }),
      withId,
    );
    const subscription = expectBody(
      await admin.post(`${INCIDENT}/webhooks`, { team_id: team.id, url: "https://example.com/matrix", events: ["*"] }),
      withId,
    );
    return {
      "alert-sources/:id": alertSource.id,
      "webhooks/:id": subscription.id,
      "incidents/:id": incident.id,
      "checklist/:itemId": item.id,
      "follow-ups/:followUpId": followUp.id,
      "timeline/:entryId": entry.id,
      "playbooks/:id": playbook.id,
    };
  },
  async workflow({ team }, callers) {
    const { admin } = callers.clients;
    const source = `name: Matrix workflow\nteam: ${team.name}\nrun_as: ${admin.user.username}\ntrigger:\n  type: webhook\nsteps:\n  - action: post_message\n    with: {channel: town-square, message: matrix}\n`;
    const applied = expectBody(
      await admin.post(`${WORKFLOW}/workflows`, { team_id: team.id, source }),
      z.object({ id: z.string(), webhook_url: z.string() }),
    );
    const fired = await admin.post(new URL(applied.webhook_url).pathname, {});
    if (fired.status !== 200) throw new Error(`webhook: ${fired.status} ${JSON.stringify(fired.body)}`);
    const run = await eventually(
      async () => expectBody(await admin.get(`${WORKFLOW}/runs?workflow_id=${applied.id}`), z.object({ items: z.array(withId) })).items[0],
      { what: "the webhook's run" },
    );
    return { "workflows/:id": applied.id, "runs/:id": run.id };
  },
};

let server: TestServer;
let callers: MatrixCallers;

beforeAll(async () => {
  server = await startServerWithPlugins(["incident", "workflow"]);
  callers = await MatrixCallers.make(server);
}, 120_000);
afterAll(async () => {
  await server?.close();
});

const label = (entry: RouteEntry) => `${entry.method} ${entry.path}`;
const pluginRoutes = () => server.host.routes.list().filter((entry) => entry.owner !== "host");
const isPolicy = (policy: string | undefined): policy is RoutePolicy => (ROUTE_POLICIES as readonly unknown[]).includes(policy);

/** A plugin route's kind: its declared policy (`input` is checked as the host's `unsampled`). */
function kindOf(entry: RouteEntry): Kind {
  if (!isPolicy(entry.policy)) throw new Error(`${label(entry)} has no policy`);
  return entry.policy === "input" ? "unsampled" : entry.policy;
}

/** The route's path filled from the fixture's samples; undefined when a parameter is not among them. */
function fixturePath(entry: RouteEntry, samples: Record<string, string>): string | undefined {
  const segments = entry.path.split("/");
  const filled = segments.map((segment, i) => (segment.startsWith(":") ? samples[`${segments[i - 1] ?? ""}/${segment}`] : segment));
  return filled.every((segment) => segment !== undefined) ? filled.join("/") : undefined;
}

/** A fresh fixture and every plugin's resources in it. */
async function sampledFixture(): Promise<Record<string, string>> {
  const fixture = await callers.fixture();
  const samples: Record<string, string> = {};
  for (const make of Object.values(PLUGIN_SAMPLES)) Object.assign(samples, await make(fixture, callers));
  return samples;
}

const bodyFor = (entry: RouteEntry) => (entry.method === "GET" || entry.method === "DELETE" ? undefined : {});

describe("the authorization matrix of plugin routes", () => {
  it("has a declared policy on every plugin route of both first-party plugins", () => {
    const routes = pluginRoutes();
    expect(new Set(routes.map((entry) => entry.owner))).toEqual(new Set(["incident", "workflow"]));
    const undeclared = routes.filter((entry) => !isPolicy(entry.policy)).map((entry) => `${label(entry)}: ${String(entry.policy)}`);
    expect(undeclared, "declare a policy on these routes").toEqual([]);
  });

  it("can sample every resource route of the plugins, or lists it in UNSAMPLED", async () => {
    const samples = await sampledFixture();
    const unsampled = pluginRoutes()
      .filter((entry) => RESOURCE_KINDS.includes(kindOf(entry)) && !UNSAMPLED[label(entry)] && !fixturePath(entry, samples))
      .map(label);
    expect(unsampled, "add the resource to PLUGIN_SAMPLES, or the route to UNSAMPLED").toEqual([]);
  });

  it("answers every cell of every plugin route as its auth and policy say", async () => {
    const problems: string[] = [];
    let cells = 0;
    let sampledRows = 0;
    for (const entry of pluginRoutes()) {
      const kind = kindOf(entry);
      const hasParams = entry.path.includes(":");
      // A team or channel kind on a path without parameters filters a list: only its access cells apply.
      const sampled = RESOURCE_KINDS.includes(kind) && (hasParams ? !UNSAMPLED[label(entry)] : kind === "admin");
      const samples = sampled && hasParams ? await sampledFixture() : undefined;
      if (!samples) await callers.freshMember();
      const urlPath = (samples && fixturePath(entry, samples)) || samplePath(entry);
      if (sampled) sampledRows += 1;
      let written = false;
      for (const role of refusedFirst(kind)) {
        const res = await callers.client(role).request(entry.method, urlPath, bodyFor(entry));
        cells += 1;
        const cell = `${label(entry)} as ${role} (${kind}): ${res.status} ${JSON.stringify(res.body).slice(0, 160)}`;
        const problem = cellProblem({ cell, role, kind, access: entry.access, status: res.status, sampled, written });
        if (problem) problems.push(problem);
        if (sampled && allowedFor(kind, role) && res.status < 300 && entry.method !== "GET") written = true;
      }
      await callers.signInAgain();
    }
    expect(problems).toEqual([]);
    expect(cells).toBe(pluginRoutes().length * 6);
    expect(sampledRows).toBeGreaterThan(25);
  }, 600_000);
});
