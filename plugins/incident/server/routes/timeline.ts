/**
 * @module incident/server/routes/timeline
 * `/api/v1/incidents/{id}/timeline`: read it, add a post to it, remove an
 * entry added from a post (DESIGN.md section 10).
 */
import { z } from "zod";
import { addTimelineEntrySchema, okAnswerSchema, timelineAnswerSchema, timelineEntryAnswerSchema } from "../../common/types.ts";
import type { IncidentDeps } from "../incident-deps.ts";
import { visibleIncident } from "../policies.ts";
import { timelineEntryRemover, timelinePostAdder } from "../timeline.ts";
import { reply, userId } from "./handler-parts.ts";

const BASE = "/api/v1/incidents/:id/timeline";
const incidentParams = z.object({ id: z.string() });
const entryParams = z.object({ id: z.string(), entryId: z.string() });

/** Register the timeline routes; the host removes them on disable. */
export function registerTimelineRoutes(deps: IncidentDeps): void {
  const { ctx, store } = deps;

  ctx.http.route({
    method: "GET",
    path: BASE,
    policy: "channel",
    summary: "An incident's timeline, oldest first",
    params: incidentParams,
    response: timelineAnswerSchema,
    async handler(req) {
      const incident = await visibleIncident(deps, { userId: userId(req), incidentId: req.params.id });
      return reply(200, { items: await store.listTimeline(incident.id) });
    },
  });

  ctx.http.route({
    method: "POST",
    path: BASE,
    policy: "channel",
    summary: "Add a post the caller can read to an incident's timeline",
    params: incidentParams,
    body: addTimelineEntrySchema,
    invalidId: "incident.timeline.invalid",
    response: timelineEntryAnswerSchema,
    async handler(req) {
      const entry = await timelinePostAdder(deps, { incidentId: req.params.id, actorId: userId(req), postId: req.body.post_id });
      return reply(201, entry);
    },
  });

  ctx.http.route({
    method: "DELETE",
    path: `${BASE}/:entryId`,
    policy: "channel",
    summary: "Remove a timeline entry added from a post",
    params: entryParams,
    response: okAnswerSchema,
    async handler(req) {
      await timelineEntryRemover(deps, { incidentId: req.params.id, actorId: userId(req), entryId: req.params.entryId });
      return reply(200, { status: "OK" });
    },
  });
}
