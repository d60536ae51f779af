/**
 * @module incident/server/routes/incidents
 * `/api/v1/incidents`: thin handlers — validate, call a command, present.
 * Permissions live in policies.ts and the commands.
 */
import type { Disposable } from "#plugin-api";
import { invalid } from "#common/plugin-errors.ts";
import {
  addChecklistItemSchema,
  createIncidentSchema,
  listIncidentsQuerySchema,
  openStartDialogSchema,
  patchIncidentSchema,
  setChecklistItemSchema,
  type Incident,
} from "../../common/types.ts";
import { checklistChanger } from "../commands/checklist-changer.ts";
import { commanderChanger } from "../commands/commander-changer.ts";
import { incidentEnder } from "../commands/incident-ender.ts";
import { incidentStarter } from "../commands/incident-starter.ts";
import { stageChanger } from "../commands/stage-changer.ts";
import { canSeeIncident, visibleIncident } from "../policies.ts";
import { presentIncident } from "../presenter.ts";
import type { IncidentDeps } from "../incident-deps.ts";
import { openStartDialog } from "../start-dialog.ts";
import { parseInput, reply, userId } from "./validation.ts";

const BASE = "/api/v1/incidents";

/** Register the incident routes. */
export function registerIncidentRoutes(deps: IncidentDeps): Disposable[] {
  const { ctx, store } = deps;
  const current = async (incidentId: string): Promise<Incident> => {
    const incident = await store.getIncident(incidentId);
    if (!incident) throw invalid("incident.not_found", `incident: no incident with id ${incidentId}`);
    return presentIncident(incident, await store.listItems(incident.id));
  };

  return [
    ctx.http.route({
      method: "GET",
      path: BASE,
      async handler(req) {
        const query = parseInput(listIncidentsQuerySchema, req.query, "incident.list.invalid");
        const viewer = userId(req);
        const all = await store.listIncidents({
          teamId: query.team_id,
          channelId: query.channel_id,
          status: query.status === "all" ? undefined : query.status,
          commanderUserId: query.commander_user_id,
        });
        const visible = [];
        for (const incident of all) if (await canSeeIncident(deps, { userId: viewer, incident })) visible.push(incident);
        const pageRows = visible.slice(query.page * query.per_page, (query.page + 1) * query.per_page);
        const items = await Promise.all(pageRows.map(async (i) => presentIncident(i, await store.listItems(i.id))));
        return reply(200, { items, total_count: visible.length });
      },
    }),
    ctx.http.route({
      method: "POST",
      path: BASE,
      async handler(req) {
        const input = parseInput(createIncidentSchema, req.body, "incident.create.invalid");
        const result = await incidentStarter(deps, {
          actorId: userId(req),
          teamId: input.team_id,
          name: input.name,
          channelName: input.channel_name || undefined,
          playbookId: input.playbook_id || undefined,
          private: input.private,
          fields: input.fields,
        });
        return reply(201, result.incident);
      },
    }),
    ctx.http.route({
      method: "POST",
      path: `${BASE}/dialog`,
      async handler(req) {
        const input = parseInput(openStartDialogSchema, req.body, "incident.dialog.invalid");
        await openStartDialog(deps, { userId: userId(req), teamId: input.team_id, channelId: input.channel_id });
        return reply(200, {});
      },
    }),
    ctx.http.route({
      method: "GET",
      path: `${BASE}/:id`,
      async handler(req) {
        const incident = await visibleIncident(deps, { userId: userId(req), incidentId: req.params.id });
        return reply(200, presentIncident(incident, await store.listItems(incident.id)));
      },
    }),
    ctx.http.route({
      method: "PATCH",
      path: `${BASE}/:id`,
      async handler(req) {
        const input = parseInput(patchIncidentSchema, req.body, "incident.patch.invalid");
        const actorId = userId(req);
        const incidentId = req.params.id;
        if (input.commander_user_id !== undefined)
          await commanderChanger(deps, { incidentId, actorId, commanderUserId: input.commander_user_id });
        if (input.current_stage !== undefined) await stageChanger(deps, { incidentId, actorId, stage: input.current_stage });
        if (input.commander_user_id === undefined && input.current_stage === undefined)
          await visibleIncident(deps, { userId: actorId, incidentId });
        return reply(200, await current(incidentId));
      },
    }),
    ctx.http.route({
      method: "POST",
      path: `${BASE}/:id/end`,
      async handler(req) {
        return reply(200, await incidentEnder(deps, { incidentId: req.params.id, actorId: userId(req) }));
      },
    }),
    ctx.http.route({
      method: "POST",
      path: `${BASE}/:id/checklist`,
      async handler(req) {
        const input = parseInput(addChecklistItemSchema, req.body, "incident.checklist.invalid");
        const result = await checklistChanger(deps, {
          incidentId: req.params.id,
          actorId: userId(req),
          change: { kind: "add", title: input.title, stage: input.stage },
        });
        return reply(201, result.incident ?? (await current(req.params.id)));
      },
    }),
    ctx.http.route({
      method: "PUT",
      path: `${BASE}/:id/checklist/:itemId`,
      async handler(req) {
        const input = parseInput(setChecklistItemSchema, req.body, "incident.checklist.invalid");
        const result = await checklistChanger(deps, {
          incidentId: req.params.id,
          actorId: userId(req),
          change: { kind: "set", itemId: req.params.itemId, checked: input.checked },
        });
        return reply(200, result.incident ?? (await current(req.params.id)));
      },
    }),
    ctx.http.route({
      method: "DELETE",
      path: `${BASE}/:id/checklist/:itemId`,
      async handler(req) {
        const result = await checklistChanger(deps, {
          incidentId: req.params.id,
          actorId: userId(req),
          change: { kind: "remove", itemId: req.params.itemId },
        });
        return reply(200, result.incident ?? (await current(req.params.id)));
      },
    }),
  ];
}
