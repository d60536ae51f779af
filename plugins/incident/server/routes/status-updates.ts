/**
 * @module incident/server/routes/status-updates
 * `/api/v1/incidents/{id}/status-updates`: post one, list them newest first.
 */
import { z } from "zod";
import { listStatusUpdatesQuerySchema, pageAnswerSchema, postStatusUpdateSchema, statusUpdateAnswerSchema } from "../../common/types.ts";
import { statusUpdatePoster } from "../commands/status-update-poster.ts";
import type { IncidentDeps } from "../incident-deps.ts";
import { visibleIncident } from "../policies.ts";
import { reply, userId } from "./handler-parts.ts";

const BASE = "/api/v1/incidents/:id/status-updates";
const incidentParams = z.object({ id: z.string() });

/** Register the status update routes; the host removes them on disable. */
export function registerStatusUpdateRoutes(deps: IncidentDeps): void {
  const { ctx, store } = deps;

  ctx.http.route({
    method: "POST",
    path: BASE,
    policy: "channel",
    summary: "Post a status update (the incident channel and the playbook's broadcast channels)",
    params: incidentParams,
    body: postStatusUpdateSchema,
    invalidId: "incident.status_update.invalid",
    response: statusUpdateAnswerSchema,
    async handler(req) {
      const update = await statusUpdatePoster(deps, { incidentId: req.params.id, actorId: userId(req), message: req.body.message });
      return reply(201, update);
    },
  });

  ctx.http.route({
    method: "GET",
    path: BASE,
    policy: "channel",
    summary: "An incident's status updates, newest first, paged",
    params: incidentParams,
    query: listStatusUpdatesQuerySchema,
    invalidId: "incident.status_update.list.invalid",
    response: pageAnswerSchema(statusUpdateAnswerSchema),
    async handler(req) {
      const incident = await visibleIncident(deps, { userId: userId(req), incidentId: req.params.id });
      const page = await store.listStatusUpdates({ incidentId: incident.id, page: req.query.page, perPage: req.query.per_page });
      return reply(200, { items: page.items, total_count: page.total });
    },
  });
}
