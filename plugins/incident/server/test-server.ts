/**
 * @module incident/server/test-server
 * For the plugin's tests: a real test server with the Incident plugin built
 * by the real build script and installed as a prepackaged bundle (the test
 * kit's `startServerWithPlugins`), plus small helpers for its API and slash commands.
 */
import type { Channel, Team, User } from "#common/wire.ts";
import { newId } from "#common/ids.ts";
import {
  expectBody,
  oldTeamWithChannels,
  startServerWithPlugins,
  type ManualClock,
  type OldWorkspace,
  type TestClient,
  type TestServer,
} from "#testing";
import type { IncidentTables } from "./store.ts";
import { z } from "zod";
import { channelMemberSchema } from "#common/wire-schemas.ts";
import {
  incidentAnswerSchema,
  timelineAnswerSchema,
  type CreateIncidentRequest,
  type Incident,
  type TimelineEntry,
} from "../common/types.ts";

/**
 * A test server with the Incident plugin built and enabled. `playbooksDir`
 * becomes the plugin's `ctx.directories.playbooks` (the harness's override;
 * without it, a directory that does not exist); `clock` the host's clock.
 */
export function startIncidentServer(props: { playbooksDir?: string; clock?: ManualClock } = {}): Promise<TestServer> {
  return startServerWithPlugins(["incident"], {
    ...(props.playbooksDir ? { pluginDirectories: { incident: { playbooks: props.playbooksDir } } } : {}),
    ...(props.clock ? { clock: props.clock } : {}),
  });
}

export const API = "/plugins/incident/api/v1";

/** Run a slash command in a channel. */
export function slash(client: TestClient, props: { channel: Channel; command: string }) {
  return client.post("/api/v4/commands/execute", { channel_id: props.channel.id, team_id: props.channel.team_id, command: props.command });
}

/** Start an incident through the API; throws unless 201. */
export async function startIncident(client: TestClient, body: CreateIncidentRequest): Promise<Incident> {
  const res = await client.post(`${API}/incidents`, body);
  if (res.status !== 201) throw new Error(`start: ${res.status} ${JSON.stringify(res.body)}`);
  return expectBody(res, incidentAnswerSchema);
}

/** A team with a member, made by the admin. */
export async function teamWithMembers(
  server: TestServer,
  count: number,
): Promise<{ team: Team; town: Channel; users: Array<TestClient & { user: User }> }> {
  const admin = await server.admin();
  const team = await server.createTeam(admin);
  const town = await server.createChannel(admin, { teamId: team.id });
  const users = [];
  for (let i = 0; i < count; i++) {
    const user = await server.createUser();
    await server.addToChannel(admin, { channel: town, user: user.user });
    users.push(user);
  }
  return { team, town, users };
}

/** Apply a playbook to a team; throws unless 200/201. Returns its id. */
export async function applyPlaybook(client: TestClient, props: { teamId: string; source: string }): Promise<string> {
  const res = await client.post(`${API}/playbooks`, { team_id: props.teamId, source: props.source });
  if (res.status !== 201 && res.status !== 200) throw new Error(`playbook: ${res.status} ${JSON.stringify(res.body)}`);
  return expectBody(res, z.looseObject({ id: z.string() })).id;
}

/** The user's `mention_count` in a channel, as Mattermost's `getMyChannelMembers` reads it. */
export async function mentionCount(client: TestClient, props: { teamId: string; channelId: string }): Promise<number> {
  const res = await client.get(`/api/v4/users/me/teams/${props.teamId}/channels/members`, z.array(channelMemberSchema));
  return res.body.find((m) => m.channel_id === props.channelId)?.mention_count ?? 0;
}

/** An incident's timeline; throws unless 200. */
export async function timelineOf(client: TestClient, incidentId: string): Promise<TimelineEntry[]> {
  const res = await client.get(`${API}/incidents/${incidentId}/timeline`);
  if (res.status !== 200) throw new Error(`timeline: ${res.status} ${JSON.stringify(res.body)}`);
  return expectBody(res, timelineAnswerSchema).items;
}

/**
 * An incident as an earlier version left it in an old workspace (migration
 * tests, with the columns of migrations up to 0005): its team, its public
 * channel `db-down`, the incident "DB down" (`ended` 90 s after `now`, or
 * `active`), and its timeline of `incident_started` (and `incident_ended`).
 */
export async function oldIncident(
  old: OldWorkspace,
  props: { now: number; status: "active" | "ended" },
): Promise<{ team: { id: string; name: string }; channelId: string; incidentId: string }> {
  const { now } = props;
  const {
    team,
    channelIds: [channelId = ""],
  } = await oldTeamWithChannels(old.db, { at: now, channels: ["db-down"] });
  // The incident row as 0005 left it: without the columns of later migrations.
  const db = old.db.withTables<{
    incident_incidents: Omit<IncidentTables["incident_incidents"], "archive_on_end">;
    incident_timeline: IncidentTables["incident_timeline"];
  }>();
  const incidentId = newId();
  const ended = props.status === "ended";
  await db
    .insertInto("incident_incidents")
    .values({
      id: incidentId,
      team_id: team.id,
      channel_id: channelId,
      channel_name: "db-down",
      name: "DB down",
      seq: 1,
      commander_user_id: "",
      playbook_id: "",
      playbook_version: 0,
      playbook_name: "",
      fields: "{}",
      stages: JSON.stringify(["Triage", "Resolved"]),
      current_stage: ended ? "Resolved" : "Triage",
      forwarding: "[]",
      status: props.status,
      private: 0,
      create_at: now,
      update_at: now,
      end_at: ended ? now + 90_000 : 0,
      severity: "SEV2",
      severities: JSON.stringify(["SEV1", "SEV2", "SEV3", "SEV4"]),
      roles: "{}",
      broadcast: "[]",
      update_every_ms: 0,
      last_status_update_at: 0,
      reminded_due_at: 0,
      drill: 0,
      channel_created: 1,
      item_seq: 0,
    })
    .execute();
  const entry = (type: "incident_started" | "incident_ended", at: number) => ({
    id: newId(),
    incident_id: incidentId,
    type,
    create_at: at,
    actor_user_id: "",
    summary: type,
    post_id: "",
    details: "{}",
  });
  await db
    .insertInto("incident_timeline")
    .values(ended ? [entry("incident_started", now), entry("incident_ended", now + 90_000)] : [entry("incident_started", now)])
    .execute();
  return { team, channelId, incidentId };
}
