import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  apiErrorBodySchema,
  channelSchema,
  commandResponseSchema,
  dialogSubmitResultSchema,
  openDialogEventDataSchema,
  slashCommandSchema,
} from "#common/wire-schemas.ts";
import { incidentAnswerSchema } from "../common/types.ts";
import type { Channel, Team, User } from "#common/wire.ts";
import type { TestClient, TestServer } from "#testing";
import type { Incident } from "../common/types.ts";
import { parseStartArgs } from "./slash-command.ts";
import { API, slash, startIncidentServer, teamWithMembers } from "./test-server.ts";
import { channelPosts, expectBody, itemAt, pageOf, TestSocket } from "#testing";

type Client = TestClient & { user: User };
let server: TestServer;
let team: Team;
let town: Channel;
let alice: Client;
let bob: Client;

beforeAll(async () => {
  server = await startIncidentServer();
  const made = await teamWithMembers(server, 2);
  ({ team, town } = made);
  alice = itemAt(made.users, 0, "member");
  bob = itemAt(made.users, 1, "member");
  const playbook = `name: Web outage
stages:
  - name: Triage
    checklist: [Assess impact, Page owner]
  - name: Mitigation
    checklist: [Roll back]
  - name: Resolved
checklist: [Retro]
fields:
  service: {required: true}
`;
  expect((await alice.post(`${API}/playbooks`, { team_id: team.id, source: playbook })).status).toBe(201);
});
afterAll(async () => server?.close());

const incidentOf = async (channelName: string): Promise<Incident> => {
  const list = await alice.get(`${API}/incidents?team_id=${team.id}`, pageOf(incidentAnswerSchema));
  const incident = list.body.items.find((i) => i.channel_name === channelName);
  if (!incident) throw new Error(`no incident in channel ${channelName}: ${JSON.stringify(list.body.items.map((i) => i.channel_name))}`);
  return incident;
};
const channelOf = async (incident: Incident): Promise<Channel> =>
  (await alice.get(`/api/v4/channels/${incident.channel_id}`, channelSchema)).body;

describe("/incident", () => {
  it("starts with a name, flags and fields, and navigates to the channel", async () => {
    const res = await slash(alice, {
      channel: town,
      command: '/incident start "Web down" --playbook "web outage" --field service=web --channel web-down-now',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      response_type: "ephemeral",
      text: "Started incident **Web down** in ~web-down-now.",
      goto_location: `/${team.name}/channels/web-down-now`,
    });
    const incident = await incidentOf("web-down-now");
    expect(incident).toMatchObject({
      name: "Web down",
      commander_user_id: alice.user.id,
      fields: { service: "web" },
      current_stage: "Triage",
    });
    const missingField = await slash(alice, { channel: town, command: "/incident start Other --playbook web outage" });
    expect(missingField.status).toBe(404);
    expect(expectBody(missingField, apiErrorBodySchema).message).toBe(
      'playbook: no playbook named "web" in this team; playbooks: "Web outage"',
    );
    expect(expectBody(await slash(alice, { channel: town, command: "/incident start Other --playbook" }), apiErrorBodySchema).message).toBe(
      "--playbook: needs a value",
    );
    const noField = await slash(alice, { channel: town, command: '/incident start Other --playbook "Web outage"' });
    expect(expectBody(noField, apiErrorBodySchema).message).toBe('fields.service: required by playbook "Web outage"');
    const taken = await slash(alice, { channel: town, command: "/incident start Again --channel web-down-now" });
    expect(taken.status).toBe(400);
    expect(expectBody(taken, apiErrorBodySchema).message).toMatch(
      /^--channel: a channel named "web-down-now" already exists in this team; try "web-down-now-\w+"$/,
    );
  });

  it("numbers items in stage order then stage-less, each keeping its number; info, check, uncheck, add, remove, stage, commander, end", async () => {
    await slash(alice, { channel: town, command: '/incident start "Numbers" --playbook "Web outage" --field service=api' });
    const incident = await incidentOf("numbers");
    const channel = await channelOf(incident);
    const info = await slash(alice, { channel, command: "/incident info" });
    expect(info.status).toBe(200);
    expect(expectBody(info, commandResponseSchema).text).toContain(
      "1. [ ] Assess impact\n2. [ ] Page owner\n_Mitigation_\n3. [ ] Roll back\n_No stage_\n4. [ ] Retro",
    );

    expect(expectBody(await slash(alice, { channel, command: "/incident check 3" }), commandResponseSchema).text).toBe("");
    expect(expectBody(await slash(alice, { channel, command: "/incident check 3" }), commandResponseSchema).text).toBe(
      "Item 3 is already checked.",
    );
    expect(expectBody(await slash(alice, { channel, command: "/incident uncheck 3" }), commandResponseSchema).text).toBe("");
    const bad = await slash(alice, { channel, command: "/incident check 9" });
    expect(bad.status).toBe(400);
    expect(expectBody(bad, apiErrorBodySchema).message).toBe(
      'item: there is no item 9; the checklist now has 1 "Assess impact", 2 "Page owner", 3 "Roll back", 4 "Retro" (see /incident info)',
    );
    expect(expectBody(await slash(alice, { channel, command: "/incident check x" }), apiErrorBodySchema).message).toBe(
      "usage: /incident check <n> (the item's number, as /incident info shows it)",
    );
    expect(expectBody(await slash(alice, { channel, command: "/incident add Call the vendor" }), commandResponseSchema).text).toBe("");
    expect(expectBody(await slash(alice, { channel, command: "/incident remove 1" }), commandResponseSchema).text).toBe("");
    const now = (await alice.get(`${API}/incidents/${incident.id}`)).body as Incident;
    expect(now.checklist.map((i) => i.title)).toEqual(["Page owner", "Call the vendor", "Roll back", "Retro"]);

    expect(expectBody(await slash(alice, { channel, command: "/incident stage next" }), commandResponseSchema).text).toBe("");
    expect(expectBody(await slash(alice, { channel, command: "/incident stage prev" }), commandResponseSchema).text).toBe("");
    expect(expectBody(await slash(alice, { channel, command: "/incident stage prev" }), apiErrorBodySchema).message).toBe(
      "stage: the incident is already at its first stage (Triage)",
    );
    expect(expectBody(await slash(alice, { channel, command: "/incident stage resolved" }), commandResponseSchema).text).toBe("");
    const unknown = await slash(alice, { channel, command: "/incident stage Done" });
    expect(unknown.status).toBe(400);
    expect(expectBody(unknown, apiErrorBodySchema).message).toBe(
      'stage: "Done" is not a stage of this incident; its stages are Triage, Mitigation, Resolved (or next, prev)',
    );

    expect(
      expectBody(await slash(alice, { channel, command: `/incident commander @${bob.user.username}` }), commandResponseSchema).text,
    ).toBe("");
    expect(expectBody(await slash(alice, { channel, command: "/incident commander @nobody-here" }), apiErrorBodySchema).message).toBe(
      "commander: no user @nobody-here",
    );
    expect(expectBody(await slash(bob, { channel, command: "/incident end" }), commandResponseSchema).text).toBe("");
    const again = await slash(bob, { channel, command: "/incident check 2" });
    expect(again.status).toBe(409);
    expect(expectBody(again, apiErrorBodySchema).message).toBe('incident "Numbers" has ended; it can no longer be changed');

    const bot = (await alice.get("/api/v4/users/username/incident")).body as User;
    // The bot's own records, not the system posts of who joined the channel.
    const records = (await channelPosts(alice, channel.id))
      .filter((p) => p.user_id === bot.id && !p.type.startsWith("system_"))
      .map((p) => p.message);
    const a = `@${alice.user.username}`;
    expect(records.slice(1)).toEqual([
      `${a} checked item 3: Roll back`,
      `${a} unchecked item 3: Roll back`,
      `${a} added item 5 "Call the vendor" to Triage`,
      `${a} removed item 1: Assess impact`,
      `${a} changed the stage from Triage to Mitigation`,
      `${a} changed the stage from Mitigation to Triage`,
      `${a} changed the stage from Triage to Resolved`,
      `${a} changed the commander from ${a} to @${bob.user.username}`,
      expect.stringMatching(new RegExp(`^@${bob.user.username} ended the incident \\*\\*Numbers\\*\\* after `)),
    ]);
  });

  it("explains that in-incident commands need an incident channel, and lists active incidents anywhere", async () => {
    for (const sub of ["end", "info", "stage next", "check 1", "add x", "remove 1", "commander @x"]) {
      const res = await slash(alice, { channel: town, command: `/incident ${sub}` });
      expect(res.status).toBe(400);
      expect(expectBody(res, apiErrorBodySchema).message).toBe(
        `/incident ${sub.split(" ")[0]} must be run in an incident channel; use /incident list to find one.`,
      );
    }
    const list = await slash(bob, { channel: town, command: "/incident list" });
    expect(expectBody(list, commandResponseSchema).text).toMatch(
      /^Active incidents \(\d+\):\n- #\d+ \*\*Web down\*\* ~web-down-now · commander @\S+ · stage Triage · 0\/4 done · started /,
    );
    const unknown = await slash(alice, { channel: town, command: "/incident frobnicate" });
    expect(expectBody(unknown, apiErrorBodySchema).message).toMatch(
      /^\/incident frobnicate: unknown subcommand; use one of start, list, info, stage, /,
    );
    const auto = await alice.get("/api/v4/commands/autocomplete");
    // Mattermost `Command` objects: the subcommands are in `autocomplete_data`.
    const incident = expectBody(auto, z.array(slashCommandSchema)).find((c) => c.trigger === "incident");
    expect(incident?.autocomplete_data?.SubCommands.map((s) => s.Trigger)).toEqual(
      expect.arrayContaining(["start", "end", "stage", "check", "uncheck", "add", "remove", "commander", "info", "list"]),
    );
  });

  it("opens the start dialog without arguments: each playbook's fields show only while it is chosen, with their defaults; errors stay beside their field", async () => {
    // Changed for issue 12 (defect 11): the fields were one list for every playbook, empty and all optional.
    const region = await alice.post(`${API}/playbooks`, {
      team_id: team.id,
      source: "name: Region drill\nfields:\n  region: {default: eu-west-1, description: Where it runs}\n",
    });
    expect(region.status).toBe(201);
    const socket = await TestSocket.of(alice);
    const res = await slash(alice, { channel: town, command: "/incident start" });
    expect(res.status).toBe(200);
    const { dialog } = openDialogEventDataSchema.parse((await socket.waitFor("open_dialog")).data);
    expect(dialog.title).toBe("Start incident");
    const options = itemAt(dialog.elements, 3, "dialog element").options ?? [];
    const idOf = (name: string) => options.find((o) => o.text === name)?.value ?? "";
    const web = idOf("Web outage");
    const drill = idOf("Region drill");
    expect(dialog.elements.map((e) => [e.name, e.optional ?? false, e.default ?? null, e.show_when?.values ?? null])).toEqual([
      ["name", false, null, null],
      ["channel_name", true, null, null],
      ["here", true, "false", null],
      ["playbook", false, "none", null],
      [`field.${drill}.region`, true, "eu-west-1", [drill]],
      [`field.${web}.service`, false, null, [web]],
      ["severity", true, "default", null],
      ["commander", true, null, null],
      ["private", true, "false", null],
      ["drill", true, "false", null],
    ]);
    // The chosen playbook's required field is required; another playbook's is not asked for, nor passed on.
    const missing = await alice.post("/api/v4/actions/dialogs/submit", {
      callback_id: dialog.callback_id,
      submission: { name: "From dialog", playbook: web, [`field.${drill}.region`]: "us-east-1" },
    });
    expect(missing.body).toEqual({ errors: { [`field.${web}.service`]: "service is required." } });
    const taken = await alice.post(
      "/api/v4/actions/dialogs/submit",
      {
        callback_id: dialog.callback_id,
        submission: { name: "From dialog", channel_name: "web-down-now", playbook: web, [`field.${web}.service`]: "db" },
      },
      dialogSubmitResultSchema,
    );
    expect(taken.body.errors?.channel_name).toMatch(/^channel_name: a channel named "web-down-now" already exists/);
    const done = await alice.post("/api/v4/actions/dialogs/submit", {
      callback_id: dialog.callback_id,
      submission: { name: "From dialog", playbook: web, [`field.${web}.service`]: "db", [`field.${drill}.region`]: "us-east-1" },
    });
    expect(done.status).toBe(200);
    expect(done.body).toEqual({});
    expect(await incidentOf("from-dialog")).toMatchObject({ name: "From dialog", fields: { service: "db" } });
    await socket.close();
  });
});

describe("parseStartArgs", () => {
  it("joins the name's words and reads repeated fields", () => {
    expect(parseStartArgs(["DB", "down", "--field", "a=1", "--field=b=2=3", "--channel=db", "--private"])).toEqual({
      name: "DB down",
      channelName: "db",
      playbookName: undefined,
      fields: { a: "1", b: "2=3" },
      private: true,
      severity: undefined,
      commander: undefined,
      invite: [],
      here: false,
      drill: false,
    });
    expect(parseStartArgs(["DB", "--severity", "sev1", "--commander", "@bob", "--here", "--drill", "--invite", "@a,b"])).toMatchObject({
      name: "DB",
      severity: "sev1",
      commander: "@bob",
      invite: ["@a", "b"],
      here: true,
      drill: true,
    });
    expect(() => parseStartArgs(["DB", "--here", "--channel", "x"])).toThrow("--here: runs the incident in this channel");
    expect(() => parseStartArgs(["--field", "a"])).toThrow('--field: "a" must look like key=value');
    expect(() => parseStartArgs(["x", "--colour", "red"])).toThrow("--colour: unknown option");
  });
});
