/**
 * A real bot framework against Sitrep: Hubot 3.5 with the `hubot-matteruser`
 * 5.4 adapter (and its `mattermost-client` 6.5), unchanged, configured the
 * way its README says — environment variables — and signed in as a bot
 * account with a personal access token, as Mattermost bots run. The robot
 * hears a channel message over the WebSocket, answers in the thread, sends a
 * direct message, reacts and edits; the posts are read back through the API.
 */
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { postListSchema, postSchema, reactionSchema, userSchema } from "#common/wire-schemas.ts";
import { eventually, startTestServer, type TeamSeed, type TestServer } from "#testing";

/** The part of Hubot's `Robot` this test drives (Hubot ships no types). */
interface HubotResponse {
  message: { id: string; room: string; user: { name: string } };
  reply(text: string): void;
  send(text: string): void;
}
interface HubotRobot {
  respond(pattern: RegExp, callback: (res: HubotResponse) => void): void;
  send(envelope: { room: string }, text: string): void;
  run(): void;
  shutdown(): void;
  adapter: {
    client: {
      once(event: "hello", listener: () => void): void;
      react(postId: string, emoji: string): void;
      editPost(postId: string, message: string): void;
      disconnect(): boolean;
    };
  };
}
interface HubotModule {
  Robot: new (adapterPath: string | null, adapter: string, httpd: boolean, name: string) => HubotRobot;
}

const require = createRequire(import.meta.url);

/** The adapter's settings: `mattermost-client` reads the TLS ones when it is first loaded, so they are set before Hubot loads it. */
function adapterEnvironment(server: TestServer, props: { team: string; token: string }): Record<string, string> {
  const { hostname, port } = new URL(server.url);
  return {
    MATTERMOST_HOST: hostname,
    MATTERMOST_HTTP_PORT: port,
    MATTERMOST_USE_TLS: "false",
    MATTERMOST_GROUP: props.team,
    MATTERMOST_ACCESS_TOKEN: props.token,
    HUBOT_LOG_LEVEL: "error",
  };
}

const botAnswerSchema = z.object({ user_id: z.string(), username: z.string() });
const tokenSchema = z.object({ token: z.string() });
const channelIdSchema = z.object({ id: z.string(), type: z.string() });

let server: TestServer;
let seed: TeamSeed;
let robot: HubotRobot;
let botUserId: string;
const savedEnv: Record<string, string | undefined> = {};

beforeAll(async () => {
  server = await startTestServer();
  seed = await server.seedTeam();
  const admin = await server.admin();
  const bot = await admin.post("/api/v4/bots", { username: "hubot", display_name: "Hubot" }, botAnswerSchema);
  expect(bot.status).toBe(201);
  botUserId = bot.body.user_id;
  const token = await admin.post(`/api/v4/users/${botUserId}/tokens`, { description: "hubot" }, tokenSchema);
  expect(token.status).toBe(201);
  const botUser = await admin.get(`/api/v4/users/${botUserId}`, userSchema);
  await server.addToChannel(admin, { channel: seed.pub, user: botUser.body });

  const env = adapterEnvironment(server, { team: seed.team.name, token: token.body.token });
  for (const [key, value] of Object.entries(env)) {
    savedEnv[key] = process.env[key];
    process.env[key] = value;
  }
  const hubot: HubotModule = require("hubot");
  robot = new hubot.Robot(null, "matteruser", false, "hubot");
  robot.respond(/ping$/i, (res) => {
    res.reply("pong");
    robot.send({ room: res.message.user.name }, `you asked for a pong in ${res.message.room}`);
    robot.adapter.client.react(res.message.id, "white_check_mark");
  });
  robot.respond(/status$/i, (res) => res.send("all systems nominal"));
  robot.run();
  // The adapter's client exists once it runs; its socket listens once `hello` answered the authentication challenge.
  await new Promise<void>((resolve) => robot.adapter.client.once("hello", resolve));
});

afterAll(async () => {
  robot?.adapter.client.disconnect();
  robot?.shutdown();
  for (const [key, value] of Object.entries(savedEnv)) {
    if (value === undefined) Reflect.deleteProperty(process.env, key);
    else process.env[key] = value;
  }
  await server.close();
});

describe("hubot-matteruser 5.4 on Hubot 3.5", () => {
  it("answers a respond in a channel in the thread, sends a direct message and reacts", async () => {
    const asked = await server.createPost(seed.bob, { channelId: seed.pub.id, message: "@hubot ping" });
    const thread = await eventually(
      async () => {
        const res = await seed.bob.get(`/api/v4/posts/${asked.id}/thread`, postListSchema);
        return res.body.order.length > 1 ? res : undefined;
      },
      { what: "hubot's answer in the thread" },
    );
    expect(thread.status).toBe(200);
    const replies = Object.values(thread.body.posts).filter((p) => p.id !== asked.id);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ user_id: botUserId, root_id: asked.id, channel_id: seed.pub.id, message: "pong" });

    const direct = await eventually(
      async () => {
        const dm = await seed.bob.post("/api/v4/channels/direct", [seed.bob.user.id, botUserId], channelIdSchema);
        const posts = await seed.bob.get(`/api/v4/channels/${dm.body.id}/posts`, postListSchema);
        return posts.body.order.length > 0 ? { dm, posts } : undefined;
      },
      { what: "hubot's direct message" },
    );
    expect(direct.dm.body.type).toBe("D");
    expect(direct.posts.status).toBe(200);
    expect(direct.posts.body.order).toHaveLength(1);
    const dmPost = postSchema.parse(direct.posts.body.posts[direct.posts.body.order[0] ?? ""]);
    expect(dmPost).toMatchObject({ user_id: botUserId, message: `you asked for a pong in ${seed.pub.id}` });

    const reactions = await eventually(
      async () => {
        const res = await seed.bob.get(`/api/v4/posts/${asked.id}/reactions`, z.array(reactionSchema));
        return res.body.length > 0 ? res : undefined;
      },
      { what: "hubot's reaction" },
    );
    expect(reactions.status).toBe(200);
    expect(reactions.body).toEqual([expect.objectContaining({ user_id: botUserId, post_id: asked.id, emoji_name: "white_check_mark" })]);
  });

  it("answers a respond in a direct message, where the robot's name is not needed", async () => {
    const dm = await seed.alice.post("/api/v4/channels/direct", [seed.alice.user.id, botUserId], channelIdSchema);
    expect(dm.status).toBe(201);
    const asked = await server.createPost(seed.alice, { channelId: dm.body.id, message: "status" });
    const answer = await eventually(
      async () => {
        const posts = await seed.alice.get(`/api/v4/channels/${dm.body.id}/posts`, postListSchema);
        return posts.body.order.length > 1 ? posts : undefined;
      },
      { what: "hubot's answer in the direct message" },
    );
    expect(answer.status).toBe(200);
    const newest = postSchema.parse(answer.body.posts[answer.body.order[0] ?? ""]);
    expect(newest).toMatchObject({ user_id: botUserId, channel_id: dm.body.id, message: "all systems nominal", root_id: "" });
    expect(answer.body.order).toContain(asked.id);

    // The client's `editPost` (`PUT /posts/{id}`), which status-updating bots use.
    robot.adapter.client.editPost(newest.id, "all systems nominal, still");
    const edited = await eventually(
      async () => {
        const res = await seed.alice.get(`/api/v4/posts/${newest.id}`, postSchema);
        return res.body.edit_at > 0 ? res : undefined;
      },
      { what: "hubot's edit" },
    );
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ message: "all systems nominal, still", user_id: botUserId });
  });
});
