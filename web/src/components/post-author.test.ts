/**
 * Who a post shows as its author and how posts group, on posts a real
 * in-process server made: a person's post, then an incoming webhook's
 * (the Alertmanager case of issue 12, defect 2).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Post, User } from "#common/wire.ts";
import { channelPosts, incomingHookSchema, startTestServer, type TestServer } from "#testing";
import { isGroupedWith, shownAuthor } from "./post-author.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe("shownAuthor and isGroupedWith", () => {
  it("never groups a webhook's post under its owner's, names and badges it, and groups a webhook's own posts by name", async () => {
    const alice = await server.createUser();
    const team = await server.createTeam(alice);
    const channel = await server.createChannel(alice, { teamId: team.id });
    await server.createPost(alice, { channelId: channel.id, message: "silencing the disk alert" });
    await server.createPost(alice, { channelId: channel.id, message: "done" });
    const hook = await alice.post(
      "/api/v4/hooks/incoming",
      { channel_id: channel.id, display_name: "Alertmanager", username: "Alertmanager" },
      incomingHookSchema,
    );
    expect(hook.status).toBe(201);
    for (const body of [{ text: "FIRING disk full" }, { text: "FIRING cpu" }, { text: "RESOLVED", username: "grafana" }]) {
      const sent = await server.anonymous.post(`/hooks/${hook.body.id}`, body);
      expect(sent.status).toBe(200);
    }
    const posts = await channelPosts(alice, channel.id);
    const at = (message: string): Post => posts.find((p) => p.message === message)!;
    const users: Record<string, User> = { [alice.user.id]: alice.user };
    const grouped = (message: string, before: string) => isGroupedWith({ post: at(message), before: at(before), users });

    expect(shownAuthor(at("done"), alice.user)).toEqual({ key: `user:${alice.user.id}`, name: alice.user.username, badge: null });
    expect(shownAuthor(at("FIRING disk full"), alice.user)).toMatchObject({ name: "Alertmanager", badge: "WEBHOOK" });
    expect(shownAuthor(at("RESOLVED"), alice.user)).toMatchObject({ name: "grafana", badge: "WEBHOOK" });
    expect(grouped("done", "silencing the disk alert")).toBe(true);
    expect(grouped("FIRING disk full", "done")).toBe(false);
    expect(grouped("FIRING cpu", "FIRING disk full")).toBe(true);
    expect(grouped("RESOLVED", "FIRING cpu")).toBe(false);
    expect(isGroupedWith({ post: at("done"), before: undefined, users })).toBe(false);
  });

  it("badges a bot account's post and keeps it apart from a person's", async () => {
    const alice = await server.createUser();
    const robot = await server.createUser();
    const team = await server.createTeam(alice);
    const channel = await server.createChannel(alice, { teamId: team.id });
    await server.addToChannel(alice, { channel, user: robot.user });
    await server.createPost(alice, { channelId: channel.id, message: "who is on call?" });
    await server.createPost(robot, { channelId: channel.id, message: "Incident started" });
    const posts = await channelPosts(alice, channel.id);
    const [question, card] = [posts.at(-2)!, posts.at(-1)!];
    // Bot accounts are made by plugins; here the second user is shown as one.
    const bot: User = { ...robot.user, is_bot: true, first_name: "Incident" };
    const users: Record<string, User> = { [alice.user.id]: alice.user, [bot.id]: bot };
    expect(shownAuthor(card, bot)).toEqual({ key: `bot:${bot.id}`, name: "Incident", badge: "BOT" });
    expect(isGroupedWith({ post: card, before: question, users })).toBe(false);
  });
});
