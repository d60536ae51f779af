/**
 * @module api/v4/system
 * Health check.
 */
import type { FastifyInstance } from "fastify";
import { sql } from "kysely";
import { z } from "zod";
import type { Host } from "../../host.ts";
import { hostRoute } from "../route.ts";

export function registerSystemRoutes(app: FastifyInstance, host: Host): void {
  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/system/ping",
    access: "none",
    summary: "Health: OK when the database answers, 503 otherwise",
    response: z.object({ status: z.enum(["OK", "UNHEALTHY"]), database: z.string(), ActiveSearchBackend: z.string().optional() }),
    handler: async ({ reply }) => {
      try {
        await sql`SELECT 1`.execute(host.db);
        return { status: "OK", database: host.dialect, ActiveSearchBackend: "database" };
      } catch {
        return reply.status(503).send({ status: "UNHEALTHY", database: host.dialect });
      }
    },
  });
}
