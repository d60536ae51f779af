/**
 * Workflow-started incidents have a human (issue 12, defect 7): `start_incident`
 * takes a commander (default: the person whose post triggered the run), invitees
 * and a readable channel template; what a workflow does for a person is credited
 * "@person via workflow X"; and the person who triggered a failing run is told
 * why, in an ephemeral post. Fails on 00a17c0 (the bot commanded, alone, and the
 * person heard nothing).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Channel, Team, User } from "#common/wire.ts";
import { channelMemberSchema, channelSchema, postSchema, userSchema } from "#common/wire-schemas.ts";
import { channelPosts, TestSocket, type TestClient, type TestServer } from "#testing";
import { applyWorkflow, finishedRuns, startWorkflowServer } from "./test-server.ts";

const INCIDENT_API = "/plugins/incident/api/v1";
const incidentSchema = z.looseObject({ id: z.string(), name: z.string(), channel_id: z.string(), commander_user_id: z.string() });

let server: TestServer;
let admin: TestClient & { user: User };
let carol: TestClient & { user: User };
let bob: TestClient & { user: User };
let team: Team;
let alerts: Channel;

beforeAll(async () => {
  server = await startWorkflowServer({ incident: true });
  admin = await server.admin();
  team = await server.createTeam(admin);
  alerts = await server.createChannel(admin, { teamId: team.id, name: "alerts" });
  carol = await server.createUser();
  bob = await server.createUser();
  const bot = (await admin.get("/api/v4/users/username/workflow-bot", userSchema)).body;
  for (const user of [carol.user, bob.user, bot]) await server.addToChannel(admin, { channel: alerts, user });
});
afterAll(async () => server?.close());

const workflow = (props: { name: string; word: string; with: string }) => `name: ${props.name}
run_as: workflow-bot
trigger:
  type: message_posted
  where: {channel: alerts, contains: ${props.word}}
steps:
  - action: start_incident
    with: ${props.with}
`;

describe("start_incident from a workflow", () => {
  it("is commanded by the person who posted, invites the invitees, takes a readable channel name and credits the person", async () => {
    const applied = await applyWorkflow(admin, {
      teamId: team.id,
      source: workflow({
        name: "Page-worthy",
        word: "PAGE1",
        with: `{name: "Checkout down", channel_template: "page-{date}-{seq}", invitees: [${bob.user.username}]}`,
      }),
    });
    await server.createPost(carol, { channelId: alerts.id, message: "PAGE1 checkout is down" });
    const [run] = await finishedRuns(admin, applied.id);
    expect(run).toMatchObject({ status: "succeeded", error: "" });
    const list = await admin.get(`${INCIDENT_API}/incidents?team_id=${team.id}`, z.object({ items: z.array(incidentSchema) }));
    const incident = list.body.items.find((i) => i.name === "Checkout down");
    expect(incident?.commander_user_id).toBe(carol.user.id);
    const channel = (await admin.get(`/api/v4/channels/${incident?.channel_id ?? ""}`, channelSchema)).body;
    expect(channel.name).toMatch(/^page-\d{4}-\d{2}-\d{2}-1$/);
    const members = (await admin.get(`/api/v4/channels/${channel.id}/members`, z.array(channelMemberSchema))).body.map((m) => m.user_id);
    expect(members).toEqual(expect.arrayContaining([carol.user.id, bob.user.id]));
    // The channel's first post from a person or bot: the members' "joined the channel" system posts aside.
    const [opening] = (await channelPosts(admin, channel.id)).filter((p) => !p.type.startsWith("system_"));
    expect(opening?.message).toMatch(
      new RegExp(`^@${carol.user.username} via workflow "Page-worthy" started the incident \\*\\*Checkout down\\*\\*\\.`),
    );
  });

  it("tells the person who triggered a failing run why, in an ephemeral post where they posted", async () => {
    const applied = await applyWorkflow(admin, {
      teamId: team.id,
      source: workflow({ name: "Broken", word: "PAGE2", with: `{name: "Nope", playbook: "No such playbook"}` }),
    });
    const socket = await TestSocket.of(carol);
    try {
      await server.createPost(carol, { channelId: alerts.id, message: "PAGE2 db down" });
      const [run] = await finishedRuns(admin, applied.id);
      expect(run?.status).toBe("failed");
      const frame = await socket.waitFor("ephemeral_message");
      const post = postSchema.parse(JSON.parse(String(frame.data?.post)));
      expect(post.channel_id).toBe(alerts.id);
      expect(post.message).toBe(`Workflow "Broken" failed: ${run?.error ?? ""}`);
      expect(post.message).toMatch(/^Workflow "Broken" failed: step 1 \(start_incident\) failed: playbook: /);
    } finally {
      await socket.close();
    }
  });
});
