/**
 * Personal access tokens on Mattermost's routes: made with an optional
 * expiry, listed without their secrets, read, disabled, enabled and revoked;
 * a revoked, disabled or expired token is refused at once over HTTP and its
 * WebSocket is closed; nobody but the owner (and system admins) learns a
 * token exists. On PostgreSQL, a revocation on one process is refused on the
 * other at once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { apiErrorBodySchema, createdUserAccessTokenSchema, userAccessTokenSchema, userSchema } from "#common/wire-schemas.ts";
import {
  eventually,
  startSecondProcess,
  startTestServer,
  testDialect,
  TestClient,
  TestSocket,
  type TestServer,
  type UserClient,
} from "#testing";
import { ManualClock } from "../../clock.ts";

const SIGNED_OUT = { id: "api.context.session_expired.app_error", message: "You must be signed in to do that.", status_code: 401 };
const NO_TOKEN = { id: "app.user_access_token.not_found", message: "token_id: no such personal access token of yours", status_code: 404 };

const clock = new ManualClock(Date.now());
let server: TestServer;
let admin: UserClient;

beforeAll(async () => {
  server = await startTestServer({ clock });
  admin = await server.admin();
});
afterAll(async () => server.close());

async function tokenOf(owner: UserClient, props: { description?: string; expires_at?: number } = {}) {
  const res = await owner.post(
    `/api/v4/users/${owner.user.id}/tokens`,
    { description: props.description ?? "ci", ...props },
    createdUserAccessTokenSchema,
  );
  expect(res.status).toBe(201);
  return res.body;
}

/** A client and a WebSocket signed in with a token. */
async function signedInWith(token: string) {
  const client = new TestClient(server.url, token);
  expect((await client.get("/api/v4/users/me")).status).toBe(200);
  const socket = await TestSocket.open(server.url, { token });
  return { client, socket };
}

async function expectRefused(client: TestClient, socket: TestSocket) {
  const me = await client.get("/api/v4/users/me", apiErrorBodySchema);
  expect({ status: me.status, body: me.body }).toMatchObject({ status: 401, body: SIGNED_OUT });
  await eventually(() => socket.closed !== null, { what: "the token's WebSocket to close" });
  expect(socket.closed).toEqual({ code: 4001, reason: "session ended" });
}

describe("personal access tokens", () => {
  it("are listed and read by their owner, without their secrets, with is_active and expires_at", async () => {
    const alice = await server.createUser();
    const first = await tokenOf(alice, { description: "first" });
    await clock.advance(1);
    const second = await tokenOf(alice, { description: "second", expires_at: clock.now() + 3_600_000 });
    expect(first).toMatchObject({
      user_id: alice.user.id,
      description: "first",
      is_active: true,
      expires_at: 0,
      token: expect.stringMatching(/^[a-z0-9]{26}$/),
    });
    const list = await alice.get(`/api/v4/users/me/tokens`, z.array(userAccessTokenSchema));
    expect(list.status).toBe(200);
    expect(list.body).toEqual([
      { id: first.id, user_id: alice.user.id, description: "first", is_active: true, expires_at: 0 },
      { id: second.id, user_id: alice.user.id, description: "second", is_active: true, expires_at: clock.now() + 3_600_000 },
    ]);
    expect(JSON.stringify(list.body)).not.toContain(first.token);
    const paged = await alice.get(`/api/v4/users/${alice.user.id}/tokens?page=1&per_page=1`, z.array(userAccessTokenSchema));
    expect(paged.body.map((t) => t.id)).toEqual([second.id]);
    const one = await alice.get(`/api/v4/users/tokens/${first.id}`, userAccessTokenSchema);
    expect(one.status).toBe(200);
    expect(one.body).toEqual({ id: first.id, user_id: alice.user.id, description: "first", is_active: true, expires_at: 0 });
    // A system admin reads anyone's.
    expect((await admin.get(`/api/v4/users/${alice.user.id}/tokens`, z.array(userAccessTokenSchema))).body).toHaveLength(2);
    expect((await admin.get(`/api/v4/users/tokens/${first.id}`)).status).toBe(200);
  });

  it("are someone else's business only as a 404, the same as a token that does not exist", async () => {
    const owner = await server.createUser();
    const stranger = await server.createUser();
    const token = await tokenOf(owner);
    const list = await stranger.get(`/api/v4/users/${owner.user.id}/tokens`, apiErrorBodySchema);
    expect(list.status).toBe(403);
    expect(list.body.message).toBe("You may list only your own tokens.");
    for (const tokenId of [token.id, "n".repeat(26)]) {
      const read = await stranger.get(`/api/v4/users/tokens/${tokenId}`, apiErrorBodySchema);
      expect({ status: read.status, body: read.body }).toMatchObject({ status: 404, body: NO_TOKEN });
      for (const verb of ["revoke", "disable", "enable"]) {
        const res = await stranger.post(`/api/v4/users/tokens/${verb}`, { token_id: tokenId }, apiErrorBodySchema);
        expect({ verb, status: res.status, body: res.body }).toMatchObject({ verb, status: 404, body: NO_TOKEN });
      }
    }
    expect((await new TestClient(server.url, token.token).get("/api/v4/users/me")).status).toBe(200);
  });

  it("refuse a bad token_id or expires_at, naming the field", async () => {
    const bob = await server.createUser();
    const missing = await bob.post("/api/v4/users/tokens/revoke", {}, apiErrorBodySchema);
    expect(missing.status).toBe(400);
    expect(missing.body.message).toBe("token_id: is required");
    const past = await bob.post(
      `/api/v4/users/${bob.user.id}/tokens`,
      { description: "old", expires_at: clock.now() - 1 },
      apiErrorBodySchema,
    );
    expect(past.status).toBe(400);
    expect(past.body).toMatchObject({
      id: "api.user.create_user_access_token.expires_at",
      message: "expires_at: must be in the future (milliseconds since the epoch), or 0 for never",
      status_code: 400,
    });
    const text = await bob.post(`/api/v4/users/${bob.user.id}/tokens`, { description: "x", expires_at: "tomorrow" }, apiErrorBodySchema);
    expect(text.status).toBe(400);
    expect(text.body.message).toBe("expires_at: must be a number (milliseconds since the epoch)");
  });

  it("once revoked, are refused at once over HTTP and the WebSocket, and listed no more", async () => {
    const carol = await server.createUser();
    const token = await tokenOf(carol);
    const { client, socket } = await signedInWith(token.token);
    const revoked = await carol.post("/api/v4/users/tokens/revoke", { token_id: token.id });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toEqual({ status: "OK" });
    await expectRefused(client, socket);
    expect((await carol.get("/api/v4/users/me/tokens", z.array(userAccessTokenSchema))).body).toEqual([]);
    const again = await carol.post("/api/v4/users/tokens/revoke", { token_id: token.id }, apiErrorBodySchema);
    expect({ status: again.status, body: again.body }).toMatchObject({ status: 404, body: NO_TOKEN });
    const socketAgain = await TestSocket.open(server.url);
    socketAgain.send("authentication_challenge", { token: token.token });
    const reply = await socketAgain.waitFor((f) => f.status === "FAIL");
    expect(reply.error).toEqual({ id: "api.web_socket_router.not_authenticated.app_error", message: "invalid token" });
    await socketAgain.close();
    // The owner's own session is untouched.
    expect((await carol.get("/api/v4/users/me", userSchema)).body.id).toBe(carol.user.id);
  });

  it("once disabled, are refused at once, and work again when enabled", async () => {
    const dave = await server.createUser();
    const token = await tokenOf(dave);
    const { client, socket } = await signedInWith(token.token);
    expect((await admin.post("/api/v4/users/tokens/disable", { token_id: token.id })).status).toBe(200);
    await expectRefused(client, socket);
    expect((await dave.get(`/api/v4/users/tokens/${token.id}`, userAccessTokenSchema)).body.is_active).toBe(false);
    expect((await dave.post("/api/v4/users/tokens/enable", { token_id: token.id })).status).toBe(200);
    expect((await dave.get(`/api/v4/users/tokens/${token.id}`, userAccessTokenSchema)).body.is_active).toBe(true);
    const back = await client.get("/api/v4/users/me", userSchema);
    expect(back.status).toBe(200);
    expect(back.body.id).toBe(dave.user.id);
  });

  it("stop working at their expiry: refused over HTTP and the WebSocket closed right then", async () => {
    const erin = await server.createUser();
    const token = await tokenOf(erin, { expires_at: clock.now() + 60_000 });
    const { client, socket } = await signedInWith(token.token);
    await clock.advance(59_000);
    expect((await client.get("/api/v4/users/me")).status).toBe(200);
    expect(socket.closed).toBeNull();
    await clock.advance(1_000);
    await expectRefused(client, socket);
    // A token never used before its expiry is refused too.
    const unused = await tokenOf(erin, { expires_at: clock.now() + 1_000 });
    await clock.advance(1_000);
    const me = await new TestClient(server.url, unused.token).get("/api/v4/users/me", apiErrorBodySchema);
    expect({ status: me.status, body: me.body }).toMatchObject({ status: 401, body: SIGNED_OUT });
  });
});

describe.runIf(testDialect === "postgres")("on PostgreSQL with two processes", () => {
  it("a token revoked on one process is refused on the other at once, its WebSocket there closed", async () => {
    const pg = await startTestServer();
    const second = await startSecondProcess(pg);
    try {
      const frank = await pg.createUser();
      const res = await frank.post(`/api/v4/users/${frank.user.id}/tokens`, { description: "ci" }, createdUserAccessTokenSchema);
      const elsewhere = new TestClient(second.url, res.body.token);
      expect((await elsewhere.get("/api/v4/users/me")).status).toBe(200);
      const socket = await TestSocket.open(second.url, { token: res.body.token });
      expect((await frank.post("/api/v4/users/tokens/revoke", { token_id: res.body.id })).status).toBe(200);
      await eventually(async () => (await elsewhere.get("/api/v4/users/me")).status === 401, {
        what: "the other process to refuse the token",
      });
      await eventually(() => socket.closed !== null, { what: "the other process to close the token's WebSocket" });
    } finally {
      await second.close();
      await pg.close();
    }
  }, 60_000);
});
