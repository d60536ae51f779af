/**
 * Forwarding reads public channels only: a direct or group message that
 * meets an every-channel rule is never copied into an incident, while the
 * same words in a public channel are.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { channelSchema } from "#common/wire-schemas.ts";
import type { User } from "#common/wire.ts";
import { channelPosts, withIdSchema, type TestClient, type TestServer } from "#testing";
import { FORWARDED_POST_TYPE } from "../../common/forwarded-post.ts";
import { API, startIncident, startIncidentServer } from "../test-server.ts";

type Client = TestClient & { user: User };

let server: TestServer;
let admin: Client;
let alice: Client;
let bob: Client;

beforeAll(async () => {
  server = await startIncidentServer();
  admin = await server.admin();
  [alice, bob] = [await server.createUser(), await server.createUser()];
});
afterAll(async () => {
  await server?.close();
});

it("never copies a direct or group message, even under a rule for every channel", async () => {
  const team = await server.createTeam(admin);
  const alerts = await server.createChannel(admin, { teamId: team.id, name: "alerts" });
  for (const u of [alice, bob]) await server.addToChannel(admin, { channel: alerts, user: u.user });
  const source = ["name: Outage", "forwarding:", '  - {from: "*", keywords: [db-prod]}'].join("\n");
  const playbook = await admin.post(`${API}/playbooks`, { team_id: team.id, source }, withIdSchema);
  expect([200, 201]).toContain(playbook.status);
  const incident = await startIncident(admin, { name: "DB down", team_id: team.id, playbook_id: playbook.body.id });

  const dm = await alice.post("/api/v4/channels/direct", [alice.user.id, bob.user.id], channelSchema);
  const gm = await alice.post("/api/v4/channels/group", [bob.user.id, admin.user.id], channelSchema);
  expect([dm.status, gm.status]).toEqual([201, 201]);
  await server.createPost(alice, { channelId: dm.body.id, message: "private: db-prod is down, my password is hunter2" });
  await server.createPost(alice, { channelId: gm.body.id, message: "group: db-prod is down too" });
  await server.createPost(alice, { channelId: alerts.id, message: "public: db-prod is down" });
  await server.host.hooks.idle();

  const copies = (await channelPosts(admin, incident.channel_id)).filter((post) => post.type === FORWARDED_POST_TYPE);
  expect(copies.map((copy) => copy.props.excerpt)).toEqual(["public: db-prod is down"]);
});
