/**
 * Sign-in throttling: the GCRA budget on the workspace's own table (a manual
 * clock moves time), then through `POST /api/v4/users/login` per address and
 * per login id, with the 429 and its Retry-After, successes that never use the
 * budget up, sign-ups that probe for accounts, and — on PostgreSQL — one
 * budget shared by two processes.
 */
import http from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { apiErrorBodySchema, userSchema } from "#common/wire-schemas.ts";
import { startSecondProcess, startTestServer, testDialect, TestClient, type TestServer } from "#testing";
import { ManualClock } from "../clock.ts";
import { accountKey, addressKey, attemptAllowed, attemptReturner, attemptTaker, spentBudgetsSweeper } from "./login-throttle.ts";

const TOO_MANY = "api.user.check_user_login_attempts.too_many";
const INVALID = { id: "api.user.login.invalid_credentials_email_username", message: "Enter a valid email or username and/or password." };

/** A JSON POST from a given local address (127.0.0.0/8 all reach the server on 127.0.0.1): another client's address. */
function postFrom(props: {
  url: string;
  path: string;
  body: unknown;
  localAddress: string;
  headers?: Record<string, string>;
}): Promise<{ status: number; body: unknown; retryAfter?: string }> {
  const target = new URL(props.path, props.url);
  const payload = JSON.stringify(props.body);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: "POST",
        localAddress: props.localAddress,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload), ...props.headers },
      },
      (response) => {
        let text = "";
        response.on("data", (chunk: Buffer) => (text += chunk.toString()));
        response.on("end", () => {
          const retryAfter = response.headers["retry-after"];
          resolve({
            status: response.statusCode ?? 0,
            body: JSON.parse(text) as unknown,
            retryAfter: typeof retryAfter === "string" ? retryAfter : undefined,
          });
        });
      },
    );
    request.on("error", reject);
    request.end(payload);
  });
}

describe("the sign-in budget (GCRA on login_throttle)", () => {
  let server: TestServer;
  const clock = new ManualClock();
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server.close());
  const deps = () => ({ db: server.host.db, clock });

  it("lets a burst of the rate through, then one more per spacing, and says how long to wait", async () => {
    const budget = { key: "address:203.0.113.9", perMinute: 3 };
    for (let i = 0; i < 3; i++) expect(await attemptTaker(deps(), budget)).toEqual({ ok: true });
    expect(await attemptTaker(deps(), budget)).toEqual({ ok: false, retryAfterMs: 20_000 });
    expect(await attemptAllowed(deps(), budget)).toEqual({ ok: false, retryAfterMs: 20_000 });
    await clock.advance(15_000);
    expect(await attemptTaker(deps(), budget)).toEqual({ ok: false, retryAfterMs: 5_000 });
    await clock.advance(5_000);
    expect(await attemptAllowed(deps(), budget)).toEqual({ ok: true });
    expect(await attemptTaker(deps(), budget)).toEqual({ ok: true });
    expect((await attemptTaker(deps(), budget)).ok).toBe(false);
    // A returned attempt can be taken again at once.
    await attemptReturner(deps(), budget);
    expect(await attemptTaker(deps(), budget)).toEqual({ ok: true });
  });

  it("takes attempts atomically: of 20 at once on a budget of 5, exactly 5 get through", async () => {
    const budget = { key: "account:parallel", perMinute: 5 };
    const results = await Promise.all(Array.from({ length: 20 }, () => attemptTaker(deps(), budget)));
    expect(results.filter((r) => r.ok)).toHaveLength(5);
  });

  it("forgets budgets that are whole again, and only those", async () => {
    await attemptTaker(deps(), { key: "address:198.51.100.1", perMinute: 60 });
    await attemptTaker(deps(), { key: "address:198.51.100.2", perMinute: 1 });
    await clock.advance(2_000);
    await spentBudgetsSweeper(deps());
    const keys = (await server.host.db.selectFrom("login_throttle").select("key").execute()).map((r) => r.key);
    expect(keys).toContain("address:198.51.100.2");
    expect(keys).not.toContain("address:198.51.100.1");
  });

  it("keys IPv6 clients by their /64 and IPv4-mapped ones as IPv4, login ids as sign-in reads them", () => {
    expect(addressKey("203.0.113.7")).toBe("address:203.0.113.7");
    expect(addressKey("::ffff:203.0.113.7")).toBe("address:203.0.113.7");
    expect(addressKey("2001:db8::1")).toBe("address:2001:db8:0:0::/64");
    expect(addressKey("2001:0db8:0001:0002:aaaa:bbbb:cccc:dddd")).toBe("address:2001:db8:1:2::/64");
    expect(addressKey("2001:db8:1:2::ffff")).toBe(addressKey("2001:db8:1:2:9::1"));
    expect(addressKey("::1")).toBe("address:0:0:0:0::/64");
    expect(accountKey("  Alice@Example.com ")).toBe("account:alice@example.com");
  });
});

describe("POST /api/v4/users/login under throttling", () => {
  let server: TestServer;
  const clock = new ManualClock(Date.now());
  beforeAll(async () => {
    server = await startTestServer({ clock, loginRatePerAddress: 4, loginRatePerAccount: 2 });
  });
  afterAll(async () => server.close());
  afterEach(async () => {
    // Each test starts with whole budgets.
    await server.host.db.deleteFrom("login_throttle").execute();
  });

  it("refuses the login id's third wrong password with a 429 and Retry-After, then even the right one, until the budget refills", async () => {
    const carol = await server.createUser({ password: "carol-secret" });
    const login = (password: string) =>
      server.anonymous.post("/api/v4/users/login", { login_id: carol.user.username, password }, apiErrorBodySchema);
    for (let i = 0; i < 2; i++) {
      const wrong = await login("wrong-password");
      expect({ status: wrong.status, id: wrong.body.id, message: wrong.body.message }).toEqual({ status: 401, ...INVALID });
    }
    const throttled = await login("wrong-password");
    expect(throttled.status).toBe(429);
    expect(throttled.body).toMatchObject({ id: TOO_MANY, message: "Too many failed attempts; try again in 30 seconds.", status_code: 429 });
    expect(throttled.headers.get("retry-after")).toBe("30");
    const right = await login("carol-secret");
    expect(right.status).toBe(429);
    expect(right.body.message).toBe("Too many failed attempts; try again in 30 seconds.");
    await clock.advance(30_000);
    const after = await server.anonymous.post(
      "/api/v4/users/login",
      { login_id: carol.user.username, password: "carol-secret" },
      userSchema,
    );
    expect(after.status).toBe(200);
    expect(after.body.id).toBe(carol.user.id);
  });

  it("holds a login id to its budget from every address, and an unknown one exactly like a known one", async () => {
    for (const loginId of ["nobody-at-all", (await server.createUser()).user.username]) {
      const statuses: number[] = [];
      for (const localAddress of ["127.0.0.2", "127.0.0.3", "127.0.0.4"]) {
        const res = await postFrom({
          url: server.url,
          path: "/api/v4/users/login",
          body: { login_id: loginId, password: "wrong-password" },
          localAddress,
        });
        statuses.push(res.status);
        if (res.status === 429) expect(res.body).toMatchObject({ id: TOO_MANY, status_code: 429 });
      }
      expect(statuses, loginId).toEqual([401, 401, 429]);
    }
  });

  it("holds an address to its budget whatever login ids it tries, and leaves other addresses alone", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await postFrom({
        url: server.url,
        path: "/api/v4/users/login",
        body: { login_id: `guess-${i}`, password: "wrong-password" },
        localAddress: "127.0.0.5",
      });
      statuses.push(res.status);
      if (res.status === 429) {
        expect(res.body).toMatchObject({ id: TOO_MANY, message: "Too many failed attempts; try again in 15 seconds.", status_code: 429 });
        expect(res.retryAfter).toBe("15");
      }
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
    const elsewhere = await postFrom({
      url: server.url,
      path: "/api/v4/users/login",
      body: { login_id: "guess-9", password: "wrong-password" },
      localAddress: "127.0.0.6",
    });
    expect(elsewhere.status).toBe(401);
  });

  it("ignores X-Forwarded-For unless the peer is a trusted proxy: a client cannot pick its own address", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await postFrom({
        url: server.url,
        path: "/api/v4/users/login",
        body: { login_id: `spoof-${i}`, password: "wrong-password" },
        localAddress: "127.0.0.9",
        headers: { "x-forwarded-for": `198.51.100.${i}` },
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
  });

  it("never uses the budget up with successful sign-ins", async () => {
    const dana = await server.createUser({ password: "dana-secret" });
    for (let i = 0; i < 10; i++) {
      const res = await server.anonymous.post("/api/v4/users/login", { login_id: dana.user.username, password: "dana-secret" });
      expect(res.status).toBe(200);
    }
    // A success also clears the login id's failures.
    await server.anonymous.post("/api/v4/users/login", { login_id: dana.user.username, password: "wrong-password" });
    await server.anonymous.post("/api/v4/users/login", { login_id: dana.user.username, password: "dana-secret" });
    const wrong = await server.anonymous.post(
      "/api/v4/users/login",
      { login_id: dana.user.username, password: "wrong-password" },
      apiErrorBodySchema,
    );
    expect(wrong.status).toBe(401);
    expect(wrong.body.message).toBe(INVALID.message);
  });

  it("holds sign-ups that find a taken username or email to the address's budget; sign-ups that succeed never", async () => {
    const erin = await server.createUser();
    const taken = (i: number) =>
      postFrom({
        url: server.url,
        path: "/api/v4/users",
        body: { username: erin.user.username, email: `probe${i}@example.com`, password: "password-123" },
        localAddress: "127.0.0.7",
      });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await taken(i)).status);
    expect(statuses).toEqual([409, 409, 409, 409, 429]);
    const refused = await taken(9);
    expect(refused.body).toMatchObject({ id: TOO_MANY, message: "Too many failed attempts; try again in 15 seconds.", status_code: 429 });
    expect(refused.retryAfter).toBe("15");
    for (let i = 0; i < 6; i++) {
      const res = await postFrom({
        url: server.url,
        path: "/api/v4/users",
        body: { username: `fresh${i}x${Date.now() % 100000}`, email: `fresh${i}.${Date.now()}@example.com`, password: "password-123" },
        localAddress: "127.0.0.8",
      });
      expect(res.status).toBe(201);
    }
  });
});

describe("behind a trusted proxy (SITREP_TRUSTED_PROXIES)", () => {
  it("counts and audits the client X-Forwarded-For names, each client on its own budget", async () => {
    const server = await startTestServer({ trustedProxies: ["127.0.0.1"], loginRatePerAddress: 2, loginRatePerAccount: 0 });
    try {
      const via = (client: string, loginId: string) =>
        server.anonymous.request(
          "POST",
          "/api/v4/users/login",
          { login_id: loginId, password: "wrong-password" },
          { "x-forwarded-for": client },
        );
      expect([
        (await via("203.0.113.5", "a")).status,
        (await via("203.0.113.5", "b")).status,
        (await via("203.0.113.5", "c")).status,
      ]).toEqual([401, 401, 429]);
      expect((await via("203.0.113.6", "d")).status).toBe(401);
      const row = await server.host.db
        .selectFrom("audits")
        .select("ip_address")
        .where("extra_info", "=", "failure - login_id=a")
        .executeTakeFirstOrThrow();
      expect(row.ip_address).toBe("203.0.113.5");
      const { loadConfig } = await import("../config.ts");
      expect(loadConfig({ SITREP_TRUSTED_PROXIES: "10.0.0.1, 10.1.0.0/16" }).trustedProxies).toEqual(["10.0.0.1", "10.1.0.0/16"]);
      expect(loadConfig({}).trustedProxies).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

describe("the setting", () => {
  it("turns the limits off at 0, and is refused unless a whole number", async () => {
    const server = await startTestServer({ loginRatePerAddress: 0, loginRatePerAccount: 0 });
    try {
      for (let i = 0; i < 40; i++) {
        const res = await server.anonymous.post("/api/v4/users/login", { login_id: "nobody", password: "wrong-password" });
        expect(res.status).toBe(401);
      }
    } finally {
      await server.close();
    }
    const { loadConfig } = await import("../config.ts");
    expect(loadConfig({ SITREP_LOGIN_RATE_PER_ADDRESS: "12" }).loginRatePerAddress).toBe(12);
    expect(loadConfig({}).loginRatePerAccount).toBe(10);
    expect(() => loadConfig({ SITREP_LOGIN_RATE_PER_ACCOUNT: "ten" })).toThrow(
      'SITREP_LOGIN_RATE_PER_ACCOUNT: must be a whole number of at least 0, not "ten"',
    );
    expect(() => loadConfig({ SITREP_SESSION_IDLE_MINUTES: "-5" })).toThrow(
      'SITREP_SESSION_IDLE_MINUTES: must be a whole number of at least 0, not "-5"',
    );
  });
});

describe.runIf(testDialect === "postgres")("on PostgreSQL with two processes", () => {
  it("counts a login id's failures on either process against one budget", async () => {
    const server = await startTestServer({ loginRatePerAccount: 3, loginRatePerAddress: 0 });
    const second = await startSecondProcess(server, { env: { SITREP_LOGIN_RATE_PER_ACCOUNT: "3", SITREP_LOGIN_RATE_PER_ADDRESS: "0" } });
    try {
      const victim = await server.createUser();
      const body = { login_id: victim.user.username, password: "wrong-password" };
      const first = new TestClient(server.url);
      const other = new TestClient(second.url);
      const statuses = [
        (await first.post("/api/v4/users/login", body)).status,
        (await other.post("/api/v4/users/login", body)).status,
        (await first.post("/api/v4/users/login", body)).status,
      ];
      expect(statuses).toEqual([401, 401, 401]);
      const throttled = await other.post("/api/v4/users/login", body, apiErrorBodySchema);
      expect(throttled.status).toBe(429);
      expect(throttled.body.id).toBe(TOO_MANY);
      expect(throttled.body.message).toMatch(/^Too many failed attempts; try again in \d+ seconds?\.$/);
      expect(Number(throttled.headers.get("retry-after"))).toBeGreaterThan(0);
      expect((await first.post("/api/v4/users/login", body)).status).toBe(429);
    } finally {
      await second.close();
      await server.close();
    }
  }, 60_000);
});
