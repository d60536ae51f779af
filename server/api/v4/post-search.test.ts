/**
 * Post search (`POST /api/v4/teams/{id}/posts/search`) through the official
 * Client4, on both dialects with the same expectations: words, phrases,
 * `from:`, `in:`, OR, paging, and who finds what — a private channel's posts
 * only by its members, a DM's only by its two people, deleted posts by nobody.
 */
import mm from "@mattermost/client";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Channel, Post, Team, User } from "#common/wire.ts";
import { apiErrorBodySchema, postSchema, postSearchResultsSchema } from "#common/wire-schemas.ts";
import { POSTGRES_SEARCH_VECTOR } from "../../services/post-search.ts";
import { expectBody, startTestServer, testDialect, type TestClient, type TestServer } from "#testing";

const { Client4 } = mm;
type Person = TestClient & { user: User };

let server: TestServer;
let alice: Person;
let bob: Person;
let carol: Person;
let olga: Person;
let admin: Person;
let team: Team;
let pub: Channel;
let ops: Channel;
let priv: Channel;
const posted: Record<string, Post> = {};

/** A Client4 signed in with a test user's token. */
function client4(person: Person): InstanceType<typeof Client4> {
  const client = new Client4();
  client.setUrl(server.url);
  client.setToken(person.token ?? "");
  return client;
}

/** Post and wait for the clock to move on, so "newest first" is one order. */
async function post(author: Person, channel: Channel, message: string): Promise<Post> {
  const created = await server.createPost(author, { channelId: channel.id, message });
  const at = Date.now();
  while (Date.now() === at) await new Promise((r) => setTimeout(r, 1));
  return created;
}

/** The messages a person finds, newest first. */
async function found(person: Person, terms: string, isOrSearch = false): Promise<string[]> {
  const results = await client4(person).searchPosts(team.id, terms, isOrSearch);
  return results.order.map((id) => results.posts[id]?.message ?? `missing ${id}`);
}

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.admin();
  ({ alice, bob, olga, team, pub, priv } = await server.seedTeam());
  carol = await server.createUser();
  // Carol is on the team but in no channel but Town Square.
  expect((await alice.post(`/api/v4/teams/${team.id}/members`, { team_id: team.id, user_id: carol.user.id })).status).toBe(201);
  ops = await server.createChannel(alice, { teamId: team.id, name: "ops-room" });
  await server.addToChannel(alice, { channel: ops, user: bob.user });
  posted.deploy = await post(alice, pub, "Deploy 4812 finished: error rate back to normal");
  posted.rollback = await post(bob, pub, "Rolling back the deploy of payments-api");
  posted.opsDeploy = await post(bob, ops, "ops: deploy frozen until the error-rate alert clears");
  posted.host = await post(alice, ops, "db-01.prod.example.com is down again");
  posted.secret = await post(alice, priv, "Secret deploy of the payroll fix, error rate unknown");
  posted.cafe = await post(alice, pub, "Café opens at nine, Ünïcode stays");
});
afterAll(async () => {
  await server?.close();
});

describe("searchPosts (Client4)", () => {
  it("finds every word (AND by default), newest first, with the matched words", async () => {
    const results = await client4(bob).searchPosts(team.id, "deploy ERROR", false);
    expect(results.order).toEqual([posted.opsDeploy?.id, posted.deploy?.id]);
    expect(results.posts[posted.deploy?.id ?? ""]?.message).toBe("Deploy 4812 finished: error rate back to normal");
    const parsed = postSearchResultsSchema.parse(results);
    expect(parsed.matches[posted.deploy?.id ?? ""]).toEqual(["Deploy", "error"]);
    expect(parsed.has_next).toBe(false);
  });

  it("finds any word with is_or_search", async () => {
    expect(await found(bob, "rolling frozen", true)).toEqual([
      "ops: deploy frozen until the error-rate alert clears",
      "Rolling back the deploy of payments-api",
    ]);
    expect(await found(bob, "rolling frozen", false)).toEqual([]);
  });

  it("finds an exact phrase only in that order, across punctuation", async () => {
    expect(await found(bob, '"error rate"')).toEqual([
      "ops: deploy frozen until the error-rate alert clears",
      "Deploy 4812 finished: error rate back to normal",
    ]);
    expect(await found(bob, '"rate error"')).toEqual([]);
    expect(await found(bob, '"the back deploy"')).toEqual([]);
    expect(await found(bob, '"back the deploy"')).toEqual(["Rolling back the deploy of payments-api"]);
  });

  it("filters by from:user and in:channel, alone or with words", async () => {
    expect(await found(bob, `from:${bob.user.username}`)).toEqual([
      "ops: deploy frozen until the error-rate alert clears",
      "Rolling back the deploy of payments-api",
    ]);
    expect(await found(bob, `deploy from:@${alice.user.username}`)).toEqual(["Deploy 4812 finished: error rate back to normal"]);
    expect(await found(bob, "deploy in:ops-room")).toEqual(["ops: deploy frozen until the error-rate alert clears"]);
    expect(await found(bob, `in:~${pub.name} deploy`)).toEqual([
      "Rolling back the deploy of payments-api",
      "Deploy 4812 finished: error rate back to normal",
    ]);
    expect(await found(bob, `deploy from:${bob.user.username} in:${pub.name}`)).toEqual(["Rolling back the deploy of payments-api"]);
    expect(await found(bob, "deploy from:nobody-by-that-name")).toEqual([]);
  });

  it("cuts words the same on both dialects: host names, hyphens, case, prefixes, letters beyond ASCII", async () => {
    expect(await found(bob, "prod")).toEqual(["db-01.prod.example.com is down again"]);
    expect(await found(bob, "db-01.prod.example.com")).toEqual(["db-01.prod.example.com is down again"]);
    expect(await found(bob, "payments")).toEqual(["Rolling back the deploy of payments-api"]);
    expect(await found(bob, "roll*")).toEqual(["Rolling back the deploy of payments-api"]);
    expect(await found(bob, "roll")).toEqual([]);
    expect(await found(bob, "CAFÉ ünïcode")).toEqual(["Café opens at nine, Ünïcode stays"]);
    expect(await found(bob, "cafe")).toEqual([]);
  });

  it("finds replies too, and gives each post its thread's reply_count", async () => {
    const root = await post(bob, pub, "thread about the canary rollout");
    const reply = await bob.post("/api/v4/posts", { channel_id: pub.id, root_id: root.id, message: "canary looks healthy" });
    expect(reply.status).toBe(201);
    const results = await client4(bob).searchPosts(team.id, "canary", false);
    expect(results.order).toEqual([expectBody(reply, postSchema).id, root.id]);
    expect(results.posts[root.id]?.reply_count).toBe(1);
  });

  it("leaves out posts with a -excluded word or phrase", async () => {
    expect(await found(bob, "deploy -frozen")).toEqual([
      "Rolling back the deploy of payments-api",
      "Deploy 4812 finished: error rate back to normal",
    ]);
    expect(await found(bob, 'deploy -"error rate"')).toEqual(["Rolling back the deploy of payments-api"]);
    expect(await found(bob, `deploy from:${bob.user.username} -rolling`)).toEqual(["ops: deploy frozen until the error-rate alert clears"]);
  });

  it("pages with page and per_page, has_next on every page but the last", async () => {
    const first = await client4(bob).searchPostsWithParams(team.id, { terms: "deploy", is_or_search: false, page: 0, per_page: 2 });
    const second = await client4(bob).searchPostsWithParams(team.id, { terms: "deploy", is_or_search: false, page: 1, per_page: 2 });
    expect(first.order).toEqual([posted.opsDeploy?.id, posted.rollback?.id]);
    expect(second.order).toEqual([posted.deploy?.id]);
    expect(postSearchResultsSchema.parse(first).has_next).toBe(true);
    expect(postSearchResultsSchema.parse(second).has_next).toBe(false);
  });

  it("keeps the index in step with edits and never finds a deleted post", async () => {
    const edited = await post(bob, pub, "checkout latency spike");
    const deleted = await post(bob, pub, "checkout outage confirmed");
    await server.host.db
      .updateTable("posts")
      .set({ message: "checkout recovered", edit_at: Date.now() })
      .where("id", "=", edited.id)
      .execute();
    await server.host.db.updateTable("posts").set({ delete_at: Date.now() }).where("id", "=", deleted.id).execute();
    expect(await found(bob, "checkout")).toEqual(["checkout recovered"]);
    expect(await found(bob, "latency")).toEqual([]);
    expect(await found(bob, "outage")).toEqual([]);
    await server.host.db.deleteFrom("posts").where("id", "=", edited.id).execute();
    expect(await found(bob, "recovered")).toEqual([]);
  });
});

describe("date filters, in the searcher's time zone", () => {
  /** A post made now, then dated `iso` (as if it had been said then). */
  async function postedAt(iso: string, message: string): Promise<Post> {
    const made = await post(alice, pub, message);
    await server.host.db
      .updateTable("posts")
      .set({ create_at: Date.parse(iso) })
      .where("id", "=", made.id)
      .execute();
    return made;
  }

  beforeAll(async () => {
    await postedAt("2024-04-30T23:30:00Z", "sevzulu paged late on the last of April");
    await postedAt("2024-05-01T10:00:00Z", "sevzulu paged on the first of May");
    await postedAt("2024-05-02T00:30:00Z", "sevzulu paged just after midnight on the second");
  });

  const search = async (terms: string, timeZoneOffset?: number) => {
    const results = await client4(bob).searchPostsWithParams(team.id, {
      terms,
      is_or_search: false,
      ...(timeZoneOffset === undefined ? {} : { time_zone_offset: timeZoneOffset }),
    });
    return results.order.map((id) => results.posts[id]?.message ?? `missing ${id}`);
  };

  it("on:, before: and after: a day (UTC unless time_zone_offset says otherwise), with words or alone", async () => {
    expect(await search("sevzulu on:2024-05-01")).toEqual(["sevzulu paged on the first of May"]);
    expect(await search("sevzulu on:2024-5-1")).toEqual(["sevzulu paged on the first of May"]);
    expect(await search("on:2024-05-01")).toEqual(["sevzulu paged on the first of May"]);
    expect(await search("sevzulu after:2024-05-01")).toEqual(["sevzulu paged just after midnight on the second"]);
    expect(await search("sevzulu before:2024-05-01")).toEqual(["sevzulu paged late on the last of April"]);
    expect(await search("sevzulu after:2024-04-30 before:2024-05-02")).toEqual(["sevzulu paged on the first of May"]);
    // In UTC+1 the first of May began at 23:00 UTC on the 30th and ended at 23:00 UTC on the first.
    expect(await search("sevzulu on:2024-05-01", 3600)).toEqual([
      "sevzulu paged on the first of May",
      "sevzulu paged late on the last of April",
    ]);
    // In UTC−1 half past midnight UTC on the second is still the first.
    expect(await search("sevzulu on:2024-05-01", -3600)).toEqual([
      "sevzulu paged just after midnight on the second",
      "sevzulu paged on the first of May",
    ]);
  });

  it("leaves out -on:, -before: and -after: a day, and -from: and -in:", async () => {
    expect(await search("sevzulu -on:2024-05-01")).toEqual([
      "sevzulu paged just after midnight on the second",
      "sevzulu paged late on the last of April",
    ]);
    expect(await search("sevzulu -before:2024-05-01 -after:2024-05-01")).toEqual(["sevzulu paged on the first of May"]);
    expect(await found(bob, `deploy -from:${alice.user.username}`)).toEqual([
      "ops: deploy frozen until the error-rate alert clears",
      "Rolling back the deploy of payments-api",
    ]);
    expect(await found(bob, "deploy -in:ops-room")).toEqual([
      "Rolling back the deploy of payments-api",
      "Deploy 4812 finished: error rate back to normal",
    ]);
    expect(await found(bob, `deploy -in:ops-room -from:${bob.user.username}`)).toEqual(["Deploy 4812 finished: error rate back to normal"]);
  });
});

describe("archived channels", () => {
  it("are searched only with include_deleted_channels, and then only by who could read them", async () => {
    const archived = await server.createChannel(alice, { teamId: team.id, name: "old-war-room", type: "P" });
    await server.addToChannel(alice, { channel: archived, user: bob.user });
    await post(alice, archived, "postmortem draft for the quokka outage");
    expect((await alice.delete(`/api/v4/channels/${archived.id}`)).status).toBe(200);
    const withArchived = async (person: Person) => {
      const results = await client4(person).searchPostsWithParams(team.id, {
        terms: "quokka",
        is_or_search: false,
        include_deleted_channels: true,
      });
      return results.order.map((id) => results.posts[id]?.message);
    };
    expect(await found(bob, "quokka")).toEqual([]);
    expect(await withArchived(bob)).toEqual(["postmortem draft for the quokka outage"]);
    expect(await withArchived(carol)).toEqual([]);
  });
});

describe("search after edits and deletes through the API", () => {
  it("finds an edited post by its new words only, and a deleted one not at all", async () => {
    const edited = await post(bob, pub, "pager storm from the old alertmanager");
    const deleted = await post(bob, pub, "pager muted by mistake");
    expect((await bob.put(`/api/v4/posts/${edited.id}/patch`, { message: "pager storm from the new router" })).status).toBe(200);
    expect((await bob.delete(`/api/v4/posts/${deleted.id}`)).status).toBe(200);
    expect(await found(bob, "pager")).toEqual(["pager storm from the new router"]);
    expect(await found(bob, "alertmanager")).toEqual([]);
    expect(await found(bob, "muted")).toEqual([]);
  });
});

describe("who finds what", () => {
  it("finds a private channel's posts for its members only — not a team member outside it, not a system admin", async () => {
    expect(await found(alice, "secret")).toEqual(["Secret deploy of the payroll fix, error rate unknown"]);
    expect(await found(bob, "secret")).toEqual([]);
    expect(await found(carol, "secret")).toEqual([]);
    expect(await found(admin, "secret")).toEqual([]);
    expect(await found(bob, `in:${priv.name}`)).toEqual([]);
  });

  it("finds public channels' posts for every team member, in the channel or not", async () => {
    expect(await found(carol, "deploy")).toEqual([
      "ops: deploy frozen until the error-rate alert clears",
      "Rolling back the deploy of payments-api",
      "Deploy 4812 finished: error rate back to normal",
    ]);
  });

  it("finds a DM's posts for its two people only, and a group message's for its members", async () => {
    const dm = await client4(alice).createDirectChannel([alice.user.id, bob.user.id]);
    const dmChannel = { ...pub, id: dm.id };
    await post(alice, dmChannel, "whisper: the rotation is wrong");
    expect(await found(alice, "whisper")).toEqual(["whisper: the rotation is wrong"]);
    expect(await found(bob, "whisper")).toEqual(["whisper: the rotation is wrong"]);
    expect(await found(carol, "whisper")).toEqual([]);
    expect(await found(admin, "whisper")).toEqual([]);
    // A group message likewise: its members find it from any of their teams' search, nobody else.
    const group = await client4(alice).createGroupChannel([alice.user.id, bob.user.id, carol.user.id]);
    await post(carol, { ...pub, id: group.id }, "whisper to the group: swap the pager");
    expect(await found(carol, "whisper")).toEqual(["whisper to the group: swap the pager"]);
    expect(await found(bob, "whisper")).toEqual(["whisper to the group: swap the pager", "whisper: the rotation is wrong"]);
    expect(await found(admin, "whisper")).toEqual([]);
  });

  it("answers a user off the team 404 and an anonymous caller 401", async () => {
    const offTeam = await olga.post(`/api/v4/teams/${team.id}/posts/search`, { terms: "deploy" });
    expect(offTeam.status).toBe(404);
    expect(expectBody(offTeam, apiErrorBodySchema).message).toBe("team not found, or you are not a member of it");
    const anonymous = await server.anonymous.post(`/api/v4/teams/${team.id}/posts/search`, { terms: "deploy" });
    expect(anonymous.status).toBe(401);
    expect(expectBody(anonymous, apiErrorBodySchema).message).toBe("You must be signed in to do that.");
  });
});

describe("bad input", () => {
  const refused = async (body: unknown): Promise<{ status: number; message: string }> => {
    const res = await bob.post(`/api/v4/teams/${team.id}/posts/search`, body);
    return { status: res.status, message: expectBody(res, apiErrorBodySchema).message };
  };

  it("names the field and the reason", async () => {
    expect(await refused({})).toEqual({ status: 400, message: "terms: is required" });
    expect(await refused({ terms: 12 })).toEqual({ status: 400, message: "terms: must be a string" });
    expect(await refused({ terms: "   " })).toEqual({ status: 400, message: "terms: must not be empty" });
    expect(await refused({ terms: "x".repeat(1025) })).toEqual({ status: 400, message: "terms: must be at most 1024 characters" });
    expect(await refused({ terms: "#- *" })).toEqual({
      status: 400,
      message: "terms: must contain a word, a quoted phrase, from:, in:, on:, before: or after:",
    });
    expect(await refused({ terms: "deploy on:2024-13-01 after:yesterday" })).toEqual({
      status: 400,
      message: 'terms: "on:2024-13-01", "after:yesterday" must name a day as YYYY-MM-DD',
    });
    expect(await refused({ terms: "deploy", time_zone_offset: "UTC+2" })).toEqual({
      status: 400,
      message: "time_zone_offset: must be a number of seconds",
    });
    expect(await refused({ terms: "deploy", time_zone_offset: 15 * 3600 })).toEqual({
      status: 400,
      message: "time_zone_offset: must be -50400 to 50400 seconds",
    });
    expect(await refused({ terms: "deploy", include_deleted_channels: "yes" })).toEqual({
      status: 400,
      message: "include_deleted_channels: must be true or false",
    });
    expect(await refused({ terms: "deploy", is_or_search: "yes" })).toEqual({
      status: 400,
      message: "is_or_search: must be true or false",
    });
    // Paging is read as Mattermost reads it, never refused (issue 11): a bad page is 0, per_page clamped or the default.
    for (const paging of [{ page: -1 }, { per_page: 0 }, { per_page: 201 }, { page: 1.5 }]) {
      const res = await bob.post(`/api/v4/teams/${team.id}/posts/search`, { terms: "deploy", ...paging });
      expect(res.status, JSON.stringify(paging)).toBe(200);
    }
  });

  it("takes FTS5 and tsquery syntax as words, never as operators", async () => {
    expect(await found(bob, "deploy OR NEAR(error) 'rate' & | ! :* ^")).toEqual([]);
    expect(await found(bob, "deploy-error")).toEqual([]);
    expect(await found(bob, "'deploy' \"error\"")).toEqual([
      "ops: deploy frozen until the error-rate alert clears",
      "Deploy 4812 finished: error rate back to normal",
    ]);
  });
});

describe.runIf(testDialect === "postgres")("on PostgreSQL", () => {
  it("answers a search from the GIN index", async () => {
    const plan = await server.host.db.transaction().execute(async (trx) => {
      await sql`SET LOCAL enable_seqscan = off`.execute(trx);
      return sql<{
        "QUERY PLAN": string;
      }>`EXPLAIN SELECT id FROM posts p WHERE ${POSTGRES_SEARCH_VECTOR} @@ to_tsquery('simple', 'deploy')`.execute(trx);
    });
    expect(plan.rows.map((r) => r["QUERY PLAN"]).join("\n")).toContain("posts_message_search");
  });
});
