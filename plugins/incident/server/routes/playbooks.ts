/**
 * @module incident/server/routes/playbooks
 * `/api/v1/playbooks`: list, read, create-or-replace (one or several, all or
 * nothing), delete, and the JSON Schema of the format. Team members read and
 * write their team's playbooks (see docs/incident.md). The host parses each
 * route's declared params, query and body before the handler.
 */
import { z } from "zod";
import { notFound } from "#common/plugin-errors.ts";
import { playbookJsonSchema } from "../../common/playbook-schema.ts";
import {
  appliedPlaybooksAnswerSchema,
  applyPlaybookSchema,
  applyPlaybooksSchema,
  INCIDENT_LIMITS,
  listPlaybooksQuerySchema,
  okAnswerSchema,
  pageAnswerSchema,
  playbookAnswerSchema,
} from "../../common/types.ts";
import { playbookApplier } from "../commands/playbook-applier.ts";
import { visibleTeam } from "../policies.ts";
import { presentPlaybook } from "../presenter.ts";
import type { IncidentDeps } from "../incident-deps.ts";
import { reply, userId } from "./handler-parts.ts";

const BASE = "/api/v1/playbooks";

/** `:id`: any string; one that names no visible playbook is a 404, not a 400. */
const playbookParams = z.object({ id: z.string() });

/** Register the playbook routes; the host removes them on disable. */
export function registerPlaybookRoutes(deps: IncidentDeps): void {
  const { ctx, store } = deps;
  const visiblePlaybook = async (id: string, uid: string) => {
    const playbook = await store.getPlaybook(id);
    if (playbook) {
      try {
        await visibleTeam(deps, { userId: uid, teamId: playbook.team_id });
        return playbook;
      } catch {
        /* answered as missing below */
      }
    }
    throw notFound("incident.playbook.not_found", `playbook: no playbook with id ${id}`);
  };

  ctx.http.route({
    method: "GET",
    path: `${BASE}/schema`,
    auth: "none",
    policy: "open",
    summary: "The JSON Schema of the playbook format",
    response: z.record(z.string(), z.unknown()),
    handler: () => reply(200, playbookJsonSchema()),
  });

  ctx.http.route({
    method: "GET",
    path: BASE,
    policy: "input",
    summary: "The team's playbooks",
    query: listPlaybooksQuerySchema,
    invalidId: "incident.playbooks.invalid",
    response: pageAnswerSchema(playbookAnswerSchema),
    async handler(req) {
      const teamId = req.query.team_id;
      await visibleTeam(deps, { userId: userId(req), teamId });
      const items = (await store.listPlaybooks(teamId)).map(presentPlaybook);
      return reply(200, { items, total_count: items.length });
    },
  });

  ctx.http.route({
    method: "POST",
    path: BASE,
    policy: "input",
    summary: "Create or replace the playbook named in the source",
    body: applyPlaybookSchema,
    maxBodyBytes: INCIDENT_LIMITS.playbookBodyMax,
    invalidId: "incident.playbook.invalid",
    response: playbookAnswerSchema,
    async handler(req) {
      const { team_id: teamId, source } = req.body;
      await visibleTeam(deps, { userId: userId(req), teamId });
      const [applied] = await playbookApplier(deps, { teamId, files: [{ source }] });
      if (!applied) throw new Error("playbookApplier answered no playbook for one file");
      return reply(applied.outcome === "created" ? 201 : 200, presentPlaybook(applied.playbook));
    },
  });

  ctx.http.route({
    method: "POST",
    path: `${BASE}/apply`,
    policy: "input",
    summary: "Create or replace several playbooks, all or nothing",
    body: applyPlaybooksSchema,
    maxBodyBytes: INCIDENT_LIMITS.playbookApplyBodyMax,
    invalidId: "incident.playbook.invalid",
    response: appliedPlaybooksAnswerSchema,
    async handler(req) {
      const { team_id: teamId, files } = req.body;
      await visibleTeam(deps, { userId: userId(req), teamId });
      const applied = await playbookApplier(deps, { teamId, files });
      return reply(200, { items: applied.map((a) => ({ ...presentPlaybook(a.playbook), outcome: a.outcome })) });
    },
  });

  ctx.http.route({
    method: "GET",
    path: `${BASE}/:id`,
    policy: "team",
    summary: "One playbook",
    params: playbookParams,
    response: playbookAnswerSchema,
    async handler(req) {
      return reply(200, presentPlaybook(await visiblePlaybook(req.params.id, userId(req))));
    },
  });

  ctx.http.route({
    method: "DELETE",
    path: `${BASE}/:id`,
    policy: "team",
    summary: "Delete a playbook",
    params: playbookParams,
    response: okAnswerSchema,
    async handler(req) {
      const playbook = await visiblePlaybook(req.params.id, userId(req));
      await store.deletePlaybook(playbook.id);
      return reply(200, { status: "OK" });
    },
  });
}
