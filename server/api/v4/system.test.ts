import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, testDialect, type TestServer } from "#testing";

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
    expect(res.body).toEqual({
      id: "api.context.404.app_error",
      message: "Sorry, we could not find GET /api/v4/nothing/here.",
      status_code: 404,
    });
  });
});
