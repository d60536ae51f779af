/**
 * @module incident/server/alerts/alert-routes
 * `/api/v1/alert-sources` (team admins of the source's team and system
 * admins: create, list, read, change, rotate the token, delete) and the
 * intake `POST /api/v1/alerts/{token}`, which needs no session: the
 * unguessable token in the path is the credential. A token is 256 random
 * bits, shown once in the URL of the create (or rotate) answer and stored as
 * its SHA-256; intake looks the hash up, so no secret is compared byte by
 * byte. An unknown token is a 404 before the body is parsed; a body over
 * the limit is the host's 413 before it is read.
 */
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { newId } from "#common/ids.ts";
import { conflict, notAllowed, notFound } from "#common/plugin-errors.ts";
import { isSystemAdmin } from "#common/wire.ts";
import {
  ALERT_LIMITS,
  alertIntakeAnswerSchema,
  alertSourceAnswerSchema,
  alertSourceCreatedSchema,
  alertSourceListSchema,
  createAlertSourceSchema,
  listAlertSourcesQuerySchema,
  patchAlertSourceSchema,
  type AlertSourceCreated,
} from "../../common/alert-types.ts";
import { okAnswerSchema } from "../../common/types.ts";
import { teamPerson } from "../commands/incident-starter.ts";
import { visibleTeam } from "../policies.ts";
import { reply, userId } from "../routes/handler-parts.ts";
import { alertReceiver, type AlertDeps } from "./alert-intake.ts";
import { parseNotification } from "./alert-group.ts";
import { presentAlertSource, sha256, type AlertSourcesTable } from "./alert-store.ts";

const BASE = "/api/v1/alert-sources";
const INTAKE = "/api/v1/alerts";
const sourceParams = z.object({ id: z.string() });

/** A new token for a source's URL: 256 random bits, URL-safe. */
function newToken(): string {
  return randomBytes(32).toString("base64url");
}

/** The team, if the user is its team admin or a system admin: 404 when they cannot see it, 403 when they only belong to it. */
async function adminTeam(deps: AlertDeps, props: { userId: string; teamId: string }) {
  const team = await visibleTeam(deps, props);
  const user = await deps.ctx.users.get(props.userId);
  if ((user && isSystemAdmin(user)) || (await deps.ctx.teams.isAdmin(team.id, props.userId))) return team;
  throw notAllowed(
    "incident.alert_source.not_admin",
    `Only team admins of ${team.display_name || team.name} and system admins manage its alert sources.`,
  );
}

/** The source, if the user manages its team; else 404 (for a team they cannot see) or 403. */
async function managedSource(deps: AlertDeps, props: { userId: string; sourceId: string }): Promise<AlertSourcesTable> {
  const source = await deps.alerts.getSource(props.sourceId);
  if (!source) throw notFound("incident.alert_source.not_found", `alert source: no alert source with id ${props.sourceId}`);
  try {
    await adminTeam(deps, { userId: props.userId, teamId: source.team_id });
  } catch (error) {
    if (error instanceof Error && "status" in error && error.status === 404)
      throw notFound("incident.alert_source.not_found", `alert source: no alert source with id ${props.sourceId}`);
    throw error;
  }
  return source;
}

/** The playbook, commander and invitees of a source, checked against its team. */
async function checkedSettings(
  deps: AlertDeps,
  props: { teamId: string; playbookId?: string; commanderUserId?: string; invite?: string[] },
): Promise<void> {
  if (props.playbookId) {
    const playbook = await deps.store.getPlaybook(props.playbookId);
    if (!playbook || playbook.team_id !== props.teamId)
      throw notFound("incident.playbook.not_found", `playbook_id: no playbook with id ${props.playbookId} in this team`);
  }
  if (props.commanderUserId) await teamPerson(deps, { userId: props.commanderUserId, teamId: props.teamId, param: "commander_user_id" });
  for (const [i, invitee] of (props.invite ?? []).entries())
    await teamPerson(deps, { userId: invitee, teamId: props.teamId, param: `invite.${i}` });
}

function withUrl(deps: AlertDeps, source: AlertSourcesTable, token: string): AlertSourceCreated {
  return { ...presentAlertSource(source), url: `${deps.ctx.siteUrl}/plugins/incident${INTAKE}/${token}` };
}

/** A name taken in the team is a 409 naming it. */
async function uniqueName<T>(deps: AlertDeps, name: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (deps.ctx.storage.uniqueViolation(error)?.table !== "incident_alert_sources") throw error;
    throw conflict("incident.alert_source.name_taken", `name: the team already has an alert source named "${name}"`);
  }
}

/** Register the alert source routes and the intake; the host removes them on disable. */
export function registerAlertRoutes(deps: AlertDeps): void {
  const { ctx, alerts } = deps;

  ctx.http.route({
    method: "POST",
    path: BASE,
    policy: "input",
    summary: "Create an alert source; its URL (with the token) is answered this once",
    body: createAlertSourceSchema,
    invalidId: "incident.alert_source.invalid",
    response: alertSourceCreatedSchema,
    async handler(req) {
      const { body } = req;
      const actorId = userId(req);
      await adminTeam(deps, { userId: actorId, teamId: body.team_id });
      await checkedSettings(deps, {
        teamId: body.team_id,
        playbookId: body.playbook_id,
        commanderUserId: body.commander_user_id,
        invite: body.invite,
      });
      const token = newToken();
      const now = ctx.clock.now();
      const source: AlertSourcesTable = {
        id: newId(),
        team_id: body.team_id,
        name: body.name,
        kind: body.kind,
        token_hash: sha256(token),
        playbook_id: body.playbook_id ?? "",
        severity_label: body.severity_label ?? "",
        commander_user_id: body.commander_user_id ?? "",
        invite: JSON.stringify([...new Set(body.invite ?? [])]),
        end_on_resolve: body.end_on_resolve ? 1 : 0,
        created_by: actorId,
        create_at: now,
        update_at: now,
        last_received_at: 0,
      };
      await uniqueName(deps, body.name, () => alerts.insertSource(source));
      await ctx.audit.record({ request: req, extraInfo: `success - alert_source_id=${source.id} team_id=${source.team_id}` });
      return reply(201, withUrl(deps, source, token));
    },
  });

  ctx.http.route({
    method: "GET",
    path: BASE,
    policy: "input",
    summary: "List a team's alert sources (without their tokens)",
    query: listAlertSourcesQuerySchema,
    invalidId: "incident.alert_source.invalid",
    response: alertSourceListSchema,
    async handler(req) {
      await adminTeam(deps, { userId: userId(req), teamId: req.query.team_id });
      return reply(200, { items: (await alerts.listSources(req.query.team_id)).map(presentAlertSource) });
    },
  });

  ctx.http.route({
    method: "GET",
    path: `${BASE}/:id`,
    policy: "team-admin",
    summary: "Read an alert source (without its token)",
    params: sourceParams,
    response: alertSourceAnswerSchema,
    async handler(req) {
      return reply(200, presentAlertSource(await managedSource(deps, { userId: userId(req), sourceId: req.params.id })));
    },
  });

  ctx.http.route({
    method: "PATCH",
    path: `${BASE}/:id`,
    policy: "team-admin",
    summary: "Change an alert source; rotate_token answers a new URL and the old one stops working",
    params: sourceParams,
    body: patchAlertSourceSchema,
    invalidId: "incident.alert_source.invalid",
    response: z.union([alertSourceCreatedSchema, alertSourceAnswerSchema]),
    async handler(req) {
      const source = await managedSource(deps, { userId: userId(req), sourceId: req.params.id });
      const { body } = req;
      await checkedSettings(deps, {
        teamId: source.team_id,
        playbookId: body.playbook_id,
        commanderUserId: body.commander_user_id,
        invite: body.invite,
      });
      const token = body.rotate_token ? newToken() : null;
      const patch: Partial<AlertSourcesTable> = {
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(body.playbook_id !== undefined ? { playbook_id: body.playbook_id } : {}),
        ...(body.severity_label !== undefined ? { severity_label: body.severity_label } : {}),
        ...(body.commander_user_id !== undefined ? { commander_user_id: body.commander_user_id } : {}),
        ...(body.invite !== undefined ? { invite: JSON.stringify([...new Set(body.invite)]) } : {}),
        ...(body.end_on_resolve !== undefined ? { end_on_resolve: body.end_on_resolve ? 1 : 0 } : {}),
        ...(token ? { token_hash: sha256(token) } : {}),
        update_at: ctx.clock.now(),
      };
      await uniqueName(deps, body.name ?? source.name, () => alerts.updateSource(source.id, patch));
      if (token) await ctx.audit.record({ request: req, extraInfo: `success - alert_source_id=${source.id} token rotated` });
      const updated = { ...source, ...patch };
      return reply(200, token ? withUrl(deps, updated, token) : presentAlertSource(updated));
    },
  });

  ctx.http.route({
    method: "DELETE",
    path: `${BASE}/:id`,
    policy: "team-admin",
    summary: "Delete an alert source: its URL stops working; the incidents it started stay",
    params: sourceParams,
    response: okAnswerSchema,
    async handler(req) {
      const source = await managedSource(deps, { userId: userId(req), sourceId: req.params.id });
      await alerts.deleteSource(source.id);
      await ctx.audit.record({ request: req, extraInfo: `success - alert_source_id=${source.id} deleted` });
      return reply(200, { status: "OK" });
    },
  });

  ctx.http.route({
    method: "POST",
    path: `${INTAKE}/:token`,
    policy: "open",
    auth: "none",
    summary: "Receive an Alertmanager (webhook_configs, version 4) or Grafana (webhook contact point) notification",
    params: z.object({ token: z.string() }),
    maxBodyBytes: ALERT_LIMITS.notificationBodyMax,
    invalidId: "incident.alert.invalid",
    response: alertIntakeAnswerSchema,
    async handler(req) {
      const source = await alerts.sourceByToken(req.params.token);
      if (!source) throw notFound("incident.alert_source.not_found", "alert source: no alert source has this URL");
      const notification = parseNotification(source.kind, req.body);
      const answer = await alertReceiver(deps, { source, notification });
      return reply(answer.outcome === "started" ? 201 : 200, answer);
    },
  });
}
