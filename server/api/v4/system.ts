/**
 * @module api/v4/system
 * Health check.
 */
import type { FastifyInstance } from "fastify";
import { sql } from "kysely";
import type { Host } from "../../host.ts";

export function registerSystemRoutes(app: FastifyInstance, host: Host): void {
  app.get("/api/v4/system/ping", async (_request, reply) => {
    try {
      await sql`SELECT 1`.execute(host.db);
      return { status: "OK", database: host.dialect, ActiveSearchBackend: "database" };
    } catch {
      return reply.status(503).send({ status: "UNHEALTHY", database: host.dialect });
    }
  });
}
