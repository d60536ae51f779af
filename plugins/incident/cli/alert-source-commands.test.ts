/**
 * `sitrep alert-source create|list|delete` against a real server: the URL
 * printed once works for intake, the list names the source, delete stops it.
 */
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPluginCli, type TeamSeed, type TestServer } from "#testing";
import { startIncidentServer } from "../server/test-server.ts";
import { register } from "./index.ts";

let server: TestServer;
let seed: TeamSeed;
beforeAll(async () => {
  server = await startIncidentServer();
  await server.admin();
  seed = await server.seedTeam();
});
afterAll(async () => server?.close());

/** Run `sitrep <args>` as Alice (a team admin); answers what it printed. */
async function sitrep(...args: string[]): Promise<string[]> {
  const lines: string[] = [];
  const program = new Command().exitOverride();
  const out = { log: (l: string) => lines.push(l), error: (l: string) => lines.push(`error: ${l}`) };
  register(createPluginCli({ program, out, env: { SITREP_URL: server.url, SITREP_TOKEN: seed.alice.token } }));
  await program.parseAsync(["node", "sitrep", ...args]);
  return lines;
}

describe("sitrep alert-source", () => {
  it("creates a source and prints its URL once, lists it, and deletes it", async () => {
    const created = await sitrep(
      "alert-source",
      "create",
      "--team",
      seed.team.name,
      "--name",
      "Prometheus",
      "--commander",
      seed.bob.user.username,
    );
    expect(created[0]).toMatch(/^created alert source "Prometheus" \(alertmanager\), id [a-z0-9]{26}$/);
    const id = created[0]?.split(" ").at(-1) ?? "";
    const url = created[1]?.replace(/^url: /, "") ?? "";
    expect(url).toMatch(new RegExp(`^${server.config.siteUrl}/plugins/incident/api/v1/alerts/[A-Za-z0-9_-]{43}$`));
    const sent = await server.anonymous.post(new URL(url).pathname, {
      version: "4",
      groupKey: '{}:{alertname="CliCheck"}',
      status: "firing",
      alerts: [{ status: "firing", labels: { alertname: "CliCheck" } }],
    });
    expect(sent.status).toBe(201);

    const listed = await sitrep("alert-source", "list", "--team", seed.team.name);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatch(new RegExp(`^${id}  alertmanager +Prometheus  \\(last notification \\d{4}-`));

    expect(await sitrep("alert-source", "delete", id)).toEqual([`deleted alert source ${id}`]);
    expect(await sitrep("alert-source", "list", "--team", seed.team.name)).toEqual([`team ${seed.team.name} has no alert sources`]);
    expect((await server.anonymous.post(new URL(url).pathname, {})).status).toBe(404);
  });

  it("refuses a kind it does not know, naming the option", async () => {
    await expect(sitrep("alert-source", "create", "--team", seed.team.name, "--name", "X", "--kind", "nagios")).rejects.toThrow(
      "--kind: must be one of alertmanager, grafana",
    );
  });
});
