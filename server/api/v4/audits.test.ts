/**
 * The audit log: each security-relevant action of the host leaves one entry
 * in Mattermost's shape (`{id, create_at, user_id, action, extra_info,
 * ip_address, session_id}`) — sign-ins and their failures, role changes,
 * deactivations, personal access tokens created, disabled, enabled and
 * revoked, plugins installed, enabled, disabled, reconfigured and
 * uninstalled — read by system admins only, newest first, a page at a time.
 * (The Workflow plugin's entries are tested with the plugin.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { apiErrorBodySchema, auditSchema, createdUserAccessTokenSchema, userSchema } from "#common/wire-schemas.ts";
import type { Audit } from "#common/wire.ts";
import { makeBundle, startTestServer, upload, type TestServer, type UserClient } from "#testing";

const auditsSchema = z.array(auditSchema);

let server: TestServer;
let admin: UserClient;

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.admin();
});
afterAll(async () => server.close());

/** The entries made since `before` (a count of entries), oldest first. */
async function entriesSince(before: number): Promise<Audit[]> {
  const res = await admin.get("/api/v4/audits?per_page=200", auditsSchema);
  expect(res.status).toBe(200);
  return res.body.slice(0, res.body.length - before).reverse();
}

async function auditCount(): Promise<number> {
  return (
    await server.host.db
      .selectFrom("audits")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow()
  ).n;
}

/** The parts of an entry a test names: what, by whom, how it reads. */
const summary = (a: Audit) => ({ user_id: a.user_id, action: a.action, extra_info: a.extra_info });

describe("the audit log", () => {
  it("records a sign-in and its failures, with the address and the new session", async () => {
    const alice = await server.createUser({ password: "alice-secret" });
    const before = await auditCount();
    await server.anonymous.post("/api/v4/users/login", { login_id: alice.user.username, password: "wrong-password" });
    await server.anonymous.post("/api/v4/users/login", { login_id: "nobody-here", password: "wrong-password" });
    const ok = await server.anonymous.post("/api/v4/users/login", { login_id: alice.user.username, password: "alice-secret" });
    expect(ok.status).toBe(200);
    const entries = await entriesSince(before);
    expect(entries.map(summary)).toEqual([
      { user_id: alice.user.id, action: "/api/v4/users/login", extra_info: `failure - login_id=${alice.user.username}` },
      { user_id: "", action: "/api/v4/users/login", extra_info: "failure - login_id=nobody-here" },
      { user_id: alice.user.id, action: "/api/v4/users/login", extra_info: "success" },
    ]);
    for (const entry of entries) {
      expect(entry.ip_address).toBe("127.0.0.1");
      expect(entry.id).toMatch(/^[a-z0-9]{26}$/);
      expect(entry.create_at).toBeGreaterThan(0);
    }
    const session = await server.host.db
      .selectFrom("sessions")
      .select("id")
      .where("user_id", "=", alice.user.id)
      .orderBy("create_at", "desc")
      .executeTakeFirstOrThrow();
    expect(entries[2]?.session_id).toBe(session.id);
  });

  it("records a deactivated account's sign-in with its right password as a failure", async () => {
    const gone = await server.createUser({ password: "gone-secret" });
    await admin.delete(`/api/v4/users/${gone.user.id}`);
    const before = await auditCount();
    const res = await server.anonymous.post(
      "/api/v4/users/login",
      { login_id: gone.user.username, password: "gone-secret" },
      apiErrorBodySchema,
    );
    expect(res.body.id).toBe("api.user.login.inactive");
    expect((await entriesSince(before)).map(summary)).toEqual([
      { user_id: gone.user.id, action: "/api/v4/users/login", extra_info: `failure - login_id=${gone.user.username} (deactivated)` },
    ]);
  });

  it("records role changes and deactivations, by whom and in which session", async () => {
    const bob = await server.createUser();
    const before = await auditCount();
    expect((await admin.put(`/api/v4/users/${bob.user.id}/roles`, { roles: "system_admin system_user" })).status).toBe(200);
    expect((await admin.put(`/api/v4/users/${bob.user.id}/roles`, { roles: "system_user" })).status).toBe(200);
    expect((await admin.delete(`/api/v4/users/${bob.user.id}`)).status).toBe(200);
    const entries = await entriesSince(before);
    expect(entries.map(summary)).toEqual([
      {
        user_id: admin.user.id,
        action: `/api/v4/users/${bob.user.id}/roles`,
        extra_info: `user=${bob.user.id} roles=system_admin system_user`,
      },
      { user_id: admin.user.id, action: `/api/v4/users/${bob.user.id}/roles`, extra_info: `user=${bob.user.id} roles=system_user` },
      { user_id: admin.user.id, action: `/api/v4/users/${bob.user.id}`, extra_info: `user=${bob.user.id} deactivated` },
    ]);
    const adminSession = await server.host.db
      .selectFrom("sessions")
      .select("id")
      .where("user_id", "=", admin.user.id)
      .executeTakeFirstOrThrow();
    for (const entry of entries) expect(entry.session_id).toBe(adminSession.id);
    // Refused changes leave nothing.
    const again = await auditCount();
    expect((await admin.put(`/api/v4/users/${bob.user.id}/roles`, { roles: "emperor" })).status).toBe(400);
    expect(await auditCount()).toBe(again);
  });

  it("records personal access tokens created, disabled, enabled and revoked", async () => {
    const carol = await server.createUser();
    const before = await auditCount();
    const created = await carol.post(`/api/v4/users/${carol.user.id}/tokens`, { description: "ci" }, createdUserAccessTokenSchema);
    const id = created.body.id;
    await carol.post("/api/v4/users/tokens/disable", { token_id: id });
    await carol.post("/api/v4/users/tokens/enable", { token_id: id });
    await admin.post("/api/v4/users/tokens/revoke", { token_id: id });
    expect((await entriesSince(before)).map(summary)).toEqual([
      {
        user_id: carol.user.id,
        action: `/api/v4/users/${carol.user.id}/tokens`,
        extra_info: `success - token_id=${id} user_id=${carol.user.id}`,
      },
      { user_id: carol.user.id, action: "/api/v4/users/tokens/disable", extra_info: `success - token_id=${id} user_id=${carol.user.id}` },
      { user_id: carol.user.id, action: "/api/v4/users/tokens/enable", extra_info: `success - token_id=${id} user_id=${carol.user.id}` },
      { user_id: admin.user.id, action: "/api/v4/users/tokens/revoke", extra_info: `success - token_id=${id} user_id=${carol.user.id}` },
    ]);
    // The secret is never in the log.
    expect(JSON.stringify(await entriesSince(before))).not.toContain(created.body.token);
  });

  it("records plugins installed, enabled, disabled, reconfigured and uninstalled", async () => {
    const before = await auditCount();
    const bundle = makeBundle({
      manifest: {
        id: "audited",
        name: "Audited",
        version: "1.2.3",
        server: { entry: "server/index.js" },
        settings_schema: { level: { type: "number", default: 1 } },
      },
    });
    expect((await upload(admin, bundle)).status).toBe(201);
    expect((await admin.post("/api/v4/plugins/audited/enable")).status).toBe(200);
    expect((await admin.put("/api/v4/plugins/audited/settings", { level: 3 })).status).toBe(200);
    expect((await admin.post("/api/v4/plugins/audited/disable")).status).toBe(200);
    expect((await admin.delete("/api/v4/plugins/audited?purge=true")).status).toBe(200);
    expect((await entriesSince(before)).map(summary)).toEqual([
      { user_id: admin.user.id, action: "/api/v4/plugins", extra_info: "success - plugin_id=audited version=1.2.3" },
      { user_id: admin.user.id, action: "/api/v4/plugins/audited/enable", extra_info: "success - plugin_id=audited" },
      { user_id: admin.user.id, action: "/api/v4/plugins/audited/settings", extra_info: "success - plugin_id=audited settings=level" },
      { user_id: admin.user.id, action: "/api/v4/plugins/audited/disable", extra_info: "success - plugin_id=audited" },
      { user_id: admin.user.id, action: "/api/v4/plugins/audited", extra_info: "success - plugin_id=audited purge=true" },
    ]);
  });
});

describe("GET /api/v4/audits", () => {
  it("is for system admins only", async () => {
    const dave = await server.createUser();
    const res = await dave.get("/api/v4/audits", apiErrorBodySchema);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ id: "api.context.permissions", message: "Only system admins may do that.", status_code: 403 });
    const anonymous = await server.anonymous.get("/api/v4/audits", apiErrorBodySchema);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.message).toBe("You must be signed in to do that.");
  });

  it("pages newest first with page and per_page, clamping per_page to 200", async () => {
    const erin = await server.createUser();
    for (const roles of ["system_admin system_user", "system_user", "system_admin system_user"])
      await admin.put(`/api/v4/users/${erin.user.id}/roles`, { roles });
    const first = await admin.get("/api/v4/audits?page=0&per_page=2", auditsSchema);
    const second = await admin.get("/api/v4/audits?page=1&per_page=2", auditsSchema);
    expect(first.body.map((a) => a.extra_info)).toEqual([
      `user=${erin.user.id} roles=system_admin system_user`,
      `user=${erin.user.id} roles=system_user`,
    ]);
    expect(second.body[0]?.extra_info).toBe(`user=${erin.user.id} roles=system_admin system_user`);
    const all = await admin.get("/api/v4/audits?per_page=200", auditsSchema);
    const times = all.body.map((a) => a.create_at);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    // As Mattermost does, a per_page over 200 is read as 200 (issue 11).
    const clamped = await admin.get("/api/v4/audits?per_page=500", auditsSchema);
    expect(clamped.status).toBe(200);
    expect(clamped.body.length).toBe(all.body.length);
    // A user's own view is unchanged by any of this.
    expect((await erin.get("/api/v4/users/me", userSchema)).body.roles).toBe("system_admin system_user");
  });
});
