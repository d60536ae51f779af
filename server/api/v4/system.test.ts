import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { officialClient, startTestServer, testDialect, type TestServer } from "#testing";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server.close());

describe("GET /api/v4/system/ping", () => {
  it("answers OK with the database dialect, without authentication", async () => {
    const res = await server.anonymous.get("/api/v4/system/ping");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "OK", database: testDialect, ActiveSearchBackend: "database" });
    expect(res.headers.get("content-type")).toBe("application/json");
  });

  it("adds database_status with get_server_status=true, as Mattermost does", async () => {
    const res = await server.anonymous.get("/api/v4/system/ping?get_server_status=true&use_rest_semantics=true");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "OK", database: testDialect, database_status: "OK", ActiveSearchBackend: "database" });
  });
});

describe("unknown API routes", () => {
  it("answer 404 in the error shape, naming the route", async () => {
    const res = await server.anonymous.get("/api/v4/nothing/here?x=1");
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({
      id: "api.context.404.app_error",
      message: "Sorry, we could not find GET /api/v4/nothing/here.",
      status_code: 404,
      detailed_error: "",
      request_id: res.headers.get("x-request-id"),
    });
  });
});

describe("every answer", () => {
  it("carries X-Version-Id and a fresh X-Request-Id, which the error body repeats, as Mattermost's do", async () => {
    const admin = await server.admin();
    const answers = [
      await server.anonymous.get("/api/v4/system/ping"),
      await server.anonymous.get("/api/v4/users/me"),
      await admin.get("/api/v4/users/me"),
      await admin.post("/api/v4/teams", { name: "x" }),
      await server.anonymous.get("/api/v4/nothing"),
    ];
    const ids = answers.map((res) => res.headers.get("x-request-id"));
    for (const res of answers) expect(res.headers.get("x-version-id")).toBe("9.11.0.sitrep");
    expect(new Set(ids).size).toBe(answers.length);
    for (const [index, res] of answers.entries()) {
      if (res.status < 400) continue;
      expect(res.body).toMatchObject({ request_id: ids[index], detailed_error: "" });
    }
    expect(answers.map((res) => res.status)).toEqual([200, 401, 200, 400, 404]);
  });

  it("lets Client4 read the server version, and carries the request id into ClientError", async () => {
    const client = officialClient(server.anonymous);
    await client.ping(false);
    expect(client.getServerVersion()).toBe("9.11.0.sitrep");
    const refusal: unknown = await client.getMe().catch((error: unknown) => error);
    expect(refusal).toMatchObject({ status_code: 401, server_error_id: "api.context.session_expired.app_error" });
  });
});
