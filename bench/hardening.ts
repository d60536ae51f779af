/**
 * @module bench/hardening
 * `npm run bench -- hardening`: the figures of issue 16 ("Show it with"), each
 * beside its baseline measured in the same run:
 * - the ReDoS payload's effect on a ping: before, JavaScript's backtracking
 *   RegExp on `(a+)+$` run on the server's thread (measured in-process); after,
 *   the real server with the playbook rule on re2js and the 31-character post;
 * - a 49 MB anonymous body to `/api/v4/users/login`: the time to its 413, and a ping meanwhile;
 * - wrong-password sign-ins accepted per second, with the default throttling
 *   and with `SITREP_LOGIN_RATE_PER_ADDRESS`/`_PER_ACCOUNT` set very high (the baseline);
 * - on PostgreSQL: the first-user race (20 concurrent sign-ups on a fresh
 *   workspace, 10 runs: system admins made), 10 concurrent incident starts (ok,
 *   orphan channels), and every backend terminated under load with two
 *   processes (requests failed during the gaps, events lost).
 * The regression tests of the same items are in `npm test`; this prints the numbers.
 */
import { sql } from "kysely";
import { z } from "zod";
import { newId } from "#common/ids.ts";
import {
  backendTerminationRun,
  expectBody,
  startSecondProcess,
  startServerProcess,
  startServerWithPlugins,
  startTestServer,
  testDatabaseUrl,
  type TestServer,
} from "#testing";
import { dropPgSchema } from "../server/db/index.ts";
import { benchPostgres, median, tmpDir, type BenchCase } from "./support.ts";

const INCIDENTS = "/plugins/incident/api/v1";
const withId = z.object({ id: z.string() });

/** One ping's round trip to `url`, in ms. */
async function ping(url: string): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${url}/api/v4/system/ping`);
  await res.arrayBuffer();
  return performance.now() - started;
}

/** The median idle ping of a server. */
async function idlePing(url: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 20; i++) times.push(await ping(url));
  return median(times);
}

/** The ReDoS payload: before (backtracking RegExp in-process, `beforeLength` characters) and after (re2js, 31 characters). */
async function redos(): Promise<{ line: string; ratio: number; met: boolean }> {
  const server = await startServerWithPlugins(["incident"]);
  try {
    const admin = await server.admin();
    const team = await server.createTeam(admin);
    const alerts = await server.createChannel(admin, { teamId: team.id, name: "alerts" });
    const idle = await idlePing(server.url);

    // Before: the old engine on the server's thread. A ping sent just before the match waits for all of it.
    const beforeLength = 22;
    const backtracking = new RegExp("(a+)+$");
    const pending = ping(server.url);
    const matchStarted = performance.now();
    backtracking.test(`${"a".repeat(beforeLength)}!`);
    const matchMs = performance.now() - matchStarted;
    const before = await pending;

    // After: the playbook rule on re2js, the 31-character payload posted, pings right behind it.
    const source = 'name: ReDoS\nforwarding:\n  - from: [alerts]\n    regex: "(a+)+$"\n';
    const playbook = expectBody(await admin.post(`${INCIDENTS}/playbooks`, { team_id: team.id, source }), withId);
    expectBody(await admin.post(`${INCIDENTS}/incidents`, { name: "Backtracking", team_id: team.id, playbook_id: playbook.id }), withId);
    const during: number[] = [];
    for (let i = 0; i < 5; i++) {
      const posted = admin.post("/api/v4/posts", { channel_id: alerts.id, message: `${"a".repeat(31)}!` });
      during.push(await ping(server.url));
      if ((await posted).status !== 201) throw new Error("the payload post was refused");
    }
    await server.host.hooks.idle();
    const after = Math.max(...during);
    // 2^n steps: each character more doubles the old engine's match.
    const extrapolated = (matchMs * 2 ** (31 - beforeLength)) / 1000;
    const line =
      `ReDoS (a+)+$: ping before (backtracking RegExp, ${beforeLength} chars, match ${matchMs.toFixed(0)} ms, 31 chars ≈ ${extrapolated.toFixed(0)} s) ` +
      `${before.toFixed(0)} ms, after (re2js, 31 chars) max ${after.toFixed(1)} ms, idle ${idle.toFixed(1)} ms (${(before / after).toFixed(0)}x)`;
    return { line, ratio: before / after, met: after < Math.max(idle * 20, 200) };
  } finally {
    await server.close();
  }
}

/** A 49 MB anonymous body to the login route: the time to its 413, and a ping sent meanwhile (the server in its own process, so the upload's sending does not hold it up). */
async function bigBody(): Promise<{ line: string; met: boolean }> {
  const dir = tmpDir("hardening-body");
  const server = await startServerProcess({ dataDir: dir.dir });
  try {
    const idle = await idlePing(server.url);
    const body = Buffer.alloc(49 * 1024 * 1024, "a");
    body.write('{"login_id":"');
    const started = performance.now();
    const answer = fetch(`${server.url}/api/v4/users/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    }).then(async (res) => ({ status: res.status, ms: performance.now() - started, text: await res.text() }));
    const during = await ping(server.url);
    const res = await answer.catch((error: unknown) => ({ status: 0, ms: performance.now() - started, text: String(error) }));
    // The ping is sent by this process while it is itself sending the 49 MB, so it counts that work too: an upper bound.
    const line = `49 MB body to /api/v4/users/login: ${res.status} after ${res.ms.toFixed(0)} ms, a ping meanwhile ${during.toFixed(1)} ms (sent beside the upload; idle ${idle.toFixed(1)} ms)`;
    return { line, met: res.status === 413 };
  } finally {
    await server.close();
    dir.remove();
  }
}

/** Wrong-password sign-ins from one address for `ms`, 4 at a time: how many were tried, and how many answered other than 429. */
async function acceptedLogins(server: TestServer, ms: number): Promise<{ tried: number; accepted: number }> {
  const victim = await server.createUser();
  let accepted = 0;
  let tried = 0;
  const deadline = performance.now() + ms;
  const worker = async () => {
    while (performance.now() < deadline) {
      const res = await server.anonymous.post("/api/v4/users/login", { login_id: victim.user.username, password: "wrong-password" });
      tried += 1;
      if (res.status !== 429) accepted += 1;
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return { tried, accepted };
}

/** Sign-ins accepted per second with the default throttling and without it. */
async function throttling(): Promise<{ line: string; met: boolean }> {
  const seconds = 6;
  const runs: Array<{ tried: number; accepted: number }> = [];
  for (const overrides of [{}, { loginRatePerAddress: 1_000_000, loginRatePerAccount: 1_000_000 }]) {
    const server = await startTestServer(overrides);
    try {
      runs.push(await acceptedLogins(server, seconds * 1000));
    } finally {
      await server.close();
    }
  }
  const [throttled = { tried: 0, accepted: 0 }, open = { tried: 0, accepted: 0 }] = runs;
  const perSecond = (run: { accepted: number }) => (run.accepted / seconds).toFixed(1);
  const line =
    `wrong-password sign-ins accepted in ${seconds} s from one address: ${throttled.accepted} of ${throttled.tried} (${perSecond(throttled)}/s) throttled (defaults: ` +
    `30/min per address, 10/min per account) vs ${open.accepted} of ${open.tried} (${perSecond(open)}/s) with SITREP_LOGIN_RATE_PER_ADDRESS and _PER_ACCOUNT=1000000`;
  return { line, met: throttled.accepted * 3 < open.accepted };
}

/** A server on a fresh schema of the bench's PostgreSQL, dropped on close. */
async function onPostgres<T>(databaseUrl: string, plugins: string[], use: (server: TestServer) => Promise<T>): Promise<T> {
  const pgSchema = `hardening_${newId()}`;
  const overrides = { databaseUrl, pgSchema };
  const server = plugins.length ? await startServerWithPlugins(plugins, overrides) : await startTestServer(overrides);
  try {
    return await use(server);
  } finally {
    await server.close();
    await dropPgSchema(databaseUrl, pgSchema);
  }
}

/** 20 concurrent sign-ups on a fresh workspace, 10 times: how many system admins each made. */
async function firstUserRace(databaseUrl: string): Promise<{ line: string; met: boolean }> {
  const admins: number[] = [];
  for (let run = 0; run < 10; run++)
    admins.push(
      await onPostgres(databaseUrl, [], async (server) => {
        await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            server.anonymous.post("/api/v4/users", { username: `racer${i}`, email: `racer${i}@example.com`, password: "password-123" }),
          ),
        );
        const rows = await server.host.db.selectFrom("users").select("id").where("roles", "like", "%system_admin%").execute();
        return rows.length;
      }),
    );
  return { line: `first-user race (20 sign-ups, 10 runs): system admins per run ${admins.join(" ")}`, met: admins.every((n) => n === 1) };
}

/** 10 concurrent incident starts: how many succeeded, and how many channels were left without an incident. */
async function concurrentStarts(databaseUrl: string): Promise<{ line: string; met: boolean }> {
  return onPostgres(databaseUrl, ["incident"], async (server) => {
    const admin = await server.admin();
    const team = await server.createTeam(admin);
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => admin.post(`${INCIDENTS}/incidents`, { team_id: team.id, name: `Outage ${i}` })),
    );
    const ok = answers.filter((a) => a.status === 201).length;
    const orphans = await server.host.db
      .selectFrom("channels")
      .select("id")
      .where("team_id", "=", team.id)
      .where("name", "<>", "town-square")
      .where("id", "not in", sql<string>`(SELECT channel_id FROM incident_incidents)`)
      .execute();
    const statuses = [...new Set(answers.map((a) => a.status))].join(", ");
    return {
      line: `10 concurrent incident starts: ${ok} ok (statuses ${statuses}), orphan channels ${orphans.length}`,
      met: ok === 10 && orphans.length === 0,
    };
  });
}

/** Every backend terminated twice under load, two processes. */
async function termination(): Promise<{ line: string; met: boolean }> {
  const pgSchema = `hardening_${newId()}`;
  const server = await startTestServer({ databaseUrl: testDatabaseUrl, pgSchema });
  const second = await startSecondProcess(server);
  try {
    const seed = await server.seedTeam();
    const run = await backendTerminationRun({
      urls: [server.url, second.url],
      pgSchema,
      seed,
      terminations: 2,
      loadMs: 6_000,
      concurrency: 4,
    });
    const kinds = [...new Set(run.failures)].join(", ") || "none";
    const line =
      `PostgreSQL backends terminated 2x under load, two processes: ${run.acknowledged.length} posts acknowledged, ` +
      `${run.failures.length} requests failed during the gaps (${kinds}), events lost ${run.lost}`;
    return { line, met: run.lost === 0 };
  } finally {
    await second.close();
    await server.close();
    await dropPgSchema(testDatabaseUrl, pgSchema);
  }
}

export const hardening: BenchCase = {
  id: "HARDENING",
  title: "issue 16's figures: ReDoS ping, 49 MB body, login throttling, PostgreSQL races and termination",
  async run() {
    const parts: Array<{ line: string; met: boolean }> = [];
    const redosPart = await redos();
    parts.push(redosPart, await bigBody(), await throttling());
    const databaseUrl = await benchPostgres();
    if (databaseUrl && databaseUrl === testDatabaseUrl)
      parts.push(await firstUserRace(databaseUrl), await concurrentStarts(databaseUrl), await termination());
    else parts.push({ line: "PostgreSQL parts skipped (no database at TEST_DATABASE_URL on 127.0.0.1)", met: true });
    const missed = parts.filter((p) => !p.met).length;
    return {
      line: `HARDENING\n  ${parts.map((p) => `${p.line}${p.met ? "" : "  << MISSED"}`).join("\n  ")}`,
      ratio: redosPart.ratio,
      met: missed === 0,
    };
  },
};
