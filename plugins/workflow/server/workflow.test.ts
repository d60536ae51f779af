import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { apiErrorBodySchema, commandResponseSchema } from "#common/wire-schemas.ts";
import type { Channel, Team, User } from "#common/wire.ts";
import { channelPosts, eventually, expectBody, pageOf, uniqueName, withIdSchema, type TestClient, type TestServer } from "#testing";
import { SOURCE_LIMITS } from "#common/yaml-source.ts";
import { MAX_DEPTH, WORKFLOW_BODY_MAX, workflowSchema } from "../common/wire.ts";
import { API, applyWorkflow, finishedRuns, runsOf, setWorkflowsDir, startWorkflowServer } from "./test-server.ts";

let server: TestServer;
let admin: TestClient & { user: User };
let team: Team;
let alerts: Channel;
const echoed: Array<{ params: Record<string, unknown>; actorId: string }> = [];

beforeAll(async () => {
  server = await startWorkflowServer();
  admin = await server.admin();
  team = await server.createTeam(admin);
  alerts = await server.createChannel(admin, { teamId: team.id, name: uniqueName("alerts") });
  // A fake action offered through the host's registry, as any plugin would.
  server.host.automation.registerAction("test", {
    name: "test_echo",
    description: "Echo the text back (tests only).",
    parameters: z.object({ text: z.string().describe("Text."), count: z.number().optional().describe("A number.") }),
    returns: { echo: { type: "string", description: "The text." }, length: { type: "number", description: "Its length." } },
    async run({ params, actorId }) {
      echoed.push({ params, actorId });
      if (params.text === "explode") throw new Error("the echo exploded");
      return { echo: String(params.text), length: String(params.text).length };
    },
  });
});
afterAll(async () => server.close());

const yaml = (props: { name: string; runAs?: string; trigger: string; steps: string; enabled?: boolean }) =>
  `name: ${props.name}
team: ${team.name}
run_as: ${props.runAs ?? admin.user.username}
enabled: ${props.enabled ?? true}
trigger:
${props.trigger}
steps:
${props.steps}
`;

describe("applying workflows", () => {
  it("lets only system admins apply, list and read runs, with a 403 message", async () => {
    const bob = await server.createUser();
    const apply = await bob.post(`${API}/workflows`, { team_id: team.id, source: "name: x" });
    expect(apply.status).toBe(403);
    expect(apply.body).toMatchObject({ id: "workflow.permissions", message: "Only system admins may apply workflows.", status_code: 403 });
    const list = await bob.get(`${API}/workflows`, apiErrorBodySchema);
    expect(list.status).toBe(403);
    expect(list.body.message).toBe("Only system admins may list workflows.");
    const runs = await bob.get(`${API}/runs?failed=true`, apiErrorBodySchema);
    expect(runs.status).toBe(403);
    expect(runs.body.message).toBe("Only system admins may read workflow runs.");
    const anonymous = await server.anonymous.get(`${API}/workflows`);
    expect(anonymous.status).toBe(401);
    // The schema and the catalog are for anyone signed in.
    expect((await bob.get(`${API}/workflows/schema`)).status).toBe(200);
    expect((await bob.get(`${API}/catalog`)).status).toBe(200);
  });

  it("refuses an invalid workflow with every problem's line and column", async () => {
    const source = `name: Broken\nteam: ${team.name}\nrun_as: ${admin.user.username}\ntrigger:\n  type: message_posted\n  where: {chanel: alerts}\nsteps:\n  - action: post_mesage\n    with: {channel: x}\n`;
    const res = await admin.post(`${API}/workflows`, { team_id: team.id, source }, apiErrorBodySchema);
    expect(res.status).toBe(400);
    expect(res.body.id).toBe("workflow.invalid");
    expect(res.body.details).toEqual([
      {
        line: 6,
        column: 11,
        path: "trigger.where.chanel",
        reason: '"chanel" is not a condition of message_posted; known: channel, contains, keywords, from_user',
      },
      { line: 8, column: 13, path: "steps.0.action", reason: 'unknown action "post_mesage"; did you mean "post_message"?' },
    ]);
    expect(res.body.message).toBe(
      'source: the workflow is invalid: line 6, column 11: trigger.where.chanel: "chanel" is not a condition of message_posted; known: channel, contains, keywords, from_user; line 8, column 13: steps.0.action: unknown action "post_mesage"; did you mean "post_message"?',
    );
    const missing = await admin.post(`${API}/workflows`, { team_id: team.id }, apiErrorBodySchema);
    expect(missing.status).toBe(400);
    expect(missing.body.message).toBe("source: is required: the workflow's YAML");
  });

  it("lists at most the problem limit, and refuses a body over the route's limit before reading it", async () => {
    const keys = Array.from({ length: 3_000 }, (_, i) => `    k${i}: 1`).join("\n");
    const source = `name: Many\nrun_as: ${admin.user.username}\ntrigger:\n  type: message_posted\n  where:\n${keys}\nsteps:\n  - action: post_message\n`;
    const res = await admin.post(`${API}/workflows`, { team_id: team.id, source }, apiErrorBodySchema);
    expect(res.status).toBe(400);
    const details = z.array(z.looseObject({ reason: z.string() })).parse(res.body.details);
    expect(details).toHaveLength(SOURCE_LIMITS.problems + 1);
    expect(details[0]?.reason).toBe('"k0" is not a condition of message_posted; known: channel, contains, keywords, from_user');
    expect(details.at(-1)?.reason).toMatch(/^\.\.\. and \d+ more problems \(the first 100 are listed\)$/);
    expect(res.body.message).toMatch(/more problems \(the first 100 are listed\)$/);

    const surrogate = await admin.post(`${API}/workflows`, { team_id: team.id, source: "name: Deploy \udfff\n" }, apiErrorBodySchema);
    expect(surrogate.status).toBe(400);
    expect(surrogate.body.message).toBe(
      "source: must not contain a lone UTF-16 surrogate (U+D800 to U+DFFF without its pair): it is not valid Unicode text",
    );

    const big = await admin.post(`${API}/workflows`, { team_id: team.id, source: "x".repeat(WORKFLOW_BODY_MAX) }, apiErrorBodySchema);
    expect(big.status).toBe(413);
    expect(big.body.message).toBe(
      `body: is larger than the limit of 512 KiB (${WORKFLOW_BODY_MAX} bytes) for POST /plugins/workflow/api/v1/workflows`,
    );
  });

  it("checks the team and the run_as user", async () => {
    const other = await server.createTeam(admin);
    const wrongTeam = await admin.post(
      `${API}/workflows`,
      {
        team_id: other.id,
        source: yaml({ name: "T", trigger: "  type: message_posted", steps: "  - action: test_echo\n    with: {text: hi}" }),
      },
      apiErrorBodySchema,
    );
    expect(wrongTeam.status).toBe(400);
    expect(wrongTeam.body.details).toEqual([
      { line: 2, column: 1, path: "team", reason: `the workflow names team "${team.name}" but team_id is team "${other.name}"` },
    ]);
    const ghost = await admin.post(
      `${API}/workflows`,
      {
        team_id: team.id,
        source: yaml({
          name: "T",
          runAs: "nobody-here",
          trigger: "  type: message_posted",
          steps: "  - action: test_echo\n    with: {text: hi}",
        }),
      },
      apiErrorBodySchema,
    );
    expect(ghost.status).toBe(400);
    expect(ghost.body.details).toEqual([{ line: 3, column: 1, path: "run_as", reason: 'no active user "nobody-here"' }]);
  });

  it("creates, then replaces by name: same id, version + 1", async () => {
    const source = yaml({
      name: "Replace me",
      trigger: "  type: message_posted\n  where: {channel: nowhere}",
      steps: "  - action: test_echo\n    with: {text: one}",
    });
    const created = await admin.post(`${API}/workflows`, { team_id: team.id, source }, withIdSchema);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: "Replace me",
      version: 1,
      enabled: true,
      run_as: admin.user.username,
      trigger: { type: "message_posted", where: { channel: "nowhere" } },
      last_run: null,
    });
    const replaced = await admin.post(`${API}/workflows`, { team_id: team.id, source: source.replace("text: one", "text: two") });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ id: created.body.id, version: 2 });
    const list = await admin.get(`${API}/workflows?team_id=${team.id}`);
    expect(list.status).toBe(200);
    expect(
      expectBody(list, z.array(z.looseObject({ id: z.string(), name: z.string(), last_run: z.unknown() }))).filter(
        (w: { name: string }) => w.name === "Replace me",
      ),
    ).toHaveLength(1);
  });

  it("serves the JSON Schema and the catalog with each entry's parameters", async () => {
    const schema = await admin.get(`${API}/workflows/schema`);
    expect(expectBody(schema, z.looseObject({ required: z.array(z.string()) })).required).toEqual(
      expect.arrayContaining(["name", "run_as", "trigger", "steps"]),
    );
    const catalog = await admin.get(`${API}/catalog`);
    expect(
      expectBody(
        catalog,
        z.looseObject({ triggers: z.array(z.looseObject({ name: z.string() })), actions: z.array(z.looseObject({ name: z.string() })) }),
      ).triggers.map((t: { name: string }) => t.name),
    ).toEqual(expect.arrayContaining(["message_posted", "slash_command", "webhook", "schedule"]));
    expect(
      expectBody(
        catalog,
        z.looseObject({ triggers: z.array(z.looseObject({ name: z.string() })), actions: z.array(z.looseObject({ name: z.string() })) }),
      ).actions.find((a: { name: string }) => a.name === "test_echo"),
    ).toMatchObject({
      plugin_id: "test",
      parameters: { text: { type: "string", required: true } },
    });
  });
});

describe("running workflows", () => {
  it("runs on a matching post with templates from the trigger and earlier steps, and logs each step", async () => {
    const wf = await applyWorkflow(admin, {
      teamId: team.id,
      source: yaml({
        name: "Echo SEV1",
        trigger: `  type: message_posted\n  where: {channel: ${alerts.name}, keywords: [SEV1]}`,
        steps:
          '  - id: first\n    action: test_echo\n    with: {text: "got {{trigger.message}}"}\n  - action: test_echo\n    with: {text: "{{steps.first.echo}}!", count: "{{steps.first.length}}"}',
      }),
    });
    await server.createPost(admin, { channelId: alerts.id, message: "SEV10 is not it" });
    const post = await server.createPost(admin, { channelId: alerts.id, message: "SEV1 payments down" });
    const [run] = await finishedRuns(admin, wf.id);
    expect(run).toMatchObject({
      status: "succeeded",
      error: "",
      trigger: "message_posted",
      depth: 0,
      trigger_values: { post_id: post.id, message: "SEV1 payments down", channel_name: alerts.name },
    });
    expect(run!.steps.map((s) => ({ index: s.index, action: s.action, status: s.status, input: s.input, output: s.output }))).toEqual([
      {
        index: 0,
        action: "test_echo",
        status: "succeeded",
        input: { text: "got SEV1 payments down" },
        output: { echo: "got SEV1 payments down", length: 22 },
      },
      {
        index: 1,
        action: "test_echo",
        status: "succeeded",
        input: { text: "got SEV1 payments down!", count: 22 },
        output: { echo: "got SEV1 payments down!", length: 23 },
      },
    ]);
    expect(run!.steps.every((s) => s.duration_ms >= 0)).toBe(true);
    expect(await runsOf(admin, wf.id)).toHaveLength(1); // the SEV10 post did not match
    expect(echoed.at(-1)!.actorId).toBe(admin.user.id);
    const list = await admin.get(`${API}/workflows?team_id=${team.id}`);
    expect(
      expectBody(list, z.array(z.looseObject({ id: z.string(), name: z.string(), last_run: z.unknown() }))).find(
        (w: { id: string }) => w.id === wf.id,
      )?.last_run,
    ).toMatchObject({ id: run!.id, status: "succeeded" });
  });

  it("fires a channel trigger only if run_as may read the channel", async () => {
    const carol = await server.createUser();
    await server.addToChannel(admin, { channel: alerts, user: carol.user });
    const secret = await server.createChannel(admin, { teamId: team.id, type: "P" });
    const wf = await applyWorkflow(admin, {
      teamId: team.id,
      source: yaml({
        name: "Carol watches",
        runAs: carol.user.username,
        trigger: "  type: message_posted\n  where: {contains: peekaboo}",
        steps: '  - action: test_echo\n    with: {text: "{{trigger.channel_name}}"}',
      }),
    });
    await server.createPost(admin, { channelId: secret.id, message: "peekaboo in private" });
    await server.createPost(admin, { channelId: alerts.id, message: "peekaboo in public" });
    const runs = await finishedRuns(admin, wf.id);
    await new Promise((r) => setTimeout(r, 300));
    expect((await runsOf(admin, wf.id)).map((r) => r.trigger_values.channel_name)).toEqual([alerts.name]);
    expect(runs[0]!.steps[0]!.input).toEqual({ text: alerts.name });
  });

  it("stops a workflow that re-triggers itself at the loop guard depth, with a logged error run", async () => {
    const loop = await server.createChannel(admin, { teamId: team.id, name: uniqueName("loop") });
    const wf = await applyWorkflow(admin, {
      teamId: team.id,
      source: yaml({
        name: "Echo chamber",
        trigger: `  type: message_posted\n  where: {channel: ${loop.name}, contains: echo}`,
        steps: `  - action: post_message\n    with: {channel: ${loop.name}, message: "echo again"}`,
      }),
    });
    await server.createPost(admin, { channelId: loop.id, message: "echo" });
    const runs = await finishedRuns(admin, wf.id, MAX_DEPTH + 1);
    await new Promise((r) => setTimeout(r, 500));
    const all = await runsOf(admin, wf.id);
    expect(all).toHaveLength(MAX_DEPTH + 1);
    expect(
      all
        .filter((r) => r.status === "succeeded")
        .map((r) => r.depth)
        .sort(),
    ).toEqual([0, 1, 2, 3, 4]);
    const guard = runs.find((r) => r.status === "failed")!;
    expect(guard).toMatchObject({ depth: MAX_DEPTH, steps: [] });
    expect(guard.error).toMatch(/^loop guard: depth 5 /);
    expect((await channelPosts(admin, loop.id)).filter((p) => p.message === "echo again")).toHaveLength(MAX_DEPTH);
    const failed = await admin.get(`${API}/runs?failed=true`);
    expect(expectBody(failed, pageOf(withIdSchema)).items.some((r: { id: string }) => r.id === guard.id)).toBe(true);
  });

  it("marks a run failed when a step fails (http_request answered 500) and still runs other workflows", async () => {
    const target = http.createServer((_req, res) => res.writeHead(500).end("boom"));
    await new Promise<void>((r) => target.listen(0, "127.0.0.1", r));
    const host = `127.0.0.1:${(target.address() as AddressInfo).port}`;
    try {
      const settings = await admin.put("/api/v4/plugins/workflow/settings", { http_allowlist: [host] });
      expect(settings.status).toBe(200);
      const failing = await applyWorkflow(admin, {
        teamId: team.id,
        source: yaml({
          name: "Call out",
          trigger: "  type: message_posted\n  where: {contains: deploy-42}",
          steps: `  - action: http_request\n    with: {url: "http://${host}/hook", body: {text: "{{trigger.message}}"}}\n  - action: test_echo\n    with: {text: never}`,
        }),
      });
      const healthy = await applyWorkflow(admin, {
        teamId: team.id,
        source: yaml({
          name: "Also listens",
          trigger: "  type: message_posted\n  where: {contains: deploy-42}",
          steps: "  - action: test_echo\n    with: {text: fine}",
        }),
      });
      await server.createPost(admin, { channelId: alerts.id, message: "deploy-42 done" });
      const [bad] = await finishedRuns(admin, failing.id);
      expect(bad).toMatchObject({
        status: "failed",
        error: `step 1 (http_request) failed: http_request: POST http://${host}/hook answered 500 Internal Server Error`,
      });
      expect(bad!.steps).toHaveLength(1);
      expect(bad!.steps[0]).toMatchObject({
        status: "failed",
        input: { url: `http://${host}/hook`, body: { text: "deploy-42 done" } },
        output: null,
      });
      const [good] = await finishedRuns(admin, healthy.id);
      expect(good!.status).toBe("succeeded");
    } finally {
      await new Promise<void>((r) => target.close(() => r()));
    }
  });

  it("fails a step whose rendered input does not fit, naming the parameter", async () => {
    const wf = await applyWorkflow(admin, {
      teamId: team.id,
      source: yaml({
        name: "Bad count",
        trigger: "  type: message_posted\n  where: {contains: count-me}",
        steps: '  - action: test_echo\n    with: {text: x, count: "{{trigger.message}}"}',
      }),
    });
    await server.createPost(admin, { channelId: alerts.id, message: "count-me" });
    const [run] = await finishedRuns(admin, wf.id);
    expect(run!.error).toBe("step 1 (test_echo) failed: count: must be a number");
  });

  it("runs nothing while disabled, and again once enabled", async () => {
    const wf = await applyWorkflow(admin, {
      teamId: team.id,
      source: yaml({
        name: "Toggle",
        trigger: "  type: message_posted\n  where: {contains: toggle-me}",
        steps: "  - action: test_echo\n    with: {text: t}",
      }),
    });
    const off = await admin.post(`${API}/workflows/${wf.id}/disable`);
    expect(off.status).toBe(200);
    expect(expectBody(off, z.looseObject({ enabled: z.boolean() })).enabled).toBe(false);
    await server.createPost(admin, { channelId: alerts.id, message: "toggle-me 1" });
    await new Promise((r) => setTimeout(r, 400));
    expect(await runsOf(admin, wf.id)).toHaveLength(0);
    expect((await admin.post(`${API}/workflows/${wf.id}/enable`, {}, workflowSchema)).body.enabled).toBe(true);
    await server.createPost(admin, { channelId: alerts.id, message: "toggle-me 2" });
    const [run] = await finishedRuns(admin, wf.id);
    expect(run!.trigger_values.message).toBe("toggle-me 2");
    const bob = await server.createUser();
    const denied = await bob.post(`${API}/workflows/${wf.id}/disable`, {}, apiErrorBodySchema);
    expect(denied.status).toBe(403);
    expect(denied.body.message).toBe("Only system admins may disable workflows.");
  });
});

describe("subscription triggers", () => {
  it("webhook: a POST to the workflow's URL runs it with the JSON body; a wrong secret is a 404", async () => {
    const wf = await applyWorkflow(admin, {
      teamId: team.id,
      source: yaml({
        name: "Hooked",
        trigger: "  type: webhook",
        steps: '  - action: test_echo\n    with: {text: "{{trigger.status}} {{trigger.service}}"}',
      }),
    });
    expect(wf.webhook_url).toMatch(new RegExp(`/plugins/workflow/api/v1/hooks/${wf.id}/[0-9a-f]{48}$`));
    const hookPath = new URL(wf.webhook_url!).pathname;
    const ok = await server.anonymous.post(hookPath, { status: "firing", service: "payments" });
    expect(ok.status).toBe(200);
    const [run] = await finishedRuns(admin, wf.id);
    expect(run!.steps[0]!.input).toEqual({ text: "firing payments" });
    const wrong = await server.anonymous.post(`${API}/hooks/${wf.id}/not-the-secret`, {}, apiErrorBodySchema);
    expect(wrong.status).toBe(404);
    expect(wrong.body.message).toBe("no workflow webhook at this address");
    const notObject = await server.anonymous.post(hookPath, [1, 2], apiErrorBodySchema);
    expect(notObject.status).toBe(400);
    expect(notObject.body.message).toBe("body: must be a JSON object; its keys become {{trigger.<key>}} values");
  });

  it("slash_command: registers the word while enabled", async () => {
    const word = uniqueName("shipit").replace(/-/g, "");
    const wf = await applyWorkflow(admin, {
      teamId: team.id,
      source: yaml({
        name: "Ship it",
        trigger: `  type: slash_command\n  where: {trigger: ${word}}`,
        steps: '  - action: test_echo\n    with: {text: "{{trigger.username}}: {{trigger.text}}"}',
      }),
    });
    const res = await admin.post(
      "/api/v4/commands/execute",
      { channel_id: alerts.id, team_id: team.id, command: `/${word} api v2` },
      commandResponseSchema,
    );
    expect(res.status).toBe(200);
    expect(res.body.text).toBe('Workflow "Ship it" triggered.');
    const [run] = await finishedRuns(admin, wf.id);
    expect(run!.steps[0]!.input).toEqual({ text: `${admin.user.username}: api v2` });
    await admin.post(`${API}/workflows/${wf.id}/disable`);
    const gone = await admin.post("/api/v4/commands/execute", { channel_id: alerts.id, team_id: team.id, command: `/${word}` });
    expect(gone.status).toBe(404);
    // A word another plugin owns is refused, and nothing is applied.
    const taken = await admin.post(`${API}/workflows`, {
      team_id: team.id,
      source: yaml({
        name: "Steal",
        trigger: `  type: slash_command\n  where: {trigger: ${word}x}`,
        steps: "  - action: test_echo\n    with: {text: a}",
      }),
    });
    expect(taken.status).toBe(201);
    const clash = await admin.post(
      `${API}/workflows`,
      {
        team_id: team.id,
        source: yaml({
          name: "Steal 2",
          trigger: `  type: slash_command\n  where: {trigger: ${word}x}`,
          steps: "  - action: test_echo\n    with: {text: a}",
        }),
      },
      apiErrorBodySchema,
    );
    expect(clash.status).toBe(409);
    expect(clash.body.message).toBe(`trigger: /${word}x is already registered by host`);
    const names = (await admin.get(`${API}/workflows?team_id=${team.id}`, z.array(workflowSchema))).body.map((w) => w.name);
    expect(names).not.toContain("Steal 2");
  });

  it("schedule: runs on its cron ticks", async () => {
    const wf = await applyWorkflow(admin, {
      teamId: team.id,
      source: yaml({
        name: "Every second",
        trigger: '  type: schedule\n  where: {cron: "* * * * * *"}',
        steps: '  - action: test_echo\n    with: {text: "{{trigger.scheduled_at}}"}',
      }),
    });
    const [run] = await finishedRuns(admin, wf.id, 1, 5000);
    await admin.post(`${API}/workflows/${wf.id}/disable`);
    expect(String((run!.steps[0]!.input as { text: string }).text)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
  });
});

describe("the workflows directory", () => {
  it("applies files for existing teams at activation and skips the others", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sitrep-wf-dir-"));
    fs.writeFileSync(
      path.join(dir, "good.yaml"),
      yaml({
        name: "From a file",
        trigger: "  type: message_posted\n  where: {contains: from-file}",
        steps: "  - action: post_message\n    with: {channel: town, message: hi}",
      }),
    );
    fs.writeFileSync(
      path.join(dir, "no-team.yaml"),
      yaml({
        name: "Lost",
        trigger: "  type: message_posted",
        steps: "  - action: post_message\n    with: {channel: town, message: hi}",
      }).replace(`team: ${team.name}`, "team: no-such-team"),
    );
    setWorkflowsDir(server, dir);
    const disable = await admin.post("/api/v4/plugins/workflow/disable");
    expect(disable.status).toBe(200);
    const enable = await admin.post("/api/v4/plugins/workflow/enable");
    expect(enable.status).toBe(200);
    const list = await eventually(async () => {
      const res = await admin.get(`${API}/workflows?team_id=${team.id}`);
      return res.status === 200 ? (res.body as Array<{ name: string; version: number }>) : undefined;
    });
    expect(list.find((w) => w.name === "From a file")).toMatchObject({ version: 1 });
    expect(list.find((w) => w.name === "Lost")).toBeUndefined();
  });
});

describe("deactivation", () => {
  it("lets a run in progress finish before the plugin is disabled", async () => {
    let started = false;
    let finishedAt = 0;
    const slow = server.host.automation.registerAction("test", {
      name: "test_slow",
      description: "Take a moment (tests only).",
      parameters: z.object({}),
      returns: {},
      async run() {
        started = true;
        await new Promise((resolve) => setTimeout(resolve, 300));
        finishedAt = Date.now();
        return {};
      },
    });
    try {
      const wf = await applyWorkflow(admin, {
        teamId: team.id,
        source: yaml({ name: "Slow hook", trigger: "  type: webhook", steps: "  - action: test_slow" }),
      });
      if (!wf.webhook_url) throw new Error("a webhook workflow has a webhook_url");
      expect((await server.anonymous.post(new URL(wf.webhook_url).pathname, {})).status).toBe(200);
      await eventually(() => started);
      const disable = await admin.post("/api/v4/plugins/workflow/disable");
      const disabledAt = Date.now();
      expect(disable.status).toBe(200);
      expect(finishedAt).toBeGreaterThan(0);
      expect(finishedAt).toBeLessThanOrEqual(disabledAt);
      expect((await admin.post("/api/v4/plugins/workflow/enable")).status).toBe(200);
      const [run] = await finishedRuns(admin, wf.id);
      expect(run).toMatchObject({ status: "succeeded", error: "" });
    } finally {
      slow.dispose();
    }
  });
});
