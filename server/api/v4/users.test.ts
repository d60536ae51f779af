import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { apiErrorBodySchema, userSchema } from "#common/wire-schemas.ts";
import { accessTokenSchema, startTestServer, type TestServer } from "#testing";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server.close());

describe("users", () => {
  it("makes the first user a system admin and later ones plain users", async () => {
    const admin = await server.admin();
    expect(admin.user.roles).toBe("system_admin system_user");
    const bob = await server.createUser();
    expect(bob.user.roles).toBe("system_user");
  });

  it("refuses an invalid sign-up naming the field and reason", async () => {
    const res = await server.anonymous.post("/api/v4/users", { username: "X", email: "nope", password: "short" }, apiErrorBodySchema);
    expect(res.status).toBe(400);
    expect(res.body.message).toContain("username: must be 3 to 22 characters");
    expect(res.body.message).toContain("email: must be a valid email address");
    expect(res.body.message).toContain("password: must be at least 8 characters");
    expect(res.body.status_code).toBe(400);
  });

  it("refuses a taken username with 409", async () => {
    const alice = await server.createUser();
    const res = await server.anonymous.post(
      "/api/v4/users",
      {
        username: alice.user.username,
        email: "other@example.com",
        password: "password-123",
      },
      apiErrorBodySchema,
    );
    expect(res.status).toBe(409);
    expect(res.body.message).toBe(`username: "${alice.user.username}" is already taken`);
  });

  it("logs in with Token header and cookies, and logs out", async () => {
    const carol = await server.createUser({ password: "carol-secret" });
    const res = await server.anonymous.post("/api/v4/users/login", { login_id: carol.user.username, password: "carol-secret" });
    expect(res.status).toBe(200);
    expect(res.headers.get("token")).toMatch(/^[a-z0-9]{26}$/);
    expect(res.headers.getSetCookie().join(";")).toContain("MMAUTHTOKEN=");
    expect(res.headers.getSetCookie().join(";")).toContain("MMCSRF=");
    const bad = await server.anonymous.post(
      "/api/v4/users/login",
      { login_id: carol.user.username, password: "wrong-password" },
      apiErrorBodySchema,
    );
    expect(bad.status).toBe(401);
    expect(bad.body.message).toBe("Enter a valid email or username and/or password.");
    const me = await carol.get("/api/v4/users/me", userSchema);
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(carol.user.id);
    expect((await carol.post("/api/v4/users/logout")).status).toBe(200);
    const after = await carol.get("/api/v4/users/me", apiErrorBodySchema);
    expect(after.status).toBe(401);
    expect(after.body.message).toBe("You must be signed in to do that.");
  });

  it("lets only admins change roles", async () => {
    const admin = await server.admin();
    const dave = await server.createUser();
    const eve = await server.createUser();
    const denied = await eve.put(`/api/v4/users/${dave.user.id}/roles`, { roles: "system_admin" }, apiErrorBodySchema);
    expect(denied.status).toBe(403);
    expect(denied.body.message).toBe("Only system admins may do that.");
    const ok = await admin.put(`/api/v4/users/${dave.user.id}/roles`, { roles: "system_admin system_user" });
    expect(ok.status).toBe(200);
    expect((await dave.get("/api/v4/users/me", userSchema)).body.roles).toBe("system_admin system_user");
  });

  it("accepts a personal access token as a bearer token", async () => {
    const frank = await server.createUser();
    const res = await frank.post(`/api/v4/users/${frank.user.id}/tokens`, { description: "ci" }, accessTokenSchema);
    expect(res.status).toBe(201);
    const viaToken = await fetch(`${server.url}/api/v4/users/me`, { headers: { authorization: `Bearer ${res.body.token}` } });
    expect(viaToken.status).toBe(200);
    expect(((await viaToken.json()) as { id: string }).id).toBe(frank.user.id);
  });

  it("hides other people's emails from non-admins", async () => {
    const gina = await server.createUser();
    const hank = await server.createUser();
    const seen = await hank.get(`/api/v4/users/${gina.user.id}`, userSchema);
    expect(seen.status).toBe(200);
    expect(seen.body.email).toBe("");
  });
});

describe("users: permissions of every route", () => {
  const SIGNED_OUT = "You must be signed in to do that.";

  it("answers anonymous callers with 401 on every signed-in route", async () => {
    const someone = await server.createUser();
    const routes: Array<[string, string, unknown?]> = [
      ["GET", "/api/v4/users/me"],
      ["GET", `/api/v4/users/${someone.user.id}`],
      ["GET", `/api/v4/users/username/${someone.user.username}`],
      ["GET", "/api/v4/users"],
      ["PUT", `/api/v4/users/${someone.user.id}/roles`, { roles: "system_admin" }],
      ["DELETE", `/api/v4/users/${someone.user.id}`],
      ["POST", `/api/v4/users/${someone.user.id}/tokens`, { description: "x" }],
    ];
    for (const [method, path, body] of routes) {
      const res = await server.anonymous.request(method, path, body, {}, apiErrorBodySchema);
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(res.body.message).toBe(SIGNED_OUT);
    }
  });

  it("reads users by id and username, 404 naming what is missing", async () => {
    const ivy = await server.createUser();
    const jack = await server.createUser();
    const byName = await jack.get(`/api/v4/users/username/${ivy.user.username}`);
    expect(byName.status).toBe(200);
    expect(byName.body).toMatchObject({ id: ivy.user.id, email: "" });
    const noName = await jack.get("/api/v4/users/username/nobody-here", apiErrorBodySchema);
    expect(noName.status).toBe(404);
    expect(noName.body.message).toBe('no user named "nobody-here"');
    const noId = await jack.get(`/api/v4/users/${"n".repeat(26)}`, apiErrorBodySchema);
    expect(noId.status).toBe(404);
    expect(noId.body.message).toBe("user not found");
    const list = await jack.get("/api/v4/users?per_page=200", z.array(userSchema));
    expect(list.status).toBe(200);
    expect(list.body.find((u: { id: string }) => u.id === ivy.user.id)?.email).toBe("");
    // As Mattermost does, a per_page over 200 is read as 200 (issue 11).
    const clamped = await jack.get("/api/v4/users?per_page=1000", z.array(userSchema));
    expect(clamped.status).toBe(200);
    expect(clamped.body.map((u) => u.id)).toEqual(list.body.map((u) => u.id));
  });

  it("lets users deactivate only themselves, and admins anyone", async () => {
    const admin = await server.admin();
    const kim = await server.createUser();
    const lou = await server.createUser();
    const denied = await kim.delete(`/api/v4/users/${lou.user.id}`, apiErrorBodySchema);
    expect(denied.status).toBe(403);
    expect(denied.body.message).toBe("Only system admins may deactivate other users.");
    const byAdmin = await admin.delete(`/api/v4/users/${lou.user.id}`);
    expect(byAdmin.status).toBe(200);
    const after = await lou.get("/api/v4/users/me", apiErrorBodySchema);
    expect(after.status).toBe(401);
    expect(after.body.message).toBe(SIGNED_OUT);
    const login = await server.anonymous.post(
      "/api/v4/users/login",
      { login_id: lou.user.username, password: "password-123" },
      apiErrorBodySchema,
    );
    expect(login.status).toBe(401);
    expect(login.body.message).toBe("Login failed because your account has been deactivated.");
  });

  it("lets users create tokens only for themselves", async () => {
    const admin = await server.admin();
    const max = await server.createUser();
    const nia = await server.createUser();
    const denied = await max.post(`/api/v4/users/${nia.user.id}/tokens`, { description: "steal" }, apiErrorBodySchema);
    expect(denied.status).toBe(403);
    expect(denied.body.message).toBe("You may create tokens only for yourself.");
    const missing = await max.post(`/api/v4/users/${max.user.id}/tokens`, {}, apiErrorBodySchema);
    expect(missing.status).toBe(400);
    expect(missing.body.message).toBe("description: Invalid input: expected string, received undefined");
    const forBot = await admin.post(`/api/v4/users/${nia.user.id}/tokens`, { description: "by admin" });
    expect(forBot.status).toBe(201);
    expect(forBot.body).toMatchObject({ user_id: nia.user.id, description: "by admin", is_active: true });
  });
});
