/**
 * @module bench/loadtest/workspace
 * The workspace a load test runs on, made before the measured run by an
 * in-process server on the same data (SQLite file or PostgreSQL schema) that
 * the server processes open afterwards: users and their sessions written in
 * bulk (no argon2 check per user: Mattermost's load test logs its users in
 * outside the measured window, for the same reason), one team, public
 * channels of about {@link MODEL}.workspace.membersPerChannel members, a
 * history of posts and threads in each, and the active incidents with their
 * responders and the forwarding rules on the busiest channels.
 */
import { z } from "zod";
import { newId } from "#common/ids.ts";
import type { Channel } from "#common/wire.ts";
import { incidentAnswerSchema } from "../../plugins/incident/common/types.ts";
import type { RunningServer } from "../../server/server.ts";
import { channelCreator } from "../../server/services/channels.ts";
import { postCreator } from "../../server/services/posts.ts";
import { teamCreator } from "../../server/services/teams.ts";
import { itemAt, seedMemberships, seedUsers } from "../support.ts";
import { MODEL } from "./model.ts";

/** A simulated user as the generator's workers get it (plain data). */
export interface SimulatedUser {
  id: string;
  username: string;
  token: string;
  /** The public channels they are a member of; the first is where they land. */
  channelIds: string[];
  /** The active incident they respond to, if any. */
  incident: { id: string; channelId: string; stages: string[]; itemIds: string[] } | null;
}

/** Everything the workers need to know of the workspace. */
export interface LoadWorkspace {
  teamId: string;
  /** In the order the ramp connects them. */
  users: SimulatedUser[];
  /** Channel id → a keyword that the forwarding rule of an incident matches there (the forwarded channels only). */
  forwardKeywords: Record<string, string[]>;
  /** Words the posts are made of, so searches find something. */
  vocabulary: string[];
}

/** Words of incident chat; posts and searches draw from them. */
const VOCABULARY = [
  "deploy",
  "rollback",
  "latency",
  "database",
  "replica",
  "failover",
  "timeout",
  "cache",
  "queue",
  "alert",
  "disk",
  "memory",
  "network",
  "certificate",
  "dns",
  "error",
  "restart",
  "canary",
  "traffic",
  "customer",
];

const STAGES = ["Triage", "Investigating", "Mitigated", "Resolved"];

/** A message of `words` words from the vocabulary. */
export function chatMessage(words: number, random: () => number = Math.random): string {
  return Array.from({ length: words }, () => itemAt(VOCABULARY, Math.floor(random() * VOCABULARY.length))).join(" ");
}

/**
 * Seed `userCount` simulated users (and one admin who made everything) on a
 * server that has the Incident plugin enabled.
 */
export async function seedLoadWorkspace(server: RunningServer, props: { userCount: number }): Promise<LoadWorkspace> {
  const { workspace, incident } = MODEL;
  const [admin, ...people] = await seedUsers(server, { count: props.userCount + 1, prefix: "lt", firstIsAdmin: true });
  if (!admin) throw new Error("no admin was seeded");
  const team = await teamCreator(server.host, {
    input: { name: `load-${newId().slice(0, 8)}`, display_name: "Load", type: "O" },
    creatorId: admin.user.id,
  });
  const channelCount = Math.max(
    incident.forwardedChannels,
    Math.ceil((props.userCount * workspace.channelsPerUser) / workspace.membersPerChannel),
  );
  const channels: Channel[] = [];
  for (let c = 0; c < channelCount; c++)
    channels.push(
      await channelCreator(server.host, {
        input: { team_id: team.id, name: `room-${c}`, display_name: `Room ${c}`, type: "O" },
        creator: admin.user,
      }),
    );
  // User i is in channelsPerUser channels spread over all of them, so every channel has about membersPerChannel members.
  const perUser = Math.min(workspace.channelsPerUser, channelCount);
  const stride = Math.max(1, Math.floor(channelCount / perUser));
  const membersOf = channels.map(() => [] as string[]);
  const channelIdsOf = people.map((person, i) => {
    const ids: string[] = [];
    for (let k = 0; k < perUser; k++) {
      const c = (i + k * stride) % channelCount;
      const channel = itemAt(channels, c);
      if (ids.includes(channel.id)) continue;
      ids.push(channel.id);
      itemAt(membersOf, c).push(person.user.id);
    }
    return ids;
  });
  await seedMemberships(server, {
    teamId: team.id,
    userIds: people.map((p) => p.user.id),
    channels: channels.map((channel, c) => ({ channelId: channel.id, userIds: itemAt(membersOf, c) })),
  });

  const byId = new Map(people.map((p) => [p.user.id, p.user]));
  // A history in every channel: posts by its members, every few a thread root with a reply.
  for (const [c, channel] of channels.entries()) {
    const members = itemAt(membersOf, c);
    let root = "";
    for (let n = 0; n < workspace.seedPostsPerChannel; n++) {
      const author = byId.get(members[n % Math.max(1, members.length)] ?? "") ?? admin.user;
      const reply = n % workspace.seedThreadEvery === 1 && root !== "";
      const post = await postCreator(server.host, {
        input: { channel_id: channel.id, message: chatMessage(8), ...(reply ? { root_id: root } : {}) },
        author: { user: author, via: "api", trusted: true },
      });
      if (n % workspace.seedThreadEvery === 0) root = post.id;
    }
  }

  // The incidents: every 20th user (5 %) responds, in groups of respondersPerIncident, so the share holds at any ramp step.
  const forwarded = channels.slice(0, incident.forwardedChannels);
  const forwardKeywords: Record<string, string[]> = Object.fromEntries(forwarded.map((ch) => [ch.id, [] as string[]]));
  const playbook = await adminRequest(server, admin.token, "POST", "/plugins/incident/api/v1/playbooks", {
    team_id: team.id,
    source: playbookSource(forwarded.map((ch) => ch.name)),
  });
  const playbookId = z.object({ id: z.string() }).parse(playbook).id;
  const every = Math.round(1 / incident.userShare);
  const responders = people.flatMap((p, i) => (i % every === every - 1 ? [i] : []));
  const incidentOf = new Map<number, SimulatedUser["incident"]>();
  for (let g = 0; g < responders.length; g += incident.respondersPerIncident) {
    const group = responders.slice(g, g + incident.respondersPerIncident);
    const service = `svc${g / incident.respondersPerIncident}`;
    const [commander, ...invitees] = group.map((i) => itemAt(people, i).user.id);
    const started = incidentAnswerSchema.parse(
      await adminRequest(server, admin.token, "POST", "/plugins/incident/api/v1/incidents", {
        name: `Outage ${service}`,
        team_id: team.id,
        playbook_id: playbookId,
        fields: { service },
        commander_user_id: commander,
        invite: invitees,
      }),
    );
    const keywordChannel = itemAt(forwarded, (g / incident.respondersPerIncident) % forwarded.length);
    forwardKeywords[keywordChannel.id]?.push(service);
    const state = { id: started.id, channelId: started.channel_id, stages: STAGES, itemIds: started.checklist.map((item) => item.id) };
    for (const i of group) incidentOf.set(i, state);
  }
  return {
    teamId: team.id,
    users: people.map((p, i) => ({
      id: p.user.id,
      username: p.user.username,
      token: p.token,
      channelIds: itemAt(channelIdsOf, i),
      incident: incidentOf.get(i) ?? null,
    })),
    forwardKeywords,
    vocabulary: VOCABULARY,
  };
}

/** The playbook of every load-test incident: four stages with checklists, forwarding from the busiest channels on the service's name. */
function playbookSource(forwardFrom: string[]): string {
  return [
    "name: Load outage",
    "stages:",
    ...STAGES.map((stage) => `  - name: ${stage}\n    checklist: [${stage} step one, ${stage} step two]`),
    "checklist: [Write the retrospective]",
    "fields:",
    "  service: {required: true}",
    "forwarding:",
    `  - from: [${forwardFrom.join(", ")}]`,
    '    keywords: ["{{fields.service}}"]',
    "",
  ].join("\n");
}

/** One request to the in-process server as the admin; its JSON answer, or an error with the status and body. */
async function adminRequest(server: RunningServer, token: string, method: string, urlPath: string, body: unknown): Promise<unknown> {
  const res = await fetch(server.url + urlPath, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${urlPath}: ${res.status} ${text}`);
  return JSON.parse(text);
}
