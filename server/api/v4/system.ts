/**
 * @module api/v4/system
 * Health check, as Mattermost's `GET /api/v4/system/ping` answers it: `status`
 * `OK` or `UNHEALTHY`, `database_status` when `get_server_status=true`, and a
 * 500 when unhealthy unless `use_rest_semantics=true` (which
 * `@mattermost/client`'s `ping` sends, to read the body). The database is
 * unhealthy while the process knows it unreachable (db/health.ts), or when
 * one `SELECT 1` does not answer within {@link PING_DATABASE_TIMEOUT_MS}.
 */
import type { FastifyInstance } from "fastify";
import { sql } from "kysely";
import { z } from "zod";
import { TIMED_OUT, withTimeout } from "#common/with-timeout.ts";
import type { Host } from "../../host.ts";
import { hostRoute } from "../route.ts";

/** How long ping waits for the database before calling it unhealthy. */
const PING_DATABASE_TIMEOUT_MS = 2_000;

const status = z.enum(["OK", "UNHEALTHY"]);
const pingSchema = z.object({
  status,
  /** Sitrep's own: which database the workspace runs on. */
  database: z.string(),
  ActiveSearchBackend: z.string(),
  /** With `get_server_status=true`. */
  database_status: status.optional(),
});
const pingQuerySchema = z.object({
  get_server_status: z.string().optional(),
  use_rest_semantics: z.string().optional(),
  device_id: z.string().optional(),
});

/** True when the database answers now. */
async function databaseAnswers(host: Host): Promise<boolean> {
  if (!host.workspace.health.up) return false;
  try {
    return (await withTimeout(sql`SELECT 1`.execute(host.db), PING_DATABASE_TIMEOUT_MS)) !== TIMED_OUT;
  } catch {
    return false;
  }
}

export function registerSystemRoutes(app: FastifyInstance, host: Host): void {
  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/system/ping",
    access: "none",
    summary: "Health: status OK while the database answers, UNHEALTHY (a 500 unless use_rest_semantics=true) otherwise",
    query: pingQuerySchema,
    response: pingSchema,
    handler: async ({ query, reply }) => {
      const database = (await databaseAnswers(host)) ? "OK" : "UNHEALTHY";
      const answer: z.infer<typeof pingSchema> = {
        status: database,
        database: host.dialect,
        ActiveSearchBackend: "database",
        ...(query.get_server_status === "true" ? { database_status: database } : {}),
      };
      if (database === "OK" || query.use_rest_semantics === "true") return answer;
      return reply.status(500).send(answer);
    },
  });
}
