/**
 * Requests that race for the same thing, sent at once, on SQLite and on
 * PostgreSQL (where two transactions really run side by side): the first
 * user of a new workspace is the only system admin, and a name or email
 * taken at the same moment answers 409 with the field, as one taken before
 * does — never a 500.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiErrorBodySchema, teamSchema, userSchema } from "#common/wire-schemas.ts";
import {
  eventually,
  expectBody,
  startTestServer,
  testDatabaseUrl,
  testDialect,
  uniqueName,
  type ApiResponse,
  type TestServer,
} from "#testing";
import { pgApplicationName } from "../../db/index.ts";

/** The statuses of answers, sorted, e.g. `[201, 409, 409]`. */
const statuses = (answers: ApiResponse[]) => answers.map((a) => a.status).sort((a, b) => a - b);
/** The messages of the refusals among answers, deduplicated. */
const refusals = (answers: ApiResponse[]) => [
  ...new Set(answers.filter((a) => a.status !== 201).map((a) => expectBody(a, apiErrorBodySchema).message)),
];
const signUp = (server: TestServer, props: { username: string; email: string }) =>
  server.anonymous.post("/api/v4/users", { ...props, password: "password-123" });

/** The connections of a process's PostgreSQL pool (db/index.ts). */
const POOL_SIZE = 10;

/** 20 sign-ups at once on a new workspace; `whileAllWait` runs once all of them have reached the database. */
async function twentySignUps(server: TestServer, whileAllWait?: () => Promise<void>): Promise<void> {
  const names = Array.from({ length: 20 }, () => uniqueName("first").replace(/-/g, ""));
  const sent = Promise.all(names.map((name) => signUp(server, { username: name, email: `${name}@example.com` })));
  await whileAllWait?.();
  const answers = await sent;
  expect(statuses(answers)).toEqual(names.map(() => 201));
  const roles = answers.map((a) => expectBody(a, userSchema).roles);
  expect(roles.filter((r) => r === "system_admin system_user")).toHaveLength(1);
  expect(roles.filter((r) => r === "system_user")).toHaveLength(19);
  const admins = await server.host.db.selectFrom("users").select("username").where("roles", "like", "%system_admin%").execute();
  expect(admins).toHaveLength(1);
}

describe("the first user of a new workspace", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server?.close());

  it("is the only system admin when 20 people sign up at once", async () => {
    await twentySignUps(server);
  });
});

describe.skipIf(testDialect !== "postgres")("the first user, with every sign-up's transaction open at once (PostgreSQL)", () => {
  let server: TestServer;
  // One connection holds the lock; another watches (pg_stat_activity is a snapshot for a whole transaction).
  let locker: pg.Client;
  let observer: pg.Client;
  beforeAll(async () => {
    server = await startTestServer();
    locker = new pg.Client({ connectionString: testDatabaseUrl });
    observer = new pg.Client({ connectionString: testDatabaseUrl });
    await locker.connect();
    await observer.connect();
  });
  afterAll(async () => {
    await locker?.end();
    await observer?.end();
    await server?.close();
  });

  it("is still the only system admin", async () => {
    // Inserts into users wait behind this lock while reads go on: unless sign-ups take turns, every
    // one with a connection (the pool's 10; the other 10 queue for one) reads "no user yet".
    await locker.query("BEGIN");
    await locker.query(`LOCK TABLE "${server.config.pgSchema}".users IN SHARE MODE`);
    await twentySignUps(server, async () => {
      await eventually(
        async () => {
          const waiting = await observer.query<{ n: string }>(
            "SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'",
            [pgApplicationName(server.config.pgSchema ?? "")],
          );
          return Number(waiting.rows[0]?.n) === POOL_SIZE;
        },
        { ms: 20_000, what: `sign-ups on all ${POOL_SIZE} pooled connections to wait in the database` },
      );
      await locker.query("COMMIT");
    });
  });
});

describe("names and emails taken at the same moment", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server?.close());

  it("answer one 201 and 409s naming the username", async () => {
    const username = uniqueName("same").replace(/-/g, "");
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => signUp(server, { username, email: `${username}.${i}@example.com` })),
    );
    expect(statuses(answers)).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    expect(refusals(answers)).toEqual([`username: "${username}" is already taken`]);
  });

  it("answer one 201 and 409s naming the email", async () => {
    const email = `${uniqueName("mail").replace(/-/g, "")}@example.com`;
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => signUp(server, { username: uniqueName("mail").replace(/-/g, ""), email })),
    );
    expect(statuses(answers)).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    expect(refusals(answers)).toEqual(["email: an account with this email already exists"]);
  });

  it("answer one 201 and 409s naming the team", async () => {
    const owner = await server.createUser();
    const name = uniqueName("team");
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => owner.post("/api/v4/teams", { name, display_name: name, type: "O" })),
    );
    expect(statuses(answers)).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    expect(refusals(answers)).toEqual([`name: a team named "${name}" already exists`]);
    const created = answers.find((a) => a.status === 201);
    expect(created && expectBody(created, teamSchema).name).toBe(name);
    // The losers left nothing behind: one team, one Town Square.
    const teams = await server.host.db.selectFrom("teams").select("id").where("name", "=", name).execute();
    expect(teams).toHaveLength(1);
  });

  it("answer one 201 and 409s naming the channel", async () => {
    const owner = await server.createUser();
    const team = await server.createTeam(owner);
    const name = uniqueName("chan");
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => owner.post("/api/v4/channels", { team_id: team.id, name, display_name: name, type: "O" })),
    );
    expect(statuses(answers)).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    expect(refusals(answers)).toEqual([`name: a channel named "${name}" already exists in this team; try "${name}-2"`]);
  });
});
