/**
 * The authorization matrix, generated from the route table (`host.routes.list()`):
 * every host route × {anonymous, no team, team non-member, channel
 * non-member, member, admin}, each against a fresh invite-only team with a
 * private channel and a post of the member's in it.
 *
 * What each cell expects comes from the route's `access` and `policy`:
 * `POLICY_KINDS` turns each policy text into a kind, and the kind says who
 * is refused (no 2xx, no 5xx) and who is let through (no 401, 403 or 404,
 * no 5xx — a 400 for an empty body is fine: it got past authorization).
 * Routes without a policy are classified by `access` alone; a resource
 * policy on a path without parameters (a list the policy filters, e.g.
 * `GET /api/v4/teams`) has its access cells checked only. The allowed run
 * after the refused, so a write that succeeds (a delete) comes last; a later
 * allowed caller may then find the resource gone.
 *
 * Adding a route: nothing to do when its policy is one of `POLICY_KINDS`
 * (or it has none) and its path parameters are ones `sampleValue` fills
 * (`:id` under /channels, /teams, /posts or /users; `:teamId`, `:channelId`,
 * `:postId`, `:userId`, `:name` of a team). A new policy text fails
 * "classifies every policy": add a row. A route of a resource kind whose
 * path the probes cannot fill fails "can sample every resource route": add
 * the parameter to `sampleValue`, or the route to `UNSAMPLED` with the
 * reason (its access cells are still checked).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  allowedFor,
  cellProblem,
  MatrixCallers,
  refusedFirst,
  startTestServer,
  type Kind,
  type MatrixFixture as Fixture,
  type TestServer,
} from "#testing";
import { samplePath } from "./route-probes.ts";
import type { RouteEntry } from "./route-table.ts";

/** Every policy text of the route table, by kind. A new text fails the test until it has a row. */
const POLICY_KINDS: Record<string, Kind> = {
  "can read the channel": "channel",
  "can read the channel; channel member or system admin": "channel",
  "team member; can read the channel": "channel",
  "may post in the channel": "channel",
  "can post in the channel": "channel",
  "channel member (or system admin)": "channel",
  "can read the channel; to private: channel member or system admin; to public: system admin": "channel",
  "can read the channel; the member themselves, another channel member or a system admin": "channel",
  "can read the channel; channel member to add others; the added user on the team": "channel",
  "can read the channel; team admin or system admin": "channel-admin",
  "can read the post's channel": "channel",
  "can see the team": "team",
  "team member": "team",
  "team member (or system admin)": "team",
  "team member (or system admin); only posts of channels the caller may read": "team",
  "self or system admin": "self",
  "self or system admin; team member": "self",
  "the author, or a system admin": "post-author",
  "the author only, never a bot's, webhook's or system post; system admins neither; not in an archived channel": "author-only",
  "throttled per address and per login id (429 with Retry-After); every attempt is audited": "open",
  "open sign-up, or a system admin; refused sign-ups (taken username or email) are throttled per address": "open",
  "the hook's unguessable id; its owner can post in the target channel": "open",
  "any user; the caller becomes a member": "signed-in",
  "can read the file's post's channel (before it is attached, its upload's channel)": "unsampled",
  "its owner or a system admin; 404 for anyone else": "unsampled",
  "the user the dialog was opened for": "unsampled",
  "the caller is user_id, and a member of the post's channel (or system admin)": "unsampled",
  "the caller is userId, and a member of the post's channel (or system admin)": "unsampled",
  "the caller is one of the two": "unsampled",
  "open team: anyone joins, members add others; invite-only: team or system admins": "unsampled",
  "in_team: team member; in_channel, not_in_channel: can read the channel": "unsampled",
  "in_team: team member (or system admin); in_channel: can read the channel": "unsampled",
  "a team's commands only to its members": "unsampled",
  "team_id: team member; in_channel_id, not_in_channel_id: can read the channel": "unsampled",
  "can read the channel; channel member to add others; the added users on the team": "channel",
  "self or system admin; can read the channel; the user is a member": "self",
  "self or system admin; can read the post's channel; the user is a member": "self",
  "self or system admin; every preference names the path's user": "self",
  "self only; posts of channels the caller may read now": "self-only",
  "team member; can read the channel — one 404 for missing and not yours": "channel",
  "can read each post's channel": "channel",
  "can read the post's channel; channel member (or system admin); not in an archived channel": "channel",
  "self or system admin; team member; threads of channels the user is in": "self",
  "self or system admin; team member; can read the thread's channel; a member of the thread": "self",
  "self or system admin; team member; can read the thread's channel": "self",
  "self or system admin; team member; can read the thread's channel; the post is of the thread": "self",
  "team member (or system admin); a trigger that names a command in the team is a 409": "team",
  "own hooks; a team's all to its admins; every hook to system admins": "unsampled",
  "its creator, the team's admins, system admins (404 otherwise)": "unsampled",
  "its creator, the team's admins, system admins (404 otherwise); a taken trigger is a 409": "unsampled",
  "its owner, the team's admins, system admins (404 otherwise)": "unsampled",
  "its owner, the team's admins, system admins (404 otherwise); can post in the new channel": "unsampled",
  "the state must match this browser's cookie and a sign-in begun here; the ID token's nonce must match it": "open",
};

/** Resource routes whose resource cells are not checked here, and why (their access cells are). */
const UNSAMPLED: Record<string, string> = {
  "GET /api/v4/users/:userId/preferences/:category/name/:name": "the fixture saves no preference, so the member's own is a 404",
  "GET /api/v4/users/:userId/teams/:teamId/channels/categories/:categoryId": "the fixture makes no sidebar category ids",
  "GET /api/v4/users/:userId/teams/:teamId/threads/:threadId": "the fixture's post has no reply, so it is no thread",
  "PUT /api/v4/users/:userId/teams/:teamId/threads/:threadId/read/:timestamp": "the fixture's post has no reply, so it is no thread",
  "POST /api/v4/users/:userId/teams/:teamId/threads/:threadId/set_unread/:postId": "the fixture's post has no reply, so it is no thread",
  "PUT /api/v4/users/:userId/teams/:teamId/threads/:threadId/following": "the fixture's post has no reply, so it is no thread",
  "DELETE /api/v4/users/:userId/teams/:teamId/threads/:threadId/following": "the fixture's post has no reply, so it is no thread",
};

/**
 * Routes of features Sitrep does not have, answered as Mattermost's unlicensed server answers them
 * (`v4/unsupported.ts`): a 501 with this error id is their answer by design, not a server error.
 */
const FEATURE_OFF_501: Record<string, string> = {
  "GET /api/v4/data_retention/policy": "ent.data_retention.generic.license.error",
  "GET /api/v4/data_retention/policies": "ent.data_retention.generic.license.error",
  "GET /api/v4/users/:userId/data_retention/team_policies": "ent.data_retention.generic.license.error",
  "GET /api/v4/users/:userId/data_retention/channel_policies": "ent.data_retention.generic.license.error",
  "GET /api/v4/groups": "api.ldap_groups.license_error",
  "GET /api/v4/users/:userId/groups": "api.ldap_groups.license_error",
  "GET /api/v4/users/:userId/teams/:teamId/drafts": "api.drafts.disabled.app_error",
  "POST /api/v4/drafts": "api.drafts.disabled.app_error",
  "DELETE /api/v4/users/:userId/channels/:channelId/drafts": "api.drafts.disabled.app_error",
  "DELETE /api/v4/users/:userId/channels/:channelId/drafts/:rootId": "api.drafts.disabled.app_error",
  "GET /api/v4/emoji": "api.emoji.disabled.app_error",
  "POST /api/v4/emoji": "api.emoji.disabled.app_error",
  "GET /api/v4/emoji/name/:name": "api.emoji.disabled.app_error",
  "POST /api/v4/emoji/names": "api.emoji.disabled.app_error",
  "POST /api/v4/emoji/search": "api.emoji.disabled.app_error",
  "GET /api/v4/emoji/autocomplete": "api.emoji.disabled.app_error",
  "GET /api/v4/emoji/:emojiId": "api.emoji.disabled.app_error",
  "GET /api/v4/emoji/:emojiId/image": "api.emoji.disabled.app_error",
};

let server: TestServer;
let callers: MatrixCallers;

beforeAll(async () => {
  server = await startTestServer();
  callers = await MatrixCallers.make(server);
});
afterAll(async () => {
  await server?.close();
});

const label = (entry: RouteEntry) => `${entry.method} ${entry.path}`;

/** The kind of a route: its policy's, or its access's when it has none; undefined for a policy without a row. */
function kindOf(entry: RouteEntry): Kind | undefined {
  if (entry.policy !== undefined) return POLICY_KINDS[entry.policy];
  return entry.access === "none" ? "open" : entry.access === "system_admin" ? "admin" : "signed-in";
}

/** Whether the kind's cells need a fixture's ids in the path. */
const needsFixture = (kind: Kind) => !["open", "signed-in", "admin", "unsampled"].includes(kind);

/** The value of a path parameter from a fixture, or undefined when the probes do not know it. */
function sampleValue(entry: RouteEntry, param: string, fixture: Fixture): string | undefined {
  const before = entry.path.slice(0, entry.path.indexOf(`:${param}`));
  const under = (resource: string) => before.endsWith(`/${resource}/`);
  if (param === "teamId" || (param === "id" && under("teams"))) return fixture.team.id;
  if (param === "channelId" || (param === "id" && under("channels"))) return fixture.channel.id;
  if (param === "postId" || (param === "id" && under("posts"))) return fixture.post.id;
  if (param === "userId" || (param === "id" && under("users"))) return fixture.member.user.id;
  if (param === "name" && before.endsWith("/teams/name/")) return fixture.team.name;
  if (param === "name" && before.endsWith("/channels/name/")) return fixture.channel.name;
  if (param === "teamName" && before.endsWith("/teams/name/")) return fixture.team.name;
  if (param === "channelName" && before.endsWith("/channels/name/")) return fixture.channel.name;
  if (param === "category" && before.endsWith("/preferences/")) return "display_settings";
  return undefined;
}

/** The route's path filled from a fixture, or undefined when a parameter cannot be. */
function fixturePath(entry: RouteEntry, fixture: Fixture): string | undefined {
  let missing = false;
  const filled = entry.path.replace(/:([A-Za-z_]+)/g, (_match, param: string) => {
    const value = sampleValue(entry, param, fixture);
    if (value === undefined) missing = true;
    return value ?? "";
  });
  return missing ? undefined : filled;
}

const bodyFor = (entry: RouteEntry) => (entry.method === "GET" || entry.method === "DELETE" ? undefined : {});

describe("the authorization matrix", () => {
  it("classifies every policy of the route table", () => {
    const unknown = server.host.routes
      .list()
      .filter((entry) => kindOf(entry) === undefined)
      .map((entry) => `${label(entry)}: "${entry.policy}"`);
    expect(unknown, "add these policies to POLICY_KINDS").toEqual([]);
  });

  it("can sample every resource route from a fixture, or lists it in UNSAMPLED", async () => {
    const fixture = await callers.fixture();
    const unsampled = server.host.routes
      .list({ owner: "host" })
      .filter((entry) => needsFixture(kindOf(entry) ?? "unsampled") && !UNSAMPLED[label(entry)] && !fixturePath(entry, fixture))
      .map(label);
    expect(unsampled, "teach sampleValue these parameters, or list the routes in UNSAMPLED").toEqual([]);
  });

  it("answers every cell of every host route as its access and policy say", async () => {
    const problems: string[] = [];
    let cells = 0;
    for (const entry of server.host.routes.list({ owner: "host" })) {
      const kind = kindOf(entry) ?? "unsampled";
      // A resource kind on a path without parameters filters a list (GET /teams): only its access cells apply.
      const sampled = needsFixture(kind) && entry.path.includes(":") && !UNSAMPLED[label(entry)];
      /** Set once an allowed caller's write succeeded: a later allowed caller may then find the resource gone (404). */
      let written = false;
      // Every route gets its own member; resource routes their own team, channel and post too.
      const fixture = sampled ? await callers.fixture() : undefined;
      if (!fixture) await callers.freshMember();
      const urlPath = (fixture && fixturePath(entry, fixture)) || samplePath(entry);
      for (const role of refusedFirst(kind)) {
        const res = await callers.client(role).request(entry.method, urlPath, bodyFor(entry));
        cells += 1;
        const cell = `${label(entry)} as ${role} (${kind}): ${res.status} ${JSON.stringify(res.body).slice(0, 160)}`;
        const featureOff =
          res.status === 501 &&
          FEATURE_OFF_501[label(entry)] !== undefined &&
          (res.body as { id?: unknown } | undefined)?.id === FEATURE_OFF_501[label(entry)];
        const problem = cellProblem({ cell, role, kind, access: entry.access, status: res.status, sampled, written, featureOff });
        if (problem) problems.push(problem);
        if (sampled && allowedFor(kind, role) && res.status < 300 && entry.method !== "GET") written = true;
      }
      await callers.signInAgain();
    }
    expect(problems).toEqual([]);
    expect(cells).toBeGreaterThan(300);
  }, 600_000);
});
