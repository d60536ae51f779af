/**
 * An adversarial review of the Incident plugin, written as tests: a team
 * member who is not in a private incident's channel tries every route, slash
 * command and realtime event that could show the incident; someone outside
 * the team tries the public one; forwarding never copies a private channel's
 * posts, whoever posts them and however.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { apiErrorBodySchema, commandResponseSchema, openDialogEventDataSchema } from "#common/wire-schemas.ts";
import { incidentAnswerSchema } from "../common/types.ts";
import type { Channel, Post, Team, User } from "#common/wire.ts";
import type { TestClient, TestServer } from "#testing";
import { FORWARDED_POST_TYPE } from "../common/forwarded-post.ts";
import type { Incident } from "../common/types.ts";
import { API, slash, startIncident, startIncidentServer } from "./test-server.ts";
import { channelPosts, eventually, expectBody, incomingHookSchema, pageOf, TestSocket, withIdSchema } from "#testing";

type Client = TestClient & { user: User };

let server: TestServer;
let admin: Client;
/** Insider: commander of the private incident. Outsider: on the team, not in its channel. Stranger: not on the team. */
let insider: Client;
let deputy: Client;
let outsider: Client;
let stranger: Client;
let team: Team;
let town: Channel;
let secret: Incident;
let open: Incident;

const missing = (id: string) => `incident: no incident with id ${id}`;

beforeAll(async () => {
  server = await startIncidentServer();
  admin = await server.admin();
  [insider, deputy, outsider, stranger] = [
    await server.createUser(),
    await server.createUser(),
    await server.createUser(),
    await server.createUser(),
  ];
  team = await server.createTeam(admin);
  town = await server.createChannel(admin, { teamId: team.id, name: "town" });
  for (const u of [insider, deputy, outsider]) await server.addToChannel(admin, { channel: town, user: u.user });
  secret = await startIncident(insider, { name: "Acquisition leak", team_id: team.id, channel_name: "acq-leak", private: true });
  await slash(insider, { channel: { ...town, id: secret.channel_id }, command: `/incident commander @${deputy.user.username}` });
  await slash(deputy, { channel: { ...town, id: secret.channel_id }, command: `/incident commander @${insider.user.username}` });
  open = await startIncident(insider, { name: "Public outage", team_id: team.id, channel_name: "public-outage" });
});

afterAll(async () => {
  await server?.close();
});

describe("a private incident, seen by a team member who is not in its channel", () => {
  it("is in no list: by team, status, commander or channel", async () => {
    const queries = [
      `team_id=${team.id}`,
      `team_id=${team.id}&status=active`,
      `team_id=${team.id}&status=ended`,
      `team_id=${team.id}&status=all`,
      `commander_user_id=${insider.user.id}`,
      `commander_user_id=${insider.user.id}&status=active`,
      `channel_id=${secret.channel_id}`,
      "",
    ];
    for (const query of queries) {
      const res = await outsider.get(`${API}/incidents?${query}`);
      expect(res.status, query).toBe(200);
      expect(JSON.stringify(res.body), query).not.toContain(secret.id);
      expect(JSON.stringify(res.body), query).not.toContain("Acquisition");
      expect(expectBody(res, pageOf(z.unknown())).total_count, query).toBe(expectBody(res, pageOf(z.unknown())).items.length);
    }
    const all = await outsider.get(`${API}/incidents?team_id=${team.id}`, pageOf(incidentAnswerSchema));
    expect(all.body.items.map((i: Incident) => i.id)).toEqual([open.id]);
    // The insider and the admin do see it.
    const mine = await insider.get(`${API}/incidents?team_id=${team.id}`, pageOf(incidentAnswerSchema));
    expect(mine.body.items.map((i: Incident) => i.id)).toEqual([open.id, secret.id]);
    const admins = await admin.get(`${API}/incidents?channel_id=${secret.channel_id}`, pageOf(incidentAnswerSchema));
    expect(admins.body.items.map((i: Incident) => i.id)).toEqual([secret.id]);
  });

  it("answers 404, never 403, to every route by id — as for an id that does not exist", async () => {
    const item = secret.checklist[0]?.id ?? "a".repeat(26);
    const ghost = "z".repeat(26);
    const attempts: Array<[string, string, unknown?]> = [
      ["GET", ""],
      ["PATCH", "", {}],
      ["PATCH", "", { current_stage: "Investigating" }],
      ["PATCH", "", { commander_user_id: outsider.user.id }],
      ["POST", "/end"],
      ["POST", "/checklist", { title: "exfiltrate" }],
      ["PUT", `/checklist/${item}`, { checked: true }],
      ["DELETE", `/checklist/${item}`],
    ];
    for (const [method, suffix, body] of attempts) {
      const res = await outsider.request(method, `${API}/incidents/${secret.id}${suffix}`, body, {}, apiErrorBodySchema);
      expect(res.status, `${method} ${suffix}`).toBe(404);
      expect(res.body).toMatchObject({ id: "incident.not_found", message: missing(secret.id), status_code: 404 });
      const none = await outsider.request(method, `${API}/incidents/${ghost}${suffix}`, body, {}, apiErrorBodySchema);
      expect(none.status, `${method} ${suffix} (ghost)`).toBe(404);
      expect(none.body.message).toBe(missing(ghost));
    }
    // Nothing changed.
    const now = await insider.get(`${API}/incidents/${secret.id}`, incidentAnswerSchema);
    expect(now.body).toMatchObject({ status: "active", current_stage: secret.current_stage, commander_user_id: insider.user.id });
    expect(now.body.checklist).toEqual(secret.checklist);
  });

  it("is not reachable by slash command from outside its channel", async () => {
    const channel = { ...town, id: secret.channel_id };
    for (const command of [
      "/incident info",
      "/incident end",
      "/incident stage next",
      "/incident add x",
      "/incident check 1",
      "/incident commander @" + outsider.user.username,
    ]) {
      const res = await slash(outsider, { channel, command });
      expect(res.status, command).toBe(404);
      expect(expectBody(res, apiErrorBodySchema).message).toBe("channel not found, or you do not have access to it");
    }
    const list = await slash(outsider, { channel: town, command: "/incident list" });
    expect(list.status).toBe(200);
    expect(expectBody(list, commandResponseSchema).text).toContain("Public outage");
    expect(expectBody(list, commandResponseSchema).text).not.toContain("Acquisition");
    // In a channel that is not an incident's, the in-channel commands say so and touch nothing.
    const info = await slash(outsider, { channel: town, command: "/incident info" });
    expect(info.status).toBe(400);
    expect(expectBody(info, apiErrorBodySchema).message).toBe(
      "/incident info must be run in an incident channel; use /incident list to find one.",
    );
  });

  it("shows none of its channel's update posts", async () => {
    const res = await outsider.get(`/api/v4/channels/${secret.channel_id}/posts`);
    expect(res.status).toBe(404);
    const posts = await channelPosts(insider, secret.channel_id);
    const first = posts.find((p) => p.props.incident_id === secret.id)!;
    const one = await outsider.get(`/api/v4/posts/${first.id}`);
    expect(one.status).toBe(404);
  });

  it("stays private whatever the API says when its playbook is private", async () => {
    const pb = await insider.post(
      `${API}/playbooks`,
      { team_id: team.id, source: "name: Legal\nchannel:\n  private: true\n" },
      withIdSchema,
    );
    expect(pb.status).toBe(201);
    const started = await startIncident(insider, { name: "Subpoena", team_id: team.id, playbook_id: pb.body.id, private: false });
    expect(started.private).toBe(true);
    expect((await outsider.get(`${API}/incidents/${started.id}`)).status).toBe(404);
    expect((await outsider.get(`/api/v4/channels/${started.channel_id}`)).status).toBe(404);
  });
});

describe("a public incident", () => {
  it("is seen by the team, changed only by its channel's members, and unseen outside the team", async () => {
    const seen = await outsider.get(`${API}/incidents/${open.id}`);
    expect(seen.status).toBe(200);
    const change = await outsider.patch(`${API}/incidents/${open.id}`, { current_stage: "Investigating" });
    expect(change.status).toBe(403);
    expect(change.body).toMatchObject({
      id: "incident.not_member",
      message: `You must be a member of ~${open.channel_name} to change the incident "Public outage"; join the channel first.`,
    });
    const end = await outsider.post(`${API}/incidents/${open.id}/end`);
    expect(end.status).toBe(403);
    for (const path of [`${API}/incidents/${open.id}`, `${API}/incidents?team_id=${team.id}`]) {
      const res = await stranger.get(path);
      expect(JSON.stringify(res.body), path).not.toContain("Public outage");
    }
    expect((await stranger.get(`${API}/incidents/${open.id}`)).status).toBe(404);
  });

  it("cannot be handed to someone outside the team", async () => {
    const res = await insider.patch(`${API}/incidents/${open.id}`, { commander_user_id: stranger.user.id }, apiErrorBodySchema);
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(`commander_user_id: @${stranger.user.username} is not a member of the incident's team`);
    expect((await stranger.get(`/api/v4/channels/${open.channel_id}`)).status).toBe(404);
  });
});

describe("outside the team", () => {
  it("playbooks, the start dialog and starting are refused with 404 naming team_id", async () => {
    const pb = await insider.post(`${API}/playbooks`, { team_id: team.id, source: "name: Internal\n" }, withIdSchema);
    const message = `team_id: no team with id ${team.id} that you belong to`;
    for (const [method, path, body] of [
      ["GET", `${API}/playbooks?team_id=${team.id}`],
      ["POST", `${API}/playbooks`, { team_id: team.id, source: "name: Hijack\n" }],
      ["POST", `${API}/incidents`, { team_id: team.id, name: "Intrusion" }],
      ["POST", `${API}/incidents/dialog`, { team_id: team.id, channel_id: town.id }],
    ] as Array<[string, string, unknown?]>) {
      const res = await stranger.request(method, path, body, {}, apiErrorBodySchema);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.message).toBe(message);
    }
    for (const method of ["GET", "DELETE"]) {
      const res = await stranger.request(method, `${API}/playbooks/${pb.body.id}`, undefined, {}, apiErrorBodySchema);
      expect(res.status).toBe(404);
      expect(res.body.message).toBe(`playbook: no playbook with id ${pb.body.id}`);
    }
  });
});

describe("realtime: the outsider's socket", () => {
  it("receives no incident event and no post of a private incident while insiders run it", async () => {
    const watcher = await TestSocket.of(outsider);
    const member = await TestSocket.of(insider);
    const hidden = await startIncident(insider, { name: "Hush-9q2 breach", team_id: team.id, private: true });
    const channel = { ...town, id: hidden.channel_id };
    for (const command of [
      "/incident stage next",
      "/incident add rotate-9q2 keys",
      "/incident check 1",
      `/incident commander @${deputy.user.username}`,
    ]) {
      expect((await slash(insider, { channel, command })).status, command).toBe(200);
    }
    await server.createPost(deputy, { channelId: hidden.channel_id, message: "hush-9q2 status" });
    expect((await deputy.post(`${API}/incidents/${hidden.id}/end`)).status).toBe(200);
    // A public incident's change after all of it: deliveries keep their order.
    expect((await insider.patch(`${API}/incidents/${open.id}`, { current_stage: "Investigating" })).status).toBe(200);
    const seesPublic = (s: TestSocket) =>
      s.frames.some(
        (f) =>
          f.event === "custom_incident_incident_updated" && (f.data?.incident as Incident | undefined)?.current_stage === "Investigating",
      );
    await eventually(() => seesPublic(watcher), { what: "the public incident's update" });
    await eventually(() => member.text().includes("hush-9q2 status"), { what: "the insider's copy" });
    expect(watcher.text()).not.toContain(hidden.id);
    expect(watcher.text()).not.toContain(hidden.channel_id);
    expect(watcher.text().toLowerCase()).not.toContain("9q2");
    // The insider's socket saw every kind: the probe works.
    const insiderEvents = new Set(member.frames.filter((f) => JSON.stringify(f).includes(hidden.id)).map((f) => f.event));
    expect([...insiderEvents].sort()).toEqual([
      "custom_incident_incident_created",
      "custom_incident_incident_ended",
      "custom_incident_incident_updated",
      "custom_incident_timeline_entry_added",
      "posted",
    ]);
    watcher.ws.close();
    member.ws.close();
  });
});

describe("forwarding and private channels", () => {
  it("never copies a private channel's posts — by a member, an admin or a webhook — into any incident", async () => {
    const alerts = await server.createChannel(admin, { teamId: team.id, name: "alerts" });
    const vault = await server.createChannel(admin, { teamId: team.id, name: "vault", type: "P" });
    await server.addToChannel(admin, { channel: vault, user: insider.user });
    const pb = await admin.post(
      `${API}/playbooks`,
      {
        team_id: team.id,
        source: 'name: Watch all\nforwarding:\n  - {from: "*", keywords: [db-prod]}\n  - {from: [vault], keywords: [db-prod]}\n',
      },
      withIdSchema,
    );
    expect(pb.status).toBe(201);
    // One incident the outsider may read (public), one they may not.
    const visible = await startIncident(admin, { name: "Watch public", team_id: team.id, playbook_id: pb.body.id });
    const closed = await startIncident(insider, { name: "Watch private", team_id: team.id, playbook_id: pb.body.id, private: true });
    const hook = await insider.post("/api/v4/hooks/incoming", { channel_id: vault.id, display_name: "vault-alerts" }, incomingHookSchema);
    await server.createPost(insider, { channelId: vault.id, message: "db-prod vault password hunter2" });
    await server.createPost(admin, { channelId: vault.id, message: "db-prod admin note hunter2" });
    expect((await server.anonymous.post(`/hooks/${hook.body.id}`, { text: "db-prod webhook hunter2" })).status).toBe(200);
    // A hook on a public channel cannot be pointed at the vault by its payload either.
    const publicHook = await outsider.post(
      "/api/v4/hooks/incoming",
      { channel_id: town.id, display_name: "town-alerts" },
      incomingHookSchema,
    );
    expect(
      (await server.anonymous.post(`/hooks/${publicHook.body.id}`, { text: "db-prod via override hunter2", channel: "vault" })).status,
    ).toBe(404);
    await server.createPost(admin, { channelId: alerts.id, message: "db-prod public alert" });
    await server.host.hooks.idle();
    for (const incident of [visible, closed]) {
      const copies = (await channelPosts(admin, incident.channel_id)).filter((p: Post) => p.type === FORWARDED_POST_TYPE);
      expect(
        copies.map((p) => p.props.source_channel_name),
        incident.name,
      ).toEqual(["alerts"]);
      expect(JSON.stringify(copies)).not.toContain("hunter2");
    }
  });
});

describe("the start dialog", () => {
  it("goes to its user only, and only that user may submit it", async () => {
    const mine = await TestSocket.of(insider);
    const watcher = await TestSocket.of(outsider);
    expect((await insider.post(`${API}/incidents/dialog`, { team_id: team.id, channel_id: secret.channel_id })).status).toBe(200);
    const callbackId = openDialogEventDataSchema.parse((await mine.waitFor("open_dialog")).data).dialog.callback_id;
    const submit = (client: Client, name: string) =>
      client.post("/api/v4/actions/dialogs/submit", {
        callback_id: callbackId,
        submission: { name, playbook: "none" },
        channel_id: secret.channel_id,
        team_id: team.id,
      });
    const stolen = await submit(outsider, "Hijacked");
    expect(stolen.status).toBe(403);
    expect(expectBody(stolen, apiErrorBodySchema).message).toBe("This dialog was opened for another user.");
    await server.createPost(insider, { channelId: town.id, message: "dialog-marker" });
    await eventually(() => watcher.text().includes("dialog-marker"), { what: "the marker" });
    expect(watcher.frames.some((f) => f.event === "open_dialog")).toBe(false);
    expect((await submit(insider, "Dialog started")).status).toBe(200);
    const names = (await admin.get(`${API}/incidents?team_id=${team.id}`, pageOf(incidentAnswerSchema))).body.items.map((i) => i.name);
    expect(names).toContain("Dialog started");
    expect(names).not.toContain("Hijacked");
    await mine.close();
    await watcher.close();
  });
});

describe("a member removed from a private incident's channel", () => {
  it("no longer sees it in the list, by id, or over the WebSocket", async () => {
    const incident = await startIncident(insider, { name: "Shortlist-4m", team_id: team.id, private: true });
    const channel = { ...town, id: incident.channel_id };
    expect((await slash(insider, { channel, command: `/incident commander @${deputy.user.username}` })).status).toBe(200);
    expect((await slash(deputy, { channel, command: `/incident commander @${insider.user.username}` })).status).toBe(200);
    expect((await deputy.get(`${API}/incidents/${incident.id}`)).status).toBe(200);
    // There is no API to remove a member yet: remove the row as an admin tool would, and drop the cached member list everywhere.
    await server.host.db
      .deleteFrom("channel_members")
      .where("channel_id", "=", incident.channel_id)
      .where("user_id", "=", deputy.user.id)
      .execute();
    server.host.caches.invalidate({ kind: "members", channelId: incident.channel_id });
    const socket = await TestSocket.of(deputy);
    const list = await deputy.get(`${API}/incidents?team_id=${team.id}&status=all`, pageOf(incidentAnswerSchema));
    expect(list.body.items.map((i: Incident) => i.id)).not.toContain(incident.id);
    const one = await deputy.get(`${API}/incidents/${incident.id}`);
    expect(one.status).toBe(404);
    expect((await slash(deputy, { channel, command: "/incident info" })).status).toBe(404);
    expect((await slash(insider, { channel, command: "/incident stage next" })).status).toBe(200);
    await server.createPost(insider, { channelId: town.id, message: "removal-marker" });
    await eventually(() => socket.text().includes("removal-marker"), { what: "the marker" });
    expect(socket.text()).not.toContain(incident.id);
    await socket.close();
  });
});
