import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { apiErrorBodySchema, channelMemberSchema, commandResponseSchema, teamSchema } from "#common/wire-schemas.ts";
import type { Team, User } from "#common/wire.ts";
import { ApiClient, channelPosts, expectBody, itemAt, pageOf, refusalWith, withIdSchema, type TestClient, type TestServer } from "#testing";
import { playbookJsonSchema } from "../../common/playbook-schema.ts";
import { INCIDENT_LIMITS, incidentAnswerSchema, pageAnswerSchema, playbookAnswerSchema } from "../../common/types.ts";
import { SOURCE_LIMITS } from "#common/yaml-source.ts";
import { applyPlaybookFiles } from "../../cli/playbook-commands.ts";
import { API, slash, startIncident, startIncidentServer, teamWithMembers } from "../test-server.ts";

type Client = TestClient & { user: User };
let server: TestServer;
let team: Team;
let alice: Client;
let bob: Client;
let outsider: Client;
const playbooksDir = fs.mkdtempSync(path.join(os.tmpdir(), "sitrep-playbooks-"));
const dirTeam = `pbdir-${Date.now().toString(36)}`;

const outage = (extra = "") => `name: Service outage
description: A user-facing service is down.
channel:
  name_template: "outage-{{fields.service}}-{{seq}}"
invite: [INVITEE, ghost-user]
stages:
  - name: Triage
    checklist: ["Confirm impact on {{fields.service}}", Post first update]
  - name: Mitigation
    checklist: [Roll back]
  - name: Resolved
checklist: [Write the retrospective]
fields:
  service: {required: true}
  severity: {default: sev2}
forwarding:
  - from: [alerts]
    keywords: ["{{fields.service}}", db-prod]
${extra}`;

beforeAll(async () => {
  // A directory playbook for a team that exists by the second activation only.
  fs.writeFileSync(path.join(playbooksDir, "dir.yaml"), `name: From the directory\nteam: ${dirTeam}\nstages: [{name: One}, {name: Two}]\n`);
  fs.writeFileSync(path.join(playbooksDir, "broken.yaml"), `name: Broken\nteam: ${dirTeam}\nstages: nope\n`);
  server = await startIncidentServer({ playbooksDir });
  const made = await teamWithMembers(server, 2);
  team = made.team;
  alice = itemAt(made.users, 0, "member");
  bob = itemAt(made.users, 1, "member");
  outsider = await server.createUser();
});
afterAll(async () => {
  await server?.close();
  fs.rmSync(playbooksDir, { recursive: true, force: true });
});

const apply = (client: TestClient, source: string, teamId = team.id) => client.post(`${API}/playbooks`, { team_id: teamId, source });

describe("playbooks API", () => {
  it("creates, replaces (same id, version + 1 only when the source changed), lists, reads and deletes", async () => {
    const created = await apply(alice, outage().replace("INVITEE", bob.user.username));
    expect(created.status).toBe(201);
    const playbook = expectBody(created, playbookAnswerSchema);
    expect(playbook).toMatchObject({
      name: "Service outage",
      team_id: team.id,
      version: 1,
      channel: { name_template: "outage-{{fields.service}}-{{seq}}", private: false },
    });
    expect(playbook.stages?.map((s) => s.name)).toEqual(["Triage", "Mitigation", "Resolved"]);
    const same = await apply(alice, outage().replace("INVITEE", bob.user.username));
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ id: playbook.id, version: 1 });
    const changed = await apply(bob, outage("  - from: [support]\n    keywords: [outage]\n").replace("INVITEE", bob.user.username));
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ id: playbook.id, version: 2 });
    const list = await bob.get(`${API}/playbooks?team_id=${team.id}`, pageOf(playbookAnswerSchema));
    expect(list.body.items.map((p) => [p.name, p.version])).toEqual([["Service outage", 2]]);
    expect((await bob.get(`${API}/playbooks/${playbook.id}`, playbookAnswerSchema)).body.forwarding).toHaveLength(2);
    expect((await outsider.get(`${API}/playbooks/${playbook.id}`)).status).toBe(404);
    expect((await outsider.get(`${API}/playbooks?team_id=${team.id}`)).status).toBe(404);

    const extra = await apply(alice, "name: Temporary\n");
    expect(extra.status).toBe(201);
    expect((await alice.delete(`${API}/playbooks/${expectBody(extra, withIdSchema).id}`)).body).toEqual({ status: "OK" });
    expect((await alice.get(`${API}/playbooks/${expectBody(extra, withIdSchema).id}`)).status).toBe(404);
  });

  it("refuses an invalid playbook with every problem's line, column and reason", async () => {
    const source = `name: Broken
tema: ops
stages:
  - name: Triage
    checklist: [ok, 3]
  - checklist: []
forwarding:
  - from: [alerts]
    regex: "ERR-[0-9"
`;
    const res = await apply(alice, source);
    expect(res.status).toBe(400);
    expect(expectBody(res, apiErrorBodySchema).id).toBe("incident.playbook.invalid");
    expect(expectBody(res, apiErrorBodySchema).details).toEqual([
      { line: 2, column: 1, path: "tema", reason: 'unknown key "tema"; did you mean "team"?' },
      { line: 5, column: 21, path: "stages.0.checklist.1", reason: "must be a title, or {title, due, assignee}" },
      { line: 6, column: 5, path: "stages.1.name", reason: "is required" },
    ]);
    expect(expectBody(res, apiErrorBodySchema).message).toBe(
      'source: the playbook is invalid, 3 problems: 2:1: tema: unknown key "tema"; did you mean "team"?; 5:21: stages.0.checklist.1: must be a title, or {title, due, assignee}; 6:5: stages.1.name: is required',
    );
    const regex = await apply(alice, 'name: R\nforwarding:\n  - from: [alerts]\n    regex: "ERR-[0-9"\n');
    expect(expectBody(regex, apiErrorBodySchema).details).toEqual([
      { line: 4, column: 12, path: "forwarding.0.regex", reason: "the regex is not valid RE2 syntax: missing closing ]: `[0-9`" },
    ]);
    const template = await apply(alice, 'name: T\nchannel: {name_template: "x-{{nme}}"}\n');
    expect(expectBody(template, z.looseObject({ details: z.array(z.unknown()) })).details[0]).toMatchObject({
      line: 2,
      column: 29,
      path: "channel.name_template",
      reason: expect.stringContaining('unknown variable "{{nme}}"'),
    });
    const yaml = await apply(alice, "name: [unclosed\n");
    expect(yaml.status).toBe(400);
    expect(expectBody(yaml, refusalWith(z.array(z.unknown()))).details[0]).toMatchObject({
      line: expect.any(Number),
      column: expect.any(Number),
      reason: expect.stringMatching(/^YAML: /),
    });
    const wrongTeam = await apply(alice, "name: Other team\nteam: somewhere-else\n");
    expect(expectBody(wrongTeam, apiErrorBodySchema).details).toEqual([
      { line: 2, column: 1, path: "team", reason: `the playbook names team "somewhere-else" but is applied to team "${team.name}"` },
    ]);
    const missing = await alice.post(`${API}/playbooks`, { team_id: team.id }, apiErrorBodySchema);
    expect(missing.body.message).toBe("source: is required");
  });

  it("applies several files all or nothing", async () => {
    const bad = await alice.post(
      `${API}/playbooks/apply`,
      {
        team_id: team.id,
        files: [
          { path: "a.yaml", source: "name: All A\n" },
          { path: "b.yaml", source: "name: All B\nstages: []\n" },
        ],
      },
      refusalWith(z.array(z.unknown())),
    );
    expect(bad.status).toBe(400);
    expect(bad.body.details).toEqual([{ file: "b.yaml", line: 2, column: 9, path: "stages", reason: "must list at least one stage" }]);
    const names = (await alice.get(`${API}/playbooks?team_id=${team.id}`, pageOf(playbookAnswerSchema))).body.items.map((p) => p.name);
    expect(names).not.toContain("All A");
    const dup = await alice.post(
      `${API}/playbooks/apply`,
      {
        team_id: team.id,
        files: [
          { path: "a.yaml", source: "name: Dup\n" },
          { path: "b.yaml", source: "name: dup\n" },
        ],
      },
      refusalWith(z.array(z.unknown())),
    );
    expect(dup.body.details[0]).toMatchObject({
      file: "b.yaml",
      path: "name",
      reason: 'another file (a.yaml) defines a playbook named "dup" too',
    });
    const good = await alice.post(
      `${API}/playbooks/apply`,
      {
        team_id: team.id,
        files: [
          { path: "a.yaml", source: "name: All A\n" },
          { path: "b.yaml", source: "name: All B\n" },
        ],
      },
      z.looseObject({ items: z.array(z.looseObject({ name: z.string(), outcome: z.string() })) }),
    );
    expect(good.status).toBe(200);
    expect(good.body.items.map((p) => [p.name, p.outcome])).toEqual([
      ["All A", "created"],
      ["All B", "created"],
    ]);
  });

  it("serves the JSON Schema without sign-in, equal to plugins/incident/playbook.schema.json", async () => {
    const res = await server.anonymous.get(`${API}/playbooks/schema`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(playbookJsonSchema());
    const file = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, "../../playbook.schema.json"), "utf8"));
    expect(file).toEqual(playbookJsonSchema());
  });

  it("CLI apply prints problems with file:line:column and applies nothing, then applies", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sitrep-cli-apply-"));
    fs.writeFileSync(path.join(dir, "one.yaml"), "name: CLI one\n");
    fs.writeFileSync(path.join(dir, "two.yaml"), "name: CLI two\nstages: [{nam: x}]\n");
    const lines: string[] = [];
    const out = { log: (l: string) => lines.push(l), error: (l: string) => lines.push(l) };
    const client = new ApiClient({ url: server.url, token: alice.token });
    const props = { files: [path.join(dir, "one.yaml"), path.join(dir, "two.yaml")], team: team.name, client };
    await expect(applyPlaybookFiles(props, out)).rejects.toThrow("nothing was applied: 2 problems");
    expect(lines).toContain(`${path.join(dir, "two.yaml")}:2:11: stages.0.nam: unknown key "nam"; did you mean "name"?`);
    fs.writeFileSync(path.join(dir, "two.yaml"), "name: CLI two\n");
    lines.length = 0;
    await applyPlaybookFiles(props, out);
    expect(lines).toEqual([
      `applying 2 playbook files to team ${team.name}...`,
      `${props.files[0]}: created "CLI one" v1`,
      `${props.files[1]}: created "CLI two" v1`,
    ]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe("starting from a playbook", () => {
  it("renders templates, invites, copies stages, checklist and forwarding; the incident keeps its copy after edits", async () => {
    const playbook = expectBody(
      await apply(alice, outage().replace("INVITEE", bob.user.username).replace("name: Service outage", "name: Outage copy")),
      playbookAnswerSchema,
    );
    const missing = await alice.post(
      `${API}/incidents`,
      { name: "DB down", team_id: team.id, playbook_id: playbook.id },
      apiErrorBodySchema,
    );
    expect(missing.status).toBe(400);
    expect(missing.body.message).toBe('fields.service: required by playbook "Outage copy"');
    const unknown = await alice.post(
      `${API}/incidents`,
      {
        name: "DB down",
        team_id: team.id,
        playbook_id: playbook.id,
        fields: { service: "db", colour: "red" },
      },
      apiErrorBodySchema,
    );
    expect(unknown.body.message).toBe('fields.colour: not a field of playbook "Outage copy"; its fields are service, severity');

    const incident = await startIncident(alice, { name: "DB down", team_id: team.id, playbook_id: playbook.id, fields: { service: "db" } });
    expect(incident).toMatchObject({
      playbook_id: playbook.id,
      playbook_version: 1,
      fields: { service: "db", severity: "sev2" },
      current_stage: "Triage",
      stages: [{ name: "Triage" }, { name: "Mitigation" }, { name: "Resolved" }],
      forwarding: [{ from: ["alerts"], keywords: ["db", "db-prod"], exclude_keywords: [], authors: [], match: "any" }],
    });
    expect(incident.channel_name).toBe(`outage-db-${incident.seq}`);
    expect(incident.checklist.map((i) => [i.title, i.stage])).toEqual([
      ["Confirm impact on db", "Triage"],
      ["Post first update", "Triage"],
      ["Roll back", "Mitigation"],
      ["Write the retrospective", null],
    ]);
    expect((await bob.get(`${API}/incidents/${incident.id}`)).status).toBe(200);
    const members = await alice.get(`/api/v4/channels/${incident.channel_id}/members`, z.array(channelMemberSchema));
    if (members.status === 200) expect(members.body.map((m: { user_id: string }) => m.user_id)).toContain(bob.user.id);
    const opening = (await channelPosts(alice, incident.channel_id)).find((p) => p.props?.action === "started")!;
    expect(opening.message).toContain("Playbook: Outage copy (v1)");
    expect(opening.message).toContain("@ghost-user was not invited: no such user.");

    await apply(alice, "name: Outage copy\nstages: [{name: Other}]\n");
    const after = (await alice.get(`${API}/incidents/${incident.id}`, incidentAnswerSchema)).body;
    expect(after.stages.map((s) => s.name)).toEqual(["Triage", "Mitigation", "Resolved"]);
    expect(after.playbook_version).toBe(1);
  });

  it("makes a private playbook's incidents private, even when the API asks for public", async () => {
    const playbook = expectBody(await apply(alice, "name: Secret ops\nchannel: {private: true}\n"), playbookAnswerSchema);
    const incident = await startIncident(alice, { name: "Leak", team_id: team.id, playbook_id: playbook.id, private: false });
    expect(incident.private).toBe(true);
    expect(incident.stages.map((s) => s.name)).toEqual(["Triage", "Investigating", "Mitigated", "Resolved"]);
    expect((await bob.get(`${API}/incidents/${incident.id}`)).status).toBe(404);
  });

  it("starts with --playbook by name from the slash command", async () => {
    const town = await server.createChannel(alice, { teamId: team.id });
    const res = await slash(alice, {
      channel: town,
      command: '/incident start "API slow" --playbook "service outage" --field service=api --channel api-slow-now',
    });
    expect(res.status).toBe(200);
    expect(expectBody(res, commandResponseSchema).text).toContain("Started incident **API slow** in ~api-slow-now.");
    const nope = await slash(alice, { channel: town, command: "/incident start X --playbook Nope" });
    expect(nope.status).toBe(404);
    expect(expectBody(nope, apiErrorBodySchema).message).toMatch(/^playbook: no playbook named "Nope" in this team; playbooks: /);
  });
});

describe("the playbooks directory", () => {
  it("skips files of teams that don't exist yet and applies them at the next activation; invalid files are skipped", async () => {
    const admin = await server.admin();
    const created = await admin.post("/api/v4/teams", { name: dirTeam, display_name: dirTeam, type: "O" }, teamSchema);
    expect(created.status).toBe(201);
    expect((await admin.get(`${API}/playbooks?team_id=${created.body.id}`, pageOf(playbookAnswerSchema))).body.items).toEqual([]);
    expect((await admin.post("/api/v4/plugins/incident/disable")).status).toBe(200);
    expect((await admin.post("/api/v4/plugins/incident/enable")).status).toBe(200);
    const list = expectBody(await admin.get(`${API}/playbooks?team_id=${created.body.id}`), pageAnswerSchema(playbookAnswerSchema)).items;
    expect(list.map((p) => [p.name, p.version])).toEqual([["From the directory", 1]]);
    // Re-applied at every activation, the version goes up only when the file changed.
    await admin.post("/api/v4/plugins/incident/disable");
    await admin.post("/api/v4/plugins/incident/enable");
    expect((await admin.get(`${API}/playbooks?team_id=${created.body.id}`, pageOf(playbookAnswerSchema))).body.items[0]?.version).toBe(1);
    fs.writeFileSync(
      path.join(playbooksDir, "dir.yaml"),
      `name: From the directory\nteam: ${dirTeam}\nstages: [{name: One}, {name: Two}, {name: Three}]\n`,
    );
    await admin.post("/api/v4/plugins/incident/disable");
    await admin.post("/api/v4/plugins/incident/enable");
    expect((await admin.get(`${API}/playbooks?team_id=${created.body.id}`, pageOf(playbookAnswerSchema))).body.items[0]?.version).toBe(2);
  });
});

describe("playbook sizes", () => {
  const keys = (count: number) => Array.from({ length: count }, (_, i) => `k${i}: 1`).join("\n");

  it("gives up on a file of more keys than the limit at once, and lists at most the problem limit", async () => {
    const many = await apply(alice, `name: Keys\n${keys(16_000)}\n`);
    expect(many.status).toBe(400);
    expect(expectBody(many, apiErrorBodySchema).message).toBe(
      `source: the playbook is invalid, 1 problem: ${SOURCE_LIMITS.keys + 1}:6: holds more than ${SOURCE_LIMITS.keys} keys`,
    );
    const unknown = await apply(alice, `name: Keys\n${keys(4_000)}\n`);
    expect(unknown.status).toBe(400);
    const body = expectBody(unknown, apiErrorBodySchema);
    expect(body.message).toMatch(/^source: the playbook is invalid, 4000 problems: 2:1: k0: unknown key "k0"; .* \(and 3997 more\)$/);
    const details = z.array(z.looseObject({ reason: z.string() })).parse(body.details);
    expect(details).toHaveLength(SOURCE_LIMITS.problems + 1);
    expect(details.at(-1)?.reason).toBe(
      `... and ${4_000 - SOURCE_LIMITS.problems} more problems (the first ${SOURCE_LIMITS.problems} are listed)`,
    );
    // Three such files at once: one answer, still capped.
    const files = [1, 2, 3].map((n) => ({ path: `keys${n}.yaml`, source: `name: Keys ${n}\n${keys(4_000)}\n` }));
    const all = await alice.post(`${API}/playbooks/apply`, { team_id: team.id, files }, apiErrorBodySchema);
    expect(all.status).toBe(400);
    expect(all.body.message).toMatch(/^source: the playbook is invalid, 12000 problems: keys1\.yaml:2:1: /);
    expect(z.array(z.unknown()).parse(all.body.details)).toHaveLength(SOURCE_LIMITS.problems + 1);
  });

  it("refuses a playbook whose name holds a lone UTF-16 surrogate, before it is read", async () => {
    const res = await apply(alice, "name: Outage \ud800\n");
    expect(res.status).toBe(400);
    expect(expectBody(res, apiErrorBodySchema)).toMatchObject({
      id: "api.request.lone_surrogate",
      message: "source: must not contain a lone UTF-16 surrogate (U+D800 to U+DFFF without its pair): it is not valid Unicode text",
      status_code: 400,
    });
  });

  it("refuses a body over the route's limit before reading it, and an apply whose sources total too much", async () => {
    const big = await alice.post(
      `${API}/playbooks`,
      { team_id: team.id, source: "x".repeat(INCIDENT_LIMITS.playbookBodyMax) },
      apiErrorBodySchema,
    );
    expect(big.status).toBe(413);
    expect(big.body.message).toBe(
      `body: is larger than the limit of 1.1 MiB (${INCIDENT_LIMITS.playbookBodyMax} bytes) for POST /plugins/incident/api/v1/playbooks`,
    );
    // Under the body limit, the source's own limit names the field.
    const long = await alice.post(
      `${API}/playbooks`,
      { team_id: team.id, source: "x".repeat(INCIDENT_LIMITS.playbookSourceMax + 1) },
      apiErrorBodySchema,
    );
    expect(long.status).toBe(400);
    expect(long.body.message).toBe(`source: must be at most ${INCIDENT_LIMITS.playbookSourceMax} characters`);
    const source = `name: Filler\ndescription: "${"d".repeat(3_900)}"\n`;
    const files = Array.from({ length: 5 }, (_, i) => ({
      path: `f${i}.yaml`,
      source: source.padEnd(INCIDENT_LIMITS.playbookSourceMax - 10, "#"),
    }));
    const total = await alice.post(`${API}/playbooks/apply`, { team_id: team.id, files }, apiErrorBodySchema);
    expect(total.status).toBe(400);
    expect(total.body.message).toBe(
      `files: the sources must total at most ${INCIDENT_LIMITS.playbookApplyMax} characters; apply them in several calls`,
    );
  });
});
