/**
 * `WebHost.fetch` against a real in-process server: answers parsed with the
 * plugin's schema, failures as `WebFetchError` carrying the server's status,
 * id, message and details, and answers that do not parse refused with status 0.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { WebFetchError } from "#common/web-plugin-api.ts";
import { userSchema } from "#common/wire-schemas.ts";
import { startTestServer, type TestClient, type TestServer } from "#testing";
import { ApiClient } from "../api/client.ts";
import { pluginFetch } from "./web-host.ts";

let server: TestServer;
let alice: TestClient & { user: { id: string; username: string } };
let api: ApiClient;

beforeAll(async () => {
  server = await startTestServer();
  alice = await server.createUser();
  api = new ApiClient({
    baseUrl: server.url,
    fetch: (input, init) =>
      fetch(input, { ...init, headers: { ...Object.fromEntries(new Headers(init?.headers)), authorization: `Bearer ${alice.token}` } }),
  });
});
afterAll(() => server.close());

/** The rejection of `promise`, which must reject. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail("expected the request to fail"),
    (error: unknown) => error,
  );
}

describe("WebHost.fetch", () => {
  it("answers the value parsed with the schema", async () => {
    const me = await pluginFetch({ api, path: "/api/v4/users/me", schema: userSchema });
    expect(me).toMatchObject({ id: alice.user.id, username: alice.user.username });
  });

  it("rejects a 4xx with a WebFetchError carrying the server's status, id and message", async () => {
    const error = await rejection(pluginFetch({ api, path: "/api/v4/channels/aaaaaaaaaaaaaaaaaaaaaaaaaa", schema: z.unknown() }));
    expect(error).toBeInstanceOf(WebFetchError);
    expect(error).toMatchObject({
      status: 404,
      id: "app.channel.not_found",
      message: "channel not found, or you do not have access to it",
    });
  });

  it("rejects an answer that does not parse with status 0 and web.fetch.bad_answer, naming the field", async () => {
    const error = await rejection(pluginFetch({ api, path: "/api/v4/users/me", schema: z.object({ id: z.number() }) }));
    expect(error).toBeInstanceOf(WebFetchError);
    expect(error).toMatchObject({ status: 0, id: "web.fetch.bad_answer" });
    expect(error).toMatchObject({
      message: expect.stringMatching(/^The answer to GET \/api\/v4\/users\/me is not what the plugin expects \(id: /),
    });
  });

  it("recognizes a WebFetchError made by another bundle's copy of the class, and nothing shaped like one", () => {
    const foreign = Object.defineProperty(new Error("from the web app"), Symbol.for("sitrep.WebFetchError"), { value: true });
    expect(foreign instanceof WebFetchError).toBe(true);
    const lookalike = Object.assign(new Error("not one"), { status: 404, id: "x" });
    expect(lookalike instanceof WebFetchError).toBe(false);
  });
});
