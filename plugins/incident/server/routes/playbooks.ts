/**
 * @module incident/server/routes/playbooks
 * `/api/v1/playbooks`: list, read, create-or-replace (one or several, all or
 * nothing), delete, and the JSON Schema of the format. Team members read and
 * write their team's playbooks (see docs/incident.md).
 */
import type { Disposable } from "#plugin-api";
import { notFound } from "#common/plugin-errors.ts";
import { playbookJsonSchema } from "../../common/playbook-schema.ts";
import { applyPlaybookSchema, applyPlaybooksSchema, listPlaybooksQuerySchema } from "../../common/types.ts";
import { playbookApplier } from "../commands/playbook-applier.ts";
import { visibleTeam } from "../policies.ts";
import { presentPlaybook } from "../presenter.ts";
import type { IncidentDeps } from "../incident-deps.ts";
import { parseInput, reply, userId } from "./validation.ts";

const BASE = "/api/v1/playbooks";

/** Register the playbook routes. */
export function registerPlaybookRoutes(deps: IncidentDeps): Disposable[] {
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

  return [
    ctx.http.route({ method: "GET", path: `${BASE}/schema`, auth: "none", handler: () => reply(200, playbookJsonSchema()) }),
    ctx.http.route({
      method: "GET",
      path: BASE,
      async handler(req) {
        const query = parseInput(listPlaybooksQuerySchema, req.query, "incident.playbooks.invalid");
        await visibleTeam(deps, { userId: userId(req), teamId: query.team_id });
        const items = (await store.listPlaybooks(query.team_id)).map(presentPlaybook);
        return reply(200, { items, total_count: items.length });
      },
    }),
    ctx.http.route({
      method: "POST",
      path: BASE,
      async handler(req) {
        const input = parseInput(applyPlaybookSchema, req.body, "incident.playbook.invalid");
        await visibleTeam(deps, { userId: userId(req), teamId: input.team_id });
        const [applied] = await playbookApplier(deps, { teamId: input.team_id, files: [{ source: input.source }] });
        return reply(applied.outcome === "created" ? 201 : 200, presentPlaybook(applied.playbook));
      },
    }),
    ctx.http.route({
      method: "POST",
      path: `${BASE}/apply`,
      async handler(req) {
        const input = parseInput(applyPlaybooksSchema, req.body, "incident.playbook.invalid");
        await visibleTeam(deps, { userId: userId(req), teamId: input.team_id });
        const applied = await playbookApplier(deps, { teamId: input.team_id, files: input.files });
        return reply(200, { items: applied.map((a) => ({ ...presentPlaybook(a.playbook), outcome: a.outcome })) });
      },
    }),
    ctx.http.route({
      method: "GET",
      path: `${BASE}/:id`,
      async handler(req) {
        return reply(200, presentPlaybook(await visiblePlaybook(req.params.id, userId(req))));
      },
    }),
    ctx.http.route({
      method: "DELETE",
      path: `${BASE}/:id`,
      async handler(req) {
        const playbook = await visiblePlaybook(req.params.id, userId(req));
        await store.deletePlaybook(playbook.id);
        return reply(200, { status: "OK" });
      },
    }),
  ];
}
