import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "../../common/ids.ts";
import type { User } from "../../common/wire.ts";
import { startTestServer, TestClient, testDialect, type TestServer } from "../testing/harness.ts";

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

  function openOnFirst(onSubmit: (values: Record<string, string>) => void | { errors: Record<string, string> } = () => {}): string {
    return first.host.dialogs.open("test", {
      userId: alice.user.id,
      channelId,
      teamId,
      dialog: {
        title: "Start incident",
        elements: [
          { name: "name", display_name: "Name", type: "text" },
          { name: "note", display_name: "Note", type: "textarea", optional: true },
        ],
      },
      onSubmit: (submission) => onSubmit(submission.values),
    });
  }

  it("delivers the values to the process that opened it, then refuses a second submit", async () => {
    const received: Array<Record<string, string>> = [];
    const callbackId = openOnFirst((values) => void received.push(values));
    const res = await aliceOnSecond.post("/api/v4/actions/dialogs/submit", { callback_id: callbackId, channel_id: channelId, team_id: teamId, submission: { name: "DB down", note: null } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    expect(received).toEqual([{ name: "DB down", note: "" }]);
    const again = await aliceOnSecond.post("/api/v4/actions/dialogs/submit", { callback_id: callbackId, submission: { name: "DB down" } });
    expect(again.status).toBe(404);
    expect(again.body.message).toBe("callback_id: this dialog has expired or was already submitted");
  });

  it("returns missing fields and the plugin's own errors, keeping the dialog open", async () => {
    const callbackId = openOnFirst((values) => (values.name === "taken" ? { errors: { name: "An incident with this name is running." } } : undefined));
    const missing = await aliceOnSecond.post("/api/v4/actions/dialogs/submit", { callback_id: callbackId, submission: { note: "x" } });
    expect(missing.status).toBe(200);
    expect(missing.body).toEqual({ errors: { name: "Name is required." } });
    const refused = await aliceOnSecond.post("/api/v4/actions/dialogs/submit", { callback_id: callbackId, submission: { name: "taken" } });
    expect(refused.status).toBe(200);
    expect(refused.body).toEqual({ errors: { name: "An incident with this name is running." } });
    const ok = await aliceOnSecond.post("/api/v4/actions/dialogs/submit", { callback_id: callbackId, submission: { name: "fresh" } });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({});
  });

  it("refuses another user with 403, as a local submit does", async () => {
    const callbackId = openOnFirst(() => {
      throw new Error("must not be called");
    });
    const res = await bobOnSecond.post("/api/v4/actions/dialogs/submit", { callback_id: callbackId, submission: { name: "mine now" } });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ id: "api.context.permissions", message: "This dialog was opened for another user.", status_code: 403 });
  });

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
    expect(res.body).toEqual({ id: "app.dialog.not_found", message: "callback_id: this dialog has expired or was already submitted", status_code: 404 });
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
    const res = await alice.post("/api/v4/actions/dialogs/submit", { callback_id: newId(), submission: { name: "x" } });
    expect(res.status).toBe(404);
    expect(res.body.message).toBe("callback_id: this dialog has expired or was already submitted");
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
