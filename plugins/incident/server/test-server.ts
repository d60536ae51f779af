/**
 * @module incident/server/test-server
 * For the plugin's tests: a real test server with the Incident plugin built
 * by the real build script and installed as a prepackaged bundle, plus small
 * helpers for its API and slash commands.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildPlugin } from "../../../scripts/build-plugin.mjs";
import type { Channel, Post, Team } from "#common/wire.ts";
import { startTestServer, type TestClient, type TestServer } from "#testing";
import type { Incident } from "../common/types.ts";

const pluginDir = path.resolve(import.meta.dirname, "..");

let built: Promise<string> | undefined;
/** A directory holding `incident.tar.gz`, built once per test process. */
function bundleDir(): Promise<string> {
  built ??= (async () => {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "sitrep-incident-build-"));
    await buildPlugin({ dir: pluginDir, outDir });
    return outDir;
  })();
  return built;
}

/**
 * A test server with the Incident plugin enabled. `playbooksDir` becomes the
 * plugin's `ctx.directories.playbooks` (the harness's override; without it, a
 * directory that does not exist).
 */
export async function startIncidentServer(props: { playbooksDir?: string } = {}): Promise<TestServer> {
  const server = await startTestServer({
    prepackagedPluginsDir: await bundleDir(),
    ...(props.playbooksDir ? { pluginDirectories: { incident: { playbooks: props.playbooksDir } } } : {}),
  });
  const admin = await server.admin();
  const list = await admin.get("/api/v4/plugins");
  if (!list.body.active?.some((p: { id: string }) => p.id === "incident"))
    throw new Error(`incident plugin not active: ${JSON.stringify(list.body)}`);
  return server;
}

export const API = "/plugins/incident/api/v1";

/** Run a slash command in a channel. */
export function slash(client: TestClient, props: { channel: Channel; command: string }) {
  return client.post("/api/v4/commands/execute", { channel_id: props.channel.id, team_id: props.channel.team_id, command: props.command });
}

/** Start an incident through the API; throws unless 201. */
export async function startIncident(
  client: TestClient,
  body: { name: string; team_id: string; channel_name?: string; playbook_id?: string; private?: boolean; fields?: Record<string, string> },
): Promise<Incident> {
  const res = await client.post(`${API}/incidents`, body);
  if (res.status !== 201) throw new Error(`start: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Incident;
}

/** The channel's posts, oldest first. */
export async function channelPosts(client: TestClient, channelId: string): Promise<Post[]> {
  const res = await client.get(`/api/v4/channels/${channelId}/posts?per_page=200`);
  if (res.status !== 200) throw new Error(`posts: ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body.order as string[]).map((id) => res.body.posts[id] as Post).reverse();
}

/** A team with a member, made by the admin. */
export async function teamWithMembers(
  server: TestServer,
  count: number,
): Promise<{ team: Team; town: Channel; users: Array<TestClient & { user: import("#common/wire.ts").User }> }> {
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
