/**
 * Search from the web store against a real in-process server: results come
 * newest first with their matched words, channels and authors; a private
 * channel the searcher is not in never shows; paging; a refused search.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Channel, Team } from "#common/wire.ts";
import { startTestServer, type TestServer, type UserClient } from "#testing";
import { ApiError } from "../api/client.ts";
import { channelLabel, postsSearcher, SEARCH_PAGE_SIZE } from "./search.ts";
import { testApp } from "./test-app.ts";

let server: TestServer;
let alice: UserClient;
let bob: UserClient;
let team: Team;
let pub: Channel;
let priv: Channel;

beforeAll(async () => {
  server = await startTestServer();
  await server.admin();
  ({ alice, bob, team, pub, priv } = await server.seedTeam());
  await server.createPost(alice, { channelId: pub.id, message: "Rollback of the payments deploy started" });
  await server.createPost(alice, { channelId: priv.id, message: "Secret payments deploy notes" });
  await server.createPost(bob, { channelId: pub.id, message: "Deploy is green again" });
});
afterAll(() => server?.close());

describe("postsSearcher", () => {
  it("finds posts newest first with their matched words, channel and author; never a private channel the searcher is not in", async () => {
    const app = testApp(server.url, bob);
    const page = await postsSearcher(app, { teamId: team.id, terms: "deploy" });
    expect(page.hits.map((h) => h.post.message)).toEqual(["Deploy is green again", "Rollback of the payments deploy started"]);
    expect(page.hits.map((h) => h.matches)).toEqual([["Deploy"], ["deploy"]]);
    expect(page.hits.map((h) => h.channel?.id)).toEqual([pub.id, pub.id]);
    expect(page.hasNext).toBe(false);
    // The authors are cached for the results' names.
    await expect.poll(() => Object.keys(app.store.get().users).sort()).toEqual([alice.user.id, bob.user.id].sort());

    const mine = await postsSearcher(testApp(server.url, alice), { teamId: team.id, terms: '"payments deploy"' });
    expect(mine.hits.map((h) => h.channel?.id).sort()).toEqual([pub.id, priv.id].sort());
  });

  it("reads from: and in:, and pages through many results", async () => {
    const app = testApp(server.url, alice);
    const fromBob = await postsSearcher(app, { teamId: team.id, terms: `deploy from:${bob.user.username}` });
    expect(fromBob.hits.map((h) => h.post.message)).toEqual(["Deploy is green again"]);
    const inPriv = await postsSearcher(app, { teamId: team.id, terms: `deploy in:${priv.name}` });
    expect(inPriv.hits.map((h) => h.post.message)).toEqual(["Secret payments deploy notes"]);

    const busy = await server.createChannel(alice, { teamId: team.id, type: "O" });
    for (let i = 0; i < SEARCH_PAGE_SIZE + 3; i++) await server.createPost(alice, { channelId: busy.id, message: `heartbeat ${i}` });
    const first = await postsSearcher(app, { teamId: team.id, terms: "heartbeat" });
    expect(first.hits).toHaveLength(SEARCH_PAGE_SIZE);
    expect(first.hasNext).toBe(true);
    const second = await postsSearcher(app, { teamId: team.id, terms: "heartbeat", page: 1 });
    expect(second.hits.map((h) => h.post.message)).toEqual(["heartbeat 2", "heartbeat 1", "heartbeat 0"]);
    expect(second.hasNext).toBe(false);
  });

  it("finds nothing for words nobody wrote, and rejects terms with no word with the server's message", async () => {
    const app = testApp(server.url, bob);
    await expect(postsSearcher(app, { teamId: team.id, terms: "zyxwvut" })).resolves.toEqual({ hits: [], hasNext: false });
    const error = await postsSearcher(app, { teamId: team.id, terms: "--" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error instanceof ApiError && [error.status, error.message]).toEqual([
      400,
      "terms: must contain a word, a quoted phrase, from:, in:, on:, before: or after:",
    ]);
  });
});

describe("channelLabel", () => {
  it("names team channels by display name and direct/group messages by kind", () => {
    expect(channelLabel(pub)).toBe(pub.display_name);
    expect(channelLabel({ ...pub, type: "D", display_name: "" })).toBe("Direct message");
    expect(channelLabel({ ...pub, type: "G", display_name: "" })).toBe("Group message");
    expect(channelLabel(undefined)).toBe("a channel");
  });
});
