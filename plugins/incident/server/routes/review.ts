/**
 * @module incident/server/routes/review
 * The review routes of DESIGN.md section 10 under `/api/v1/`: the
 * retrospective (read, save over a version, publish), follow-ups, the export,
 * the response report and `/stats`. Thin handlers: the host parses each part
 * with the schemas declared here; the commands check who may do what.
 */
import { z } from "zod";
import {
  followUpAnswerSchema,
  followUpsAnswerSchema,
  responseReportAnswerSchema,
  retrospectiveAnswerSchema,
  statsAnswerSchema,
} from "../../common/review-answers.ts";
import {
  createFollowUpSchema,
  exportQuerySchema,
  patchFollowUpSchema,
  saveRetrospectiveSchema,
  statsQuerySchema,
} from "../../common/review-types.ts";
import { okAnswerSchema } from "../../common/types.ts";
import { exportMarkdown, incidentExporter } from "../export.ts";
import { visibleIncident, visibleTeam } from "../policies.ts";
import { responseReport } from "../report.ts";
import {
  followUpCreator,
  followUpLister,
  followUpPatcher,
  followUpRemover,
  retrospectivePublisher,
  retrospectiveReader,
  retrospectiveSaver,
  type ReviewDeps,
} from "../retrospective.ts";
import { statsReader } from "../stats.ts";
import { reply, userId } from "./handler-parts.ts";

const BASE = "/api/v1/incidents/:id";
const incidentParams = z.object({ id: z.string() });
const followUpParams = z.object({ id: z.string(), followUpId: z.string() });

/** Register the review routes; the host removes them on disable. */
export function registerReviewRoutes(deps: ReviewDeps): void {
  const { ctx } = deps;

  ctx.http.route({
    method: "GET",
    path: `${BASE}/retrospective`,
    policy: "channel",
    summary: "An incident's retrospective (version 0: the playbook's template, not yet saved)",
    params: incidentParams,
    response: retrospectiveAnswerSchema,
    async handler(req) {
      return reply(200, await retrospectiveReader(deps, { userId: userId(req), incidentId: req.params.id }));
    },
  });

  ctx.http.route({
    method: "PUT",
    path: `${BASE}/retrospective`,
    policy: "channel",
    summary: "Save the retrospective over base_version (409 with the current text when stale)",
    params: incidentParams,
    body: saveRetrospectiveSchema,
    invalidId: "incident.retrospective.invalid",
    response: retrospectiveAnswerSchema,
    async handler(req) {
      return reply(200, await retrospectiveSaver(deps, { userId: userId(req), incidentId: req.params.id, body: req.body }));
    },
  });

  ctx.http.route({
    method: "POST",
    path: `${BASE}/retrospective/publish`,
    policy: "channel",
    summary: "Post the retrospective in the incident channel and the broadcast channels",
    params: incidentParams,
    response: z.object({ post_id: z.string(), broadcast: z.array(z.looseObject({})), retrospective: retrospectiveAnswerSchema }),
    async handler(req) {
      return reply(200, await retrospectivePublisher(deps, { userId: userId(req), incidentId: req.params.id }));
    },
  });

  ctx.http.route({
    method: "GET",
    path: `${BASE}/follow-ups`,
    policy: "channel",
    summary: "An incident's follow-ups, oldest first",
    params: incidentParams,
    response: followUpsAnswerSchema,
    async handler(req) {
      return reply(200, { items: await followUpLister(deps, { userId: userId(req), incidentId: req.params.id }) });
    },
  });

  ctx.http.route({
    method: "POST",
    path: `${BASE}/follow-ups`,
    policy: "channel",
    summary: "Add a follow-up",
    params: incidentParams,
    body: createFollowUpSchema,
    invalidId: "incident.follow_up.invalid",
    response: followUpAnswerSchema,
    async handler(req) {
      return reply(201, await followUpCreator(deps, { userId: userId(req), incidentId: req.params.id, body: req.body }));
    },
  });

  ctx.http.route({
    method: "PATCH",
    path: `${BASE}/follow-ups/:followUpId`,
    policy: "channel",
    summary: "Change a follow-up's title, assignee or done",
    params: followUpParams,
    body: patchFollowUpSchema,
    invalidId: "incident.follow_up.invalid",
    response: followUpAnswerSchema,
    async handler(req) {
      const props = { userId: userId(req), incidentId: req.params.id, followUpId: req.params.followUpId, body: req.body };
      return reply(200, await followUpPatcher(deps, props));
    },
  });

  ctx.http.route({
    method: "DELETE",
    path: `${BASE}/follow-ups/:followUpId`,
    policy: "channel",
    summary: "Remove a follow-up",
    params: followUpParams,
    response: okAnswerSchema,
    async handler(req) {
      await followUpRemover(deps, { userId: userId(req), incidentId: req.params.id, followUpId: req.params.followUpId });
      return reply(200, { status: "OK" });
    },
  });

  ctx.http.route({
    method: "GET",
    path: `${BASE}/export`,
    policy: "channel",
    summary: "The incident as one document: markdown (a download) or JSON",
    params: incidentParams,
    query: exportQuerySchema,
    invalidId: "incident.export.invalid",
    response: z.union([z.string(), z.looseObject({})]),
    async handler(req) {
      const data = await incidentExporter(deps, { userId: userId(req), incidentId: req.params.id });
      if (req.query.format === "json") return reply(200, data);
      const filename = `incident-${data.incident.seq}-${data.incident.channel_name}.md`;
      return { status: 200, text: exportMarkdown(data), content_type: "text/markdown; charset=utf-8", filename };
    },
  });

  ctx.http.route({
    method: "GET",
    path: `${BASE}/report`,
    policy: "channel",
    summary: "How the response did against the playbook's due times and update interval (a drill's report)",
    params: incidentParams,
    response: responseReportAnswerSchema,
    async handler(req) {
      const incident = await visibleIncident(deps, { userId: userId(req), incidentId: req.params.id });
      const [items, timeline] = await Promise.all([deps.store.listItems(incident.id), deps.store.listTimeline(incident.id)]);
      return reply(200, responseReport({ incident, items, timeline, now: ctx.clock.now() }));
    },
  });

  ctx.http.route({
    method: "GET",
    path: "/api/v1/stats",
    policy: "input",
    summary: "Metrics of a team's incidents, computed from their timelines (drills only with include_drills=true)",
    query: statsQuerySchema,
    invalidId: "incident.stats.invalid",
    response: statsAnswerSchema,
    async handler(req) {
      const viewer = userId(req);
      await visibleTeam(deps, { userId: viewer, teamId: req.query.team_id });
      return reply(200, await statsReader(deps, { review: deps.review, userId: viewer, query: req.query }));
    },
  });
}
