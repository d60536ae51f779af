/**
 * What sign-in and sign-up tell a stranger. Timing is shown by mechanism, not
 * by stopwatch: an injected password verifier records each hash a sign-in
 * checks, so a test sees that an unknown login id, a bot, a wrong password and
 * a deactivated account given a wrong password each cost exactly one argon2
 * check (the dummy hash where there is no account's) and get the same answer.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { apiErrorBodySchema } from "#common/wire-schemas.ts";
import { startTestServer, type TestServer, type UserClient } from "#testing";
import { DUMMY_PASSWORD_HASH, verifyPassword, type PasswordVerifier } from "../../auth/passwords.ts";
import { botEnsurer } from "../../services/users.ts";

const INVALID = {
  id: "api.user.login.invalid_credentials_email_username",
  message: "Enter a valid email or username and/or password.",
  status_code: 401,
};

/** Every hash the server checked, in order. */
const checked: string[] = [];
const countingVerifier: PasswordVerifier = async (passwordHash, password) => {
  checked.push(passwordHash);
  return verifyPassword(passwordHash, password);
};

let server: TestServer;
let admin: UserClient;
let alice: UserClient;
let gone: UserClient;
let aliceHash: string;
let goneHash: string;

async function passwordHashOf(userId: string): Promise<string> {
  const row = await server.host.db.selectFrom("users").select("password_hash").where("id", "=", userId).executeTakeFirstOrThrow();
  return row.password_hash;
}

beforeAll(async () => {
  server = await startTestServer({ passwordVerifier: countingVerifier });
  admin = await server.admin();
  alice = await server.createUser({ password: "alice-secret" });
  gone = await server.createUser({ password: "gone-secret" });
  expect((await admin.delete(`/api/v4/users/${gone.user.id}`)).status).toBe(200);
  await botEnsurer(server.host, { pluginId: "example", username: "robot", displayName: "Robot" });
  aliceHash = await passwordHashOf(alice.user.id);
  goneHash = await passwordHashOf(gone.user.id);
});
afterAll(async () => server.close());
beforeEach(() => {
  checked.length = 0;
});

const login = (loginId: string, password: string) =>
  server.anonymous.post("/api/v4/users/login", { login_id: loginId, password }, apiErrorBodySchema);

describe("a refused sign-in", () => {
  it("answers an unknown login id, a bot, a wrong password and a deactivated account's wrong password alike, each after one hash check", async () => {
    const cases: Array<{ what: string; loginId: string; hash: string }> = [
      { what: "unknown login id", loginId: "nobody-here", hash: DUMMY_PASSWORD_HASH },
      { what: "unknown email", loginId: "nobody@example.com", hash: DUMMY_PASSWORD_HASH },
      { what: "a bot (no password)", loginId: "robot", hash: DUMMY_PASSWORD_HASH },
      { what: "wrong password", loginId: alice.user.username, hash: aliceHash },
      { what: "wrong password, by email in capitals", loginId: alice.user.email.toUpperCase(), hash: aliceHash },
      { what: "deactivated account, wrong password", loginId: gone.user.username, hash: goneHash },
    ];
    for (const c of cases) {
      checked.length = 0;
      const res = await login(c.loginId, "wrong-password");
      expect({ what: c.what, status: res.status, body: res.body }).toMatchObject({ what: c.what, status: 401, body: INVALID });
      expect(res.headers.get("token"), c.what).toBeNull();
      expect(res.headers.getSetCookie(), c.what).toEqual([]);
      expect(checked, c.what).toEqual([c.hash]);
    }
    // The dummy check is a real argon2id check of the accounts' cost, never skipped.
    expect(DUMMY_PASSWORD_HASH).toMatch(/^\$argon2id\$/);
  });

  it("tells a deactivated account given its right password that it is deactivated, as Mattermost does", async () => {
    const res = await login(gone.user.username, "gone-secret");
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({
      id: "api.user.login.inactive",
      message: "Login failed because your account has been deactivated.",
      status_code: 401,
    });
    expect(checked).toEqual([goneHash]);
  });

  it("checks one hash for a sign-in that succeeds, too", async () => {
    const res = await server.anonymous.post("/api/v4/users/login", { login_id: alice.user.username, password: "alice-secret" });
    expect(res.status).toBe(200);
    expect(checked).toEqual([aliceHash]);
  });
});

describe("sign-up", () => {
  it("names a taken username or email as Mattermost does, and nothing more: not whose, not the other field", async () => {
    const username = await server.anonymous.post(
      "/api/v4/users",
      { username: alice.user.username, email: "someone-new@example.com", password: "password-123" },
      apiErrorBodySchema,
    );
    expect(username.status).toBe(409);
    expect(username.body.message).toBe(`username: "${alice.user.username}" is already taken`);
    // An email is found whatever its case, and the answer does not say whose account has it.
    const email = await server.anonymous.post(
      "/api/v4/users",
      { username: "brandnewname", email: alice.user.email.toUpperCase(), password: "password-123" },
      apiErrorBodySchema,
    );
    expect(email.status).toBe(409);
    expect(email.body.message).toBe("email: an account with this email already exists");
    expect(JSON.stringify(email.body)).not.toContain(alice.user.username);
    // Both taken: one is named, as Mattermost's store reports the first it finds.
    const both = await server.anonymous.post(
      "/api/v4/users",
      { username: alice.user.username, email: alice.user.email, password: "password-123" },
      apiErrorBodySchema,
    );
    expect(both.status).toBe(409);
    expect(both.body.message).toBe(`username: "${alice.user.username}" is already taken`);
  });

  it("with sign-up closed, answers a taken and a free username alike", async () => {
    const closed = await startTestServer({ openSignup: false });
    try {
      const first = await closed.admin();
      const sign = (username: string) =>
        closed.anonymous.post(
          "/api/v4/users",
          { username, email: `${username}@example.com`, password: "password-123" },
          apiErrorBodySchema,
        );
      const taken = await sign(first.user.username);
      const free = await sign("nobodyyet");
      for (const res of [taken, free]) {
        expect(res.status).toBe(403);
        expect(res.body).toMatchObject({
          id: "api.context.permissions",
          message: "Sign-up is closed on this workspace; ask a system admin for an account.",
          status_code: 403,
        });
      }
    } finally {
      await closed.close();
    }
  });
});
