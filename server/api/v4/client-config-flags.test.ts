/**
 * `GET /api/v4/config/client`'s `NoAccounts` follows the workspace without a
 * query per call (`workspaceHasUsers`, held once true): true on a fresh
 * workspace, false from the first sign-up on — in a second process on
 * PostgreSQL too, which answered true before.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { expectBody, startSecondProcess, startTestServer, testDialect, TestClient, type TestServer } from "#testing";

const clientConfig = z.object({ NoAccounts: z.enum(["true", "false"]), EnableSignInWithEmail: z.string() });

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

const noAccounts = async (client: TestClient) => expectBody(await client.get("/api/v4/config/client?format=old"), clientConfig).NoAccounts;

describe("NoAccounts of the client configuration", () => {
  it("is true until the first sign-up and false from then on, in every process", async () => {
    const second = testDialect === "postgres" ? await startSecondProcess(server) : undefined;
    try {
      const clients = [server.anonymous, ...(second ? [new TestClient(second.url)] : [])];
      for (const client of clients) expect(await noAccounts(client)).toBe("true");
      await server.createUser();
      for (const client of clients) expect(await noAccounts(client)).toBe("false");
      expect(await noAccounts(server.anonymous)).toBe("false");
    } finally {
      await second?.close();
    }
  }, 60_000);
});
