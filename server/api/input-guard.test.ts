/**
 * The input guard: one pass over the JSON text decides whether a body needs
 * looking at (most do not), and a suspect body is walked to name the field
 * holding a NUL, a lone UTF-16 surrogate, or nesting past the limit. Through
 * the API, a lone surrogate in any name is a 400 naming the field, on both
 * databases, instead of a name stored as replacement characters.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiErrorBodySchema } from "#common/wire-schemas.ts";
import type { Team, User } from "#common/wire.ts";
import { startTestServer, type TestClient, type TestServer } from "#testing";
import { bodyProblem, jsonBodyProblem, jsonTextSuspect, MAX_DEPTH } from "./input-guard.ts";

describe("jsonTextSuspect", () => {
  it("passes ordinary bodies without a walk: brackets and escapes inside strings are text", () => {
    const ordinary = JSON.stringify({
      message: 'a [[[[ {{{{ "quoted" \\ back\\slash \\u0000 as text and \u00e9',
      props: { attachments: [{ fields: [{ title: "t", value: "v" }] }] },
      keys: Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i])),
    });
    expect(jsonTextSuspect(ordinary)).toBe(false);
    // The object and its arrays: MAX_DEPTH levels in all.
    const deepest = `{"a": ${"[".repeat(MAX_DEPTH - 1)}${"]".repeat(MAX_DEPTH - 1)}}`;
    expect(jsonTextSuspect(deepest)).toBe(false);
    expect(bodyProblem(JSON.parse(deepest))).toBeNull();
  });

  it("flags NUL and surrogate escapes, in either case, and nesting past the limit", () => {
    expect(jsonTextSuspect('{"a": "x\\u0000y"}')).toBe(true);
    expect(jsonTextSuspect('{"a": "\\uD800"}')).toBe(true);
    expect(jsonTextSuspect('{"a": "\\udfff"}')).toBe(true);
    // A pair (an emoji, as Python's json.dumps writes it) is suspect, then found fine by the walk.
    const emoji = '{"name": "\\ud83d\\ude00"}';
    expect(jsonTextSuspect(emoji)).toBe(true);
    expect(jsonBodyProblem(emoji, JSON.parse(emoji))).toBeNull();
    const tooDeep = `{"a": ${"[".repeat(MAX_DEPTH)}${"]".repeat(MAX_DEPTH)}}`;
    expect(jsonTextSuspect(tooDeep)).toBe(true);
    expect(bodyProblem(JSON.parse(tooDeep))?.message).toBe(`a${".0".repeat(MAX_DEPTH - 1)}: nests deeper than ${MAX_DEPTH} levels`);
  });
});

describe("bodyProblem", () => {
  it("names the field, key or element holding a NUL or a lone surrogate", () => {
    expect(bodyProblem({ a: { b: ["ok", "x\u0000"] } })?.message).toBe("a.b.1: must not contain the NUL character (U+0000)");
    expect(bodyProblem({ props: { "k\ud800": 1 } })?.message).toBe(
      "props.k\ud800: must not contain a lone UTF-16 surrogate (U+D800 to U+DFFF without its pair): it is not valid Unicode text",
    );
    expect(bodyProblem({ display_name: "\udc00x" })).toMatchObject({ status: 400, id: "api.request.lone_surrogate" });
    expect(bodyProblem({ name: "pair \ud83d\ude00 fine" })).toBeNull();
  });

  it("walks any depth without recursion, naming where it passes the limit", () => {
    let deep: unknown = "leaf";
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(bodyProblem({ x: deep })?.message).toBe(`x${".0".repeat(MAX_DEPTH - 1)}: nests deeper than ${MAX_DEPTH} levels`);
  });
});

describe("lone surrogates through the API", () => {
  type Client = TestClient & { user: User };
  let server: TestServer;
  let admin: Client;
  let team: Team;
  const reason = "must not contain a lone UTF-16 surrogate (U+D800 to U+DFFF without its pair): it is not valid Unicode text";

  beforeAll(async () => {
    server = await startTestServer();
    admin = await server.admin();
    team = await server.createTeam(admin);
  });
  afterAll(async () => {
    await server?.close();
  });

  it("refuses a lone surrogate in the names of teams, channels and users with a 400 naming the field", async () => {
    const cases: Array<{ path: string; body: Record<string, unknown>; field: string; client: () => TestClient }> = [
      {
        path: "/api/v4/teams",
        body: { name: "sur-team", display_name: "Ops \ud800", type: "O" },
        field: "display_name",
        client: () => admin,
      },
      {
        path: "/api/v4/channels",
        body: { team_id: team.id, name: "sur-chan", display_name: "x\udc00", type: "O" },
        field: "display_name",
        client: () => admin,
      },
      {
        path: "/api/v4/users",
        body: { username: "surrogate", email: "s@example.com", password: "password-123", first_name: "\ud800" },
        field: "first_name",
        client: () => server.anonymous,
      },
    ];
    for (const { path, body, field, client } of cases) {
      const res = await client().post(path, body, apiErrorBodySchema);
      expect(res.status, path).toBe(400);
      expect(res.body, path).toMatchObject({ id: "api.request.lone_surrogate", message: `${field}: ${reason}`, status_code: 400 });
    }
    // Nothing was stored: the names are free, and the same requests with a whole pair succeed.
    const team2 = await admin.post("/api/v4/teams", { name: "sur-team", display_name: "Ops \ud83d\ude80", type: "O" });
    expect(team2.status).toBe(201);
    expect(team2.body).toMatchObject({ display_name: "Ops \ud83d\ude80" });
  });

  it("refuses one sent in the JSON text as an escape, as clients that escape non-ASCII do", async () => {
    const res = await admin.request("PUT", `/api/v4/teams/${team.id}/patch`, '{"display_name": "Ops \\uDBFF"}');
    expect(res.status).toBe(400);
    expect(apiErrorBodySchema.parse(res.body).message).toBe(`display_name: ${reason}`);
  });
});
