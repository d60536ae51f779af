/**
 * @module api/v4/audits
 * `GET /api/v4/audits`: the audit log (services/audits.ts), newest first, a
 * page at a time, for system admins, in Mattermost's shape.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { pageQuerySchema } from "#common/limits.ts";
import { auditSchema } from "#common/wire-schemas.ts";
import type { Host } from "../../host.ts";
import { auditLister } from "../../services/audits.ts";
import { hostRoute } from "../route.ts";

export function registerAuditRoutes(app: FastifyInstance, host: Host): void {
  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/audits",
    access: "system_admin",
    summary: "A page of the audit log of security-relevant actions, newest first",
    query: pageQuerySchema({ perPageDefault: 60 }),
    response: z.array(auditSchema),
    handler: ({ query }) => auditLister(host, { page: query.page, perPage: query.per_page }),
  });
}
