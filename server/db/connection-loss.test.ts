/**
 * PostgreSQL going away under a running server. Its idle connections ended
 * by the database do not end the process; while it cannot be reached,
 * requests answer 503 and ping says UNHEALTHY; when it is back, the server
 * serves again by itself, its LISTEN connection reads back the events it
 * missed, and the caches drop what other processes invalidated meanwhile.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { apiErrorBodySchema, postSchema } from "#common/wire-schemas.ts";
import {
  captureLog,
  eventually,
  postEvent,
  startPgProxy,
  startTestServer,
  testDatabaseUrl,
  testDialect,
  TestClient,
  TestSocket,
  type PgProxy,
  type TeamSeed,
  type TestServer,
} from "#testing";
import { pgApplicationName } from "./index.ts";

const pingSchema = z.object({
  status: z.string(),
  database: z.string(),
  database_status: z.string().optional(),
  ActiveSearchBackend: z.string(),
});

describe.skipIf(testDialect !== "postgres")("PostgreSQL ending a server's idle connections", () => {
  let server: TestServer;
  let admin: pg.Client;
  const log = captureLog();
  beforeAll(async () => {
    server = await startTestServer({ logLevel: "warn", logDestination: log.destination });
    admin = new pg.Client({ connectionString: testDatabaseUrl });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await server?.close();
  });

  it("leaves the process serving: the pool connects anew", async () => {
    const alice = await server.createUser();
    const team = await server.createTeam(alice);
    const channel = await server.createChannel(alice, { teamId: team.id });
    const name = pgApplicationName(server.config.pgSchema ?? "");
    const ended = await admin.query<{ ended: boolean }>(
      "SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE application_name = $1",
      [name],
    );
    expect(ended.rows.length).toBeGreaterThan(0);
    // The pool's 'error' event for each idle client: logged, not fatal (Node ends a process on an unheard 'error').
    await eventually(() => log.find("database connection lost").length > 0, { what: "the lost connections in the log" });
    const post = await server.createPost(alice, { channelId: channel.id, message: "after the backends were ended" });
    expect(post.message).toBe("after the backends were ended");
    const ping = await server.anonymous.get("/api/v4/system/ping?get_server_status=true", pingSchema);
    expect(ping.status).toBe(200);
    expect(ping.body).toEqual({ status: "OK", database: "postgres", database_status: "OK", ActiveSearchBackend: "database" });
  });
});

describe.skipIf(testDialect !== "postgres")("a server whose database cannot be reached for a while", () => {
  let proxy: PgProxy;
  /** Reaches PostgreSQL through the proxy, which the test cuts. */
  let cutOff: TestServer;
  /** Another process on the same workspace, reaching PostgreSQL directly. */
  let other: TestServer;
  let seed: TeamSeed;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    proxy = await startPgProxy();
    other = await startTestServer();
    cutOff = await startTestServer({ databaseUrl: proxy.url, pgSchema: other.config.pgSchema });
    seed = await other.seedTeam();
  });
  afterAll(async () => {
    for (const socket of sockets) await socket.close();
    await cutOff?.close();
    await other?.close();
    await proxy?.close();
  });

  it("answers 503 and reports the database down, then serves again by itself, missing no event and no logout", async () => {
    const { alice, bob } = seed;
    const bobThere = new TestClient(cutOff.url, bob.token, bob.user);
    const onCutOff = await TestSocket.open(cutOff.url, { token: bob.token });
    sockets.push(onCutOff);
    const before = await other.createPost(alice, { channelId: seed.pub.id, message: "before the cut" });
    await onCutOff.waitFor(postEvent("posted", before.id), 10_000);
    // Carol signs in on both processes; her session is ended on the other one during the cut.
    const carol = await other.createUser();
    const carolThere = new TestClient(cutOff.url, carol.token, carol.user);
    expect((await carolThere.get("/api/v4/users/me")).status).toBe(200);
    const carolSocket = await TestSocket.open(cutOff.url, { token: carol.token });
    sockets.push(carolSocket);
    const carolClosed = new Promise<number>((resolve) => carolSocket.ws.once("close", (code) => resolve(code)));

    proxy.cut();
    const refused = await bobThere.post("/api/v4/posts", { channel_id: seed.pub.id, message: "during the cut" }, apiErrorBodySchema);
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({
      id: "api.context.database_unavailable",
      message: "The database cannot be reached at the moment; try again shortly.",
      status_code: 503,
    });
    const down = await cutOff.anonymous.get("/api/v4/system/ping?get_server_status=true");
    expect(down.status).toBe(500);
    expect(down.body).toEqual({ status: "UNHEALTHY", database: "postgres", database_status: "UNHEALTHY", ActiveSearchBackend: "database" });
    const restful = await cutOff.anonymous.get("/api/v4/system/ping?use_rest_semantics=true", pingSchema);
    expect(restful.status).toBe(200);
    expect(restful.body.status).toBe("UNHEALTHY");

    // Meanwhile the other process goes on: posts, and a logout the cut-off one cannot hear of.
    const during = [1, 2, 3].map((n) => `posted elsewhere during the cut ${n}`);
    const duringIds: string[] = [];
    for (const message of during) duringIds.push((await other.createPost(alice, { channelId: seed.pub.id, message })).id);
    expect((await carol.post("/api/v4/users/logout")).status).toBe(200);

    proxy.restore();
    const up = await eventually(
      async () => {
        const res = await cutOff.anonymous.get("/api/v4/system/ping?get_server_status=true", pingSchema);
        return res.status === 200 && res;
      },
      { ms: 15_000, intervalMs: 100, what: "ping to say OK again" },
    );
    expect(up.body).toEqual({ status: "OK", database: "postgres", database_status: "OK", ActiveSearchBackend: "database" });
    // The events of the gap are read back from the log, in order, and live delivery goes on.
    for (const id of duringIds) await onCutOff.waitFor(postEvent("posted", id), 15_000);
    const after = await bobThere.post("/api/v4/posts", { channel_id: seed.pub.id, message: "after the cut" }, postSchema);
    expect(after.status).toBe(201);
    await onCutOff.waitFor(postEvent("posted", after.body.id), 10_000);
    const seen = onCutOff.events("posted").map((f) => postSchema.parse(JSON.parse(String(f.data?.post))).message);
    expect(seen).toEqual(["before the cut", ...during, "after the cut"]);
    // The logout made elsewhere during the gap holds here too: the cached session is gone, the socket closed.
    const carolAfter = await carolThere.get("/api/v4/users/me", apiErrorBodySchema);
    expect(carolAfter.status).toBe(401);
    expect(await carolClosed).toBe(4001);
  });
});
