import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiErrorBodySchema } from "#common/wire-schemas.ts";
import { newId } from "#common/ids.ts";
import type { User } from "#common/wire.ts";
import { startTestServer, TestClient, testDialect, type TestServer } from "#testing";
import { describeDialogSubmit, openTestDialog } from "./dialog-cases.ts";

type Client = TestClient & { user: User };

// The browser's submit may reach a process other than the one that opened the dialog.
describe.skipIf(testDialect !== "postgres")("dialogs across processes on one PostgreSQL", () => {
  let first: TestServer;
  let second: TestServer;
  let alice: Client;
  let bob: Client;
  let aliceOnSecond: TestClient;
  let bobOnSecond: TestClient;
  let channelId: string;
  let teamId: string;

  beforeAll(async () => {
    first = await startTestServer();
    // Its own data directory (the default), the same schema.
    second = await startTestServer({ pgSchema: first.config.pgSchema });
    alice = await first.createUser();
    bob = await first.createUser();
    const team = await first.createTeam(alice);
    const channel = await first.createChannel(alice, { teamId: team.id, type: "O" });
    teamId = team.id;
    channelId = channel.id;
    aliceOnSecond = new TestClient(second.url, alice.token, alice.user);
    bobOnSecond = new TestClient(second.url, bob.token, bob.user);
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  const openOnFirst = (onSubmit?: Parameters<typeof openTestDialog>[2]) =>
    openTestDialog(first.host, { userId: alice.user.id, channelId, teamId }, onSubmit);

  // Opened on the first process, submitted through the second.
  describeDialogSubmit(() => ({ open: openOnFirst, owner: aliceOnSecond, other: bobOnSecond, channelId, teamId }));

  it("closes a dialog cancelled through the other process", async () => {
    const callbackId = openOnFirst(() => {
      throw new Error("must not be called");
    });
    const cancelled = await aliceOnSecond.post("/api/v4/actions/dialogs/submit", { callback_id: callbackId, cancelled: true });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toEqual({});
    const local = await alice.post("/api/v4/actions/dialogs/submit", { callback_id: callbackId, submission: { name: "x" } });
    expect(local.status).toBe(404);
  });

  it("answers 404 for a dialog no process holds, once the others had time to answer", async () => {
    const started = Date.now();
    const res = await aliceOnSecond.post("/api/v4/actions/dialogs/submit", { callback_id: newId(), submission: { name: "x" } });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({
      id: "app.dialog.not_found",
      message: "callback_id: this dialog has expired or was already submitted",
      status_code: 404,
    });
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe.skipIf(testDialect !== "sqlite")("dialogs in one process", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it("answers 404 for an unknown dialog at once, asking nobody", async () => {
    const alice = await server.createUser();
    const started = Date.now();
    const res = await alice.post("/api/v4/actions/dialogs/submit", { callback_id: newId(), submission: { name: "x" } }, apiErrorBodySchema);
    expect(res.status).toBe(404);
    expect(res.body.message).toBe("callback_id: this dialog has expired or was already submitted");
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
