/**
 * @module api/v4/teams
 * Teams and team members.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { isSystemAdmin } from "#common/wire.ts";
import { forbidden, notFound } from "../../errors.ts";
import type { Host } from "../../host.ts";
import { parse, requireUser } from "../context.ts";
import { getTeam, getTeamByName, getTeamMember, teamCreator, teamMemberAdder, teamsOfUser } from "../../services/teams.ts";

export function registerTeamRoutes(app: FastifyInstance, host: Host): void {
  app.post("/api/v4/teams", async (request, reply) => {
    const user = requireUser(request);
    return reply.status(201).send(await teamCreator(host, { input: request.body, creatorId: user.id }));
  });

  app.get("/api/v4/teams", async (request) => {
    const user = requireUser(request);
    // Open teams anyone may join, plus the caller's own.
    const rows = await host.db.selectFrom("teams").selectAll().where("delete_at", "=", 0).orderBy("display_name").execute();
    const mine = new Set((await teamsOfUser(host, user.id)).map((t) => t.id));
    return rows.filter((t) => t.type === "O" || mine.has(t.id) || isSystemAdmin(user)).map((t) => ({ ...t }));
  });

  app.get<{ Params: { userId: string } }>("/api/v4/users/:userId/teams", async (request) => {
    const user = requireUser(request);
    const userId = request.params.userId === "me" ? user.id : request.params.userId;
    if (userId !== user.id && !isSystemAdmin(user)) throw forbidden("You may list only your own teams.");
    return teamsOfUser(host, userId);
  });

  app.get<{ Params: { name: string } }>("/api/v4/teams/name/:name", async (request) => {
    const user = requireUser(request);
    const team = await getTeamByName(host, request.params.name);
    if (!team || (team.type === "I" && !isSystemAdmin(user) && !(await getTeamMember(host, team.id, user.id))))
      throw notFound("team", "team not found");
    return team;
  });

  app.get<{ Params: { id: string } }>("/api/v4/teams/:id", async (request) => {
    const user = requireUser(request);
    const team = await getTeam(host, request.params.id);
    if (!team || (team.type === "I" && !isSystemAdmin(user) && !(await getTeamMember(host, team.id, user.id))))
      throw notFound("team", "team not found");
    return team;
  });

  app.post<{ Params: { id: string } }>("/api/v4/teams/:id/members", async (request, reply) => {
    const actor = requireUser(request);
    const { user_id } = parse(z.object({ team_id: z.string().optional(), user_id: z.string().min(1, "is required") }), request.body);
    const team = await getTeam(host, request.params.id);
    if (!team) throw notFound("team", "team not found");
    const actorMember = await getTeamMember(host, team.id, actor.id);
    const isTeamAdmin = actorMember?.roles.split(" ").includes("team_admin") ?? false;
    if (!isSystemAdmin(actor) && !isTeamAdmin) {
      // Anyone may join an open team themselves; members may add others to an open team.
      if (team.type !== "O") throw forbidden("Only team and system admins may add people to an invite-only team.");
      if (user_id !== actor.id && !actorMember) throw forbidden("You must be a member of the team to add others to it.");
    }
    return reply.status(201).send(await teamMemberAdder(host, { teamId: team.id, userId: user_id }));
  });

  app.get<{ Params: { id: string } }>("/api/v4/teams/:id/members", async (request) => {
    const user = requireUser(request);
    const team = await getTeam(host, request.params.id);
    if (!team || (!isSystemAdmin(user) && !(await getTeamMember(host, team.id, user.id)))) throw notFound("team", "team not found");
    const rows = await host.db.selectFrom("team_members").selectAll().where("team_id", "=", team.id).where("delete_at", "=", 0).execute();
    return rows.map((r) => ({ team_id: r.team_id, user_id: r.user_id, roles: r.roles, delete_at: r.delete_at }));
  });
}
