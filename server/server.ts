/**
 * @module server
 * Start a whole Sitrep server: host, plugins, HTTP. Used by `sitrep serve` and tests.
 */
import type { FastifyInstance } from "fastify";
import { createApp } from "./app.ts";
import type { Config } from "./config.ts";
import { createHost, type Host } from "./host.ts";
import { registerHostAutomation } from "./automation/host-automation.ts";
import { registerHostCommands } from "./commands/host-commands.ts";

export interface RunningServer {
  host: Host;
  app: FastifyInstance;
  /** e.g. `http://127.0.0.1:53121` */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Build the host, start plugins and listen. `config.port` 0 picks a free port. */
export async function startServer(config: Config): Promise<RunningServer> {
  const host = await createHost(config);
  const app = await createApp(host);
  await registerHostCommands(host);
  await registerHostAutomation(host);
  await host.plugins.start();
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  let closed = false;
  return {
    host,
    app,
    port,
    url: `http://127.0.0.1:${port}`,
    async close() {
      if (closed) return;
      closed = true;
      // Upgraded WebSocket sockets keep the HTTP server from closing: end them first.
      await host.realtime.close();
      await app.close();
      await host.close();
    },
  };
}
