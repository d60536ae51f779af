/**
 * @module testing/pg-proxy
 * A TCP proxy in front of the test PostgreSQL, for tests of a database that
 * goes away: `cut()` breaks every connection through it and refuses new
 * ones, as a network partition or a database restart does to a server;
 * `restore()` lets connections through again. Point a test server at it with
 * `startTestServer({ databaseUrl: proxy.url })`.
 */
import net from "node:net";
import { testDatabaseUrl } from "./harness.ts";

/** A running proxy to the test database. */
export interface PgProxy {
  /** `TEST_DATABASE_URL`, through the proxy. */
  url: string;
  /** Break every open connection and refuse new ones until {@link restore}. */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

/**
 * Start a proxy on a free port of 127.0.0.1 to the test database.
 * @example const proxy = await startPgProxy(); const server = await startTestServer({ databaseUrl: proxy.url }); proxy.cut();
 */
export async function startPgProxy(): Promise<PgProxy> {
  const target = new URL(testDatabaseUrl);
  const upstream = { host: target.hostname, port: Number(target.port || 5432) };
  const open = new Set<net.Socket>();
  let cut = false;
  const server = net.createServer((client) => {
    if (cut) {
      client.destroy();
      return;
    }
    const db = net.connect(upstream);
    for (const socket of [client, db]) {
      open.add(socket);
      socket.on("close", () => open.delete(socket));
      socket.on("error", () => {
        client.destroy();
        db.destroy();
      });
    }
    client.pipe(db);
    db.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const url = new URL(testDatabaseUrl);
  url.hostname = "127.0.0.1";
  url.port = String(port);
  return {
    url: url.toString(),
    cut() {
      cut = true;
      for (const socket of open) socket.destroy();
    },
    restore() {
      cut = false;
    },
    async close() {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
