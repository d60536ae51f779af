/**
 * A bad-input sweep of the core API: every JSON route gets bodies that are
 * not objects, malformed JSON, wrong content types, each required field
 * missing, each field of the wrong type, huge strings, the NUL character,
 * deep nesting; list routes get bad paging; id routes get ids that are not
 * ids. Each answer is a 4xx (a 5xx is always a bug) with the usual
 * `{id, message, status_code}`, and a 400's message names the field.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { apiErrorBodySchema, postListSchema } from "#common/wire-schemas.ts";
import type { ApiErrorBody, Channel, Post, Team, User } from "#common/wire.ts";
import { expectBody, incomingHookSchema, startTestServer, TestSocket, type ApiResponse, type TestClient, type TestServer } from "#testing";
import { BODY_LIMITS } from "../body-limit.ts";
import { MAX_DEPTH } from "../input-guard.ts";
import { routeMatches, samplePath } from "../route-probes.ts";

/** An answer naming the id of what it made. */
const withId = z.looseObject({ id: z.string() });

type Client = TestClient & { user: User };

let server: TestServer;
let admin: Client;
let alice: Client;
let team: Team;
let channel: Channel;
let post: Post;
let hookId: string;
/** Every request this file sent to `server`, to check that it reached every route of the table. */
const sent: Array<{ method: string; url: string }> = [];

beforeAll(async () => {
  server = await startTestServer();
  server.app.server.on("request", (request: { method?: string; url?: string }) =>
    sent.push({ method: request.method ?? "", url: request.url ?? "" }),
  );
  admin = await server.admin();
  alice = await server.createUser();
  team = await server.createTeam(admin);
  channel = await server.createChannel(admin, { teamId: team.id });
  await server.addToChannel(admin, { channel, user: alice.user });
  post = await server.createPost(alice, { channelId: channel.id });
  hookId = (await alice.post("/api/v4/hooks/incoming", { channel_id: channel.id }, incomingHookSchema)).body.id;
});

afterAll(async () => {
  await server?.close();
});

/** A JSON route, a valid body for it, and the fields it cannot do without. */
interface JsonRoute {
  method: "POST" | "PUT" | "PATCH";
  path: () => string;
  caller: () => TestClient;
  body: () => Record<string, unknown>;
  required: string[];
  /** Fields the route ignores (Mattermost clients send them), left out of the type sweep. */
  ignored?: string[];
  /** The route reads its body as JSON whatever the content type (Mattermost's incoming webhooks): no 415. */
  readsAnyContentType?: boolean;
}

const routes: Record<string, JsonRoute> = {
  "POST /api/v4/users": {
    method: "POST",
    path: () => "/api/v4/users",
    caller: () => server.anonymous,
    body: () => ({
      username: "fuzzy",
      email: "fuzzy@example.com",
      password: "password-123",
      first_name: "F",
      last_name: "Z",
      nickname: "fz",
    }),
    required: ["username", "email", "password"],
  },
  "POST /api/v4/users/login": {
    method: "POST",
    path: () => "/api/v4/users/login",
    caller: () => server.anonymous,
    body: () => ({ login_id: "nobody", password: "wrong-password" }),
    required: ["login_id", "password"],
  },
  "PUT /api/v4/users/{id}/roles": {
    method: "PUT",
    path: () => `/api/v4/users/${alice.user.id}/roles`,
    caller: () => admin,
    body: () => ({ roles: "system_user" }),
    required: ["roles"],
  },
  "POST /api/v4/users/{id}/tokens": {
    method: "POST",
    path: () => `/api/v4/users/${alice.user.id}/tokens`,
    caller: () => alice,
    body: () => ({ description: "ci", expires_at: 0 }),
    required: ["description"],
  },
  "POST /api/v4/users/tokens/revoke": {
    method: "POST",
    path: () => "/api/v4/users/tokens/revoke",
    caller: () => alice,
    body: () => ({ token_id: "n".repeat(26) }),
    required: ["token_id"],
  },
  "POST /api/v4/users/tokens/disable": {
    method: "POST",
    path: () => "/api/v4/users/tokens/disable",
    caller: () => alice,
    body: () => ({ token_id: "n".repeat(26) }),
    required: ["token_id"],
  },
  "POST /api/v4/users/tokens/enable": {
    method: "POST",
    path: () => "/api/v4/users/tokens/enable",
    caller: () => alice,
    body: () => ({ token_id: "n".repeat(26) }),
    required: ["token_id"],
  },
  "POST /api/v4/teams": {
    method: "POST",
    path: () => "/api/v4/teams",
    caller: () => alice,
    body: () => ({ name: "fuzz-team", display_name: "Fuzz", type: "O" }),
    required: ["name", "display_name"],
  },
  "POST /api/v4/teams/{id}/members": {
    method: "POST",
    path: () => `/api/v4/teams/${team.id}/members`,
    caller: () => alice,
    body: () => ({ team_id: team.id, user_id: alice.user.id }),
    required: ["user_id"],
    ignored: ["team_id"],
  },
  "POST /api/v4/channels": {
    method: "POST",
    path: () => "/api/v4/channels",
    caller: () => alice,
    body: () => ({ team_id: team.id, name: "fuzz-chan", display_name: "Fuzz", type: "O", purpose: "p", header: "h" }),
    required: ["team_id", "name", "display_name"],
  },
  "POST /api/v4/channels/{id}/members": {
    method: "POST",
    path: () => `/api/v4/channels/${channel.id}/members`,
    caller: () => alice,
    body: () => ({ user_id: alice.user.id }),
    required: ["user_id"],
  },
  "POST /api/v4/channels/members/me/view": {
    method: "POST",
    path: () => "/api/v4/channels/members/me/view",
    caller: () => alice,
    body: () => ({ channel_id: channel.id }),
    required: ["channel_id"],
  },
  "POST /api/v4/posts": {
    method: "POST",
    path: () => "/api/v4/posts",
    caller: () => alice,
    body: () => ({ channel_id: channel.id, message: "hi", root_id: post.id, props: { a: 1 } }),
    required: ["channel_id"],
  },
  "POST /api/v4/commands/execute": {
    method: "POST",
    path: () => "/api/v4/commands/execute",
    caller: () => alice,
    body: () => ({ channel_id: channel.id, team_id: team.id, command: "/nothing-here" }),
    required: ["channel_id", "command"],
    ignored: ["team_id"],
  },
  "POST /api/v4/actions/dialogs/submit": {
    method: "POST",
    path: () => "/api/v4/actions/dialogs/submit",
    caller: () => alice,
    body: () => ({ callback_id: "gone", submission: { a: "b" }, cancelled: false }),
    required: ["callback_id"],
  },
  "POST /api/v4/hooks/incoming": {
    method: "POST",
    path: () => "/api/v4/hooks/incoming",
    caller: () => alice,
    body: () => ({
      channel_id: channel.id,
      display_name: "d",
      description: "d",
      username: "u",
      icon_url: "https://x/i.png",
      channel_locked: false,
    }),
    required: ["channel_id"],
  },
  "POST /hooks/{id}": {
    method: "POST",
    path: () => `/hooks/${hookId}`,
    caller: () => server.anonymous,
    body: () => ({
      text: "t",
      channel: channel.name,
      username: "u",
      icon_url: "https://x/i.png",
      attachments: [{ text: "a" }],
      props: { a: 1 },
    }),
    required: [],
    readsAnyContentType: true,
  },
};

/** A 4xx in the API's error shape; for a 400, the message names `field` when given. After it, `res.body` is the error body. */
function expectRefused(res: ApiResponse, label: string, field?: string): asserts res is ApiResponse<ApiErrorBody> {
  expect(res.status, `${label}: ${JSON.stringify(res.body)?.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
  expect(res.status, `${label}: ${JSON.stringify(res.body)?.slice(0, 300)}`).toBeLessThan(500);
  expect(res.body, label).toMatchObject({ id: expect.any(String), message: expect.any(String), status_code: res.status });
  const body = expectBody(res, apiErrorBodySchema);
  if (field && res.status === 400) expect(body.message, label).toMatch(new RegExp(`(^|; |\\b)${field.replace(/[.*]/g, "\\$&")}\\b`));
}

const wrongValues: Array<[string, unknown]> = [
  ["a number", 12345],
  ["a boolean", true],
  ["an object", { nested: 1 }],
  ["an array", ["x"]],
  ["null", null],
];

/** The sweep of one JSON route (core or plugin). */
function sweep(name: string, route: JsonRoute): void {
  const send = (body: unknown, headers?: Record<string, string>) => route.caller().request(route.method, route.path(), body, headers);

  it("refuses a body that is not a JSON object, or is not JSON", async () => {
    for (const body of ["[]", '"text"', "42", "true"]) expectRefused(await send(body), `${name} ${body}`, "body");
    // Some routes read null as an empty body: then they name what is missing (or, with nothing required, change nothing).
    const nullBody = await send("null");
    expect(nullBody.status, `${name} null`).toBeLessThan(500);
    if (route.required.length)
      expect(expectBody(nullBody, apiErrorBodySchema).message, `${name} null`).toMatch(new RegExp(`^(body|${route.required[0]}): `));
    const broken = await send("{oops", { "content-type": "application/json" });
    expectRefused(broken, `${name} malformed`);
    expect(broken.body.message).toMatch(/^body: is not valid JSON/);
    const empty = await send("", { "content-type": "application/json" });
    expectRefused(empty, `${name} empty`);
    expect(empty.body.message).toMatch(/body/i);
    // Prototype keys are refused outright, never merged.
    expectRefused(await send('{"__proto__": {"roles": "system_admin"}}'), `${name} __proto__`);
  });

  it("refuses wrong content types", async () => {
    const xml = await send("<a/>", { "content-type": "application/xml" });
    expectRefused(xml, `${name} xml`);
    if (route.readsAnyContentType) {
      expect(xml.status).toBe(400);
      expect(xml.body.message).toBe("body: is not valid JSON");
    } else {
      expect(xml.status).toBe(415);
      expect(xml.body.message).toBe("Content-Type: application/xml is not supported; send application/json");
    }
    expectRefused(await send("hello", { "content-type": "text/plain" }), `${name} text/plain`, "body");
    const form = new FormData();
    form.append("a", "b");
    expect((await send(form)).status, `${name} multipart`).toBeLessThan(500);
  });

  it("names each missing required field", async () => {
    for (const field of route.required) {
      const body = route.body();
      delete body[field];
      expectRefused(await send(body), `${name} without ${field}`, field);
    }
  });

  it("names each field of the wrong type", async () => {
    for (const field of Object.keys(route.body()).filter((f) => !route.ignored?.includes(f))) {
      for (const [what, value] of wrongValues) {
        const valid = route.body()[field];
        if (value === null && !route.required.includes(field)) continue; // null may mean "not given"
        if (
          typeof valid === "object" &&
          valid !== null &&
          typeof value === "object" &&
          value !== null &&
          Array.isArray(valid) === Array.isArray(value)
        )
          continue;
        const res = await send({ ...route.body(), [field]: value });
        if (res.status < 400 && typeof valid === "string" && typeof value !== "string")
          throw new Error(`${name}: ${field} as ${what} was accepted (${res.status})`);
        if (res.status >= 400) expectRefused(res, `${name} ${field} as ${what}`, field);
      }
    }
  });

  /** The route's body limit, from the route table (body-limit.ts). */
  const bodyLimit = () =>
    server.host.routes.list().find((entry) => routeMatches(entry, route.method, route.path()))?.maxBodyBytes ?? BODY_LIMITS.default;

  it("names each string field that is huge, or holds the NUL character", async () => {
    for (const [field, valid] of Object.entries(route.body())) {
      if (typeof valid !== "string" || route.ignored?.includes(field)) continue;
      const huge = await send({ ...route.body(), [field]: "x".repeat(300_000) });
      expectRefused(huge, `${name} huge ${field}`, field);
      // Over the route's body limit, the 413 names the limit; under it, whatever the status (a 403 or 404 for an
      // id nobody has), the message names the field.
      if (bodyLimit() < 300_000) {
        expect(huge.status, `${name} huge ${field}`).toBe(413);
        expect(huge.body.message, `${name} huge ${field}`).toMatch(/^body: is larger than the limit of /);
      } else expect(huge.body.message, `${name} huge ${field}`).toMatch(new RegExp(`^${field}: `));
      expectRefused(await send({ ...route.body(), [field]: `a\u0000b` }), `${name} NUL in ${field}`, field);
    }
  });

  it("refuses JSON nested deeper than the limit, naming where", async () => {
    // As deep as the route's body limit allows (ten thousand levels where it allows them).
    const levels = Math.min(10_000, Math.floor((bodyLimit() - 16) / 2));
    const deep = "[".repeat(levels) + "]".repeat(levels);
    const res = await send(`{"x": ${deep}}`);
    expectRefused(res, `${name} deep`);
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(`x${".0".repeat(MAX_DEPTH - 1)}: nests deeper than ${MAX_DEPTH} levels`);
  });
}

describe.each(Object.entries(routes))("%s", (name, route) => sweep(name, route));

describe("paging", () => {
  const lists = () => [
    `/api/v4/channels/${channel.id}/posts`,
    "/api/v4/users",
    `/api/v4/teams/${team.id}/channels`,
    `/api/v4/users/${alice.user.id}/tokens`,
  ];
  // Issue 11: read as Mattermost reads them — a bad or negative page is 0, per_page over 200 is 200, a bad one the default.
  const misread = [
    "page=-1",
    "per_page=0",
    "per_page=201",
    "per_page=100000",
    "page=abc",
    "per_page=1.5",
    "page=1e20",
    "page=1&page=2",
    "per_page=",
  ];

  it("reads negative, zero, huge, fractional and repeated paging values as Mattermost does, never refusing them", async () => {
    for (const path of lists()) {
      const first = await alice.get(`${path}?page=0`);
      for (const query of misread) {
        const res = await alice.get(`${path}?${query}`);
        expect(res.status, `${path}?${query}`).toBe(200);
        if (!query.startsWith("page=1&")) expect(res.body, `${path}?${query}`).toEqual(first.body);
      }
    }
  });

  it("answers a page far past the end with an empty list, on both databases", async () => {
    for (const path of lists()) {
      const res = await alice.get(`${path}?page=9007199254740990&per_page=200`, z.union([z.array(z.unknown()), postListSchema]));
      expect(res.status, path).toBe(200);
      expect(Array.isArray(res.body) ? res.body : res.body.order).toEqual([]);
    }
  });

  it("refuses bad post anchors and times, naming them", async () => {
    for (const [query, field] of [
      ["before=abc", "before"],
      ["after=abc", "after"],
      ["since=abc", "since"],
      ["since=1e400", "since"],
      [`before=${"x".repeat(5000)}`, "before"],
    ] as const) {
      expectRefused(await alice.get(`/api/v4/channels/${channel.id}/posts?${query}`), query, field);
    }
  });

  it("refuses a user filter given twice or holding NUL", async () => {
    expectRefused(await alice.get(`/api/v4/users?in_channel=a&in_channel=b`), "in_channel twice", "in_channel");
    expectRefused(await alice.get(`/api/v4/users?in_team=a%00b`), "in_team NUL", "in_team");
  });
});

describe("ids that are not ids", () => {
  const ids = ["abc", "x".repeat(300), "%C3%A9t%C3%A9", "..%2F..%2Fetc", "a%00b", "%20", "%E0%A4%A"];
  /** What the router or the guard answers before any route, for the ids that never reach one. */
  const refusedEarly = (id: string): { status: number; message: string } | null =>
    id.includes("%00")
      ? { status: 400, message: "path: must not contain the NUL character (U+0000)" }
      : id.length > 100
        ? { status: 414, message: "path: a segment is longer than 100 characters" }
        : id === "%E0%A4%A"
          ? { status: 400, message: "path: is not a valid URL (a malformed %-escape)" }
          : null;
  const paths = (id: string) => [
    `/api/v4/channels/${id}`,
    `/api/v4/channels/${id}/posts`,
    `/api/v4/channels/${id}/members`,
    `/api/v4/channels/${channel.id}/members/${id}`,
    `/api/v4/posts/${id}`,
    `/api/v4/users/${id}`,
    `/api/v4/users/username/${id}`,
    `/api/v4/teams/${id}`,
    `/api/v4/teams/name/${id}`,
    `/api/v4/teams/${id}/channels`,
    `/api/v4/teams/${team.id}/channels/name/${id}`,
    `/api/v4/teams/${id}/members`,
    `/api/v4/users/me/teams/${id}/channels`,
  ];

  it("get a 404, or a 400/414 naming the path when the URL itself is bad, never a 5xx", async () => {
    for (const id of ids) {
      for (const path of paths(id)) {
        const res = await alice.get(path, apiErrorBodySchema);
        expectRefused(res, `GET ${path}`);
        const early = refusedEarly(id);
        if (early) expect({ status: res.status, message: res.body.message }, path).toEqual(early);
        else expect(res.status, path).toBe(404);
      }
    }
  });

  it("in writes and admin routes, too", async () => {
    for (const id of ids) {
      for (const [method, path, body] of [
        ["POST", `/api/v4/channels/${id}/members`, { user_id: alice.user.id }],
        ["POST", `/api/v4/teams/${id}/members`, { user_id: alice.user.id }],
        ["DELETE", `/api/v4/users/${id}`, undefined],
        ["POST", `/api/v4/users/${id}/tokens`, { description: "x" }],
        ["POST", `/hooks/${id}`, { text: "x" }],
        ["POST", `/api/v4/plugins/${id}/enable`, undefined],
        ["GET", `/api/v4/plugins/${id}/settings`, undefined],
        ["POST", `/plugins/${id}/anything`, {}],
      ] as Array<[string, string, unknown]>) {
        expectRefused(await admin.request(method, path, body), `${method} ${path}`);
      }
    }
  });
});

describe("incoming webhooks, as Slack senders post them", () => {
  it("refuse a form whose payload is not JSON, or holds NUL", async () => {
    const form = (text: string) =>
      server.anonymous.request("POST", `/hooks/${hookId}`, text, { "content-type": "application/x-www-form-urlencoded" });
    const broken = await form("payload=%7Bnot");
    expectRefused(broken, "broken payload", "payload");
    expect(broken.body.message).toBe("payload: is not valid JSON");
    expectRefused(await form("payload=%5B1%5D"), "array payload", "body");
    expectRefused(await form(`payload=${encodeURIComponent(JSON.stringify({ text: "a\u0000b" }))}`), "NUL payload", "text");
    expectRefused(await form("text=a%00b"), "NUL form field", "text");
  });

  it("refuse attachments of megabytes, naming them, and store nothing", async () => {
    const res = await server.anonymous.post(`/hooks/${hookId}`, { text: "big", attachments: [{ text: "x".repeat(1_000_000) }] });
    expectRefused(res, "huge attachment", "props");
    const huge = await alice.post("/api/v4/posts", { channel_id: channel.id, message: "big", props: { blob: "x".repeat(1_000_000) } });
    expectRefused(huge, "huge props", "props");
    expect(huge.body.message).toBe("props: must be at most 800000 characters as JSON");
  });
});

describe("plugin admin routes", () => {
  it("refuse an upload that is not multipart, naming the field", async () => {
    const res = await admin.post("/api/v4/plugins", { plugin: "x" }, apiErrorBodySchema);
    expectRefused(res, "json upload", "plugin");
    expect(res.status).toBe(400);
    expect(res.body.message).toBe("plugin: a .tar.gz bundle is required in the multipart field 'plugin'");
  });

  it("refuse a bad purge flag and settings that are not an object", async () => {
    expectRefused(await admin.delete("/api/v4/plugins/nope?purge=maybe"), "purge", "purge");
    for (const body of ["[]", "null", '"x"'])
      expectRefused(await admin.request("PUT", "/api/v4/plugins/nope/settings", body), `settings ${body}`);
  });
});

describe("plugin routes (Incident and Workflow)", () => {
  let plugins: TestServer;
  let boss: Client;
  let member: Client;
  let opsTeam: Team;
  let ops: Channel;
  let incidentId: string;
  let itemId: string;
  let workflowId: string;
  const INCIDENT = "/plugins/incident/api/v1";
  const WORKFLOW = "/plugins/workflow/api/v1";

  beforeAll(async () => {
    const { startWorkflowServer } = await import("../../../plugins/workflow/server/test-server.ts");
    plugins = await startWorkflowServer({ incident: true });
    boss = await plugins.admin();
    member = await plugins.createUser();
    opsTeam = await plugins.createTeam(boss, { name: "fuzz-ops" });
    ops = await plugins.createChannel(boss, { teamId: opsTeam.id, name: "ops" });
    await plugins.addToChannel(boss, { channel: ops, user: member.user });
    const started = await member.post(`${INCIDENT}/incidents`, { name: "Fuzzed", team_id: opsTeam.id }, withId);
    incidentId = started.body.id;
    const withItem = z.looseObject({ checklist: z.tuple([withId], withId) });
    itemId = (await member.post(`${INCIDENT}/incidents/${incidentId}/checklist`, { title: "Item" }, withItem)).body.checklist[0].id;
    const wf = await boss.post(
      `${WORKFLOW}/workflows`,
      {
        team_id: opsTeam.id,
        source: `name: Fuzz\nteam: fuzz-ops\nrun_as: ${boss.user.username}\ntrigger: {type: webhook}\nsteps:\n  - action: post_message\n    with: {channel: ops, message: hi}\n`,
      },
      withId,
    );
    workflowId = wf.body.id;
  });
  afterAll(async () => {
    await plugins?.close();
  });

  const pluginRoutes: Record<string, JsonRoute> = {
    "POST /incidents": {
      method: "POST",
      path: () => `${INCIDENT}/incidents`,
      caller: () => member,
      body: () => ({ name: "Fuzz", team_id: opsTeam.id, channel_name: "", playbook_id: "", private: false, fields: {} }),
      required: ["name", "team_id"],
    },
    "POST /incidents/dialog": {
      method: "POST",
      path: () => `${INCIDENT}/incidents/dialog`,
      caller: () => member,
      body: () => ({ team_id: opsTeam.id, channel_id: ops.id }),
      required: ["team_id", "channel_id"],
    },
    "PATCH /incidents/{id}": {
      method: "PATCH",
      path: () => `${INCIDENT}/incidents/${incidentId}`,
      caller: () => member,
      body: () => ({ current_stage: "Triage" }),
      required: [],
    },
    "POST /incidents/{id}/checklist": {
      method: "POST",
      path: () => `${INCIDENT}/incidents/${incidentId}/checklist`,
      caller: () => member,
      body: () => ({ title: "Check", stage: "Triage" }),
      required: ["title"],
    },
    "PUT /incidents/{id}/checklist/{item}": {
      method: "PUT",
      path: () => `${INCIDENT}/incidents/${incidentId}/checklist/${itemId}`,
      caller: () => member,
      body: () => ({ checked: false }),
      required: ["checked"],
    },
    "POST /playbooks": {
      method: "POST",
      path: () => `${INCIDENT}/playbooks`,
      caller: () => member,
      body: () => ({ team_id: opsTeam.id, source: "name: Fuzz book\n" }),
      required: ["team_id", "source"],
    },
    "POST /playbooks/apply": {
      method: "POST",
      path: () => `${INCIDENT}/playbooks/apply`,
      caller: () => member,
      body: () => ({ team_id: opsTeam.id, files: [{ path: "a.yaml", source: "name: Fuzz book\n" }] }),
      required: ["team_id", "files"],
    },
    "POST /workflows": {
      method: "POST",
      path: () => `${WORKFLOW}/workflows`,
      caller: () => boss,
      body: () => ({ team_id: opsTeam.id, source: "name: x\n" }),
      required: ["team_id", "source"],
    },
  };
  describe.each(Object.entries(pluginRoutes))("%s", (name, route) => sweep(name, route));

  it("read bad paging on every plugin list as Mattermost does (issue 11), and refuse bad filters naming them", async () => {
    for (const path of [`${INCIDENT}/incidents`, `${WORKFLOW}/workflows/${workflowId}/runs`, `${WORKFLOW}/runs`]) {
      const caller = path.startsWith(WORKFLOW) ? boss : member;
      const first = await caller.get(`${path}?page=0`);
      for (const query of ["page=-1", "per_page=0", "per_page=100000", "page=abc", "per_page=1.5", "page=1e20"]) {
        const res = await caller.get(`${path}?${query}`);
        expect(res.status, `${path}?${query}`).toBe(200);
        expect(res.body, `${path}?${query}`).toEqual(first.body);
      }
      const far = await caller.get(`${path}?page=9007199254740990&per_page=200`, z.looseObject({ items: z.array(z.unknown()) }));
      expect(far.status, path).toBe(200);
      expect(far.body.items).toEqual([]);
    }
    for (const [query, field] of [
      ["status=open", "status"],
      ["team_id=abc", "team_id"],
      ["commander_user_id=x", "commander_user_id"],
      ["channel_id=%00", "channel_id"],
    ] as const) {
      expectRefused(await member.get(`${INCIDENT}/incidents?${query}`), query, field);
    }
    expectRefused(await member.get(`${INCIDENT}/playbooks`), "playbooks without team_id", "team_id");
  });

  it("answer ids that are not ids with a 404 or a 400 naming the path, never a 5xx", async () => {
    for (const id of ["abc", "%C3%A9", "x".repeat(99), "a%00b"]) {
      for (const [method, path, body, caller] of [
        ["GET", `${INCIDENT}/incidents/${id}`, undefined, member],
        ["PATCH", `${INCIDENT}/incidents/${id}`, { current_stage: "Triage" }, member],
        ["POST", `${INCIDENT}/incidents/${id}/end`, undefined, member],
        ["PUT", `${INCIDENT}/incidents/${incidentId}/checklist/${id}`, { checked: true }, member],
        ["DELETE", `${INCIDENT}/incidents/${incidentId}/checklist/${id}`, undefined, member],
        ["GET", `${INCIDENT}/playbooks/${id}`, undefined, member],
        ["DELETE", `${INCIDENT}/playbooks/${id}`, undefined, member],
        ["GET", `${WORKFLOW}/workflows/${id}`, undefined, boss],
        ["POST", `${WORKFLOW}/workflows/${id}/enable`, undefined, boss],
        ["GET", `${WORKFLOW}/runs/${id}`, undefined, boss],
        ["POST", `${WORKFLOW}/hooks/${id}/${id}`, {}, plugins.anonymous],
      ] as Array<[string, string, unknown, TestClient]>) {
        const res = await caller.request(method, path, body, {}, apiErrorBodySchema);
        expectRefused(res, `${method} ${path}`);
        if (id.includes("%00")) expect(res.body.message, path).toBe("path: must not contain the NUL character (U+0000)");
        else expect(res.status, `${method} ${path}`).toBe(404);
      }
    }
  });

  it("refuse a YAML alias bomb in a playbook or a workflow quickly, with a 400", async () => {
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 9; i++)
      levels.push(
        `l${i}: &l${i} [${Array(10)
          .fill(i === 1 ? "*a" : `*l${i - 1}`)
          .join(", ")}]`,
      );
    const bomb = `name: Bomb\n${levels.join("\n")}\n`;
    const started = Date.now();
    const playbook = await member.post(`${INCIDENT}/playbooks`, { team_id: opsTeam.id, source: bomb });
    expectRefused(playbook, "playbook bomb");
    expect(playbook.status).toBe(400);
    const workflow = await boss.post(`${WORKFLOW}/workflows`, {
      team_id: opsTeam.id,
      source: bomb.replace("name: Bomb", `name: Bomb\nteam: fuzz-ops\nrun_as: ${boss.user.username}`),
    });
    expectRefused(workflow, "workflow bomb");
    expect(workflow.status).toBe(400);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("a workflow webhook refuses a body that is not an object, naming body", async () => {
    const wf = (await boss.get(`${WORKFLOW}/workflows/${workflowId}`)).body as { webhook_url: string };
    const path = new URL(wf.webhook_url).pathname;
    for (const body of ["[]", '"x"', "42"]) expectRefused(await plugins.anonymous.request("POST", path, body), `hook ${body}`, "body");
    expectRefused(await plugins.anonymous.request("POST", path, '{"a": "b\\u0000"}'), "hook NUL", "a");
  });
});

describe("WebSocket frames", () => {
  it("survive garbage: not JSON, null, wrong shapes, bad tokens, oversized frames", async () => {
    const socket = await TestSocket.open(server.url);
    const frames = socket.frames;
    for (const frame of [
      "not json",
      "null",
      "42",
      '"x"',
      "[]",
      "{}",
      '{"seq": "x", "action": 5}',
      '{"seq": 2, "action": "authentication_challenge", "data": null}',
      '{"seq": 3, "action": "authentication_challenge", "data": {"token": 12}}',
      '{"seq": 4, "action": "authentication_challenge", "data": {"token": "a\\u0000b"}}',
    ]) {
      socket.sendFrame(frame);
    }
    socket.sendFrame({ seq: 9, action: "authentication_challenge", data: { token: alice.token } });
    await socket.waitFor("hello");
    expect(frames.filter((f) => f.seq_reply === 3 || f.seq_reply === 4).map((f) => f.status)).toEqual(["FAIL", "FAIL"]);
    expect(frames.some((f) => f.event === "hello")).toBe(true);
    await socket.close();
    // A frame over the 64 KB limit closes that socket (1009), and nothing else.
    const big = await TestSocket.open(server.url);
    const closed = new Promise<number>((r) => big.ws.once("close", (code) => r(code)));
    big.sendFrame("x".repeat(70 * 1024));
    expect(await closed).toBe(1009);
    expect((await alice.get("/api/v4/users/me")).status).toBe(200);
  });
});

describe("every route of the route table", () => {
  it("answers ids that are not ids and bodies that are not objects with a 4xx, never a 5xx", async () => {
    // A user of its own: the sweep logs out and may deactivate whoever calls it.
    const prober = await server.createUser();
    for (const entry of server.host.routes.list({ owner: "host" })) {
      const caller = entry.access === "system_admin" ? admin : prober;
      const takesBody = entry.method !== "GET" && entry.method !== "DELETE";
      const res = await caller.request(entry.method, samplePath(entry, "abc"), takesBody ? "[]" : undefined);
      const label = `${entry.method} ${entry.path}`;
      expect(res.status, label).toBeLessThan(500);
      if (entry.params || entry.body) expectRefused(res, label);
    }
  });

  it("covers every route of the table (so a new route cannot be missed)", () => {
    const missed = server.host.routes
      .list({ owner: "host" })
      .filter((entry) => !sent.some((request) => routeMatches(entry, request.method, request.url)))
      .map((entry) => `${entry.method} ${entry.path}`);
    expect(missed).toEqual([]);
  });
});
