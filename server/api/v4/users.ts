/**
 * @module api/v4/users
 * Users, login/logout and personal access tokens (Mattermost API v4 paths).
 */
import type { FastifyInstance, FastifyReply } from "fastify";
import { z } from "zod";
import { LIMITS, pageQuerySchema } from "#common/limits.ts";
import { isSystemAdmin, type User } from "#common/wire.ts";
import { AppError, forbidden, notFound } from "../../errors.ts";
import type { Host } from "../../host.ts";
import { parse, requireAdmin, requireUser } from "../context.ts";
import { accessTokenCreator, sessionEnder, sessionStarter } from "../../auth/sessions.ts";
import { canReadChannel, getChannel } from "../../services/channels.ts";
import { isTeamMember } from "../../services/teams.ts";
import {
  getUser,
  getUserByUsername,
  getUsers,
  presentUser,
  rolesUpdater,
  userCreator,
  userDeactivator,
  verifyPassword,
} from "../../services/users.ts";

// No account has a longer username, email or password, so longer input is refused before any lookup or hashing.
const loginSchema = z.object({
  login_id: z.string().min(1, "is required").max(128, "must be at most 128 characters"),
  password: z.string().min(1, "is required").max(LIMITS.passwordMax, `must be at most ${LIMITS.passwordMax} characters`),
});
const pageSchema = pageQuerySchema().extend({
  in_team: z.string().optional(),
  in_channel: z.string().optional(),
  not_in_channel: z.string().optional(),
});

/** Hide another person's email from non-admins, as Mattermost's privacy setting does by default. */
export function sanitizeUser(user: User, viewer: User): User {
  return viewer.id === user.id || isSystemAdmin(viewer) ? user : { ...user, email: "" };
}

function setSessionCookies(reply: FastifyReply, props: { token: string; csrf: string; userId: string; secure: boolean }) {
  const base = { path: "/", sameSite: "lax" as const, secure: props.secure, maxAge: 30 * 24 * 60 * 60 };
  reply.setCookie("MMAUTHTOKEN", props.token, { ...base, httpOnly: true });
  reply.setCookie("MMUSERID", props.userId, base);
  reply.setCookie("MMCSRF", props.csrf, base);
}

export function registerUserRoutes(app: FastifyInstance, host: Host): void {
  app.post("/api/v4/users", async (request, reply) => {
    const byAdmin = request.auth ? isSystemAdmin(request.auth.user) : false;
    const user = await userCreator(host, { input: request.body, byAdmin });
    return reply.status(201).send(user);
  });

  app.post("/api/v4/users/login", async (request, reply) => {
    const input = parse(loginSchema, request.body, "api.user.login.invalid");
    const login = input.login_id.trim().toLowerCase();
    const row = await host.db
      .selectFrom("users")
      .selectAll()
      .where((eb) => eb.or([eb("username", "=", login), eb("email", "=", login)]))
      .executeTakeFirst();
    if (!row || row.is_bot || !(await verifyPassword(row.password_hash, input.password))) {
      throw new AppError({
        status: 401,
        id: "api.user.login.invalid_credentials_email_username",
        message: "Enter a valid email or username and/or password.",
      });
    }
    if (row.delete_at)
      throw new AppError({
        status: 401,
        id: "api.user.login.inactive",
        message: "Login failed because your account has been deactivated.",
      });
    const { token, csrf } = await sessionStarter(host, { userId: row.id });
    setSessionCookies(reply, { token, csrf, userId: row.id, secure: host.config.siteUrl.startsWith("https:") });
    return reply.header("Token", token).send(presentUser(row));
  });

  app.post("/api/v4/users/logout", async (request, reply) => {
    if (request.auth) await sessionEnder(host, { token: request.auth.token });
    for (const name of ["MMAUTHTOKEN", "MMUSERID", "MMCSRF"]) reply.clearCookie(name, { path: "/" });
    return { status: "OK" };
  });

  app.get("/api/v4/users/me", async (request) => requireUser(request));

  app.get("/api/v4/users", async (request) => {
    const viewer = requireUser(request);
    const q = parse(pageSchema, request.query);
    // A filter shows who is in a team or channel, so it needs the right to see them (as in Mattermost).
    if (q.in_team && !isSystemAdmin(viewer) && !(await isTeamMember(host, q.in_team, viewer.id)))
      throw notFound("team", "in_team: team not found, or you are not a member of it");
    for (const [field, channelId] of [
      ["in_channel", q.in_channel],
      ["not_in_channel", q.not_in_channel],
    ] as const) {
      if (!channelId) continue;
      const channel = await getChannel(host, channelId);
      if (!channel || !(await canReadChannel(host, viewer, channel)))
        throw notFound("channel", `${field}: channel not found, or you do not have access to it`);
    }
    let query = host.db.selectFrom("users").selectAll("users");
    if (q.in_team)
      query = query
        .innerJoin("team_members", "team_members.user_id", "users.id")
        .where("team_members.team_id", "=", q.in_team)
        .where("team_members.delete_at", "=", 0);
    if (q.in_channel)
      query = query
        .innerJoin("channel_members", "channel_members.user_id", "users.id")
        .where("channel_members.channel_id", "=", q.in_channel);
    if (q.not_in_channel) {
      const channelId = q.not_in_channel;
      query = query.where(
        "users.id",
        "not in",
        host.db.selectFrom("channel_members").select("user_id").where("channel_id", "=", channelId),
      );
    }
    const rows = await query
      .orderBy("users.username")
      .limit(q.per_page)
      .offset(q.page * q.per_page)
      .execute();
    return rows.map((row) => sanitizeUser(presentUser(row), viewer));
  });

  app.post("/api/v4/users/ids", async (request) => {
    const viewer = requireUser(request);
    const ids = parse(z.array(z.string()).max(1000, "must list at most 1000 ids"), request.body);
    return (await getUsers(host, ids)).map((u) => sanitizeUser(u, viewer));
  });

  app.get<{ Params: { name: string } }>("/api/v4/users/username/:name", async (request) => {
    const viewer = requireUser(request);
    const user = await getUserByUsername(host, request.params.name);
    if (!user) throw notFound("user", `no user named "${request.params.name}"`);
    return sanitizeUser(user, viewer);
  });

  app.get<{ Params: { id: string } }>("/api/v4/users/:id", async (request) => {
    const viewer = requireUser(request);
    const id = request.params.id === "me" ? viewer.id : request.params.id;
    const user = await getUser(host, id);
    if (!user) throw notFound("user", "user not found");
    return sanitizeUser(user, viewer);
  });

  app.put<{ Params: { id: string } }>("/api/v4/users/:id/roles", async (request) => {
    requireAdmin(request);
    const { roles } = parse(z.object({ roles: z.string().min(1, "is required") }), request.body);
    await rolesUpdater(host, { userId: request.params.id, roles });
    return { status: "OK" };
  });

  app.delete<{ Params: { id: string } }>("/api/v4/users/:id", async (request) => {
    const viewer = requireUser(request);
    if (viewer.id !== request.params.id && !isSystemAdmin(viewer)) throw forbidden("Only system admins may deactivate other users.");
    await userDeactivator(host, { userId: request.params.id });
    return { status: "OK" };
  });

  app.post<{ Params: { id: string } }>("/api/v4/users/:id/tokens", async (request, reply) => {
    const viewer = requireUser(request);
    if (viewer.id !== request.params.id && !isSystemAdmin(viewer)) throw forbidden("You may create tokens only for yourself.");
    const { description } = parse(z.object({ description: z.string().min(1, "is required").max(255) }), request.body);
    const user = await getUser(host, request.params.id);
    if (!user || user.delete_at) throw notFound("user", "user not found");
    return reply.status(201).send(await accessTokenCreator(host, { userId: user.id, description }));
  });
}
