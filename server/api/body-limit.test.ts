/**
 * Each route's body limit is checked before the body is parsed: a
 * `Content-Length` over it is answered at once, without waiting for the body,
 * and a body sent without one stops being read at the limit. The answer is a
 * 413 naming the limit and the route.
 */
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiErrorBodySchema } from "#common/wire-schemas.ts";
import type { Channel, User } from "#common/wire.ts";
import { startTestServer, type TestClient, type TestServer } from "#testing";
import { POST_PROPS_MAX } from "../services/posts.ts";
import { BODY_LIMITS } from "./body-limit.ts";

type Client = TestClient & { user: User };

let server: TestServer;
let alice: Client;
let channel: Channel;

beforeAll(async () => {
  server = await startTestServer();
  const admin = await server.admin();
  alice = await server.createUser();
  const team = await server.createTeam(admin);
  channel = await server.createChannel(admin, { teamId: team.id });
  await server.addToChannel(admin, { channel, user: alice.user });
});
afterAll(async () => {
  await server?.close();
});

/**
 * A request that announces `announced` bytes but sends only `sent` of them
 * and never ends: an answer can only come from a server that did not wait
 * for the body.
 */
function announceLargeBody(props: { path: string; announced: number; sent: number }): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const url = new URL(props.path, server.url);
    const request = http.request(url, {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": String(props.announced) },
    });
    request.on("response", (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (text += chunk));
      response.on("end", () => {
        request.destroy();
        resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) });
      });
    });
    request.on("error", reject);
    request.write(`{"login_id": "${"x".repeat(Math.max(0, props.sent - 20))}`);
  });
}

/** A body sent in chunks, without a Content-Length (chunked transfer encoding). */
async function chunked(path: string, body: string, token?: string): Promise<{ status: number; body: unknown }> {
  const stream = new ReadableStream({
    start(controller) {
      const bytes = new TextEncoder().encode(body);
      for (let at = 0; at < bytes.length; at += 4096) controller.enqueue(bytes.slice(at, at + 4096));
      controller.close();
    },
  });
  const response = await fetch(server.url + path, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: stream,
    duplex: "half",
  } as RequestInit);
  return { status: response.status, body: await response.json() };
}

describe("body limits", () => {
  it("answers an anonymous 49 MB login at once with a 413 naming the limit, without reading the body", async () => {
    const res = await announceLargeBody({ path: "/api/v4/users/login", announced: 49 * 1024 * 1024, sent: 1024 });
    expect(res.status).toBe(413);
    expect(apiErrorBodySchema.parse(res.body)).toMatchObject({
      id: "api.request.body_too_large",
      message: "body: is larger than the limit of 8 KiB (8192 bytes) for POST /api/v4/users/login",
      status_code: 413,
    });
    // The server is free: a login of the ordinary size is answered.
    const wrong = await server.anonymous.post(
      "/api/v4/users/login",
      { login_id: "nobody", password: "wrong-password" },
      apiErrorBodySchema,
    );
    expect(wrong.status).toBe(401);
  });

  it("stops reading a body sent without a Content-Length at the limit", async () => {
    const signUp = await chunked("/api/v4/users", JSON.stringify({ username: "big", password: "x".repeat(20_000) }));
    expect(signUp).toMatchObject({
      status: 413,
      body: {
        id: "api.request.body_too_large",
        message: `body: is larger than the limit of 8 KiB (${BODY_LIMITS.credentials} bytes) for POST /api/v4/users`,
        status_code: 413,
      },
    });
  });

  it("takes a post with props at their limit, and refuses a body over 1 MiB", async () => {
    const props = { blob: "p".repeat(POST_PROPS_MAX - 100) };
    const fits = await alice.post("/api/v4/posts", { channel_id: channel.id, message: "fits", props });
    expect(fits.status).toBe(201);
    const over = await alice.post(
      "/api/v4/posts",
      { channel_id: channel.id, message: "too much", props: { blob: "p".repeat(BODY_LIMITS.posts) } },
      apiErrorBodySchema,
    );
    expect(over.status).toBe(413);
    expect(over.body.message).toBe("body: is larger than the limit of 1 MiB (1048576 bytes) for POST /api/v4/posts");
    const overChunked = await chunked(
      "/api/v4/posts",
      JSON.stringify({ channel_id: channel.id, message: "p".repeat(1_100_000) }),
      alice.token,
    );
    expect(overChunked.status).toBe(413);
  });

  it("records each route's limit in the route table", () => {
    const limitOf = (method: string, path: string) =>
      server.host.routes.list().find((r) => r.method === method && r.path === path)?.maxBodyBytes;
    expect(limitOf("POST", "/api/v4/users/login")).toBe(BODY_LIMITS.credentials);
    expect(limitOf("POST", "/api/v4/users")).toBe(BODY_LIMITS.credentials);
    expect(limitOf("POST", "/api/v4/posts")).toBe(BODY_LIMITS.posts);
    expect(limitOf("PUT", "/api/v4/posts/:id/patch")).toBe(BODY_LIMITS.posts);
  });
});
