/**
 * @module incident/server/routes/incidents
 * `/api/v1/incidents`: thin handlers — the host checks the caller and parses
 * params, query and body with the schemas declared here (a 400 naming each
 * field), then the handler calls a command and presents. Permissions live in
 * policies.ts and the commands.
 */
import { z } from "zod";
import { invalid } from "#common/plugin-errors.ts";
import {
  addChecklistItemSchema,
  createIncidentSchema,
  incidentAnswerSchema,
  openStartDialogSchema,
  pageAnswerSchema,
  patchIncidentSchema,
  setChecklistItemSchema,
  type Incident,
} from "../../common/types.ts";
import { checklistChanger, type ChecklistChange } from "../commands/checklist-changer.ts";
import { commanderChanger } from "../commands/commander-changer.ts";
import { incidentEnder } from "../commands/incident-ender.ts";
import { incidentStarter } from "../commands/incident-starter.ts";
import { stageChanger } from "../commands/stage-changer.ts";
import { severityChanger } from "../commands/severity-changer.ts";
import { roleAssigner } from "../commands/role-assigner.ts";
import { itemAssigner, itemDueSetter } from "../commands/item-assigner.ts";
import { patchChecker } from "../commands/patch-checker.ts";
import type { IncidentDeps } from "../incident-deps.ts";
import { visibleIncident } from "../policies.ts";
import { historyQuerySchema } from "../../common/review-types.ts";
import { incidentLister } from "../history.ts";
import { ReviewStore } from "../review-store.ts";
import { presentIncident } from "../presenter.ts";
import { openStartDialog } from "../start-dialog.ts";
import { reply, userId } from "./handler-parts.ts";

const BASE = "/api/v1/incidents";

/** `:id`: any string; an id that names no visible incident is a 404 from the policy, not a 400. */
const incidentParams = z.object({ id: z.string() });
const itemParams = z.object({ id: z.string(), itemId: z.string() });

/** Register the incident routes; the host removes them on disable. */
export function registerIncidentRoutes(deps: IncidentDeps): void {
  const { ctx, store } = deps;
  const review = new ReviewStore(store);
  const current = async (incidentId: string): Promise<Incident> => {
    const incident = await store.getIncident(incidentId);
    if (!incident) throw invalid("incident.not_found", `incident: no incident with id ${incidentId}`);
    return presentIncident(incident, await store.listItems(incident.id));
  };
  /** Apply a checklist change; answer the incident as it is now (also when nothing changed). */
  const changeChecklist = async (props: { status: number; incidentId: string; actorId: string; change: ChecklistChange }) => {
    const { status, ...change } = props;
    const result = await checklistChanger(deps, change);
    return reply(status, result.incident ?? (await current(props.incidentId)));
  };

  ctx.http.route({
    method: "GET",
    path: BASE,
    policy: "signed-in",
    summary: "List the incidents the caller may see: filtered, sorted and paged (DESIGN.md section 10)",
    query: historyQuerySchema,
    invalidId: "incident.list.invalid",
    response: pageAnswerSchema(incidentAnswerSchema),
    async handler(req) {
      return reply(200, await incidentLister(deps, { review, userId: userId(req), query: req.query }));
    },
  });

  ctx.http.route({
    method: "POST",
    path: BASE,
    policy: "input",
    summary: "Start an incident",
    body: createIncidentSchema,
    invalidId: "incident.create.invalid",
    response: incidentAnswerSchema,
    async handler(req) {
      const { body } = req;
      const result = await incidentStarter(deps, {
        actorId: userId(req),
        teamId: body.team_id,
        name: body.name,
        channelName: body.channel_name || undefined,
        channelId: body.channel_id || undefined,
        playbookId: body.playbook_id || undefined,
        private: body.private,
        fields: body.fields,
        severity: body.severity,
        commanderUserId: body.commander_user_id || undefined,
        inviteUserIds: body.invite,
        drill: body.drill,
        postId: body.post_id || undefined,
      });
      return reply(201, result.incident);
    },
  });

  ctx.http.route({
    method: "POST",
    path: `${BASE}/dialog`,
    policy: "input",
    summary: "Open the start dialog in the caller's browser",
    body: openStartDialogSchema,
    invalidId: "incident.dialog.invalid",
    response: z.object({}),
    async handler(req) {
      await openStartDialog(deps, {
        userId: userId(req),
        teamId: req.body.team_id,
        channelId: req.body.channel_id,
        postId: req.body.post_id,
      });
      return reply(200, {});
    },
  });

  ctx.http.route({
    method: "GET",
    path: `${BASE}/:id`,
    policy: "channel",
    summary: "One incident, with its checklist",
    params: incidentParams,
    response: incidentAnswerSchema,
    async handler(req) {
      const incident = await visibleIncident(deps, { userId: userId(req), incidentId: req.params.id });
      return reply(200, presentIncident(incident, await store.listItems(incident.id)));
    },
  });

  ctx.http.route({
    method: "PATCH",
    path: `${BASE}/:id`,
    policy: "channel",
    summary: "Change the commander, stage, severity and/or roles",
    params: incidentParams,
    body: patchIncidentSchema,
    invalidId: "incident.patch.invalid",
    response: incidentAnswerSchema,
    async handler(req) {
      const { body } = req;
      const actorId = userId(req);
      const incidentId = req.params.id;
      // Everything is checked before anything changes, so a bad role or severity leaves the incident as it was.
      await patchChecker(deps, { incidentId, actorId, body });
      if (body.commander_user_id !== undefined)
        await commanderChanger(deps, { incidentId, actorId, commanderUserId: body.commander_user_id });
      if (body.current_stage !== undefined) await stageChanger(deps, { incidentId, actorId, stage: body.current_stage });
      if (body.severity !== undefined) await severityChanger(deps, { incidentId, actorId, severity: body.severity });
      for (const [role, holder] of Object.entries(body.roles ?? {}))
        await roleAssigner(deps, { incidentId, actorId, role, userId: holder });
      return reply(200, await current(incidentId));
    },
  });

  ctx.http.route({
    method: "POST",
    path: `${BASE}/:id/end`,
    policy: "channel",
    summary: "End an incident",
    params: incidentParams,
    response: incidentAnswerSchema,
    async handler(req) {
      return reply(200, await incidentEnder(deps, { incidentId: req.params.id, actorId: userId(req) }));
    },
  });

  ctx.http.route({
    method: "POST",
    path: `${BASE}/:id/checklist`,
    policy: "channel",
    summary: "Add a checklist item",
    params: incidentParams,
    body: addChecklistItemSchema,
    invalidId: "incident.checklist.invalid",
    response: incidentAnswerSchema,
    async handler(req) {
      const change: ChecklistChange = { kind: "add", title: req.body.title, stage: req.body.stage };
      return changeChecklist({ status: 201, incidentId: req.params.id, actorId: userId(req), change });
    },
  });

  ctx.http.route({
    method: "PUT",
    path: `${BASE}/:id/checklist/:itemId`,
    policy: "channel",
    summary: "Check or uncheck a checklist item, assign it, set its due time",
    params: itemParams,
    body: setChecklistItemSchema,
    invalidId: "incident.checklist.invalid",
    response: incidentAnswerSchema,
    async handler(req) {
      const { body } = req;
      const actorId = userId(req);
      const incidentId = req.params.id;
      const itemId = req.params.itemId;
      if (body.assignee_user_id !== undefined)
        await itemAssigner(deps, { incidentId, actorId, itemId, assigneeUserId: body.assignee_user_id });
      if (body.due_at !== undefined) await itemDueSetter(deps, { incidentId, actorId, itemId, dueAt: body.due_at });
      if (body.checked !== undefined)
        await checklistChanger(deps, { incidentId, actorId, change: { kind: "set", itemId, checked: body.checked } });
      return reply(200, await current(incidentId));
    },
  });

  ctx.http.route({
    method: "DELETE",
    path: `${BASE}/:id/checklist/:itemId`,
    policy: "channel",
    summary: "Remove a checklist item",
    params: itemParams,
    response: incidentAnswerSchema,
    async handler(req) {
      const change: ChecklistChange = { kind: "remove", itemId: req.params.itemId };
      return changeChecklist({ status: 200, incidentId: req.params.id, actorId: userId(req), change });
    },
  });

  ctx.http.route({
    method: "POST",
    path: `${BASE}/:id/checklist/:itemId/restore`,
    policy: "channel",
    summary: "Put a removed checklist item back as it was, under its number (the RHS's Undo)",
    params: itemParams,
    response: incidentAnswerSchema,
    async handler(req) {
      const change: ChecklistChange = { kind: "restore", itemId: req.params.itemId };
      return changeChecklist({ status: 200, incidentId: req.params.id, actorId: userId(req), change });
    },
  });
}
