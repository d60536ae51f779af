/**
 * Who may call each chat route of issue 10 (DESIGN.md section 9), as one
 * matrix: every route against a private channel's post, as anonymous (401),
 * a team member outside the channel and a removed member (the same 404 as for
 * nothing at all), a member, the post's author and a system admin; and
 * against a direct message's post, as a third user and a system admin (404:
 * DMs are their members' only). Each cell runs on its own fresh channel, so
 * one caller's change never decides the next one's answer. The matrix must
 * name every one of those routes in the route table.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { channelSchema, fileUploadResponseSchema, postSchema, postSearchResultsSchema } from "#common/wire-schemas.ts";
import type { Channel, FileInfo, Post, Team } from "#common/wire.ts";
import {
  expectBody,
  itemAt,
  officialClient,
  startTestServer,
  type ApiResponse,
  type TestClient,
  type TestServer,
  type UserClient,
} from "#testing";

/** The smallest valid PNG: 1 × 1 pixel. */
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");

let server: TestServer;
let team: Team;
/** alice: author (and the team's admin); bob: member; rita: removed; olga: on the team, never in it; eve: a member to remove; carol: a DM's third user. */
let people: Record<"alice" | "bob" | "rita" | "olga" | "eve" | "carol" | "admin", UserClient>;

beforeAll(async () => {
  server = await startTestServer();
  const admin = await server.admin();
  const [alice, bob, rita, olga, eve, carol] = [
    await server.createUser(),
    await server.createUser(),
    await server.createUser(),
    await server.createUser(),
    await server.createUser(),
    await server.createUser(),
  ];
  people = { alice, bob, rita, olga, eve, carol, admin };
  team = await server.createTeam(alice);
  for (const person of [bob, rita, olga, eve, carol])
    expect((await alice.post(`/api/v4/teams/${team.id}/members`, { team_id: team.id, user_id: person.user.id })).status).toBe(201);
});
afterAll(async () => {
  await server?.close();
});

/** What a cell's request works on: a channel, the author's post in it with a file and a reaction, and a member to remove. */
interface Fixture {
  channel: Channel;
  post: Post;
  file: FileInfo;
  removable: string;
}

function pngForm(channelId: string): FormData {
  const form = new FormData();
  form.append("channel_id", channelId);
  form.append("files", new Blob([new Uint8Array(PNG)], { type: "image/png" }), "graph.png");
  return form;
}

/**
 * A fresh fixture: a private channel of Alice's with Bob and Eve, Rita added
 * and removed again; or the direct message of Alice and Bob (one per pair, so
 * each DM cell gets a fresh post in it). `archived` archives the channel.
 */
async function fixture(kind: "private" | "dm", props: { archived?: boolean } = {}): Promise<Fixture> {
  const { alice, bob, rita, eve } = people;
  let channel: Channel;
  if (kind === "dm") channel = channelSchema.parse(await officialClient(alice).createDirectChannel([alice.user.id, bob.user.id]));
  else {
    channel = await server.createChannel(alice, { teamId: team.id, type: "P" });
    for (const person of [bob, eve, rita]) await server.addToChannel(alice, { channel, user: person.user });
    expect((await alice.delete(`/api/v4/channels/${channel.id}/members/${rita.user.id}`)).status).toBe(200);
  }
  const uploaded = await alice.request("POST", "/api/v4/files", pngForm(channel.id), {}, fileUploadResponseSchema);
  const file = itemAt(expectBody(uploaded, fileUploadResponseSchema).file_infos, 0, "the upload");
  const post = expectBody(
    await alice.post("/api/v4/posts", { channel_id: channel.id, message: "db-01 failing over", file_ids: [file.id] }),
    postSchema,
  );
  expect((await alice.post("/api/v4/reactions", { user_id: alice.user.id, post_id: post.id, emoji_name: "eyes" })).status).toBe(200);
  if (props.archived) expect((await alice.delete(`/api/v4/channels/${channel.id}`)).status).toBe(200);
  return { channel, post, file, removable: kind === "dm" ? bob.user.id : eve.user.id };
}

/** One route, its request and the status each caller gets: against a private channel, and against a DM. */
interface Cell {
  route: string;
  request(caller: TestClient, callerId: string, f: Fixture): Promise<ApiResponse>;
  /** The cell changes what it works on: each caller gets a fresh fixture (the others share one). */
  changes?: boolean;
  archived?: boolean;
  /** anonymous, outsider (olga), removed (rita), member (bob), author (alice), system admin. */
  private: [number, number, number, number, number, number];
  /** anonymous, third user (carol), member (bob), author (alice), system admin. */
  dm: [number, number, number, number, number];
}

const ANYONE = "x".repeat(26);

const cells: Cell[] = [
  {
    route: "POST /api/v4/posts",
    request: (c, _id, f) => c.post("/api/v4/posts", { channel_id: f.channel.id, root_id: f.post.id, message: "on it" }),
    private: [401, 404, 404, 201, 201, 201],
    dm: [401, 404, 201, 201, 404],
  },
  {
    route: "GET /api/v4/posts/:id/thread",
    request: (c, _id, f) => c.get(`/api/v4/posts/${f.post.id}/thread?perPage=10&direction=down`),
    private: [401, 404, 404, 200, 200, 200],
    dm: [401, 404, 200, 200, 404],
  },
  {
    route: "PUT /api/v4/posts/:id/patch",
    changes: true,
    request: (c, _id, f) => c.put(`/api/v4/posts/${f.post.id}/patch`, { message: "db-01 failed over" }),
    private: [401, 404, 404, 403, 200, 403],
    dm: [401, 404, 403, 200, 404],
  },
  {
    route: "DELETE /api/v4/posts/:id",
    changes: true,
    request: (c, _id, f) => c.delete(`/api/v4/posts/${f.post.id}`),
    private: [401, 404, 404, 403, 200, 200],
    dm: [401, 404, 403, 200, 404],
  },
  {
    route: "POST /api/v4/reactions",
    request: (c, id, f) => c.post("/api/v4/reactions", { user_id: id, post_id: f.post.id, emoji_name: "white_check_mark" }),
    private: [401, 404, 404, 200, 200, 200],
    dm: [401, 404, 200, 200, 404],
  },
  {
    route: "GET /api/v4/posts/:id/reactions",
    request: (c, _id, f) => c.get(`/api/v4/posts/${f.post.id}/reactions`),
    private: [401, 404, 404, 200, 200, 200],
    dm: [401, 404, 200, 200, 404],
  },
  {
    route: "DELETE /api/v4/users/:userId/posts/:postId/reactions/:emojiName",
    changes: true,
    request: (c, id, f) => c.delete(`/api/v4/users/${id}/posts/${f.post.id}/reactions/eyes`),
    private: [401, 404, 404, 200, 200, 200],
    dm: [401, 404, 200, 200, 404],
  },
  {
    route: "POST /api/v4/files",
    request: (c, _id, f) => c.request("POST", "/api/v4/files", pngForm(f.channel.id)),
    private: [401, 404, 404, 201, 201, 201],
    dm: [401, 404, 201, 201, 404],
  },
  {
    route: "GET /api/v4/files/:id",
    request: (c, _id, f) => c.get(`/api/v4/files/${f.file.id}`),
    private: [401, 404, 404, 200, 200, 200],
    dm: [401, 404, 200, 200, 404],
  },
  {
    route: "GET /api/v4/files/:id/preview",
    request: (c, _id, f) => c.get(`/api/v4/files/${f.file.id}/preview`),
    private: [401, 404, 404, 200, 200, 200],
    dm: [401, 404, 200, 200, 404],
  },
  {
    route: "GET /api/v4/files/:id/info",
    request: (c, _id, f) => c.get(`/api/v4/files/${f.file.id}/info`),
    private: [401, 404, 404, 200, 200, 200],
    dm: [401, 404, 200, 200, 404],
  },
  {
    route: "GET /api/v4/posts/:id/files/info",
    request: (c, _id, f) => c.get(`/api/v4/posts/${f.post.id}/files/info`),
    private: [401, 404, 404, 200, 200, 200],
    dm: [401, 404, 200, 200, 404],
  },
  {
    route: "GET /api/v4/users/autocomplete",
    request: (c, _id, f) => c.get(`/api/v4/users/autocomplete?in_channel=${f.channel.id}&name=a`),
    private: [401, 404, 404, 200, 200, 200],
    dm: [401, 404, 200, 200, 404],
  },
  {
    route: "PUT /api/v4/channels/:id/patch",
    request: (c, _id, f) => c.put(`/api/v4/channels/${f.channel.id}/patch`, { header: "sev2" }),
    private: [401, 404, 404, 200, 200, 200],
    dm: [401, 404, 200, 200, 404],
  },
  {
    route: "DELETE /api/v4/channels/:id/members/:userId",
    changes: true,
    request: (c, _id, f) => c.delete(`/api/v4/channels/${f.channel.id}/members/${f.removable}`),
    // A DM's members are fixed: its own members get a 400 naming why.
    private: [401, 404, 404, 200, 200, 200],
    dm: [401, 404, 400, 400, 404],
  },
  {
    route: "PUT /api/v4/channels/:id/privacy",
    changes: true,
    request: (c, _id, f) => c.put(`/api/v4/channels/${f.channel.id}/privacy`, { privacy: "O" }),
    // Only system admins make a private channel public; a DM is neither.
    private: [401, 404, 404, 403, 403, 200],
    dm: [401, 404, 400, 400, 404],
  },
  {
    route: "DELETE /api/v4/channels/:id",
    changes: true,
    request: (c, _id, f) => c.delete(`/api/v4/channels/${f.channel.id}`),
    private: [401, 404, 404, 200, 200, 200],
    dm: [401, 404, 400, 400, 404],
  },
  {
    route: "POST /api/v4/channels/:id/restore",
    changes: true,
    archived: true,
    request: (c, _id, f) => c.post(`/api/v4/channels/${f.channel.id}/restore`),
    // Team admins (Alice made the team) and system admins; a DM has no team and is never archived.
    private: [401, 404, 404, 403, 200, 200],
    dm: [401, 404, 403, 403, 404],
  },
];

/** The callers of each column, with the id a request about "my own" reaction uses. */
function callers(kind: "private" | "dm"): Array<{ who: string; client: TestClient; id: string }> {
  const { alice, bob, rita, olga, carol, admin } = people;
  const row = (who: string, client: UserClient) => ({ who, client, id: client.user.id });
  const anonymous = { who: "anonymous", client: server.anonymous, id: ANYONE };
  return kind === "private"
    ? [anonymous, row("outsider", olga), row("removed member", rita), row("member", bob), row("author", alice), row("system admin", admin)]
    : [anonymous, row("third user", carol), row("member", bob), row("author", alice), row("system admin", admin)];
}

describe("the chat routes' permission matrix", () => {
  it("names every chat route of issue 10 that acts on a channel's posts, files or settings, each once", () => {
    const routes = new Set(server.host.routes.list({ owner: "host" }).map((r) => `${r.method} ${r.path}`));
    const named = cells.map((c) => c.route);
    expect(named.filter((r) => !routes.has(r))).toEqual([]);
    expect(new Set(named).size).toBe(named.length);
  });

  for (const kind of ["private", "dm"] as const)
    it(`answers each caller of a ${kind === "private" ? "private channel" : "direct message"} as the matrix says`, async () => {
      const got: string[] = [];
      const wanted: string[] = [];
      const shared = await fixture(kind);
      for (const cell of cells) {
        const expected = kind === "private" ? cell.private : cell.dm;
        for (const [i, caller] of callers(kind).entries()) {
          const f = cell.changes ? await fixture(kind, { archived: cell.archived && kind === "private" }) : shared;
          const res = await cell.request(caller.client, caller.id, f);
          got.push(`${cell.route} as ${caller.who}: ${res.status}`);
          wanted.push(`${cell.route} as ${caller.who}: ${expected[i] ?? "?"}`);
          // A refusal names why, and changed nothing the author's post had.
          if (res.status >= 400) {
            const still = await people.alice.get(`/api/v4/posts/${f.post.id}`, postSchema);
            expect(still.body.message, `${cell.route} as ${caller.who}`).toBe("db-01 failing over");
          }
        }
      }
      expect(got).toEqual(wanted);
    }, 180_000);

  it("finds a private channel's post for its members only (not the removed member, an outsider or a system admin), a DM's for its two", async () => {
    const { alice, bob, rita, olga, carol, admin } = people;
    const privateOne = await fixture("private");
    const dm = await fixture("dm");
    const finds = async (person: UserClient, postId: string) => {
      const res = await person.post(`/api/v4/teams/${team.id}/posts/search`, { terms: "failing" }, postSearchResultsSchema);
      expect(res.status).toBe(200);
      return res.body.order.includes(postId);
    };
    const who = { alice, bob, rita, olga, carol, admin };
    const found: Record<string, [boolean, boolean]> = {};
    for (const [name, person] of Object.entries(who))
      found[name] = [await finds(person, privateOne.post.id), await finds(person, dm.post.id)];
    expect(found).toEqual({
      alice: [true, true],
      bob: [true, true],
      rita: [false, false],
      olga: [false, false],
      carol: [false, false],
      admin: [false, false],
    });
    const anonymous = await server.anonymous.post(`/api/v4/teams/${team.id}/posts/search`, { terms: "failing" });
    expect(anonymous.status).toBe(401);
  });
});
