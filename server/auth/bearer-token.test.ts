/**
 * One table of `Authorization` header forms, run against the HTTP API and the
 * WebSocket upgrade alike: both read the token with `bearerToken`, so a form
 * either signs in on both or on neither.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { User } from "#common/wire.ts";
import { startTestServer, TestSocket, type TestClient, type TestServer } from "#testing";
import { bearerToken } from "./bearer-token.ts";

let server: TestServer;
let carol: TestClient & { user: User };

beforeAll(async () => {
  server = await startTestServer();
  carol = await server.createUser();
});
afterAll(async () => {
  await server.close();
});

/** Each form with the token it carries; `signsIn` says whether it must authenticate. */
const forms: { header: (token: string) => string; signsIn: boolean }[] = [
  { header: (t) => `Bearer ${t}`, signsIn: true },
  { header: (t) => `bearer ${t}`, signsIn: true },
  { header: (t) => `BEARER ${t}`, signsIn: true },
  { header: (t) => `Token ${t}`, signsIn: true },
  { header: (t) => `token ${t}`, signsIn: true },
  { header: (t) => `TOKEN ${t}`, signsIn: true },
  { header: (t) => `Bearer  ${t} `, signsIn: true },
  { header: (t) => `Basic ${t}`, signsIn: false },
  { header: (t) => `Bearer${t}`, signsIn: false },
  { header: (t) => t, signsIn: false },
  { header: () => "Bearer ", signsIn: false },
  { header: (t) => `Bearer ${t}x`, signsIn: false },
];

describe("the same Authorization forms sign in over HTTP and the WebSocket", () => {
  it.each(forms.map((f) => [f.header("<token>"), f] as const))("%s", async (_name, form) => {
    const authorization = form.header(carol.token ?? "");
    const res = await fetch(`${server.url}/api/v4/users/me`, { headers: { authorization } });
    const body = (await res.json()) as { id?: string; message?: string };
    if (form.signsIn) {
      expect(res.status).toBe(200);
      expect(body.id).toBe(carol.user.id);
    } else {
      expect(res.status).toBe(401);
      expect(body.message).toBe("You must be signed in to do that.");
    }

    const socket = await TestSocket.open(server.url, { headers: { authorization } });
    try {
      // A ping is answered after the upgrade's sign-in finished: by then a hello would have come.
      const ping = socket.send("ping");
      await socket.waitFor((f) => f.seq_reply === ping);
      if (form.signsIn) {
        const hello = await socket.waitFor("hello");
        expect(hello).toMatchObject({ seq: 0, broadcast: { user_id: carol.user.id } });
      } else {
        expect(socket.events("hello")).toEqual([]);
      }
    } finally {
      await socket.close();
    }
  });
});

describe("bearerToken", () => {
  it("reads the token of either scheme and nothing else", () => {
    expect(bearerToken({ authorization: "Token abc" })).toBe("abc");
    expect(bearerToken({ authorization: "bEaReR abc " })).toBe("abc");
    expect(bearerToken({ authorization: "Bearer " })).toBe("");
    expect(bearerToken({ authorization: "Basic abc" })).toBeNull();
    expect(bearerToken({ authorization: ["Bearer abc"] })).toBeNull();
    expect(bearerToken({})).toBeNull();
  });
});
