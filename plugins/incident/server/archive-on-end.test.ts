/**
 * A playbook's `archive_on_end: true` (issue 12, defect 9): the incident's
 * channel is archived when it ends — through the host's `ctx.channels.archive`,
 * as the one who ended it, with `channel_deleted` as the REST archive sends —
 * but never a channel the incident did not create (`--here`, `channel_id`).
 * Migration `0008_archive_on_end` keeps the incidents of a workspace made
 * before, which never archive. Fails on 4ac7e74 (the key was refused).
 */
import { afterEach, describe, expect, it } from "vitest";
import { apiErrorBodySchema, channelSchema } from "#common/wire-schemas.ts";
import { expectBody, itemAt, startServerWithPlugins, TestSocket, workspaceBefore, type TestServer } from "#testing";
import { incidentAnswerSchema } from "../common/types.ts";
import { migrations } from "./store.ts";
import { API, applyPlaybook, oldIncident, startIncident, startIncidentServer, teamWithMembers } from "./test-server.ts";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const ARCHIVING = "name: Tidy\narchive_on_end: true\nstages: [{name: Triage}, {name: Done}]\n";

describe("archive_on_end", () => {
  it("archives the channel the incident created when it ends, with channel_deleted to its members", async () => {
    server = await startIncidentServer();
    const { team, users } = await teamWithMembers(server, 2);
    const alice = itemAt(users, 0, "alice");
    const bob = itemAt(users, 1, "bob");
    const playbookId = await applyPlaybook(alice, { teamId: team.id, source: ARCHIVING });
    const incident = await startIncident(alice, { name: "Tidy up", team_id: team.id, playbook_id: playbookId, invite: [bob.user.id] });
    expect(incident).toMatchObject({ channel_created: true, archive_on_end: true });
    const socket = await TestSocket.of(bob);

    expect((await alice.post(`${API}/incidents/${incident.id}/end`)).status).toBe(200);
    const deleted = await socket.waitFor("channel_deleted");
    expect(deleted.data).toMatchObject({ channel_id: incident.channel_id });
    const channel = expectBody(await alice.get(`/api/v4/channels/${incident.channel_id}`), channelSchema);
    expect(channel.delete_at).toBeGreaterThan(0);
    // The end was posted before the archive; nothing more can be posted now.
    const post = await alice.post("/api/v4/posts", { channel_id: incident.channel_id, message: "late" });
    expect(post.status).toBe(400);
    expect(expectBody(post, apiErrorBodySchema).message).toBe("channel_id: the channel is archived; nothing can be posted in it");
    await socket.close();
  });

  it("never archives a channel the incident ran in (channel_id), and the playbook key is validated", async () => {
    server = await startIncidentServer();
    const { team, users } = await teamWithMembers(server, 1);
    const alice = itemAt(users, 0, "alice");
    const playbookId = await applyPlaybook(alice, { teamId: team.id, source: ARCHIVING });
    const ops = await server.createChannel(alice, { teamId: team.id });
    const incident = await startIncident(alice, { name: "In place", team_id: team.id, channel_id: ops.id, playbook_id: playbookId });
    expect(incident).toMatchObject({ channel_created: false, archive_on_end: false });
    expect((await alice.post(`${API}/incidents/${incident.id}/end`)).status).toBe(200);
    expect(expectBody(await alice.get(`/api/v4/channels/${ops.id}`), channelSchema).delete_at).toBe(0);

    const bad = await alice.post(`${API}/playbooks`, { team_id: team.id, source: "name: Bad\narchive_on_end: yes please\n" });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(expectBody(bad, apiErrorBodySchema).details)).toContain("must be true or false");
  });
});

describe("migration 0008_archive_on_end", () => {
  it("opens a store made before it: its incidents keep their rows and never archive", async () => {
    const old = await workspaceBefore("~", { pluginId: "incident", migrations, before: "0008" });
    const now = Date.UTC(2029, 5, 1);
    const { channelId, incidentId } = await oldIncident(old, { now, status: "active" });

    server = await startServerWithPlugins(["incident"], await old.release());
    const admin = await server.admin();
    const read = expectBody(await admin.get(`${API}/incidents/${incidentId}`), incidentAnswerSchema);
    expect(read).toMatchObject({ name: "DB down", channel_id: channelId, status: "active", channel_created: true, archive_on_end: false });
    expect((await admin.post(`${API}/incidents/${incidentId}/end`)).status).toBe(200);
    expect(expectBody(await admin.get(`/api/v4/channels/${channelId}`), channelSchema).delete_at).toBe(0);
  }, 90_000);
});
