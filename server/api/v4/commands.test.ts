import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { apiErrorBodySchema, slashCommandSchema, commandResponseSchema, postListSchema } from "#common/wire-schemas.ts";
import type { CommandArgs } from "#plugin-api";
import type { Channel, Team, User } from "#common/wire.ts";
import { startTestServer, type TestClient, type TestServer } from "#testing";
import { describeDialogSubmit, openTestDialog } from "../../plugins/dialog-cases.ts";

type Client = TestClient & { user: User };

let server: TestServer;
let alice: Client;
let bob: Client;
let team: Team;
let pub: Channel;
let priv: Channel;
const calls: CommandArgs[] = [];

beforeAll(async () => {
  server = await startTestServer();
  alice = await server.createUser();
  bob = await server.createUser();
  team = await server.createTeam(alice);
  pub = await server.createChannel(alice, { teamId: team.id, type: "O" });
  priv = await server.createChannel(alice, { teamId: team.id, type: "P" });
  await server.addToChannel(alice, { channel: pub, user: bob.user });
  server.host.commands.register("test", {
    trigger: "repeat",
    description: "Repeat the arguments",
    hint: "[words...]",
    subcommands: [{ name: "loud", description: "Shout them" }],
    execute(args) {
      calls.push(args);
      if (args.args[0] === "loud") return { response_type: "in_channel", text: args.args.slice(1).join(" ").toUpperCase() };
      if (args.args[0] === "crash") throw new Error("boom");
      return { text: `you said ${args.args.length} words: ${args.args.join("|")}` };
    },
  });
});
afterAll(async () => server.close());

describe("POST /api/v4/commands/execute", () => {
  it("runs a registered command with shell-like arguments and answers ephemerally", async () => {
    const res = await bob.post("/api/v4/commands/execute", {
      channel_id: pub.id,
      team_id: team.id,
      command: '/repeat start "DB down" --playbook "Service outage"',
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      response_type: "ephemeral",
      text: "you said 4 words: start|DB down|--playbook|Service outage",
      goto_location: "",
      trigger_id: "",
    });
    expect(calls.at(-1)).toMatchObject({
      userId: bob.user.id,
      channelId: pub.id,
      teamId: team.id,
      args: ["start", "DB down", "--playbook", "Service outage"],
    });
  });

  it("posts an in_channel answer as the caller", async () => {
    const res = await bob.post(
      "/api/v4/commands/execute",
      { channel_id: pub.id, team_id: team.id, command: "/repeat loud all clear" },
      commandResponseSchema,
    );
    expect(res.status).toBe(200);
    expect(res.body.text).toBe("ALL CLEAR");
    const posts = await bob.get(`/api/v4/channels/${pub.id}/posts?per_page=1`, postListSchema);
    const latest = posts.body.posts[posts.body.order[0] ?? ""];
    expect(latest).toMatchObject({ message: "ALL CLEAR", user_id: bob.user.id });
  });

  it("answers an unknown trigger with 404 naming it", async () => {
    const res = await bob.post(
      "/api/v4/commands/execute",
      { channel_id: pub.id, team_id: team.id, command: "/nope with args" },
      apiErrorBodySchema,
    );
    expect(res.status).toBe(404);
    expect(res.body.message).toBe("Command with a trigger of '/nope' not found.");
    expect(res.body.id).toBe("api.command.execute_command.not_found.app_error");
  });

  it("answers a command that throws with 400 and its message, not a 500", async () => {
    const res = await bob.post("/api/v4/commands/execute", { channel_id: pub.id, command: "/repeat crash" }, apiErrorBodySchema);
    expect(res.status).toBe(400);
    expect(res.body.message).toBe("/repeat failed: boom");
  });

  it("validates the body, naming the field", async () => {
    const noSlash = await bob.post("/api/v4/commands/execute", { channel_id: pub.id, command: "repeat hi" }, apiErrorBodySchema);
    expect(noSlash.status).toBe(400);
    expect(noSlash.body.message).toBe("command: must start with /");
    const noChannel = await bob.post("/api/v4/commands/execute", { command: "/repeat hi" }, apiErrorBodySchema);
    expect(noChannel.status).toBe(400);
    expect(noChannel.body.message).toBe("channel_id: Invalid input: expected string, received undefined");
  });

  it("hides a private channel from its non-members and refuses anonymous callers", async () => {
    const hidden = await bob.post("/api/v4/commands/execute", { channel_id: priv.id, command: "/repeat hi" }, apiErrorBodySchema);
    expect(hidden.status).toBe(404);
    expect(hidden.body.message).toBe("channel not found, or you do not have access to it");
    const anon = await server.anonymous.post("/api/v4/commands/execute", { channel_id: pub.id, command: "/repeat hi" }, apiErrorBodySchema);
    expect(anon.status).toBe(401);
    expect(anon.body.message).toBe("You must be signed in to do that.");
  });
});

describe("GET /api/v4/commands/autocomplete", () => {
  it("lists the registered triggers as Mattermost Command objects with autocomplete_data", async () => {
    const expected = {
      id: "",
      trigger: "repeat",
      plugin_id: "test",
      team_id: "",
      auto_complete: true,
      auto_complete_desc: "Repeat the arguments",
      auto_complete_hint: "[words...]",
      autocomplete_data: {
        Trigger: "repeat",
        Hint: "[words...]",
        HelpText: "Repeat the arguments",
        RoleID: "",
        Arguments: [],
        SubCommands: [{ Trigger: "loud", Hint: "", HelpText: "Shout them", RoleID: "", Arguments: [], SubCommands: [] }],
      },
    };
    const res = await bob.get("/api/v4/commands/autocomplete");
    expect(res.status).toBe(200);
    expect(res.body).toContainEqual(expect.objectContaining(expected));
    const perTeam = await bob.get(`/api/v4/teams/${team.id}/commands/autocomplete`);
    expect(perTeam.status).toBe(200);
    expect(perTeam.body).toContainEqual(expect.objectContaining(expected));
    const listed = await bob.get(`/api/v4/commands?team_id=${team.id}`, z.array(slashCommandSchema));
    expect(listed.status).toBe(200);
    expect(listed.body.map((c) => c.trigger)).toEqual(expect.arrayContaining(["repeat", "me", "join"]));
    const noTeam = await bob.get("/api/v4/commands", apiErrorBodySchema);
    expect(noTeam.status).toBe(400);
    expect(noTeam.body.message).toBe("team_id: is required");
    const anon = await server.anonymous.get("/api/v4/commands/autocomplete", apiErrorBodySchema);
    expect(anon.status).toBe(401);
    expect(anon.body.message).toBe("You must be signed in to do that.");
  });
});

describe("autocomplete and teams", () => {
  it("shows a team's workflow trigger only to the team's members, an invite-only team's too, and runs it only there", async () => {
    // Alice owns an invite-only team with a workflow triggered by a slash command; Bob is not in it.
    const secret = await server.createTeam(alice, { type: "I" });
    const room = await server.createChannel(alice, { teamId: secret.id, type: "O" });
    const word = `launch${Date.now().toString(36)}`;
    const subscription = server.host.automation.subscribe("slash_command", {
      key: "wf-secret",
      teamId: secret.id,
      where: { trigger: word },
      label: "Launch codes",
    });
    try {
      const triggers = async (client: TestClient, path = "/api/v4/commands/autocomplete") =>
        (await client.get(path, z.array(slashCommandSchema))).body.map((c) => c.trigger);
      expect(await triggers(alice)).toEqual(expect.arrayContaining(["repeat", word]));
      expect(await triggers(alice, `/api/v4/teams/${secret.id}/commands/autocomplete`)).toContain(word);
      // In another team of hers, only that team's (and every team's) commands.
      expect(await triggers(alice, `/api/v4/teams/${team.id}/commands/autocomplete`)).not.toContain(word);
      expect(await triggers(bob)).toContain("repeat");
      expect(await triggers(bob)).not.toContain(word);
      expect(await triggers(bob, `/api/v4/teams/${team.id}/commands/autocomplete`)).not.toContain(word);
      const peek = await bob.get(`/api/v4/teams/${secret.id}/commands/autocomplete`, apiErrorBodySchema);
      expect(peek.status).toBe(404);
      expect(peek.body.message).toBe("team not found, or you are not a member of it");

      // Run outside its team, it is an unknown command: nothing tells Bob it exists.
      const elsewhere = await bob.post("/api/v4/commands/execute", { channel_id: pub.id, command: `/${word}` }, apiErrorBodySchema);
      expect(elsewhere.status).toBe(404);
      expect(elsewhere.body).toMatchObject({
        id: "api.command.execute_command.not_found.app_error",
        message: `Command with a trigger of '/${word}' not found.`,
        status_code: 404,
      });
      const inTeam = await alice.post("/api/v4/commands/execute", { channel_id: room.id, command: `/${word} go` }, commandResponseSchema);
      expect(inTeam.status).toBe(200);
      expect(inTeam.body.text).toBe('Workflow "Launch codes" triggered.');
    } finally {
      subscription.dispose();
    }
  });
});

describe("POST /api/v4/actions/dialogs/submit", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const openDialog = (onSubmit?: Parameters<typeof openTestDialog>[2]) =>
    openTestDialog(server.host, { userId: alice.user.id, channelId: pub.id, teamId: team.id }, onSubmit);

  describeDialogSubmit(() => ({ open: openDialog, owner: alice, other: bob, channelId: pub.id, teamId: team.id }));

  it("answers 404 once the dialog has expired", async () => {
    const callbackId = openDialog();
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 31 * 60 * 1000);
    const res = await alice.post(
      "/api/v4/actions/dialogs/submit",
      { callback_id: callbackId, submission: { name: "late" } },
      apiErrorBodySchema,
    );
    expect(res.status).toBe(404);
    expect(res.body.message).toBe("callback_id: this dialog has expired or was already submitted");
  });

  it("closes a cancelled dialog, validates the body and refuses anonymous callers", async () => {
    const callbackId = openDialog(() => {
      throw new Error("must not be called");
    });
    const cancelled = await alice.post("/api/v4/actions/dialogs/submit", { callback_id: callbackId, cancelled: true });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toEqual({});
    expect((await alice.post("/api/v4/actions/dialogs/submit", { callback_id: callbackId, submission: { name: "x" } })).status).toBe(404);
    const noId = await alice.post("/api/v4/actions/dialogs/submit", { submission: {} }, apiErrorBodySchema);
    expect(noId.status).toBe(400);
    expect(noId.body.message).toBe("callback_id: Invalid input: expected string, received undefined");
    const anon = await server.anonymous.post(
      "/api/v4/actions/dialogs/submit",
      { callback_id: openDialog(), submission: { name: "x" } },
      apiErrorBodySchema,
    );
    expect(anon.status).toBe(401);
    expect(anon.body.message).toBe("You must be signed in to do that.");
  });
});
