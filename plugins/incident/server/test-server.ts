/**
 * @module incident/server/test-server
 * For the plugin's tests: a real test server with the Incident plugin built
 * by the real build script and installed as a prepackaged bundle (the test
 * kit's `startServerWithPlugins`), plus small helpers for its API and slash commands.
 */
import type { Channel, Team, User } from "#common/wire.ts";
import { expectBody, startServerWithPlugins, type ManualClock, type TestClient, type TestServer } from "#testing";
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
