import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Channel, Team } from "#common/wire.ts";
import { uniqueName, type TestClient, type TestServer } from "#testing";
import { applyWorkflow, finishedRuns, startWorkflowServer } from "./test-server.ts";

// An action's zod schema is enforced by the registry for every caller: a direct
// runAction, a workflow run (whose own checks only know the catalog's types) and
// previewAction. `code` passes the catalog's "string" check but not the schema.
let server: TestServer;
let admin: TestClient;
let team: Team;
let alerts: Channel;
const ran: unknown[] = [];

beforeAll(async () => {
  server = await startWorkflowServer();
  admin = await server.admin();
  team = await server.createTeam(admin);
  alerts = await server.createChannel(admin, { teamId: team.id, name: uniqueName("alerts") });
  server.host.automation.registerAction("test", {
    name: "test_deploy",
    description: "Deploy a service (tests only).",
    parameters: z.object({
      code: z
        .string()
        .regex(/^[A-Z]+$/, "must be capital letters")
        .describe("Service code."),
      replicas: z.number().int().min(1).optional().describe("How many."),
    }),
    returns: { code: { type: "string", description: "The code." } },
    async run({ params }) {
      ran.push(params);
      return { code: params.code };
    },
    preview: ({ params }) => `deploy ${params.code}`,
  });
});
afterAll(async () => server.close());

describe("action parameters", () => {
  const input = (params: Record<string, unknown>) => ({ params, actorId: admin.user?.id ?? "", teamId: team.id });

  it("are described in the catalog from the zod schema", () => {
    const action = server.host.automation.catalog().actions.find((a) => a.name === "test_deploy");
    expect(action?.parameters).toEqual({
      code: { type: "string", description: "Service code.", required: true },
      replicas: { type: "number", description: "How many." },
    });
  });

  it("refuses bad params of a direct runAction with a 400 naming the field, before run", async () => {
    await expect(server.host.automation.runAction("test_deploy", { ...input({ code: "api" }), depth: 0 })).rejects.toMatchObject({
      status: 400,
      id: "automation.action.invalid_params",
      message: "code: must be capital letters",
    });
    await expect(server.host.automation.runAction("test_deploy", { ...input({ replicas: 2 }), depth: 0 })).rejects.toMatchObject({
      status: 400,
      message: "code: is required",
    });
    expect(ran).toEqual([]);
    expect(await server.host.automation.runAction("test_deploy", { ...input({ code: "API", replicas: 2 }), depth: 0 })).toEqual({
      code: "API",
    });
    expect(ran).toEqual([{ code: "API", replicas: 2 }]);
  });

  it("refuses bad params of previewAction the same way", async () => {
    await expect(server.host.automation.previewAction("test_deploy", input({ code: "api" }))).rejects.toMatchObject({
      status: 400,
      id: "automation.action.invalid_params",
      message: "code: must be capital letters",
    });
    await expect(server.host.automation.previewAction("test_deploy", input({ code: "API", replicas: 0 }))).rejects.toMatchObject({
      status: 400,
      message: "replicas: Too small: expected number to be >=1",
    });
    expect(await server.host.automation.previewAction("test_deploy", input({ code: "API" }))).toBe("deploy API");
  });

  it("fails a workflow step whose params the schema refuses, naming the field", async () => {
    ran.length = 0;
    const wf = await applyWorkflow(admin, {
      teamId: team.id,
      source: [
        "name: Bad deploy",
        `team: ${team.name}`,
        `run_as: ${admin.user?.username ?? ""}`,
        "trigger:",
        "  type: message_posted",
        `  where: {channel: ${alerts.name}, contains: deploy-now}`,
        "steps:",
        '  - action: test_deploy\n    with: {code: "{{trigger.message}}"}',
        "",
      ].join("\n"),
    });
    await server.createPost(admin, { channelId: alerts.id, message: "deploy-now" });
    const [run] = await finishedRuns(admin, wf.id);
    expect(run?.status).toBe("failed");
    expect(run?.error).toBe("step 1 (test_deploy) failed: code: must be capital letters");
    expect(ran).toEqual([]);
  });
});
